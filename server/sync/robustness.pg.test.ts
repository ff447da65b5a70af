import postgres from 'postgres';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDocUpdates } from '../../db/queries/sync.ts';
import { createSql } from '../../db/sql.ts';
import { CloseCode } from '../../sync/shared/close-codes.ts';
import { createTestClient, startTestApp, type TestApp } from '../../test/helpers/app.ts';
import { createTestDatabase } from '../../test/helpers/db.ts';
import { createOtherOrg, demoIds, waitFor } from '../../test/helpers/orgs.ts';
import { connectDoc, upgradeStatus } from '../../test/helpers/sync.ts';
import { freePort, startAppOn, startSyncProcess, type SyncProcess } from '../../test/helpers/sync-process.ts';
import { makeContact } from '../../test/helpers/factories.ts';

const LIMITS = { idleUnloadMs: 300, compactAfterRows: 5, maxPendingBytes: 4096, maxMessageBytes: 64 * 1024, maxConnectionsPerUser: 4 };

let app: TestApp;
let ids: Awaited<ReturnType<typeof demoIds>>;
const cookies: Record<string, string> = {};

beforeAll(async () => {
  app = await startTestApp({}, { sync: LIMITS });
  ids = await demoIds(app.db.sql);
  for (const who of ['ana', 'bruno', 'carla', 'admin']) cookies[who] = (await app.login(`${who}@demo.test`)).cookie!;
});
afterAll(() => app?.stop());

let contacts = 0;
async function notesDoc(sql = app.db.sql, orgId = ids.orgId): Promise<string> {
  const n = ++contacts;
  const c = await makeContact(sql, orgId, {
    name: `Robust ${n}`,
    email: `r${n}@x.test`,
    whatsapp: `55119000${String(n).padStart(5, '0')}`,
  });
  return `notes:${c}`;
}

const text = (doc: Y.Doc) => doc.getText('t').toString();

/** The document exactly as PostgreSQL has it. */
async function storedText(name: string, sql = app.db.sql, orgId = ids.orgId): Promise<string> {
  const stored = await loadDocUpdates(sql, orgId, name);
  const doc = new Y.Doc();
  if (stored.updates.length > 0) Y.applyUpdate(doc, Y.mergeUpdates(stored.updates));
  return text(doc);
}

describe('memory', () => {
  it('a document leaves memory soon after its last client, not before', async () => {
    const name = await notesDoc();
    const a = connectDoc(app.url, name, cookies.ana!);
    await a.synced();
    a.doc.getText('t').insert(0, 'kept');
    await new Promise((r) => setTimeout(r, LIMITS.idleUnloadMs * 3));
    expect(app.sync.loadedDocs).toBe(1);
    a.destroy();
    await waitFor(async () => app.sync.loadedDocs === 0, 'unloaded', 2_000);
    expect(await storedText(name)).toBe('kept');
  });

  it('stays in memory while a closed connection’s last frames are handled, so they reach whoever comes next', async () => {
    const name = await notesDoc();
    const a = connectDoc(app.url, name, cookies.ana!);
    await a.synced();
    // Binding the edit's new client id takes longer than the idle unload.
    const id = 800_000 + Math.floor(Math.random() * 100_000);
    await app.db.sql.unsafe(
      `CREATE FUNCTION slow_bind() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(1.5); RETURN NEW; END $$`,
    );
    await app.db.sql.unsafe(
      `CREATE TRIGGER slow_bind BEFORE INSERT ON doc_client_bindings FOR EACH ROW WHEN (NEW.client_id = ${id}) EXECUTE FUNCTION slow_bind()`,
    );
    try {
      const other = new Y.Doc();
      other.clientID = id;
      other.getText('t').insert(0, 'sent just before leaving');
      Y.applyUpdate(a.doc, Y.encodeStateAsUpdate(other));
      a.destroy(); // the frame is on its way; the socket closes behind it
      await new Promise((r) => setTimeout(r, LIMITS.idleUnloadMs * 2));
      const b = connectDoc(app.url, name, cookies.bruno!);
      await b.synced();
      await waitFor(async () => text(b.doc) === 'sent just before leaving', 'Bruno receives it without anyone reconnecting');
      b.destroy();
    } finally {
      await app.db.sql.unsafe('DROP TRIGGER slow_bind ON doc_client_bindings');
      await app.db.sql.unsafe('DROP FUNCTION slow_bind()');
    }
  });

  it('a client that leaves while its document is still loading does not pin it in memory', async () => {
    const name = await notesDoc();
    // Hold the document's load (it reads doc_updates) until the client has gone.
    const lock = await app.db.sql.reserve();
    await lock`BEGIN`;
    await lock`LOCK TABLE doc_updates IN ACCESS EXCLUSIVE MODE`;
    try {
      const ws = new WebSocket(`${app.url.replace(/^http/, 'ws')}/sync/${name}`, { headers: { cookie: cookies.ana! } });
      await new Promise<void>((resolve) => ws.on('open', () => resolve()));
      ws.close();
      await new Promise<void>((resolve) => ws.on('close', () => resolve()));
      await new Promise((r) => setTimeout(r, 100));
    } finally {
      await lock`COMMIT`;
      lock.release();
    }
    // The load completes with nobody left; it must still be unloaded once idle.
    await waitFor(async () => app.sync.loadedDocs === 1, 'loaded', 3_000);
    await waitFor(async () => app.sync.loadedDocs === 0, 'unloaded', 3_000);
  });
});

