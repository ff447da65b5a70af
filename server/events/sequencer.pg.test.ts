import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allEventsAfter, queueEvents } from '../../db/queries/events.ts';
import { createSql, runTx, type Sql } from '../../db/sql.ts';
import { createTestDatabase, type TestDatabase } from '../../test/helpers/db.ts';
import { waitFor } from '../../test/helpers/orgs.ts';
import { createLogger } from '../log.ts';
import { EventBus, type StoredEvent } from './bus.ts';

/**
 * The sequencer (docs/architecture.md "Events"): writers of one organization commit in
 * parallel, from two processes (two pools, two buses), and still every reader that follows
 * "events after the last id I saw" — at any moment, as a resuming stream does — sees every
 * event exactly once, in an order that keeps each transaction's events in the order written.
 */

let db: TestDatabase;
let orgId: string;
const pools: Sql[] = [];
const buses: EventBus[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  orgId = (await db.sql`SELECT id FROM organizations ORDER BY created_at LIMIT 1`)[0]!.id as string;
  for (let i = 0; i < 2; i++) {
    const sql = createSql(db.url, { max: 8 });
    const bus = new EventBus(sql, createLogger('silent'));
    await bus.start();
    pools.push(sql);
    buses.push(bus);
  }
});

afterAll(async () => {
  for (const bus of buses) await bus.stop();
  for (const sql of pools) await sql.end();
  await db?.drop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('events numbered after commit', () => {
  it('concurrent writers from two processes: every follower sees every event once, the events of each transaction in order', async () => {
    const start = (await db.sql`SELECT coalesce(max(id), 0)::text AS id FROM events`)[0]!.id as string;
    const received: StoredEvent[][] = [[], []];
    const unsubscribe = buses.map((bus, i) => bus.subscribe((e) => received[i]!.push(e)));
    // A follower polling "after the last id I saw" while the writers run, as a stream resuming
    // over and over would: it must never step over an event that commits later.
    let writing = true;
    const followed: string[] = [];
    const follower = (async () => {
      let cursor = start;
      for (;;) {
        const done = !writing;
        const rows = await allEventsAfter(db.sql, cursor, 50);
        for (const r of rows) followed.push(r.id);
        if (rows.length > 0) cursor = rows.at(-1)!.id;
        else if (done) break;
        await sleep(1);
      }
    })();
    // 192 transactions of two events each: 8 writers per process, 12 transactions each; each
    // holds its transaction open for a random while, so commits interleave out of start order.
    const writers = buses.flatMap((bus, p) =>
      Array.from({ length: 8 }, async (_, w) => {
        for (let n = 0; n < 12; n++) {
          const k = p * 1000 + w * 100 + n;
          await runTx(pools[p]!, async (tx) => {
            await bus.publish(tx, orgId, 'user.updated', { userId: `first-${k}` });
            await sleep(Math.random() * 6);
            await bus.publish(tx, orgId, 'user.updated', { userId: `second-${k}` });
          });
        }
      }),
    );
    await Promise.all(writers);
    writing = false;
    await follower;
    const all = (
      await db.sql`SELECT id::text, data->>'userId' AS who FROM events WHERE events.id > ${start}::bigint ORDER BY events.id`
    ).map((r) => ({
      id: r.id as string,
      who: r.who as string,
    }));
    expect(all).toHaveLength(2 * 192);
    // The follower saw exactly the table, in order: nothing skipped, nothing twice.
    expect(followed).toEqual(all.map((e) => e.id));
    // Each transaction's events keep the order they were written in. (Two transactions that
    // committed before the same sequencer run may interleave: neither saw the other.)
    const at = new Map(all.map((e, i) => [e.who, i]));
    for (const e of all.filter((x) => x.who.startsWith('first-'))) {
      expect(at.get(e.who)!).toBeLessThan(at.get(e.who.replace('first-', 'second-'))!);
    }
    // Both processes' listeners got every event, once, in id order.
    for (const r of received) {
      await waitFor(async () => r.length >= all.length, 'every event on both buses');
      expect(r.map((e) => e.id)).toEqual(all.map((e) => e.id));
    }
    for (const u of unsubscribe) u();
    expect((await db.sql`SELECT count(*)::int AS n FROM pending_events`)[0]!.n).toBe(0);
  });

  it('a rolled-back transaction publishes nothing', async () => {
    const before = (await db.sql`SELECT count(*)::int AS n FROM events`)[0]!.n as number;
    await expect(
      runTx(pools[0]!, async (tx) => {
        await buses[0]!.publish(tx, orgId, 'user.updated', { userId: 'rolled-back' });
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    await buses[0]!.sequence();
    expect((await db.sql`SELECT count(*)::int AS n FROM events`)[0]!.n).toBe(before);
    expect((await db.sql`SELECT count(*)::int AS n FROM events WHERE data->>'userId' = 'rolled-back'`)[0]!.n).toBe(0);
  });

  it('events a writer committed but never numbered (it died) are numbered by the sweep of any process', async () => {
    // As a process that committed and died before its sequencer run would leave them.
    await queueEvents(db.sql, [{ orgId, type: 'user.updated', data: { userId: 'orphan' } }]);
    const seen = new Promise<StoredEvent>((resolve) => {
      const off = buses[1]!.subscribe((e) => {
        if (e.type === 'user.updated' && e.data.userId === 'orphan') {
          off();
          resolve(e);
        }
      });
    });
    const event = await seen;
    expect(event.orgId).toBe(orgId);
    expect((await db.sql`SELECT count(*)::int AS n FROM pending_events`)[0]!.n).toBe(0);
  });

  it('an event of an organization deleted meanwhile is dropped, not blocking the others', async () => {
    const [other] = await db.sql`INSERT INTO organizations (name) VALUES ('Gone soon') RETURNING id`;
    await queueEvents(db.sql, [
      { orgId: other!.id as string, type: 'user.updated', data: { userId: 'of-a-gone-org' } },
      { orgId, type: 'user.updated', data: { userId: 'still-here' } },
    ]);
    await db.sql`DELETE FROM organizations WHERE id = ${other!.id as string}`;
    await buses[0]!.sequence();
    expect(
      (await db.sql`SELECT data->>'userId' AS who FROM events WHERE data->>'userId' IN ('of-a-gone-org', 'still-here')`).map((r) => r.who),
    ).toEqual(['still-here']);
  });
});
