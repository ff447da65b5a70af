import * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertTeam, setUserTeams } from '../../db/queries/teams.ts';
import { insertUser } from '../../db/queries/users.ts';
import { CloseCode } from '../../sync/shared/close-codes.ts';
import { addChatMessage, chatMessages, deleteChatMessage, readChatMessages } from '../../sync/shared/schemas.ts';
import { refusalOf, startTestApp, type TestApp, type TestClient } from '../../test/helpers/app.ts';
import { openEventStream } from '../../test/helpers/events.ts';
import { createOtherOrg, demoIds, waitFor } from '../../test/helpers/orgs.ts';
import { connectDoc, upgradeStatus } from '../../test/helpers/sync.ts';
import { hashPassword } from '../auth/password.ts';
import { archiveChatRoom, archiveLoadedChats, CHAT_ARCHIVE_ABOVE, CHAT_ARCHIVE_KEEP, storedRoomDoc } from '../commands/chat.ts';

let app: TestApp;
let ids: Awaited<ReturnType<typeof demoIds>>;
const as: Record<string, TestClient> = {};
let dora: TestClient;
let doraId: string;
let ana: string, bruno: string, carla: string;

beforeAll(async () => {
  app = await startTestApp({}, { sync: { idleUnloadMs: 300 } });
  ids = await demoIds(app.db.sql);
  for (const who of ['ana', 'bruno', 'carla', 'admin']) as[who] = await app.login(`${who}@demo.test`);
  [ana, bruno, carla] = [ids.users['ana@demo.test'], ids.users['bruno@demo.test'], ids.users['carla@demo.test']];
  // Dora works in a team that does not allow internal chat.
  const backOffice = await insertTeam(app.db.sql, ids.orgId, { name: 'Back office', internalChat: false });
  const u = await insertUser(app.db.sql, {
    orgId: ids.orgId,
    email: 'dora@demo.test',
    name: 'Dora Lima',
    role: 'agent',
    language: 'en',
    passwordHash: await hashPassword('atende-demo'),
  });
  await setUserTeams(app.db.sql, ids.orgId, u.id, [backOffice.id]);
  doraId = u.id;
  dora = await app.login('dora@demo.test');
  await app.db.sql`UPDATE users SET status = 'online' WHERE org_id = ${ids.orgId}`;
});
afterAll(() => app?.stop());

const setStatus = (userId: string, status: string) => app.db.sql`UPDATE users SET status = ${status} WHERE id = ${userId}`;
const setInternalChat = (userId: string, on: boolean) => app.db.sql`UPDATE users SET internal_chat = ${on} WHERE id = ${userId}`;

async function refusal(p: Promise<unknown>): Promise<{ code: string; reason: unknown; message: string }> {
  try {
    await p;
  } catch (e) {
    const refused = refusalOf(e);
    if (refused) return { code: refused.code, reason: refused.data.reason, message: refused.message };
    throw e;
  }
  throw new Error('expected a refusal');
}

const roomOf = async (client: TestClient, roomId: string) => (await client.chat.list.query()).find((r) => r.roomId === roomId);