describe('compaction', () => {
  it('many edits end as a snapshot and a few rows, and a fresh client still sees everything', async () => {
    const name = await notesDoc();
    const a = connectDoc(app.url, name, cookies.ana!);
    await a.synced();
    for (let i = 0; i < 30; i++) {
      a.doc.getText('t').insert(text(a.doc).length, `${i},`);
      // One stored row per edit: wait for each before the next.
      await new Promise((r) => setTimeout(r, 15));
    }
    const expected = Array.from({ length: 30 }, (_, i) => `${i},`).join('');
    await waitFor(async () => (await storedText(name)) === expected, 'stored');
    const rows = await app.db.sql`SELECT kind FROM doc_updates WHERE doc_name = ${name} ORDER BY id`;
    // 30 stored updates became one snapshot plus the few written since (edits that land
    // during a compaction stay beside the snapshot: only the rows it merged are replaced).
    expect(rows.filter((r) => r.kind === 'snapshot')).toHaveLength(1);
    expect(rows.length).toBeLessThanOrEqual(2 * LIMITS.compactAfterRows);
    a.destroy();
    await waitFor(async () => app.sync.loadedDocs === 0, 'unloaded');
    const fresh = connectDoc(app.url, name, cookies.bruno!);
    await fresh.synced();
    expect(text(fresh.doc)).toBe(expected);
    fresh.destroy();
  });
});

