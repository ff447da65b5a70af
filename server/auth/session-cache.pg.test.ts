import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Channel } from '../../db/queries/channels.ts';
import type { RunningApp } from '../app.ts';
import { createTestClient, refusal, startSecondProcess, startTestApp, type TestApp, type TestClient } from '../../test/helpers/app.ts';
import { makeChannel, waitingConversation } from '../../test/helpers/conversations.ts';
import { demoIds } from '../../test/helpers/orgs.ts';
import { SessionCache, sessionCacheOf, type SessionEntry } from './session-cache.ts';

/**
 * The session cache of each process (server/auth/session-cache.ts) against changes made in
 * another process: A changes, B must refuse at once. "At once" is the moment B has heard the
 * notification of A's COMMIT; the tests wait for that moment by polling B's cache (a bounded
 * loop on a condition, never a fixed wait), then make B's next request.
 */
let a: TestApp;
let b: RunningApp;
let ids: Awaited<ReturnType<typeof demoIds>>;
let channel: Channel;
let phone = 5511970000000;

beforeAll(async () => {
  a = await startTestApp();
  b = await startSecondProcess(a);
  ids = await demoIds(a.db.sql);
  channel = await makeChannel(a.db.sql, ids);
});
afterAll(async () => {
  await b?.close();
  await a?.stop();
});

const cacheOf = (app: RunningApp) => sessionCacheOf(app.services.sql);
const sessionIdOf = (client: TestClient) => client.token!.split('.')[0]!;

/** Polls `condition` every 10 ms, for 10 s at most. */
async function until(what: string, condition: () => boolean): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    if (condition()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`still not ${what} after 10 s`);
}

/** Signs in on `app` and makes sure the session sits in that process's cache. */
async function cachedClient(app: RunningApp, email: string): Promise<TestClient> {
  const client = createTestClient(app.url, { 'accept-language': 'en' });
  await client.auth.login.mutate({ email, password: 'atende-demo' });
  await client.auth.me.query();
  await until('listening', () => cacheOf(app).active);
  await client.auth.me.query();
  expect(cacheOf(app).has(sessionIdOf(client))).toBe(true);
  return client;
}

