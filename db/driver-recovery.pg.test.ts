import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../test/helpers/db.ts';

/**
 * postgres.js 3.4.9 lost queries when PostgreSQL ended its connections under load (a failover,
 * an admin's pg_terminate_backend, a restart): a query handed to a connection between its
 * socket error and its close never settled, the next backend got the old one's FATAL error,
 * and a deferred write could run on a closed socket (an uncaught TypeError that ends the
 * process). patches/postgres+3.4.9.patch fixes the driver (porsager/postgres#1142, #1154,
 * #1208, #1215); this holds it: every query settles, and the pool works afterwards.
 */
let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.drop();
});

/** Resolves with what the query did, or 'pending' if it has not settled in `ms` (a hang, not a slow query). */
function settled(query: Promise<unknown>, ms: number): Promise<'ok' | 'failed' | 'pending'> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    query.then(
      () => 'ok' as const,
      () => 'failed' as const,
    ),
    new Promise<'pending'>((resolve) => {
      timer = setTimeout(() => resolve('pending'), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

describe('the database driver when PostgreSQL ends its connections', () => {
  it('settles every query and keeps working, over many terminations under load', async () => {
    const uncaught: unknown[] = [];
    const onUncaught = (err: unknown) => uncaught.push(err);
    process.on('uncaughtException', onUncaught);
    const app = `victim_${Math.random().toString(36).slice(2, 8)}`;
    const sql = postgres(db.url, { max: 4, onnotice: () => {}, connection: { application_name: app }, backoff: () => 0.01 });
    const admin = postgres(db.url, { max: 1, onnotice: () => {} });
    try {
      // Unpatched, a query stayed pending within ~30 rounds on this machine, idle or loaded.
      for (let round = 0; round < 120; round++) {
        const burst = Array.from({ length: 16 }, (_, k) => settled(sql`SELECT ${k}::int AS k`, 20_000));
        const kill = admin`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = ${app}`;
        const outcomes = await Promise.all(burst);
        await kill;
        expect(
          outcomes.filter((o) => o === 'pending'),
          `round ${round}: ${outcomes.join(',')}`,
        ).toEqual([]);
        // After the terminations the pool answers again (on new backends).
        const after = await Promise.all(Array.from({ length: 8 }, () => settled(sql`SELECT 1`, 20_000)));
        expect(
          after.filter((o) => o === 'pending'),
          `round ${round} after: ${after.join(',')}`,
        ).toEqual([]);
      }
      const [row] = await sql`SELECT 42::int AS answer`;
      expect(row!.answer).toBe(42);
      expect(uncaught).toEqual([]);
    } finally {
      process.off('uncaughtException', onUncaught);
      await sql.end({ timeout: 1 });
      await admin.end({ timeout: 1 });
    }
  }, 240_000);
});
