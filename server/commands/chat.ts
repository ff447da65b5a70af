import * as Y from 'yjs';
import {
  addMembers,
  addMembersRead,
  advanceReadPosition,
  archivedCount,
  archivedMessages,
  archiveMessages,
  chatParties,
  directKey,
  findDirectRoom,
  insertRoom,
  insertServerDocUpdate,
  lockRoomMembers,
  membership,
  removeMember,
  roomsOfUser,
  type ArchivedMessage,
  type ChatKind,
  type Membership,
} from '../../db/queries/chat.ts';
import { loadClientBindings, loadDocUpdates } from '../../db/queries/sync.ts';
import { runTx, type Sql } from '../../db/sql.ts';
import { docName, parseDocName } from '../../sync/shared/doc-name.ts';
import { chatMessages, countChatMessages, readChatMessage } from '../../sync/shared/schemas.ts';
import type { SyncServer } from '../../sync/server/server.ts';
import { chatRefusal } from '../domain/chat.ts';
import type { Fail } from '../errors.ts';
import type { Services } from '../services/index.ts';

/** The person acting: internal chat is always about the caller's own rooms. */
export interface ChatActor {
  orgId: string;
  userId: string;
  fail: Fail;
}

/** A group room holds at most this many people besides the one who opens it. */
export const MAX_CHAT_OTHERS = 10;
/** Past this many messages in a room's live document, the oldest move to chat_messages_archive… */
export const CHAT_ARCHIVE_ABOVE = 200;
/** …until this many remain (a margin, so archiving does not run at every new message). */
export const CHAT_ARCHIVE_KEEP = 150;

export interface OpenedChat {
  roomId: string;
  docName: string;
  kind: ChatKind;
  created: boolean;
}

/**
 * Opens a room with these colleagues: one user is the pair's one direct room (opened again,
 * even with the colleague now offline, it is the same room: existing rooms stay usable),
 * more is a new small group. A new room is announced with `chat.members`.
 */
export async function openChat(s: Services, actor: ChatActor, userIds: string[]): Promise<OpenedChat> {
  const others = [...new Set(userIds.map((u) => u.toLowerCase()))].filter((u) => u !== actor.userId);
  if (others.length === 0) throw actor.fail('BAD_REQUEST', 'chat.noColleague');
  if (others.length > MAX_CHAT_OTHERS) throw actor.fail('BAD_REQUEST', 'chat.tooMany', { max: MAX_CHAT_OTHERS });
  const parties = new Map((await chatParties(s.sql, actor.orgId, [actor.userId, ...others])).map((p) => [p.id, p]));
  const caller = parties.get(actor.userId);
  if (!caller) throw actor.fail('UNAUTHORIZED', 'error.unauthenticated');
  const key = others.length === 1 ? directKey(actor.userId, others[0]!) : null;
  if (key) {
    const existing = await findDirectRoom(s.sql, actor.orgId, key);
    // Only the caller's own right to chat is checked again for a room that exists.
    if (existing && caller.internalChat) return { roomId: existing, docName: docName.chat(existing), kind: 'direct', created: false };
  }
  const refusal = chatRefusal(
    caller,
    others.map((id) => parties.get(id)),
  );
  if (refusal) throw actor.fail('FORBIDDEN', refusal.key, refusal.name ? { name: refusal.name } : {});
  return runTx(s.sql, async (tx) => {
    const kind: ChatKind = key ? 'direct' : 'group';
    const roomId = await insertRoom(tx, { orgId: actor.orgId, kind, directKey: key, createdBy: actor.userId });
    if (!roomId) {
      // Both opened the pair's room at once: the other transaction made it.
      const existing = (await findDirectRoom(tx, actor.orgId, key!))!;
      return { roomId: existing, docName: docName.chat(existing), kind, created: false };
    }
    await addMembers(tx, actor.orgId, roomId, [actor.userId, ...others]);
    await s.bus.publish(tx, actor.orgId, 'chat.members', { roomId });
    return { roomId, docName: docName.chat(roomId), kind, created: true };
  });
}

/**
 * Adds colleagues to a group room the caller is in. The same rule as starting a group holds
 * for the caller and each newcomer (SPEC §7), and a group stays within its size. Newcomers
 * see the room's history with nothing unread; the members hear `chat.members`, and the sync
 * server lets the newcomers open the room's document.
 */