describe('session cache across processes', () => {
  it('removed from a team on A: B refuses her next claim in that queue', async () => {
    const ana = await cachedClient(b, 'ana@demo.test');
    const admin = await a.login('admin@demo.test');
    const first = await waitingConversation(a, channel, String(phone++));
    const second = await waitingConversation(a, channel, String(phone++));
    // Served from the cache: her teams are known to B.
    expect(await ana.conversations.claim.mutate({ conversationId: first.id })).toMatchObject({
      status: 'active',
      assignee: { id: ids.users['ana@demo.test'] },
    });
    expect(cacheOf(b).has(sessionIdOf(ana))).toBe(true);

    await admin.admin.users.update.mutate({ userId: ids.users['ana@demo.test']!, teamIds: [] });
    await until('forgotten on B', () => !cacheOf(b).has(sessionIdOf(ana)));
    expect((await refusal(ana.conversations.claim.mutate({ conversationId: second.id }))).code).toBe('NOT_FOUND');
    expect((await a.db.sql`SELECT status FROM conversations WHERE id = ${second.id}`)[0]!.status).toBe('waiting');

    await admin.admin.users.update.mutate({ userId: ids.users['ana@demo.test']!, teamIds: [ids.teams.Support!] });
    await until('forgotten on B', () => !cacheOf(b).has(sessionIdOf(ana)));
    expect(await ana.conversations.claim.mutate({ conversationId: second.id })).toMatchObject({ status: 'active' });
  });

  it('deactivated on A: B refuses her next request', async () => {
    const bruno = await cachedClient(b, 'bruno@demo.test');
    const admin = await a.login('admin@demo.test');
    await admin.admin.users.deactivate.mutate({ userId: ids.users['bruno@demo.test']! });
    await until('forgotten on B', () => !cacheOf(b).has(sessionIdOf(bruno)));
    expect((await refusal(bruno.auth.me.query())).code).toBe('UNAUTHORIZED');
  });

  it('signed out on A: the same session is refused on B', async () => {
    const onA = await cachedClient(a, 'carla@demo.test');
    const onB = createTestClient(b.url, { 'accept-language': 'en' });
    onB.cookie = onA.cookie;
    await onB.auth.me.query();
    await until('listening', () => cacheOf(b).active);
    await onB.auth.me.query();
    const sessionId = sessionIdOf(onA);
    expect(cacheOf(b).has(sessionId)).toBe(true);

    await onA.auth.logout.mutate();
    await until('forgotten on B', () => !cacheOf(b).has(sessionId));
    expect((await refusal(onB.auth.me.query())).code).toBe('UNAUTHORIZED');
  });

  it("an organization's settings changed on A: B reads them again", async () => {
    const admin = await cachedClient(b, 'admin@demo.test');
    await a.db.sql`UPDATE organizations SET brand_color = '#123456' WHERE id = ${ids.orgId}`;
    await until('forgotten on B', () => !cacheOf(b).has(sessionIdOf(admin)));
    expect((await admin.auth.me.query()).organization.brandColor).toBe('#123456');
  });

  it("A's own change is in effect on A when it answers, before any notification", async () => {
    const ana = await cachedClient(a, 'ana@demo.test');
    const admin = await a.login('admin@demo.test');
    // A's notifications held back (as when they arrive a moment after the answer), replayed after.
    const cache = cacheOf(a);
    const held: string[] = [];
    const hear = cache.onNotify.bind(cache);
    cache.onNotify = (payload: string) => void held.push(payload);
    try {
      await admin.admin.org.update.mutate({ requiredContactFields: ['cpf'] });
      expect(cache.has(sessionIdOf(ana))).toBe(false);
      const e = await refusal(ana.contacts.create.mutate({ name: 'Sem CPF', whatsapp: '5511970099999' }));
      expect(e.data.reason).toBe('contact.missingFields');
    } finally {
      cache.onNotify = hear;
      for (const payload of held) hear(payload);
      await admin.admin.org.update.mutate({ requiredContactFields: [] });
    }
  });

  it('B lost its LISTEN connection: it drops every entry, notifications or not', async () => {
    const admin = await cachedClient(b, 'admin@demo.test');
    const heard = cacheOf(b).notifications;
    // Every process's LISTEN connection goes; each comes back and starts from an empty cache.
    await a.db.sql`SELECT pg_terminate_backend(pid) FROM pg_stat_activity
      WHERE datname = current_database() AND pid <> pg_backend_pid() AND query ILIKE 'listen %'`;
    await until('emptied on B', () => !cacheOf(b).has(sessionIdOf(admin)));
    expect(cacheOf(b).notifications).toBe(heard);
    await until('listening again', () => cacheOf(b).active);
    expect((await admin.auth.me.query()).user.email).toBe('admin@demo.test');
  });
});

describe('SessionCache', () => {
  const entry = (sessionId: string, userId = 'u1', orgId = 'o1'): SessionEntry =>
    ({
      session: { id: sessionId, orgId, userId, secretHash: new Uint8Array(), createdAt: new Date(), lastVerifiedAt: new Date() },
      user: {},
      organization: {},
      teamIds: [],
    }) as unknown as SessionEntry;

  it('keeps nothing a notification overtook, expires entries, and evicts the least recently used', async () => {
    const cache = new SessionCache(a.db.sql, { max: 2, ttlMs: 1000 });
    cache.set('s0', entry('s0'), cache.mark());
    expect(cache.has('s0')).toBe(false); // not listening yet: nothing kept
    await cache.start();
    await until('listening', () => cache.active);

    const mark = cache.mark();
    cache.onNotify('u:someone-else');
    cache.set('s1', entry('s1'), mark);
    expect(cache.has('s1')).toBe(false); // loaded before an invalidation: served, not kept

    cache.set('s1', entry('s1'), cache.mark(), 0);
    cache.set('s2', entry('s2', 'u2'), cache.mark(), 0);
    expect(cache.get('s1', 10)).toBeDefined(); // s1 used last: s2 goes first
    cache.set('s3', entry('s3', 'u3', 'o3'), cache.mark(), 0);
    expect([cache.has('s1'), cache.has('s2'), cache.has('s3')]).toEqual([true, false, true]);
    expect(cache.get('s1', 1000)).toBeUndefined(); // past the TTL

    cache.set('s4', entry('s4', 'u4', 'o4'), cache.mark(), 0);
    cache.onNotify('o:o3,u:u4');
    expect([cache.has('s3'), cache.has('s4')]).toEqual([false, false]);
    cache.set('s5', entry('s5'), cache.mark(), 0);
    cache.onNotify('*');
    expect(cache.size).toBe(0);
    await cache.stop();
  });
});