describe('chat.open: who may start a chat with whom (SPEC §7)', () => {
  let direct: string;

  it('refuses an offline colleague, naming them; a paused one is internally available', async () => {
    await setStatus(bruno, 'offline');
    const r = await refusal(as.ana!.chat.open.mutate({ userIds: [bruno] }));
    expect(r).toMatchObject({ code: 'FORBIDDEN', reason: 'chat.offline' });
    // A sentence in the reader's language, naming the colleague.
    expect(r.message).toMatch(/^Sem permissão: Bruno .* está offline/);
    await setStatus(bruno, 'paused');
    const opened = await as.ana!.chat.open.mutate({ userIds: [bruno] });
    expect(opened).toEqual({ roomId: expect.any(String), docName: `chat:${opened.roomId}`, kind: 'direct' });
    direct = opened.roomId;
    await setStatus(bruno, 'online');
  });

  it('keeps one direct room per pair, usable even once the colleague is offline', async () => {
    expect((await as.bruno!.chat.open.mutate({ userIds: [ana] })).roomId).toBe(direct);
    await setStatus(bruno, 'offline');
    expect((await as.ana!.chat.open.mutate({ userIds: [bruno, ana] })).roomId).toBe(direct);
    await setStatus(bruno, 'online');
    const rooms = await app.db.sql`SELECT count(*)::int AS n FROM chat_rooms WHERE org_id = ${ids.orgId} AND kind = 'direct'`;
    expect(rooms[0]!.n).toBe(1);
    const listed = await roomOf(as.ana!, direct);
    expect(listed).toMatchObject({ kind: 'direct', unread: 0 });
    expect(listed!.members.map((m) => m.id).sort()).toEqual([ana, bruno].sort());
  });

  it('refuses a colleague, or a caller, in no team that allows internal chat', async () => {
    expect(await refusal(as.ana!.chat.open.mutate({ userIds: [doraId] }))).toMatchObject({ code: 'FORBIDDEN', reason: 'chat.notAllowed' });
    expect(await refusal(dora.chat.open.mutate({ userIds: [ana] }))).toMatchObject({ code: 'FORBIDDEN', reason: 'chat.youNoTeam' });
    // A group is refused as a whole when one member may not chat.
    expect(await refusal(as.ana!.chat.open.mutate({ userIds: [bruno, doraId] }))).toMatchObject({
      code: 'FORBIDDEN',
      reason: 'chat.notAllowed',
    });
  });

  it('refuses a colleague, or a caller, whose internal chat is turned off', async () => {
    await setInternalChat(carla, false);
    expect(await refusal(as.ana!.chat.open.mutate({ userIds: [carla] }))).toMatchObject({ code: 'FORBIDDEN', reason: 'chat.notAllowed' });
    expect(await refusal(as.carla!.chat.open.mutate({ userIds: [ana] }))).toMatchObject({ code: 'FORBIDDEN', reason: 'chat.youMayNot' });
    await setInternalChat(carla, true);
  });

  it('a user whose internal chat is turned off loses the rooms they have, at the upgrade and live', async () => {
    const b = connectDoc(app.url, `chat:${direct}`, as.bruno!.cookie);
    await b.synced();
    await as.admin!.admin.users.update.mutate({ userId: bruno, internalChat: false });
    await waitFor(async () => b.closes.includes(CloseCode.Forbidden), 'closed when internal chat is turned off');
    b.destroy();
    expect(await upgradeStatus(app.url, `chat:${direct}`, { cookie: as.bruno!.cookie! })).toBe(403);
    expect(await refusal(as.bruno!.chat.open.mutate({ userIds: [ana] }))).toMatchObject({ code: 'FORBIDDEN', reason: 'chat.youMayNot' });
    await as.admin!.admin.users.update.mutate({ userId: bruno, internalChat: true });
    expect(await upgradeStatus(app.url, `chat:${direct}`, { cookie: as.bruno!.cookie! })).toBe(101);
  });

  it('refuses unknown users, users of another organization, oneself alone, and too many', async () => {
    const other = await createOtherOrg(app.db.sql, 'chat');
    expect(await refusal(as.ana!.chat.open.mutate({ userIds: [other.agent.id] }))).toMatchObject({
      code: 'FORBIDDEN',
      reason: 'chat.unknownUser',
    });
    expect(await refusal(as.ana!.chat.open.mutate({ userIds: [crypto.randomUUID()] }))).toMatchObject({
      code: 'FORBIDDEN',
      reason: 'chat.unknownUser',
    });
    expect(await refusal(as.ana!.chat.open.mutate({ userIds: [ana] }))).toMatchObject({ code: 'BAD_REQUEST', reason: 'chat.noColleague' });
    const eleven = Array.from({ length: 11 }, () => crypto.randomUUID());
    expect((await refusal(as.ana!.chat.open.mutate({ userIds: eleven }))).code).toBe('BAD_REQUEST');
  });

  it('small groups: a new room each time, reaching only its members (documents and events)', async () => {
    const brunoEvents = openEventStream(app.url, as.bruno!.cookie);
    const carlaEvents = openEventStream(app.url, as.carla!.cookie);
    await Promise.all([brunoEvents.started, carlaEvents.started]);
    const group = await as.ana!.chat.open.mutate({ userIds: [bruno, carla] });
    expect(group.kind).toBe('group');
    expect((await as.ana!.chat.open.mutate({ userIds: [carla, bruno] })).roomId).not.toBe(group.roomId);
    const pair = await as.ana!.chat.open.mutate({ userIds: [carla] });
    const got = (s: typeof brunoEvents, roomId: string) =>
      s.received.some((e) => e.data.type === 'chat.members' && e.data.roomId === roomId);
    await waitFor(
      async () => got(carlaEvents, group.roomId) && got(carlaEvents, pair.roomId) && got(brunoEvents, group.roomId),
      'members told',
    );
    await new Promise((r) => setTimeout(r, 300));
    expect(got(brunoEvents, pair.roomId)).toBe(false);
    brunoEvents.close();
    carlaEvents.close();
    // Not a member: no document, no read position, no history.
    expect(await upgradeStatus(app.url, `chat:${pair.roomId}`, { cookie: as.bruno!.cookie! })).toBe(403);
    expect(await upgradeStatus(app.url, `chat:${pair.roomId}`, { cookie: as.carla!.cookie! })).toBe(101);
    expect((await refusal(as.bruno!.chat.markRead.mutate({ roomId: pair.roomId, count: 1 }))).code).toBe('NOT_FOUND');
    expect((await refusal(as.bruno!.chat.history.query({ roomId: pair.roomId }))).code).toBe('NOT_FOUND');
    expect(await roomOf(as.bruno!, pair.roomId)).toBeUndefined();
  });
});

