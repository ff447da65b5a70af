import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BenchFile } from './lib/report.ts';

/**
 * Runs every `*.bench.ts` in this folder in turn (`npm run bench`), or only those whose
 * name contains one of the arguments (`npm run bench -- foundation`).
 */
const dir = path.dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const files = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts') && (only.length === 0 || only.some((o) => f.includes(o))))
  .sort();
if (files.length === 0) {
  console.error(`No benchmark in ${dir} matches ${only.join(', ') || '*.bench.ts'}.`);
  process.exit(1);
}

let failed = false;
for (const file of files) {
  const bench = ((await import(pathToFileURL(path.join(dir, file)).href)) as { default: BenchFile }).default;
  console.log(`## ${bench.title} (${file})\n`);
  const start = performance.now();
  try {
    await bench.run();
    console.log(`(${file}: ${((performance.now() - start) / 1000).toFixed(1)} s)\n`);
  } catch (err) {
    failed = true;
    console.error(`${file} failed:`, err);
  }
}
// Keep-alive sockets of the load generator must not hold the process open after the last bench.
process.exit(failed ? 1 : 0);
