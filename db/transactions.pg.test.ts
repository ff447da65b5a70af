import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../test/helpers/db.ts';
import { afterCommit, beforeCommit, createSql, runTx, type Sql } from './sql.ts';

/**
 * runTx saves round trips: BEGIN goes out with the transaction's first statements
 * (patches/postgres+3.4.9.patch) and the events INSERT (a `withCommit` hook) with COMMIT.
 * Neither may change what a transaction means: every statement runs inside it, a failure of
 * the statement sent with COMMIT leaves nothing behind and fails the call, and connections
 * ended mid-transaction settle every call with all of its writes or none.
 */
let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
  await db.sql`CREATE TABLE tx_probe (run int NOT NULL, step text NOT NULL, tx xid8 NOT NULL DEFAULT pg_current_xact_id(), UNIQUE (run, step))`;
});
afterAll(async () => {
  await db?.drop();
});

let runs = 0;

const rowsOf = async (sql: Sql, run: number) =>
  (await sql`SELECT step, tx::text FROM tx_probe WHERE run = ${run} ORDER BY step`).map((r) => ({ ...r }));

describe('runTx with BEGIN and the last statement pipelined', () => {
  it('runs the first statement, the rest and the one sent with COMMIT in one transaction', async () => {
    const run = ++runs;
    const seen: string[] = [];
    await runTx(db.sql, async (tx) => {
      await tx`INSERT INTO tx_probe (run, step) VALUES (${run}, 'a')`;
      await tx`INSERT INTO tx_probe (run, step) VALUES (${run}, 'b')`;
      beforeCommit(tx, async () => void (await tx`INSERT INTO tx_probe (run, step) VALUES (${run}, 'c')`), { withCommit: true });
      afterCommit(tx, async () => void seen.push('after'));
    });
    const rows = await rowsOf(db.sql, run);
    expect(rows.map((r) => r.step)).toEqual(['a', 'b', 'c']);
    expect(new Set(rows.map((r) => r.tx)).size).toBe(1);
    expect(seen).toEqual(['after']);
  });

  it('a failing statement sent with COMMIT rolls everything back and fails the call; no after-commit hook runs', async () => {
    const run = ++runs;
    await db.sql`INSERT INTO tx_probe (run, step) VALUES (${run}, 'c')`;
    const seen: string[] = [];
    const outcome = runTx(db.sql, async (tx) => {
      await tx`INSERT INTO tx_probe (run, step) VALUES (${run}, 'a')`;
      // A duplicate (run, 'c'): refused by the unique index, after COMMIT was already on its way.
      beforeCommit(tx, async () => void (await tx`INSERT INTO tx_probe (run, step) VALUES (${run}, 'c')`), { withCommit: true });
      afterCommit(tx, async () => void seen.push('after'));
      return 'done';
    });
    await expect(outcome).rejects.toMatchObject({ code: '23505' });
    expect((await rowsOf(db.sql, run)).map((r) => r.step)).toEqual(['c']);
    expect(seen).toEqual([]);
    // The connection is clean for the next transaction.
    await runTx(db.sql, async (tx) => void (await tx`INSERT INTO tx_probe (run, step) VALUES (${run}, 'd')`));
    expect((await rowsOf(db.sql, run)).map((r) => r.step)).toEqual(['c', 'd']);
  });

  it('a failure in the body rolls back the statements pipelined behind BEGIN', async () => {
    const run = ++runs;
    const outcome = runTx(db.sql, async (tx) => {
      const first = tx`INSERT INTO tx_probe (run, step) VALUES (${run}, 'a')`;
      const second = tx`SELECT 1 / 0`;
      await Promise.all([first, second]);
    });
    await expect(outcome).rejects.toMatchObject({ code: '22012' });
    expect(await rowsOf(db.sql, run)).toEqual([]);
  });

  it('with a pool smaller than the callers, every transaction keeps its statements together', async () => {
    const sql = createSql(db.url, { max: 2 });
    try {
      const first = runs + 1;
      runs += 40;
      await Promise.all(
        Array.from({ length: 40 }, (_, k) =>
          runTx(sql, async (tx) => {
            await tx`INSERT INTO tx_probe (run, step) VALUES (${first + k}, 'a')`;
            beforeCommit(tx, async () => void (await tx`INSERT INTO tx_probe (run, step) VALUES (${first + k}, 'b')`), {
              withCommit: true,
            });
          }),
        ),
      );
      const rows = await sql`SELECT run, count(*)::int AS n, count(DISTINCT tx)::int AS txs FROM tx_probe
        WHERE run BETWEEN ${first} AND ${first + 39} GROUP BY run`;
      expect(rows.length).toBe(40);
      expect(rows.every((r) => r.n === 2 && r.txs === 1)).toBe(true);
    } finally {
      await sql.end({ timeout: 2 });
    }
  });

  it('connections ended mid-transaction: every call settles, with all of its writes or none', async () => {
    const app = `tx_victim_${Math.random().toString(36).slice(2, 8)}`;
    const sql = postgres(db.url, {
      max: 4,
      onnotice: () => {},
      connection: { application_name: app },
      backoff: () => 0.01,
    }) as unknown as Sql;
    const admin = postgres(db.url, { max: 1, onnotice: () => {} });
    try {
      const outcomes: Array<{ run: number; ok: boolean }> = [];
      for (let round = 0; round < 40; round++) {
        const first = runs + 1;
        runs += 12;
        const burst = Array.from({ length: 12 }, (_, k) =>
          runTx(sql, async (tx) => {
            await tx`INSERT INTO tx_probe (run, step) VALUES (${first + k}, 'a')`;
            await tx`INSERT INTO tx_probe (run, step) VALUES (${first + k}, 'b')`;
            beforeCommit(tx, async () => void (await tx`INSERT INTO tx_probe (run, step) VALUES (${first + k}, 'c')`), {
              withCommit: true,
            });
          }).then(
            () => ({ run: first + k, ok: true }),
            () => ({ run: first + k, ok: false }),
          ),
        );
        const kill = admin`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = ${app}`;
        outcomes.push(...(await Promise.all(burst)));
        await kill;
      }
      const counts = new Map(
        (await db.sql`SELECT run, count(*)::int AS n FROM tx_probe WHERE run = ANY(${outcomes.map((o) => o.run)}::int[]) GROUP BY run`).map(
          (r) => [r.run as number, r.n as number],
        ),
      );
      // A call that succeeded committed all three rows; one that failed, none (or, if the
      // connection died after COMMIT reached the server, all three: never a part).
      for (const o of outcomes) {
        const n = counts.get(o.run) ?? 0;
        if (o.ok) expect(n, `run ${o.run}`).toBe(3);
        else expect([0, 3], `run ${o.run}`).toContain(n);
      }
      expect(outcomes.some((o) => o.ok)).toBe(true);
      // Connections idle when the last kill came fail their next use (as plain queries do,
      // db/driver-recovery.pg.test.ts); then the pool works on new backends.
      await Promise.allSettled(Array.from({ length: 8 }, () => sql`SELECT 1`));
      const [row] = await runTx(sql, (tx) => tx`SELECT 42::int AS answer`);
      expect(row!.answer).toBe(42);
    } finally {
      await sql.end({ timeout: 1 });
      await admin.end({ timeout: 1 });
    }
  }, 120_000);
});