describe('group members change (SPEC §7)', () => {
  it('a member adds a colleague, who sees the history with nothing unread and can open the document; the rule of starting a group holds', async () => {
    // A group of Ana and Bruno (Carla leaves at once; it stays a group).
    const g = await as.ana!.chat.open.mutate({ userIds: [bruno, carla] });
    await as.carla!.chat.leave.mutate({ roomId: g.roomId });
    expect((await roomOf(as.ana!, g.roomId))!.members.map((m) => m.id).sort()).toEqual([ana, bruno].sort());
    expect(await roomOf(as.carla!, g.roomId)).toBeUndefined();
    expect(await upgradeStatus(app.url, `chat:${g.roomId}`, { cookie: as.carla!.cookie! })).toBe(403);
    const a = connectDoc(app.url, `chat:${g.roomId}`, as.ana!.cookie);
    await a.synced();
    addChatMessage(a.doc, ana, 'before Carla came back');
    await waitFor(async () => chatMessages(await storedRoomDoc(app.db.sql, ids.orgId, g.roomId)).length === 1, 'stored');

    const carlaEvents = openEventStream(app.url, as.carla!.cookie);
    await carlaEvents.started;
    // Refusals: a newcomer who may not chat, someone already there, a non-member adding, a direct room.
    expect(await refusal(as.ana!.chat.addMembers.mutate({ roomId: g.roomId, userIds: [doraId] }))).toMatchObject({
      code: 'FORBIDDEN',
      reason: 'chat.notAllowed',
    });
    expect(await refusal(as.ana!.chat.addMembers.mutate({ roomId: g.roomId, userIds: [bruno] }))).toMatchObject({
      code: 'CONFLICT',
      reason: 'chat.alreadyMember',
    });
    expect(await refusal(as.carla!.chat.addMembers.mutate({ roomId: g.roomId, userIds: [carla, doraId] }))).toMatchObject({
      code: 'NOT_FOUND',
    });
    const pair = await as.ana!.chat.open.mutate({ userIds: [bruno] });
    expect(await refusal(as.ana!.chat.addMembers.mutate({ roomId: pair.roomId, userIds: [carla] }))).toMatchObject({
      code: 'BAD_REQUEST',
      reason: 'chat.notGroup',
    });
    expect(await refusal(as.ana!.chat.leave.mutate({ roomId: pair.roomId }))).toMatchObject({
      code: 'BAD_REQUEST',
      reason: 'chat.notGroup',
    });
    const other = await createOtherOrg(app.db.sql, 'chat-add');
    expect(await refusal(as.ana!.chat.addMembers.mutate({ roomId: g.roomId, userIds: [other.agent.id] }))).toMatchObject({
      code: 'FORBIDDEN',
      reason: 'chat.unknownUser',
    });

    await as.ana!.chat.addMembers.mutate({ roomId: g.roomId, userIds: [carla] });
    await waitFor(async () => carlaEvents.received.some((e) => e.data.type === 'chat.members' && e.data.roomId === g.roomId), 'Carla told');
    carlaEvents.close();
    expect(await roomOf(as.carla!, g.roomId)).toMatchObject({ unread: 0, kind: 'group' });
    const c = connectDoc(app.url, `chat:${g.roomId}`, as.carla!.cookie);
    await c.synced();
    expect(readChatMessages(c.doc).map((m) => m.text)).toEqual(['before Carla came back']);
    addChatMessage(a.doc, ana, 'welcome');
    await waitFor(async () => readChatMessages(c.doc).length === 2, 'Carla gets the new message');
    await waitFor(async () => (await roomOf(as.carla!, g.roomId))!.unread === 1, 'one unread for Carla');

    // Leaving closes the leaver's socket to the document; the others carry on.
    await as.carla!.chat.leave.mutate({ roomId: g.roomId });
    await waitFor(async () => c.closes.includes(CloseCode.Forbidden), "Carla's socket closed");
    addChatMessage(a.doc, ana, 'after Carla left');
    await waitFor(async () => chatMessages(await storedRoomDoc(app.db.sql, ids.orgId, g.roomId)).length === 3, 'still stored');
    a.destroy();
    c.destroy();
  });

  it('keeps a group within its size when members are added at once', async () => {
    const extra: string[] = [];
    for (let i = 0; i < 10; i++) {
      const u = await insertUser(app.db.sql, {
        orgId: ids.orgId,
        email: `group${i}@demo.test`,
        name: `Group ${i}`,
        role: 'agent',
        language: 'en',
        passwordHash: 'x',
      });
      await setUserTeams(app.db.sql, ids.orgId, u.id, [ids.teams.Support]);
      await app.db.sql`UPDATE users SET status = 'online' WHERE id = ${u.id}`;
      extra.push(u.id);
    }
    const g = await as.ana!.chat.open.mutate({ userIds: [bruno, carla] });
    // 3 members + 10 candidates offered one by one from two members at once: at most 11 in all.
    const results = await Promise.allSettled(
      extra.map((id, i) => (i % 2 ? as.ana! : as.bruno!).chat.addMembers.mutate({ roomId: g.roomId, userIds: [id] })),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(8);
    expect((await roomOf(as.ana!, g.roomId))!.members).toHaveLength(11);
  });
});

describe('messages in the room document', () => {
  let roomId: string;
  beforeAll(async () => {
    roomId = (await as.ana!.chat.open.mutate({ userIds: [bruno] })).roomId;
  });

  /** The room as PostgreSQL has it. */
  const stored = async () => readChatMessages(await storedRoomDoc(app.db.sql, ids.orgId, roomId));

  it('nobody may change or delete another user’s message; such a socket is closed and nothing is stored', async () => {
    const a = connectDoc(app.url, `chat:${roomId}`, as.ana!.cookie);
    await a.synced();
    addChatMessage(a.doc, ana, 'hello from Ana');
    await waitFor(async () => (await stored()).some((m) => m.text === 'hello from Ana'), 'stored');

    const attacks: [string, (doc: Y.Doc) => void][] = [
      ['edit', (doc) => chatMessages(doc).get(0).set('text', 'edited by Bruno')],
      ['add a field', (doc) => chatMessages(doc).get(0).set('pinned', true)],
      ['delete', (doc) => chatMessages(doc).delete(0, 1)],
    ];
    for (const [what, attack] of attacks) {
      const b = connectDoc(app.url, `chat:${roomId}`, as.bruno!.cookie);
      await b.synced();
      await waitFor(async () => chatMessages(b.doc).length > 0, 'Bruno sees the message');
      attack(b.doc);
      await waitFor(async () => b.closes.includes(CloseCode.Forbidden), `${what} refused`);
      b.destroy();
    }
    await new Promise((r) => setTimeout(r, 200));
    expect(readChatMessages(a.doc).map((m) => m.text)).toEqual(['hello from Ana']);
    expect(chatMessages(a.doc).get(0).has('pinned')).toBe(false);
    expect((await stored()).map((m) => m.text)).toEqual(['hello from Ana']);

    // Bruno's own messages are his to write and delete.
    const b = connectDoc(app.url, `chat:${roomId}`, as.bruno!.cookie);
    await b.synced();
    const mine = addChatMessage(b.doc, bruno, 'typo');
    addChatMessage(b.doc, bruno, 'hi Ana');
    await waitFor(async () => readChatMessages(a.doc).length === 3, 'Ana sees Bruno');
    deleteChatMessage(b.doc, mine.get('id') as string);
    await waitFor(
      async () =>
        readChatMessages(a.doc)
          .map((m) => m.text)
          .join('|') === 'hello from Ana|hi Ana',
      'own delete',
    );
    expect(b.closes).toEqual([]);
    expect((await stored()).map((m) => m.text)).toEqual(['hello from Ana', 'hi Ana']);
    a.destroy();
    b.destroy();
  });

  it('unread counts follow each member’s read position', async () => {
    const a = connectDoc(app.url, `chat:${roomId}`, as.ana!.cookie);
    await a.synced();
    const live = () => chatMessages(a.doc).length;
    // Nothing read yet: all of it is unread for both (Ana's own messages too, until she marks them).
    expect((await roomOf(as.bruno!, roomId))!.unread).toBe(live());
    expect(await as.bruno!.chat.markRead.mutate({ roomId, count: live() })).toEqual({ unread: 0 });
    for (const text of ['one', 'two']) addChatMessage(a.doc, ana, text);
    await waitFor(async () => (await roomOf(as.bruno!, roomId))!.unread === 2, 'two unread');
    // Read positions never move back (an older tab reporting late).
    expect(await as.bruno!.chat.markRead.mutate({ roomId, count: 1 })).toEqual({ unread: 2 });
    // …and never past what the document holds.
    expect(await as.bruno!.chat.markRead.mutate({ roomId, count: 10_000 })).toEqual({ unread: 0 });
    addChatMessage(a.doc, ana, 'three');
    await waitFor(async () => (await roomOf(as.bruno!, roomId))!.unread === 1, 'one unread');
    a.destroy();
  });

  it('refuses a message signed as another user', async () => {
    const b = connectDoc(app.url, `chat:${roomId}`, as.bruno!.cookie);
    await b.synced();
    const count = (await stored()).length;
    addChatMessage(b.doc, ana, 'written by Bruno, claiming to be Ana');
    await waitFor(async () => b.closes.includes(CloseCode.Forbidden), 'closed');
    b.destroy();
    expect((await stored()).length).toBe(count);
  });

  it('older messages move to PostgreSQL rows, readable through chat.history, with the server’s author', async () => {
    const a = connectDoc(app.url, `chat:${roomId}`, as.ana!.cookie);
    const b = connectDoc(app.url, `chat:${roomId}`, as.bruno!.cookie);
    await Promise.all([a.synced(), b.synced()]);
    const before = chatMessages(a.doc).length;
    for (let i = 0; i < 20; i++) addChatMessage(a.doc, ana, `bulk ${i}`);
    await waitFor(async () => chatMessages(b.doc).length === before + 20, 'Bruno has them');
    addChatMessage(b.doc, bruno, 'written by Bruno');
    const total = before + 21;
    await waitFor(async () => (await stored()).length === total && chatMessages(b.doc).length === total, 'all stored');
    const unreadBefore = (await roomOf(as.bruno!, roomId))!.unread;
    const oldest = readChatMessages(a.doc).slice(0, total - 10);

    expect(await archiveChatRoom(app.db.sql, app.sync, ids.orgId, roomId, { above: 20, keep: 10 })).toBe(total - 10);
    // Both peers see the document shrink; PostgreSQL has the same.
    await waitFor(async () => chatMessages(a.doc).length === 10 && chatMessages(b.doc).length === 10, 'peers see the archive');
    expect((await stored()).length).toBe(10);
    expect(readChatMessages(a.doc).at(-1)!.text).toBe('written by Bruno');
    // Archiving changes nobody's unread count.
    expect((await roomOf(as.bruno!, roomId))!.unread).toBe(unreadBefore);

    const history = await as.bruno!.chat.history.query({ roomId });
    expect(history.nextBefore).toBeNull();
    expect(history.messages.map((m) => m.text)).toEqual(oldest.map((m) => m.text).reverse());
    expect(history.messages.find((m) => m.text === 'hi Ana')).toMatchObject({
      authorId: bruno,
      authorName: expect.stringMatching(/^Bruno/),
    });
    expect(history.messages.find((m) => m.text === 'bulk 0')).toMatchObject({ authorId: ana });
    const page = await as.bruno!.chat.history.query({ roomId, before: history.messages[2]!.seq });
    expect(page.messages[0]!.text).toBe(history.messages[3]!.text);

    // The live document is under the limit: nothing more moves; then the rest goes, with Bruno as author.
    expect(await archiveChatRoom(app.db.sql, app.sync, ids.orgId, roomId, { above: 20, keep: 10 })).toBe(0);
    expect(await archiveChatRoom(app.db.sql, app.sync, ids.orgId, roomId, { above: 5, keep: 0 })).toBe(10);
    const claim = (await as.ana!.chat.history.query({ roomId })).messages[0];
    expect(claim).toMatchObject({ text: 'written by Bruno', authorId: bruno });
    a.destroy();
    b.destroy();
  });

  it('the sweep archives the rooms in memory that grew past the limit', async () => {
    const a = connectDoc(app.url, `chat:${roomId}`, as.ana!.cookie);
    await a.synced();
    const before = chatMessages(a.doc).length;
    a.doc.transact(() => {
      for (let i = before; i <= CHAT_ARCHIVE_ABOVE; i++) addChatMessage(a.doc, ana, `burst ${i}`);
    });
    await waitFor(async () => (await stored()).length === CHAT_ARCHIVE_ABOVE + 1, 'stored');
    const failures: unknown[] = [];
    // Sweep until it has seen the room grow (the server applies an update just after storing it).
    await waitFor(async () => {
      await archiveLoadedChats(app.db.sql, app.sync, (_msg, err) => failures.push(err));
      await new Promise((r) => setTimeout(r, 50));
      return chatMessages(a.doc).length === CHAT_ARCHIVE_KEEP;
    }, 'archived down to the margin');
    expect(failures).toEqual([]);
    expect(readChatMessages(a.doc).at(-1)!.text).toBe(`burst ${CHAT_ARCHIVE_ABOVE}`);
    // Start the next test from an empty room.
    await archiveChatRoom(app.db.sql, app.sync, ids.orgId, roomId, { above: 0, keep: 0 });
    a.destroy();
  });

  it('archives a room that is not in memory, and lets it go again', async () => {
    const a = connectDoc(app.url, `chat:${roomId}`, as.ana!.cookie);
    await a.synced();
    for (let i = 0; i < 8; i++) addChatMessage(a.doc, ana, `later ${i}`);
    await waitFor(async () => (await stored()).length === 8, 'stored');
    a.destroy();
    await waitFor(async () => app.sync.loadedDocs === 0, 'unloaded');
    expect(await archiveChatRoom(app.db.sql, app.sync, ids.orgId, roomId, { above: 5, keep: 3 })).toBe(5);
    expect((await stored()).map((m) => m.text)).toEqual(['later 5', 'later 6', 'later 7']);
    await waitFor(async () => app.sync.loadedDocs === 0, 'unloaded again');
    const fresh = connectDoc(app.url, `chat:${roomId}`, as.bruno!.cookie);
    await fresh.synced();
    expect(readChatMessages(fresh.doc).map((m) => m.text)).toEqual(['later 5', 'later 6', 'later 7']);
    fresh.destroy();
  });
});

describe('chat.posted: the unread hint on a new message', () => {
  it('tells the room’s members (and only them) once the message is stored; nothing for a message it does not hold or someone else wrote', async () => {
    const roomId = (await as.ana!.chat.open.mutate({ userIds: [bruno] })).roomId as string;
    const brunoEvents = openEventStream(app.url, as.bruno!.cookie);
    const carlaEvents = openEventStream(app.url, as.carla!.cookie);
    await Promise.all([brunoEvents.started, carlaEvents.started]);
    const told = (s: typeof brunoEvents) => s.received.filter((e) => e.data.type === 'chat.message' && e.data.roomId === roomId).length;

    const a = connectDoc(app.url, `chat:${roomId}`, as.ana!.cookie);
    await a.synced();
    const id = addChatMessage(a.doc, ana, 'are you there?').get('id') as string;
    // Called at once, as the browser does: it waits for the message to be stored.
    expect(await as.ana!.chat.posted.mutate({ roomId, messageId: id })).toEqual({ announced: true });
    await waitFor(async () => told(brunoEvents) === 1, 'Bruno told');
    expect((await roomOf(as.bruno!, roomId))!.unread).toBeGreaterThan(0);

    // Bruno cannot announce Ana's message, nor anyone a message the room does not hold.
    const unknown = '00000000-0000-4000-8000-000000000000';
    expect(await as.bruno!.chat.posted.mutate({ roomId, messageId: id })).toEqual({ announced: false });
    expect(await as.ana!.chat.posted.mutate({ roomId, messageId: unknown })).toEqual({ announced: false });
    // Not a member: not found.
    expect((await refusal(as.carla!.chat.posted.mutate({ roomId, messageId: id }))).code).toBe('NOT_FOUND');
    await new Promise((r) => setTimeout(r, 300));
    expect(told(brunoEvents)).toBe(1);
    expect(told(carlaEvents)).toBe(0);
    brunoEvents.close();
    carlaEvents.close();
    a.destroy();
  });
});
