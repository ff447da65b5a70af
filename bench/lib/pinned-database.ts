import os from 'node:os';
import path from 'node:path';
import { ALL_CPUS, childrenOf, hasTaskset, pin } from '../sync/processes.ts';
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