export async function addChatMembers(s: Services, actor: ChatActor, roomId: string, userIds: string[]): Promise<{ added: number }> {
  const wanted = [...new Set(userIds.map((u) => u.toLowerCase()))].filter((u) => u !== actor.userId);
  if (wanted.length === 0) throw actor.fail('BAD_REQUEST', 'chat.noColleague');
  const m = await memberOf(s, actor, roomId);
  if (m.kind !== 'group') throw actor.fail('BAD_REQUEST', 'chat.notGroup');
  const parties = new Map((await chatParties(s.sql, actor.orgId, [actor.userId, ...wanted])).map((p) => [p.id, p]));
  const caller = parties.get(actor.userId);
  if (!caller) throw actor.fail('UNAUTHORIZED', 'error.unauthenticated');
  const refusal = chatRefusal(
    caller,
    wanted.map((id) => parties.get(id)),
  );
  if (refusal) throw actor.fail('FORBIDDEN', refusal.key, refusal.name ? { name: refusal.name } : {});
  const live = await liveCount(s.sql, actor.orgId, roomId);
  return runTx(s.sql, async (tx) => {
    const room = await lockRoomMembers(tx, actor.orgId, roomId);
    // Left meanwhile: the same answer as for a room one is not in.
    if (!room?.members.includes(actor.userId)) throw actor.fail('NOT_FOUND', 'error.notFound');
    const already = wanted.find((id) => room.members.includes(id));
    if (already) throw actor.fail('CONFLICT', 'chat.alreadyMember', { name: parties.get(already)!.name });
    if (room.members.length + wanted.length > MAX_CHAT_OTHERS + 1)
      throw actor.fail('BAD_REQUEST', 'chat.tooMany', { max: MAX_CHAT_OTHERS });
    await addMembersRead(tx, actor.orgId, roomId, wanted, (await archivedCount(tx, actor.orgId, roomId)) + live);
    await s.bus.publish(tx, actor.orgId, 'chat.members', { roomId });
    return { added: wanted.length };
  });
}

/**
 * The caller leaves a group room: it disappears from their list, the sync server closes their
 * socket to its document, the others carry on. A direct room cannot be left (it is the pair's).
 */
export async function leaveChat(s: Services, actor: ChatActor, roomId: string): Promise<{ left: boolean }> {
  const m = await memberOf(s, actor, roomId);
  if (m.kind !== 'group') throw actor.fail('BAD_REQUEST', 'chat.notGroup');
  return runTx(s.sql, async (tx) => {
    const left = await removeMember(tx, actor.orgId, roomId, actor.userId);
    if (left) await s.bus.publish(tx, actor.orgId, 'chat.members', { roomId });
    return { left };
  });
}

/** A room's document as stored (every committed update), read without loading it into the sync server. */
export async function storedRoomDoc(sql: Sql, orgId: string, roomId: string): Promise<Y.Doc> {
  const doc = new Y.Doc();
  const stored = await loadDocUpdates(sql, orgId, docName.chat(roomId));
  if (stored.updates.length > 0) Y.applyUpdate(doc, Y.mergeUpdates(stored.updates));
  return doc;
}

async function liveCount(sql: Sql, orgId: string, roomId: string): Promise<number> {
  const doc = await storedRoomDoc(sql, orgId, roomId);
  try {
    return countChatMessages(doc);
  } finally {
    doc.destroy();
  }
}

/**
 * Read positions count every message of the room, archived ones included, so archiving does
 * not change anyone's unread count: unread = archived + in the document − read.
 */
const unreadOf = (m: Membership, live: number) => Math.max(0, m.archivedCount + live - m.lastReadCount);

export async function listChats(s: Services, actor: ChatActor) {
  const rooms = await roomsOfUser(s.sql, actor.orgId, actor.userId);
  return Promise.all(
    rooms.map(async (r) => ({
      roomId: r.roomId,
      docName: docName.chat(r.roomId),
      kind: r.kind,
      members: r.members,
      archived: r.archivedCount,
      unread: unreadOf(r, await liveCount(s.sql, actor.orgId, r.roomId)),
    })),
  );
}

async function memberOf(s: Services, actor: ChatActor, roomId: string): Promise<Membership> {
  const m = await membership(s.sql, actor.orgId, roomId, actor.userId);
  if (!m) throw actor.fail('NOT_FOUND', 'error.notFound');
  return m;
}

/**
 * The caller has read the first `count` messages of the room's document. Clamped to what the
 * document holds, and never moved back.
 */
export async function markChatRead(s: Services, actor: ChatActor, roomId: string, count: number): Promise<{ unread: number }> {
  const m = await memberOf(s, actor, roomId);
  const live = await liveCount(s.sql, actor.orgId, roomId);
  const read = await advanceReadPosition(s.sql, actor.orgId, roomId, actor.userId, m.archivedCount + Math.min(count, live));
  return { unread: unreadOf({ ...m, lastReadCount: read }, live) };
}

/** How long chat.posted waits for a message to be stored before giving up (it is a hint, not a delivery). */
export const POSTED_WAIT_MS = 5_000;

