import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ALL_CPUS, childrenOf, cpusAllowed, hasTaskset, pin, startServerProcess, type ServerProcess } from '../sync/processes.ts';
import { benchDatabase } from './cleanup.ts';
import { postmasterPid } from './routing-run.ts';

/**
 * A bench's embedded PostgreSQL pinned to core 0 (where the server under test goes too) and
 * this process, the load generator, to core 1 — or nothing pinned when `taskset` is missing
 * or there is a single core (`pinned` says which). `dbPids` lists PostgreSQL's processes now.
 */
export async function pinnedBenchDatabase(name: string, what: string) {
  const pinned = hasTaskset() && os.cpus().length >= 2;
  const { dir, db, cleanup } = await benchDatabase(name, what);
  try {
    const postmaster = postmasterPid(path.join(dir, 'pg'));
    const dbPids = () => [postmaster, ...childrenOf(postmaster)];
    if (pinned) {
      // Backends fork from the postmaster and inherit its core.
      for (const pid of dbPids()) pin(pid, '0');
      pin(process.pid, '1');
      cleanup.add(() => pin(process.pid, ALL_CPUS));
    }
    return { dir, db, cleanup, pinned, postmaster, dbPids };
  } catch (err) {
    await cleanup.run();
    throw err;
  }
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * The whole app (bench/sync/app-server.ts, the demo organization) in a process of its own on
 * `bench`'s database, pinned to core 0 with PostgreSQL when the bench is pinned; `appEnv` adds
 * settings. Prints where everything runs; `generator` says what this process runs.
 */
export async function startPinnedApp(
  bench: Awaited<ReturnType<typeof pinnedBenchDatabase>>,
  appEnv: Record<string, string>,
  generator: string,
): Promise<ServerProcess> {
  const app = await startServerProcess({
    name: 'Atende',
    // BENCH_APP_CPU_PROF=<dir>: the app's CPU profile goes there (where its time goes; not for numbers).
    nodeArgs: [
      ...(process.env.BENCH_APP_CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_APP_CPU_PROF] : []),
      '--import',
      'tsx',
      path.join(root, 'bench', 'sync', 'app-server.ts'),
    ],
    env: { DATABASE_URL: bench.db.url, BENCH_DATA_DIR: path.join(bench.dir, 'app'), BENCH_APP_ENV: JSON.stringify(appEnv) },
    cpu: bench.pinned ? '0' : null,
    cwd: root,
  });
  bench.cleanup.add(() => app.stop());
  const cpu = os.cpus()[0]?.model.trim() ?? 'unknown CPU';
  const affinity = (pid: number) => cpusAllowed(pid) ?? '?';
  console.log(
    `Node ${process.version}, ${os.cpus().length} × ${cpu}; embedded PostgreSQL. ` +
      (bench.pinned
        ? `The app in its own process pinned to core ${affinity(app.pid)} with PostgreSQL (${affinity(bench.postmaster)}); ${generator} in this process, on core ${affinity(process.pid)}.\n`
        : `NOT PINNED (taskset missing or a single core): the app, PostgreSQL and ${generator} share every core.\n`),
  );
  return app;
}
