import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { startApp, type RunningApp } from '../app.ts';
import { parseEnv } from '../env.ts';
import { createLogger } from '../log.ts';
import { startTestApp, type TestApp } from '../../test/helpers/app.ts';
import { demoIds, waitFor } from '../../test/helpers/orgs.ts';
import { startRedis } from '../../test/helpers/redis.ts';
import { connectDoc } from '../../test/helpers/sync.ts';
import { makeContact } from '../../test/helpers/factories.ts';

let redis: Awaited<ReturnType<typeof startRedis>>;
let app: TestApp;
let second: RunningApp;

beforeAll(async () => {
  redis = await startRedis();
  app = await startTestApp({ REDIS_URL: redis.url });
  const env = parseEnv({
    PORT: '0',
    HOST: '127.0.0.1',
    DATABASE_URL: app.db.url,
    REDIS_URL: redis.url,
    ATENDE_DEMO: 'true',
    ATENDE_DATA_DIR: app.env.ATENDE_DATA_DIR,
    LOG_LEVEL: 'silent',
  });
  second = await startApp(env, createLogger('silent'), app.db.url);
});
afterAll(async () => {
  await second?.close();
  await app?.stop();
  await redis?.stop();
});

describe('several processes with Redis', () => {
  it('clients on two processes converge, each update stored once, awareness crosses', async () => {
    const ids = await demoIds(app.db.sql);
    const c = await makeContact(app.db.sql, ids.orgId, { name: 'Multi', email: 'm@x.test', whatsapp: '5511955551234' });
    const name = `notes:${c}`;
    const ana = (await app.login('ana@demo.test')).cookie!;
    const bruno = (await app.login('bruno@demo.test')).cookie!;
    const a = connectDoc(app.url, name, ana);
    const b = connectDoc(second.url, name, bruno);
    await Promise.all([a.synced(), b.synced()]);
    for (let i = 0; i < 20; i++) {
      a.doc.getArray<string>('log').push([`a${i}`]);
      b.doc.getArray<string>('log').push([`b${i}`]);
    }
    await waitFor(async () => a.doc.getArray('log').length === 40 && b.doc.getArray('log').length === 40, 'convergence across processes');
    expect(a.doc.getArray('log').toJSON()).toEqual(b.doc.getArray('log').toJSON());
    b.provider.awareness.setLocalStateField('user', { name: 'Bruno' });
    // Stamped by Bruno's process with the server's record of him, and carried so to the other.
    await waitFor(
      async () =>
        [...a.provider.awareness.getStates().values()].some(
          (s) => s.user?.name === 'Bruno Lima' && s.user?.id === ids.users['bruno@demo.test'],
        ),
      'awareness across processes',
    );
    // Only the receiving process stored each update: the stored log rebuilds exactly the document.
    await new Promise((r) => setTimeout(r, 200));
    const rows = await app.db.sql`SELECT data FROM doc_updates WHERE doc_name = ${name}`;
    const rebuilt = new Y.Doc();
    Y.applyUpdate(rebuilt, Y.mergeUpdates(rows.map((r) => new Uint8Array(r.data as Buffer))));
    expect(rebuilt.getArray('log').length).toBe(40);
    // No clock range of any client is stored twice: one process persisted each update.
    const seen = new Map<number, [number, number][]>();
    for (const r of rows) {
      for (const s of Y.decodeUpdate(new Uint8Array(r.data as Buffer)).structs) {
        const ranges = seen.get(s.id.client) ?? [];
        expect(ranges.some(([from, to]) => s.id.clock < to && from < s.id.clock + s.length)).toBe(false);
        ranges.push([s.id.clock, s.id.clock + s.length]);
        seen.set(s.id.client, ranges);
      }
    }
    a.destroy();
    b.destroy();
  });

  it('after a Redis outage, a process resyncs its documents from PostgreSQL', async () => {
    const ids = await demoIds(app.db.sql);
    const c = await makeContact(app.db.sql, ids.orgId, { name: 'Outage', email: 'o@x.test', whatsapp: '5511955554321' });
    const other = await makeContact(app.db.sql, ids.orgId, { name: 'Opened during outage', email: 'od@x.test', whatsapp: '5511955554322' });
    const name = `notes:${c}`;
    const anaCookie = (await app.login('ana@demo.test')).cookie!;
    const brunoCookie = (await app.login('bruno@demo.test')).cookie!;
    const a = connectDoc(app.url, name, anaCookie);
    const b = connectDoc(second.url, name, brunoCookie);
    await Promise.all([a.synced(), b.synced()]);
    a.doc.getArray<string>('log').push(['before']);
    await waitFor(async () => b.doc.getArray('log').length === 1, 'before the outage');
    await redis.stop();
    // Stored by the first process, but no fan-out reaches the second one now.
    a.doc.getArray<string>('log').push(['during']);
    await waitFor(async () => (await app.db.sql`SELECT 1 FROM doc_updates WHERE doc_name = ${name}`).length >= 2, 'stored');
    await new Promise((r) => setTimeout(r, 300));
    expect(b.doc.getArray('log').toJSON()).toEqual(['before']);
    // A document first opened while Redis is down still opens (from PostgreSQL)...
    const lateName = `notes:${other}`;
    const late = connectDoc(second.url, lateName, brunoCookie);
    await late.synced();
    redis = await startRedis(redis.port);
    await waitFor(async () => b.doc.getArray('log').length === 2, 'resynced after reconnect', 20_000);
    expect(b.doc.getArray('log').toJSON()).toEqual(['before', 'during']);
    // ...and once Redis is back it is subscribed: another process's edits reach it.
    const writer = connectDoc(app.url, lateName, anaCookie);
    await writer.synced();
    writer.doc.getArray<string>('log').push(['after']);
    await waitFor(async () => late.doc.getArray('log').length === 1, 'subscribed after the outage', 20_000);
    a.destroy();
    b.destroy();
    late.destroy();
    writer.destroy();
  }, 60_000);
});