/**
 * The author's client says it wrote message `messageId` in the room: once the server has
 * stored it (the sync server commits in small groups, so this waits a moment), the room's
 * members hear `chat.message` and refetch their unread counts. Live events carry ids only;
 * the message itself travels in the room's document. Nothing is published for a message
 * the server does not hold, or that someone else wrote.
 */
export async function announceChatMessage(
  s: Services,
  actor: ChatActor,
  roomId: string,
  messageId: string,
  opts: { waitMs?: number } = {},
): Promise<{ announced: boolean }> {
  await memberOf(s, actor, roomId);
  const deadline = Date.now() + (opts.waitMs ?? POSTED_WAIT_MS);
  for (let delay = 50; ; delay = Math.min(500, delay * 2)) {
    const doc = await storedRoomDoc(s.sql, actor.orgId, roomId);
    let found: boolean;
    try {
      found = chatMessages(doc)
        .toArray()
        .some((m) => m instanceof Y.Map && m.get('id') === messageId && m.get('authorId') === actor.userId);
    } finally {
      doc.destroy();
    }
    if (found) {
      await s.bus.publish(s.sql, actor.orgId, 'chat.message', { roomId });
      return { announced: true };
    }
    if (Date.now() + delay > deadline) return { announced: false };
    await new Promise((r) => setTimeout(r, delay));
  }
}

export const HISTORY_PAGE = 50;

/** Archived messages, newest first; `before` is the `seq` of the oldest one already shown. */
export async function chatHistory(s: Services, actor: ChatActor, roomId: string, before: number | null) {
  await memberOf(s, actor, roomId);
  const rows = await archivedMessages(s.sql, actor.orgId, roomId, before, HISTORY_PAGE);
  return {
    messages: rows.map((r) => ({
      seq: r.seq,
      id: r.id,
      authorId: r.authorId,
      authorName: r.authorName,
      at: r.at.toISOString(),
      text: r.text,
    })),
    nextBefore: rows.length === HISTORY_PAGE ? rows.at(-1)!.seq : null,
  };
}

/**
 * Keeps a room's live document small: when it holds more than `above` messages, the oldest
 * (all but the newest `keep`) move to chat_messages_archive. The archive rows and the update
 * that removes them from the document commit in one transaction, then the sync server
 * applies that update and fans it out, like any other. The author stored is the user bound
 * to the Yjs client id that wrote the message (the server's record, not the document's
 * claim). Returns how many messages moved.
 */
export async function archiveChatRoom(
  sql: Sql,
  sync: SyncServer,
  orgId: string,
  roomId: string,
  opts: { above?: number; keep?: number } = {},
): Promise<number> {
  const above = opts.above ?? CHAT_ARCHIVE_ABOVE;
  const keep = Math.min(opts.keep ?? CHAT_ARCHIVE_KEEP, above);
  const name = parseDocName(docName.chat(roomId))!;
  let moved = 0;
  await sync.changeDoc(orgId, name, async (current) => {
    const list = chatMessages(current);
    if (list.length <= above) return null;
    const n = list.length - keep;
    const oldest = list.slice(0, n);
    // The removal, computed on a copy: the live document changes only once it is stored.
    const copy = new Y.Doc();
    Y.applyUpdate(copy, Y.encodeStateAsUpdate(current));
    let update: Uint8Array | null = null;
    copy.on('update', (u: Uint8Array) => (update = u));
    chatMessages(copy).delete(0, n);
    copy.destroy();
    const bindings = await loadClientBindings(sql, name.name);
    const rows: ArchivedMessage[] = oldest.flatMap((m) => {
      if (!(m instanceof Y.Map)) return [];
      const msg = readChatMessage(m);
      const at = new Date(msg.at);
      const item = m._item!.id;
      return [
        {
          itemId: `${item.client}:${item.clock}`,
          messageId: msg.id,
          authorId: bindings.get(item.client) ?? null,
          at: Number.isNaN(at.getTime()) ? new Date() : at,
          text: msg.text,
        },
      ];
    });
    const removal = update as Uint8Array | null;
    if (!removal) return null;
    await runTx(sql, async (tx) => {
      moved = await archiveMessages(tx, orgId, roomId, rows);
      await insertServerDocUpdate(tx, orgId, name.name, removal);
    });
    return removal;
  });
  return moved;
}

/** The sweep: archives every chat room in memory that has grown past the limit. */
export async function archiveLoadedChats(sql: Sql, sync: SyncServer, log: (msg: string, err?: unknown) => void): Promise<void> {
  for (const room of sync.loadedRooms()) {
    if (room.name.kind !== 'chat' || room.closed || countChatMessages(room.doc) <= CHAT_ARCHIVE_ABOVE) continue;
    await archiveChatRoom(sql, sync, room.orgId, room.name.roomId).catch((err) => log('chat archiving failed; will retry', err));
  }
}