describe('limits', () => {
  it('a message larger than the cap closes that socket only', async () => {
    const name = await notesDoc();
    const a = connectDoc(app.url, name, cookies.ana!);
    await a.synced();
    const ws = new WebSocket(`${app.url.replace(/^http/, 'ws')}/sync/${name}`, { headers: { cookie: cookies.bruno! } });
    const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
    ws.on('error', () => {});
    await new Promise<void>((resolve) => ws.on('open', () => resolve()));
    ws.send(new Uint8Array(LIMITS.maxMessageBytes + 1024));
    // ws enforces the cap (maxPayload) while reading the frame and closes with the standard 1009 "message too big".
    expect(await closed).toBe(1009);
    a.doc.getText('t').insert(0, 'still here');
    const check = connectDoc(app.url, name, cookies.carla!);
    await check.synced();
    await waitFor(async () => text(check.doc) === 'still here', 'others unaffected');
    expect(a.closes).toEqual([]);
    a.destroy();
    check.destroy();
  });

  it('too many connections for one user are refused at the upgrade (429)', async () => {
    const names = await Promise.all([notesDoc(), notesDoc()]);
    const open = Array.from({ length: LIMITS.maxConnectionsPerUser }, (_, i) => connectDoc(app.url, names[i % 2]!, cookies.carla!));
    await Promise.all(open.map((c) => c.synced()));
    expect(await upgradeStatus(app.url, names[0]!, { cookie: cookies.carla! })).toBe(429);
    // Someone else is not affected.
    expect(await upgradeStatus(app.url, names[0]!, { cookie: cookies.bruno! })).toBe(101);
    open.pop()!.destroy();
    await waitFor(async () => (await upgradeStatus(app.url, names[0]!, { cookie: cookies.carla! })) === 101, 'a slot again');
    for (const c of open) c.destroy();
  });

  it('a burst of upgrades for one user lets at most the cap through; refused and failed upgrades give their slot back', async () => {
    const name = await notesDoc();
    const url = `${app.url.replace(/^http/, 'ws')}/sync/${name}`;
    /** Opens a socket and keeps it open; resolves 101 with the socket, or the refusal's status. */
    const attempt = (cookie: string, target = url) =>
      new Promise<{ status: number; ws: WebSocket | null }>((resolve) => {
        const ws = new WebSocket(target, { headers: { cookie } });
        ws.on('error', () => {});
        ws.on('open', () => resolve({ status: 101, ws }));
        ws.on('unexpected-response', (req, res) => {
          resolve({ status: res.statusCode ?? 0, ws: null });
          req.destroy();
        });
      });
    const closeAll = (sockets: (WebSocket | null)[]) =>
      Promise.all(
        sockets.map((ws) =>
          ws && ws.readyState !== WebSocket.CLOSED
            ? new Promise((r) => {
                ws.once('close', r);
                ws.close();
              })
            : null,
        ),
      );

    const burst = await Promise.all(Array.from({ length: LIMITS.maxConnectionsPerUser * 3 }, () => attempt(cookies.admin!)));
    const through = burst.filter((b) => b.status === 101);
    expect(through.length).toBe(LIMITS.maxConnectionsPerUser);
    expect(burst.filter((b) => b.status !== 101).every((b) => b.status === 429)).toBe(true);
    await closeAll(burst.map((b) => b.ws));

    // Upgrades refused after the count (a document this user may not open; a burst of them
    // counts too, hence some 429) hold no slot afterwards.
    const other = await createOtherOrg(app.db.sql, 'burst');
    const foreign = await makeContact(app.db.sql, other.org.id, { name: 'Foreign', email: 'foreign@x.test', whatsapp: '5511900099999' });
    const forbidden = await Promise.all(
      Array.from({ length: LIMITS.maxConnectionsPerUser * 2 }, () =>
        attempt(cookies.admin!, `${app.url.replace(/^http/, 'ws')}/sync/notes:${foreign}`),
      ),
    );
    expect(forbidden.every((b) => b.status === 403 || b.status === 429)).toBe(true);
    expect(forbidden.some((b) => b.status === 403)).toBe(true);
    // Every slot comes back: the cap's worth of sockets opens again, one at a time.
    const again: (WebSocket | null)[] = [];
    await waitFor(async () => {
      const a = await attempt(cookies.admin!);
      if (a.ws) again.push(a.ws);
      return again.length === LIMITS.maxConnectionsPerUser;
    }, 'all slots free again');
    expect((await attempt(cookies.admin!)).status).toBe(429);
    await closeAll(again);
  });
});

