import type * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addNoteEntry, deleteNoteEntry, noteBody, noteEntries, restoreNoteEntry } from '../../sync/shared/schemas.ts';
import { startTestApp, type TestApp } from '../../test/helpers/app.ts';
import { demoIds, waitFor } from '../../test/helpers/orgs.ts';
import { connectDoc } from '../../test/helpers/sync.ts';
import { mulberry32 } from '../../test/helpers/prng.ts';
import { makeContact } from '../../test/helpers/factories.ts';

/**
 * Convergence under seeded random edits (tldraw's sync fuzz): four agents co-edit one
 * contact's notes through the real server with the stock client, insert and delete text,
 * add, delete and restore entries, drop off the network and keep editing offline, come
 * back. At the end every replica, and a client loading the document fresh from PostgreSQL,
 * must hold the same notes.
 *
 * It catches lost updates. Checked by breaking the server on purpose (never committed):
 * skipping the store of one batch in 25 (room.ts flush: `if (++n % 25 !== 0)` before
 * `store.append`, still applying and fanning it out) fails every seed at the fresh load
 * from PostgreSQL — the replicas agree, the stored document misses edits; skipping the
 * fan-out of one batch in 25 instead fails every seed at the replicas' comparison. The
 * last, all-online stretch is what makes the second one show: a reconnect resyncs a
 * replica and would hide a missed broadcast. A seed that once failed stays in SEEDS.
 */
const SEEDS = [0x5eed01, 0x5eed02, 0x5eed03];
// A longer hunt: FUZZ_EXTRA_SEEDS=200 npx vitest run server/sync/convergence.pg.test.ts
for (let i = 0; i < Number(process.env.FUZZ_EXTRA_SEEDS ?? 0); i++) SEEDS.push(0x5eed100 + i);
const STEPS = 140;

let app: TestApp;
let ids: Awaited<ReturnType<typeof demoIds>>;
const people = ['ana', 'bruno', 'carla', 'admin'] as const;
const cookies: Record<string, string> = {};

beforeAll(async () => {
  app = await startTestApp({}, { sync: { idleUnloadMs: 200 } });
  ids = await demoIds(app.db.sql);
  for (const who of people) cookies[who] = (await app.login(`${who}@demo.test`)).cookie!;
});
afterAll(() => app?.stop());

/** The notes as plain data; map keys sorted, since a Y.Map's key order depends on arrival order. */
const snapshot = (doc: Y.Doc) =>
  JSON.stringify(
    noteEntries(doc)
      .toJSON()
      .map((e: Record<string, unknown>) => Object.fromEntries(Object.entries(e).sort(([a], [b]) => a.localeCompare(b)))),
  );
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function fuzz(seed: number) {
  const rand = mulberry32(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const c = await makeContact(app.db.sql, ids.orgId, {
    name: `Fuzz ${seed}`,
    email: `fuzz${seed}@x.test`,
    whatsapp: `55119${String(seed % 100000000).padStart(8, '0')}`,
  });
  const name = `notes:${c}`;
  const peers = people.map((who) => ({
    who,
    userId: ids.users[`${who}@demo.test`]!,
    online: true,
    ...connectDoc(app.url, name, cookies[who]!),
  }));
  await Promise.all(peers.map((p) => p.synced()));

  /** One random step; `network` lets it take a peer off the network and back. */
  const step = async (n: number, network: boolean) => {
    const p = pick(peers);
    const entries = noteEntries(p.doc);
    const r = rand();
    if (r < 0.1 || entries.length === 0) {
      addNoteEntry(p.doc, p.userId, `${p.who}${n} `);
    } else if (r < 0.5) {
      const body = noteBody(entries.get(Math.floor(rand() * entries.length)));
      body.insert(Math.floor(rand() * (body.length + 1)), pick(['a', 'bc', 'def ', ' ', `${n}`]));
    } else if (r < 0.65) {
      const body = noteBody(entries.get(Math.floor(rand() * entries.length)));
      if (body.length > 0) {
        const at = Math.floor(rand() * body.length);
        body.delete(at, Math.min(body.length - at, 1 + Math.floor(rand() * 3)));
      }
    } else if (r < 0.72) {
      const entry = entries.get(Math.floor(rand() * entries.length));
      if (entry.get('deleted')) restoreNoteEntry(entry);
      else deleteNoteEntry(entry, p.userId);
    } else if (r < 0.82 && network) {
      // Off the network and back; whatever is typed meanwhile is sent on reconnect.
      if (p.online) p.provider.disconnect();
      else p.provider.connect();
      p.online = !p.online;
    } else {
      await sleep(Math.floor(rand() * 15));
    }
    if (rand() < 0.3) await sleep(Math.floor(rand() * 4));
  };

  for (let n = 0; n < STEPS; n++) await step(n, true);
  for (const p of peers) if (!p.online) p.provider.connect();
  await Promise.all(peers.map((p) => p.synced()));
  // A last stretch with everyone online: nothing here is healed by a reconnect's resync, so
  // an update the server failed to store or to fan out shows at the end.
  for (let n = STEPS; n < STEPS + 40; n++) await step(n, false);
  let final: string;
  try {
    await waitFor(async () => peers.every((p) => snapshot(p.doc) === snapshot(peers[0]!.doc)), `seed ${seed}: replicas converge`, 15_000);
    final = snapshot(peers[0]!.doc);
    expect(noteEntries(peers[0]!.doc).length).toBeGreaterThan(0);
  } finally {
    for (const p of peers) p.destroy();
  }

  // Load it fresh from PostgreSQL: the document must be out of memory first.
  await waitFor(async () => app.sync.loadedDocs === 0, 'unloaded');
  const fresh = connectDoc(app.url, name, cookies.carla!);
  try {
    await fresh.synced();
    expect(snapshot(fresh.doc)).toBe(final);
  } finally {
    fresh.destroy();
  }
}

describe('notes converge under seeded random edits, disconnects and offline edits', () => {
  for (const seed of SEEDS) it(`seed 0x${seed.toString(16)}`, () => fuzz(seed));
});

describe('notes.activity', () => {
  it('says who changed a contact’s notes, from the server’s log rather than the document’s claims', async () => {
    const c = await makeContact(app.db.sql, ids.orgId, { name: 'Activity', email: 'act@x.test', whatsapp: '5511988887777' });
    const contactId = c;
    const ana = connectDoc(app.url, `notes:${contactId}`, cookies.ana!);
    const bruno = connectDoc(app.url, `notes:${contactId}`, cookies.bruno!);
    await Promise.all([ana.synced(), bruno.synced()]);
    addNoteEntry(ana.doc, ids.users['ana@demo.test']!, 'called, no answer');
    // Bruno's entry claims Ana as its author; the log knows better.
    addNoteEntry(bruno.doc, ids.users['ana@demo.test']!, 'wants a refund');
    await waitFor(async () => noteEntries(ana.doc).length === 2 && noteEntries(bruno.doc).length === 2, 'both entries');
    const carla = await app.login('carla@demo.test');
    const activity = await waitFor(async () => {
      const rows = await carla.notes.activity.query({ contactId });
      return rows.length === 2 && rows;
    }, 'activity');
    expect(activity.map((a) => a.userId).sort()).toEqual([ids.users['ana@demo.test'], ids.users['bruno@demo.test']].sort());
    expect(activity.every((a) => a.changes > 0 && !Number.isNaN(Date.parse(a.at)))).toBe(true);
    ana.destroy();
    bruno.destroy();
  });
});
