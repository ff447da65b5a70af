import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { runner } from 'node-pg-migrate';

/**
 * One forward-only migration set per part of the app, applied in this order. A later
 * issue adds its folder here; each set keeps its own history table.
 */
export const MIGRATION_SETS = [
  'foundation',
  'conversations',
  'channels',
  'sync',
  'floor',
  'storage',
  'reports',
  'history',
  'search',
  'twofactor',
  'privacy',
  'push',
  'api',
  'webhooks',
] as const;

const here = path.dirname(fileURLToPath(import.meta.url));

export async function migrate(databaseUrl: string, log: (msg: string) => void = () => {}): Promise<void> {
  for (const set of MIGRATION_SETS) {
    const applied = await runner({
      databaseUrl,
      dir: path.join(here, 'migrations', set),
      migrationsTable: `migrations_${set}`,
      direction: 'up',
      count: Infinity,
      checkOrder: true,
      singleTransaction: true,
      log: () => {},
      logger: { debug: () => {}, info: () => {}, warn: (m: string) => log(m), error: (m: string) => log(m) },
    });
    for (const m of applied) log(`migration ${set}/${m.name} applied`);
  }
}