describe('a database error while a frame is handled', () => {
  it('closes with RetryLater, which the stock client answers by coming back (never a final 44xx); the edit arrives', async () => {
    const name = await notesDoc();
    const a = connectDoc(app.url, name, cookies.ana!);
    const b = connectDoc(app.url, name, cookies.bruno!);
    await Promise.all([a.synced(), b.synced()]);
    // The first edit under a new client id binds that id to Ana: make that one INSERT fail.
    const id = 700_000 + Math.floor(Math.random() * 100_000);
    await app.db.sql.unsafe(
      `CREATE FUNCTION fail_bind() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'bind refused by the test'; END $$`,
    );
    await app.db.sql.unsafe(
      `CREATE TRIGGER fail_bind BEFORE INSERT ON doc_client_bindings FOR EACH ROW WHEN (NEW.client_id = ${id}) EXECUTE FUNCTION fail_bind()`,
    );
    try {
      // Ana's tab applies an edit made under a client id of its own that is not bound yet.
      const other = new Y.Doc();
      other.clientID = id;
      other.getText('t').insert(0, 'under a new id');
      Y.applyUpdate(a.doc, Y.encodeStateAsUpdate(other));
      await waitFor(async () => a.closes.length > 0, 'the socket closes');
      expect(a.closes[0]).toBe(CloseCode.RetryLater);
    } finally {
      await app.db.sql.unsafe('DROP TRIGGER fail_bind ON doc_client_bindings');
      await app.db.sql.unsafe('DROP FUNCTION fail_bind()');
    }
    // The stock client reconnects on its own and sends the edit again.
    await waitFor(async () => text(b.doc) === 'under a new id', 'Bruno receives it', 20_000);
    expect(await storedText(name)).toBe('under a new id');
    a.destroy();
    b.destroy();
  });
});

