/**
 * Profiles one side of the sync bench in one scenario (not part of `npm run bench`):
 *
 *   npx tsx bench/sync/profile.ts <scenario|idle|cold> [ours|reference] [--cpu-prof]
 *
 * Starts PostgreSQL and the server (pinned as the bench pins them), runs the scenario, prints
 * its numbers and, with --cpu-prof, leaves the server's CPU profile in /tmp/atende-sync-prof.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSql } from '../../db/sql.ts';
import { pinnedBenchDatabase } from '../lib/pinned-database.ts';
import { commitSnapshot, commitsBetween } from './commits.ts';
import { buildDocument, idleMemory, timeLoads, writeDocuments } from './docs.ts';
import { createFixtures, DocPool } from './fixtures.ts';
import { startServerProcess } from './processes.ts';
import { runScenario, type Target } from './scenario.ts';
import { COLD, SCENARIOS, SEED, TIMING } from './scenarios.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const [which = 'many docs', side = 'ours'] = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const profile = process.argv.includes('--cpu-prof');
const { dir, db, cleanup, pinned, dbPids } = await pinnedBenchDatabase('sync-prof', 'the profile run');
try {
  const prof = profile ? ['--cpu-prof', '--cpu-prof-dir', '/tmp/atende-sync-prof'] : [];
  const start = () =>
    side === 'ours'
      ? startServerProcess({
          name: 'Atende',
          nodeArgs: [...prof, '--expose-gc', '--import', 'tsx', path.join(root, 'bench', 'sync', 'app-server.ts')],
          env: { DATABASE_URL: db.url, BENCH_DATA_DIR: path.join(dir, 'app') },
          cpu: pinned ? '0' : null,
          cwd: root,
        })
      : startServerProcess({
          name: 'reference',
          nodeArgs: [...prof, '--expose-gc', path.join(root, 'bench', 'sync', 'reference-server.mjs')],
          env: {},
          cpu: pinned ? '0' : null,
          cwd: root,
        });
  let proc = await start();
  cleanup.add(() => proc.stop());
  const sql = createSql(db.url, { max: 2 });
  cleanup.add(() => sql.end({ timeout: 2 }));
  // The reference keeps nothing and checks nobody: any names do (the demo organization exists only with ours).
  const fixtures =
    side === 'ours'
      ? await createFixtures(sql, proc.url, 200, 1200)
      : { cookies: [], contactIds: Array.from({ length: 1200 }, () => crypto.randomUUID()) };
  const pool = new DocPool(fixtures.contactIds);
  const ws = () => proc.url.replace(/^http/, 'ws');
  const target: Target =
    side === 'ours'
      ? {
          name: 'ours',
          url: (doc) => `${ws()}/sync/${doc}`,
          headers: (i) => ({ cookie: fixtures.cookies[i % fixtures.cookies.length]! }),
          get pid() {
            return proc.pid;
          },
          helperPids: dbPids,
        }
      : { name: 'reference', url: (doc) => `${ws()}/${doc}`, headers: () => ({}), pid: proc.pid, helperPids: () => [] };
  if (which === 'cold') {
    // The bench's first sync: a ~160 KB document written by 8 peers, then loaded by one peer at a
    // time (ours: each load a document this process does not hold; the reference: one held in memory).
    const content = buildDocument(COLD.bytes, SEED);
    const loads = COLD.warmUp + COLD.loads;
    const docs = side === 'ours' ? pool.take(loads) : Array<string>(loads).fill(pool.take(1)[0]!);
    await writeDocuments(target, side === 'ours' ? docs : docs.slice(0, 1), content, side === 'ours' ? 8 : 1, side === 'ours' ? 20 : 0);
    if (side === 'ours') {
      await proc.stop();
      proc = await start();
    }
    const r = await timeLoads(target, docs, content.text, COLD.warmUp);
    console.log(JSON.stringify({ p50: r.p50, p99: r.p99, syncedMs: r.syncedMs.map((x) => Math.round(x * 10) / 10) }));
  } else if (which === 'idle') {
    const r = await idleMemory(target, proc, pool.take(10), pool.take(500), 10, 64);
    console.log(JSON.stringify(r));
  } else {
    const scenario = SCENARIOS.find((s) => s.name === which);
    if (!scenario) throw new Error(`no scenario ${which}`);
    const before = side === 'ours' ? await commitSnapshot(proc.url) : null;
    const r = await runScenario(target, scenario, pool.take(scenario.docs), TIMING, 1);
    const { latenciesMs: _, ...rest } = r;
    console.log(JSON.stringify(rest, null, 1));
    if (before) console.log('durable group commits:', JSON.stringify(commitsBetween(before, await commitSnapshot(proc.url))));
  }
} finally {
  await cleanup.run();
}
process.exit(0);
