import WebSocket from 'ws';
import * as Y from 'yjs';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import * as awarenessProtocol from 'y-protocols/awareness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloseCode } from '../../sync/shared/close-codes.ts';
import { startTestApp, type TestApp } from '../../test/helpers/app.ts';
import { makeChannel, waitingConversation } from '../../test/helpers/conversations.ts';
import { createOtherOrg, demoIds, waitFor } from '../../test/helpers/orgs.ts';
import { connectDoc, upgradeStatus } from '../../test/helpers/sync.ts';
import { openEventStream } from '../../test/helpers/events.ts';
import { makeContact } from '../../test/helpers/factories.ts';

let app: TestApp;
let ids: Awaited<ReturnType<typeof demoIds>>;
let contactId: string;
let cookies: Record<string, string>;

beforeAll(async () => {
  app = await startTestApp({}, { sync: { idleUnloadMs: 300 } });
  ids = await demoIds(app.db.sql);
  const c = await makeContact(app.db.sql, ids.orgId, { name: 'Notes Person', email: 'n@x.test', whatsapp: '5511912340000' });
  contactId = c;
  cookies = {};
  for (const who of ['ana', 'bruno', 'carla', 'admin']) cookies[who] = (await app.login(`${who}@demo.test`)).cookie!;
});
afterAll(() => app?.stop());

const text = (doc: Y.Doc) => doc.getText('t').toString();