describe('database down', () => {
  it('buffers up to the cap, then closes with RetryLater; after recovery nothing is lost', async () => {
    const name = await notesDoc();
    const a = connectDoc(app.url, name, cookies.ana!);
    const b = connectDoc(app.url, name, cookies.bruno!);
    await Promise.all([a.synced(), b.synced()]);
    a.doc.getText('t').insert(0, 'before|');
    await waitFor(async () => (await storedText(name)) === 'before|', 'stored before the outage');

    const dbName = new URL(app.db.url).pathname.slice(1);
    const admin = postgres(new URL('/postgres', app.db.url).toString(), { max: 1, onnotice: () => {} });
    try {
      await admin.unsafe(`ALTER DATABASE ${dbName} WITH ALLOW_CONNECTIONS false`);
      await admin.unsafe(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${dbName}' AND pid <> pg_backend_pid()`);
      // Edits the server accepts but cannot store: past maxPendingBytes it stops taking more.
      for (let i = 0; i < 10; i++) {
        a.doc.getText('t').insert(text(a.doc).length, `${i}${'x'.repeat(600)}|`);
        await new Promise((r) => setTimeout(r, 20));
      }
      await waitFor(async () => a.closes.includes(CloseCode.RetryLater) && b.closes.includes(CloseCode.RetryLater), 'typed close', 5_000);
      // Both stay away for now, so what reaches PostgreSQL next is the server's own buffer.
      a.provider.disconnect();
      b.provider.disconnect();
      a.doc.getText('t').insert(text(a.doc).length, 'offline|');
      // What the server buffered keeps the document in memory, idle or not.
      await new Promise((r) => setTimeout(r, LIMITS.idleUnloadMs * 3));
      expect(app.sync.loadedDocs).toBeGreaterThan(0);
    } finally {
      await admin.unsafe(`ALTER DATABASE ${dbName} WITH ALLOW_CONNECTIONS true`);
      await admin.end();
    }
    // The test's own pool lost its connections too, and postgres.js backs each of them off (up
    // to 20 s) after a burst of errors: read through a fresh client from here on.
    const check = createSql(app.db.url, { max: 1 });
    const everything = text(a.doc);
    expect(everything.split('|').length).toBe(13);
    // The server retries on its own and stores every update it had accepted (past the cap).
    const buffered = await waitFor(
      async () => {
        const t = await storedText(name, check).catch(() => '');
        return t.length > 'before|'.length + LIMITS.maxPendingBytes && t;
      },
      'the buffer stored after recovery',
      60_000,
    ); // the server's pool backs off its reconnects (up to 20 s) on a loaded machine
    expect(everything.startsWith(buffered)).toBe(true);
    // Then the clients come back: what Ana typed while refused arrives too.
    a.provider.connect();
    b.provider.connect();
    // Generous waits: the clients' own reconnect backoff, on a busy machine.
    const state = (c: typeof a) =>
      `closes ${JSON.stringify(c.closes)}, ws state ${c.provider.ws?.readyState ?? 'none'}, synced ${c.provider.synced}`;
    // Says what the clients saw if Ana's offline edit never arrives (one unexplained CI failure here).
    await waitFor(async () => (await storedText(name, check)) === everything, 'everything stored', 30_000).catch(async (err: Error) => {
      const stored = await storedText(name, check).catch(() => '?');
      throw new Error(
        `${err.message}: stored ${stored.length} of ${everything.length} characters; Ana ${state(a)}; Bruno ${state(b)}; ` +
          `loaded docs ${app.sync.loadedDocs}`,
      );
    });
    // Says what Bruno's client saw if it never catches up (one unexplained CI failure here).
    await waitFor(async () => text(b.doc) === everything, 'Bruno has it all', 30_000).catch((err: Error) => {
      throw new Error(
        `${err.message}: Bruno has ${text(b.doc).length} of ${everything.length} characters, ${state(b)}, loaded docs ${app.sync.loadedDocs}`,
      );
    });
    await check.end();
    a.destroy();
    b.destroy();
  }, 180_000);
});

describe('kill -9', () => {
  let proc: SyncProcess | null = null;
  afterAll(() => {
    proc?.child.kill('SIGKILL');
  });

  it('loses nothing a peer had received, and the writer’s unsent edits merge after the restart', async () => {
    const db = await createTestDatabase();
    let restarted: Awaited<ReturnType<typeof startAppOn>> | null = null;
    try {
      const port = await freePort();
      proc = await startSyncProcess(db.url, port);
      const orgId = (await db.sql`SELECT org_id FROM users WHERE email = 'ana@demo.test'`)[0]!.org_id as string;
      const name = await notesDoc(db.sql, orgId);
      const login = async (email: string) => {
        const c = createTestClient(proc!.url);
        await c.auth.login.mutate({ email, password: 'atende-demo' });
        return c.cookie!;
      };
      const [anaCookie, brunoCookie, carlaCookie] = [
        await login('ana@demo.test'),
        await login('bruno@demo.test'),
        await login('carla@demo.test'),
      ];
      const writer = connectDoc(proc.url, name, anaCookie);
      const peer = connectDoc(proc.url, name, brunoCookie);
      await Promise.all([writer.synced(), peer.synced()]);

      // A burst of small edits; kill the server in the middle of it.
      let n = 0;
      const burst = setInterval(() => writer.doc.getText('t').insert(text(writer.doc).length, `${n++},`), 2);
      await waitFor(async () => text(peer.doc).split(',').length > 150, 'the peer receives the burst');
      process.kill(proc.pid, 'SIGKILL');
      await proc.exited;
      clearInterval(burst);
      writer.provider.disconnect();
      peer.provider.disconnect();
      const received = text(peer.doc);
      const receivedState = Y.encodeStateVector(peer.doc);

      // The restarted server: a new one on the same database and port (in this process, to
      // save the few seconds a second child takes to boot; the killed one's memory is gone either way).
      restarted = await startAppOn(db.url, port);
      const fresh = connectDoc(restarted.url, name, carlaCookie);
      await fresh.synced();
      // Everything the peer had was committed before it was sent: the reloaded document has it.
      expect(text(fresh.doc).startsWith(received)).toBe(true);
      for (const [client, clock] of Y.decodeStateVector(receivedState))
        expect(Y.decodeStateVector(Y.encodeStateVector(fresh.doc)).get(client) ?? 0).toBeGreaterThanOrEqual(clock);

      // The writer's edits the dead server never stored come back from the writer itself.
      writer.provider.connect();
      peer.provider.connect();
      const all = text(writer.doc);
      await waitFor(async () => text(fresh.doc) === all && text(peer.doc) === all, 'converged after restart', 15_000);
      expect(all.split(',').length - 1).toBe(n);
      writer.destroy();
      peer.destroy();
      fresh.destroy();
    } finally {
      await restarted?.close();
      await db.drop();
    }
  });
});
