import { describe, expect, it } from 'vitest';
import { setUserTeams } from '../../db/queries/teams.ts';
import { insertUser } from '../../db/queries/users.ts';
import { CloseCode } from '../../sync/shared/close-codes.ts';
import { addChatMessage, chatMessages, readChatMessages } from '../../sync/shared/schemas.ts';
import { openEventStream } from '../../test/helpers/events.ts';
import { createOtherOrg, waitFor } from '../../test/helpers/orgs.ts';
import { connectDoc, upgradeStatus } from '../../test/helpers/sync.ts';
import { storedRoomDoc } from '../commands/chat.ts';
import { ana, app, as, bruno, carla, dora, doraId, ids, refusal, roomOf, useChatApp } from './chat-test-setup.ts';

useChatApp();

const setStatus = (userId: string, status: string) => app.db.sql`UPDATE users SET status = ${status} WHERE id = ${userId}`;
const setInternalChat = (userId: string, on: boolean) => app.db.sql`UPDATE users SET internal_chat = ${on} WHERE id = ${userId}`;

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
      await app.db.sql`UPDATE users SET status = 'online', connected = true WHERE id = ${u.id}`;
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