describe('/sync with the stock y-websocket client', () => {
  it('two agents co-edit a contact’s notes; the server stores and reloads them', async () => {
    const a = connectDoc(app.url, `notes:${contactId}`, cookies.ana!);
    const b = connectDoc(app.url, `notes:${contactId}`, cookies.bruno!);
    await Promise.all([a.synced(), b.synced()]);
    a.doc.getText('t').insert(0, 'Hello ');
    b.doc.getText('t').insert(0, 'World ');
    await waitFor(async () => text(a.doc) === text(b.doc) && text(a.doc).length === 12, 'convergence');
    a.destroy();
    b.destroy();
    await waitFor(async () => app.sync.loadedDocs === 0, 'idle unload');
    const rows = await app.db.sql`SELECT user_id FROM doc_updates WHERE doc_name = ${`notes:${contactId}`}`;
    expect(rows.length).toBeGreaterThan(0);
    const c = connectDoc(app.url, `notes:${contactId}`, cookies.carla!);
    await c.synced();
    expect(text(c.doc).length).toBe(12);
    // A reply that brings the server nothing (what a reader's client sends while syncing) is not an edit.
    const empty = encoding.createEncoder();
    encoding.writeVarUint(empty, 0);
    syncProtocol.writeUpdate(empty, Y.encodeStateAsUpdate(c.doc, Y.encodeStateVector(c.doc)));
    c.provider.ws!.send(encoding.toUint8Array(empty));
    const full = encoding.createEncoder();
    encoding.writeVarUint(full, 0);
    syncProtocol.writeUpdate(full, Y.encodeStateAsUpdate(c.doc));
    c.provider.ws!.send(encoding.toUint8Array(full));
    await new Promise((r) => setTimeout(r, 200));
    const activity = await app.db.sql`SELECT DISTINCT user_id FROM doc_activity WHERE doc_name = ${`notes:${contactId}`}`;
    expect(activity.map((r) => r.user_id).sort()).toEqual([ids.users['ana@demo.test'], ids.users['bruno@demo.test']].sort());
    c.destroy();
  });

  it('a peer of a document loaded from storage gets it whole, the server’s state vector after, and its edit sent at once joins it', async () => {
    const c3 = await makeContact(app.db.sql, ids.orgId, { name: 'Cold Load', email: 'cl@x.test', whatsapp: '5511912340002' });
    const name = `notes:${c3}`;
    const writer = connectDoc(app.url, name, cookies.ana!);
    await writer.synced();
    writer.doc.getText('t').insert(0, 'stored before');
    await waitFor(async () => (await app.db.sql`SELECT 1 FROM doc_updates WHERE doc_name = ${name}`).length > 0, 'stored');
    writer.destroy();
    await waitFor(async () => app.sync.loadedDocs === 0, 'idle unload');

    // A raw peer sends its step 1 (it has nothing) and an edit in the same breath, before any answer.
    const mine = new Y.Doc();
    mine.getText('x').insert(0, 'sent at once');
    const ws = new WebSocket(`${app.url.replace(/^http/, 'ws')}/sync/${name}`, { headers: { cookie: cookies.bruno! } });
    const received: Array<{ type: number; payload: Uint8Array }> = [];
    ws.on('message', (data: Buffer) => {
      const d = decoding.createDecoder(new Uint8Array(data));
      if (decoding.readVarUint(d) !== 0) return;
      received.push({ type: decoding.readVarUint(d), payload: decoding.readVarUint8Array(d) });
    });
    await new Promise<void>((resolve) => ws.on('open', () => resolve()));
    const step1 = encoding.createEncoder();
    encoding.writeVarUint(step1, 0);
    syncProtocol.writeSyncStep1(step1, new Y.Doc());
    ws.send(encoding.toUint8Array(step1));
    const edit = encoding.createEncoder();
    encoding.writeVarUint(edit, 0);
    syncProtocol.writeUpdate(edit, Y.encodeStateAsUpdate(mine));
    ws.send(encoding.toUint8Array(edit));
    await waitFor(async () => received.some((m) => m.type === syncProtocol.messageYjsSyncStep1), 'the server’s step 1');
    const answer = received.find((m) => m.type === syncProtocol.messageYjsSyncStep2)!;
    const copy = new Y.Doc();
    Y.applyUpdate(copy, answer.payload);
    expect(copy.getText('t').toString()).toBe('stored before');
    // The server's state vector covers the stored document (it was applied before it was read).
    const sv = Y.decodeStateVector(received.find((m) => m.type === syncProtocol.messageYjsSyncStep1)!.payload);
    expect(sv.get(writer.doc.clientID)).toBe(Y.getState(writer.doc.store, writer.doc.clientID));
    ws.close();

    const reader = connectDoc(app.url, name, cookies.carla!);
    await reader.synced();
    await waitFor(async () => reader.doc.getText('x').toString() === 'sent at once', 'the edit joined the stored document');
    expect(reader.doc.getText('t').toString()).toBe('stored before');
    reader.destroy();
  });

  it('announces stored notes edits to the organization as notes.changed, a burst at most every 2 s, never to another organization', async () => {
    const c2 = await makeContact(app.db.sql, ids.orgId, { name: 'Notes Live', email: 'nl@x.test', whatsapp: '5511912340001' });
    const other = await createOtherOrg(app.db.sql, 'notes-live');
    const outsider = await app.login(other.admin.email, other.password);
    const bruno = openEventStream(app.url, cookies.bruno!);
    const foreign = openEventStream(app.url, outsider.cookie);
    await Promise.all([bruno.started, foreign.started]);
    const a = connectDoc(app.url, `notes:${c2}`, cookies.ana!);
    await a.synced();
    const changed = () => bruno.received.filter((e) => e.data.type === 'notes.changed' && e.data.contactId === c2);
    a.doc.getText('t').insert(0, 'first ');
    await waitFor(async () => changed().length === 1, 'announced');
    // A burst right after: announced once more when the window ends (its last edit included), not per edit.
    for (let i = 0; i < 10; i++) a.doc.getText('t').insert(0, `${i} `);
    await waitFor(async () => changed().length >= 2, 'the burst announced', 10_000);
    await waitFor(
      async () =>
        (await app.db.sql`SELECT count(*)::int AS n FROM events WHERE type = 'notes.changed' AND data->>'contactId' = ${c2}`)[0]!.n ===
        changed().length,
      'all delivered',
      10_000,
    );
    expect(changed().length).toBeLessThanOrEqual(3);
    expect(foreign.received.some((e) => e.data.type === 'notes.changed')).toBe(false);
    a.destroy();
    bruno.close();
    foreign.close();
  });

  it('refuses before the upgrade: no session, foreign origin, bad name, another organization', async () => {
    const name = `notes:${contactId}`;
    expect(await upgradeStatus(app.url, name, {})).toBe(401);
    expect(await upgradeStatus(app.url, name, { cookie: cookies.ana!, origin: 'https://evil.example' })).toBe(403);
    expect(await upgradeStatus(app.url, 'notes:not-a-uuid', { cookie: cookies.ana! })).toBe(400);
    expect(await upgradeStatus(app.url, `secret:${contactId}`, { cookie: cookies.ana! })).toBe(400);
    const other = await createOtherOrg(app.db.sql, 'sync');
    const outsider = (await app.login(other.admin.email, other.password)).cookie!;
    expect(await upgradeStatus(app.url, name, { cookie: outsider })).toBe(403);
    expect(await upgradeStatus(app.url, `presence:${ids.orgId}`, { cookie: outsider })).toBe(403);
    expect(await upgradeStatus(app.url, `presence:${ids.orgId}`, { cookie: cookies.ana! })).toBe(101);
    expect(await upgradeStatus(app.url, name, { cookie: cookies.ana! })).toBe(101);
    // Connects arriving together each get their own answer.
    const together = await Promise.all(
      [cookies.ana!, outsider, cookies.ana!, outsider].map((cookie) => upgradeStatus(app.url, name, { cookie })),
    );
    expect(together).toEqual([101, 403, 101, 403]);
  });

  it('the colleague thread: the serving agent writes, a peeking team member is read-only, others are refused', async () => {
    const channel = await makeChannel(app.db.sql, ids);
    const conv = await waitingConversation(app, channel, '5511912340001');
    const ana = await app.login('ana@demo.test');
    await ana.conversations.claim.mutate({ conversationId: conv.id });
    const name = `conversation:${conv.id}`;
    const serving = connectDoc(app.url, name, ana.cookie);
    const peeking = connectDoc(app.url, name, cookies.bruno!);
    await Promise.all([serving.synced(), peeking.synced()]);
    serving.doc.getText('t').insert(0, 'from Ana');
    await waitFor(async () => text(peeking.doc) === 'from Ana', 'peek sees');
    peeking.doc.getText('t').insert(0, 'IGNORED ');
    // Bruno's awareness still flows ("Bruno is viewing"), under the server's name for him.
    peeking.provider.awareness.setLocalStateField('user', { name: 'Bruno', viewing: true });
    await waitFor(async () => [...serving.provider.awareness.getStates().values()].some((s) => s.user?.name === 'Bruno Lima'), 'awareness');
    serving.doc.getText('t').insert(text(serving.doc).length, '!');
    await waitFor(async () => text(serving.doc) === 'from Ana!', 'serving');
    await new Promise((r) => setTimeout(r, 200));
    expect(text(serving.doc)).toBe('from Ana!');
    // Carla (Sales and Support) may peek too; a Sales-only outsider cannot: move it to Sales and Ana loses access.
    const admin = await app.login('admin@demo.test');
    await admin.admin.conversations.transfer.mutate({ conversationId: conv.id, toTeamId: ids.teams.Sales });
    await waitFor(async () => peeking.closes.includes(CloseCode.Forbidden), 'permission change closes Bruno');
    serving.destroy();
    peeking.destroy();
  });

  it('closes the sockets of a session that ends', async () => {
    const carla = await app.login('carla@demo.test');
    const c = connectDoc(app.url, `notes:${contactId}`, carla.cookie);
    await c.synced();
    await carla.auth.logout.mutate();
    await waitFor(async () => c.closes.includes(CloseCode.Unauthorized), 'closed at logout');
    c.destroy();
  });
});

