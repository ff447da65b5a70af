import fs from 'node:fs';
import path from 'node:path';
import { ensureClientBuilt } from '../test/helpers/client-build.ts';
import { markdownTable as table, type BenchFile } from './lib/report.ts';
import { BUDGET_KIB, DIST, firstLoad, gz } from './lib/bundle.ts';

/**
 * Bundle sizes per entry (gzip, as the server sends them): what the first load of each
 * page pulls (the entry chunk and everything it imports statically) against the 150 KiB
 * budget of issue 6, and the largest lazy chunks (editor, screens) for scale.
 */

const kib = (bytes: number) => (bytes / 1024).toFixed(1);

const bench: BenchFile = {
  title: 'Client bundle sizes (gzip level 9, as served)',
  async run() {
    await ensureClientBuilt();
    const entries = [
      { name: 'agent workspace (/)', html: path.join(DIST, 'index.html') },
      { name: 'web chat widget (/widget)', html: path.join(DIST, 'widget', 'index.html') },
    ];
    const rows = entries.map((e) => {
      const { js, css } = firstLoad(e.html);
      const jsBytes = js.reduce((sum, f) => sum + gz(f), 0);
      const cssBytes = css.reduce((sum, f) => sum + gz(f), 0);
      return [e.name, String(js.length), kib(jsBytes), kib(cssBytes), `${(jsBytes / 1024 / BUDGET_KIB).toFixed(2)}×`];
    });
    console.log('### First load per entry\n');
    console.log(table(['entry', 'JS files', 'JS KiB gz', 'CSS KiB gz', `ratio vs ${BUDGET_KIB} KiB budget`], rows));
    console.log(`\nratio = first-load JS ÷ the ${BUDGET_KIB} KiB budget (at most 1.00 passes).\n`);

    const assets = path.join(DIST, 'assets');
    const chunks = fs
      .readdirSync(assets)
      .filter((f) => f.endsWith('.js'))
      .map((f) => ({ f, size: gz(path.join(assets, f)) }))
      .sort((a, b) => b.size - a.size);
    const total = chunks.reduce((s, c) => s + c.size, 0);
    console.log('### Largest chunks (lazy ones load on demand)\n');
    console.log(
      table(
        ['chunk', 'KiB gz', 'share of all JS'],
        chunks.slice(0, 12).map((c) => [c.f, kib(c.size), `${((c.size / total) * 100).toFixed(1)} %`]),
      ),
    );
    console.log(`\nall JS: ${chunks.length} chunks, ${kib(total)} KiB gz.\n`);
  },
};
export default bench;