describe('real authors', () => {
  function raw(cookie: string, name: string) {
    const ws = new WebSocket(`${app.url.replace(/^http/, 'ws')}/sync/${name}`, { headers: { cookie } });
    const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
    const opened = new Promise<void>((resolve) => ws.on('open', () => resolve()));
    return { ws, closed, opened };
  }
  function updateFrame(doc: Y.Doc) {
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, 0);
    syncProtocol.writeUpdate(e, Y.encodeStateAsUpdate(doc));
    return encoding.toUint8Array(e);
  }

  it('refuses an update written under another user’s client id, and stores nothing of it', async () => {
    const name = `notes:${contactId}`;
    const ana = connectDoc(app.url, name, cookies.ana!);
    await ana.synced();
    ana.doc.getText('t').insert(0, 'A');
    await waitFor(
      async () =>
        (await app.db.sql`SELECT 1 FROM doc_client_bindings WHERE doc_name = ${name} AND client_id = ${ana.doc.clientID}`).length === 1,
      'binding',
    );
    const forged = new Y.Doc();
    forged.clientID = ana.doc.clientID;
    forged.getText('other').insert(0, 'forged by bruno');
    const bruno = raw(cookies.bruno!, name);
    await bruno.opened;
    bruno.ws.send(updateFrame(forged));
    expect(await bruno.closed).toBe(CloseCode.Forbidden);
    await new Promise((r) => setTimeout(r, 100));
    expect(ana.doc.getText('other').toString()).toBe('');
    ana.destroy();
  });

  it('accepts awareness states only for the connection’s own client ids', async () => {
    const name = `presence:${ids.orgId}`;
    const ana = connectDoc(app.url, name, cookies.ana!);
    await ana.synced();
    ana.provider.awareness.setLocalStateField('user', { name: 'Ana' });
    const observer = connectDoc(app.url, name, cookies.carla!);
    await observer.synced();
    await waitFor(async () => observer.provider.awareness.getStates().get(ana.doc.clientID)?.user?.name === 'Ana Souza', 'Ana visible');
    const fake = new Y.Doc();
    fake.clientID = ana.doc.clientID;
    const aw = new awarenessProtocol.Awareness(fake);
    aw.setLocalState({ user: { name: 'Not Ana' } });
    for (let i = 0; i < 5; i++) aw.setLocalState({ user: { name: 'Not Ana' }, i });
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, 1);
    encoding.writeVarUint8Array(e, awarenessProtocol.encodeAwarenessUpdate(aw, [fake.clientID]));
    const bruno = raw(cookies.bruno!, name);
    await bruno.opened;
    bruno.ws.send(encoding.toUint8Array(e));
    await new Promise((r) => setTimeout(r, 300));
    expect(observer.provider.awareness.getStates().get(ana.doc.clientID)?.user?.name).toBe('Ana Souza');
    bruno.ws.close();
    aw.destroy();
    ana.destroy();
    observer.destroy();
  });

  it('a malformed frame closes that socket only', async () => {
    const name = `notes:${contactId}`;
    const ana = connectDoc(app.url, name, cookies.ana!);
    await ana.synced();
    const bad = raw(cookies.bruno!, name);
    await bad.opened;
    bad.ws.send(new Uint8Array([0, 9, 255, 255]));
    expect(await bad.closed).toBe(CloseCode.Malformed);
    ana.doc.getText('t').insert(0, 'still fine ');
    const check = connectDoc(app.url, name, cookies.carla!);
    await check.synced();
    await waitFor(async () => text(check.doc).startsWith('still fine'), 'others unaffected');
    check.destroy();
    ana.destroy();
  });

  it('accepts a user’s own offline edits after a reconnect', async () => {
    const name = `notes:${contactId}`;
    const doc = new Y.Doc();
    const first = connectDoc(app.url, name, cookies.ana!, { doc });
    await first.synced();
    doc.getText('t').insert(0, 'online ');
    await new Promise((r) => setTimeout(r, 200));
    first.provider.disconnect();
    doc.getText('t').insert(0, 'offline ');
    first.provider.connect();
    await first.synced();
    const other = connectDoc(app.url, name, cookies.bruno!);
    await other.synced();
    await waitFor(async () => text(other.doc).includes('offline online'), 'offline edit merged');
    other.destroy();
    first.provider.destroy();
  });
});
