import type { AgentStatus } from './users.ts';
import type { Db } from '../sql.ts';

/** What the internal-chat rule needs to know about one person. */
export interface ChatParty {
  id: string;
  name: string;
  status: AgentStatus;
  active: boolean;
  /** users.internal_chat: the admin lets this person use internal chat. */
  internalChat: boolean;
  /** Member of at least one team with teams.internal_chat. */
  inChatTeam: boolean;
}

export async function chatParties(db: Db, orgId: string, userIds: string[]): Promise<ChatParty[]> {
  const rows = await db`
    SELECT u.id, u.name, u.status, u.deactivated_at IS NULL AS active, u.internal_chat,
      EXISTS (SELECT 1 FROM team_members m JOIN teams t ON t.org_id = m.org_id AND t.id = m.team_id
              WHERE m.org_id = u.org_id AND m.user_id = u.id AND t.internal_chat) AS in_chat_team
    FROM users u WHERE u.org_id = ${orgId} AND u.id = ANY(${userIds}::uuid[])`;
  return rows.map((r) => ({
    id: r.id as string,
    name: r.name as string,
    status: r.status as AgentStatus,
    active: r.active as boolean,
    internalChat: r.internal_chat as boolean,
    inChatTeam: r.in_chat_team as boolean,
  }));
}

export type ChatKind = 'direct' | 'group';

/** The one direct room of a pair: their ids in order. */
export const directKey = (a: string, b: string) => [a, b].sort().join(':');

export async function findDirectRoom(db: Db, orgId: string, key: string): Promise<string | null> {
  const rows = await db`SELECT id FROM chat_rooms WHERE org_id = ${orgId} AND direct_key = ${key}`;
  return (rows[0]?.id as string | undefined) ?? null;
}

/** Creates a room; for a direct pair that already has one (a concurrent open), returns null. */
export async function insertRoom(
  db: Db,
  r: { orgId: string; kind: ChatKind; directKey: string | null; createdBy: string },
): Promise<string | null> {
  const rows = await db`
    INSERT INTO chat_rooms (org_id, kind, direct_key, created_by) VALUES (${r.orgId}, ${r.kind}, ${r.directKey}, ${r.createdBy})
    ON CONFLICT (org_id, direct_key) WHERE direct_key IS NOT NULL DO NOTHING RETURNING id`;
  return (rows[0]?.id as string | undefined) ?? null;
}

export async function addMembers(db: Db, orgId: string, roomId: string, userIds: string[]): Promise<void> {
  await db`
    INSERT INTO chat_members (org_id, room_id, user_id)
    SELECT ${orgId}, ${roomId}, unnest(${userIds}::uuid[]) ON CONFLICT DO NOTHING`;
}

/** The room's members, the room row locked (member changes of one room happen one at a time). */
export async function lockRoomMembers(db: Db, orgId: string, roomId: string): Promise<{ kind: ChatKind; members: string[] } | null> {
  const rooms = await db`SELECT kind FROM chat_rooms WHERE org_id = ${orgId} AND id = ${roomId} FOR UPDATE`;
  if (!rooms[0]) return null;
  const rows = await db`SELECT user_id FROM chat_members WHERE org_id = ${orgId} AND room_id = ${roomId}`;
  return { kind: rooms[0].kind as ChatKind, members: rows.map((r) => r.user_id as string) };
}

/** How many of the room's messages are archived (out of its live document). */
export async function archivedCount(db: Db, orgId: string, roomId: string): Promise<number> {
  const rows = await db`SELECT archived_count FROM chat_rooms WHERE org_id = ${orgId} AND id = ${roomId}`;
  return rows[0]!.archived_count as number;
}

/** New members start having read everything already there (they can scroll back; nothing is unread). */
export async function addMembersRead(db: Db, orgId: string, roomId: string, userIds: string[], readCount: number): Promise<void> {
  await db`
    INSERT INTO chat_members (org_id, room_id, user_id, last_read_count)
    SELECT ${orgId}, ${roomId}, unnest(${userIds}::uuid[]), ${readCount} ON CONFLICT DO NOTHING`;
}

export async function removeMember(db: Db, orgId: string, roomId: string, userId: string): Promise<boolean> {
  const rows = await db`DELETE FROM chat_members WHERE org_id = ${orgId} AND room_id = ${roomId} AND user_id = ${userId} RETURNING user_id`;
  return rows.length > 0;
}

export interface Membership {
  roomId: string;
  kind: ChatKind;
  archivedCount: number;
  lastReadCount: number;
}

export async function membership(db: Db, orgId: string, roomId: string, userId: string): Promise<Membership | null> {
  const rows = await db`
    SELECT r.id, r.kind, r.archived_count, m.last_read_count FROM chat_members m
    JOIN chat_rooms r ON r.org_id = m.org_id AND r.id = m.room_id
    WHERE m.org_id = ${orgId} AND m.room_id = ${roomId} AND m.user_id = ${userId}`;
  const r = rows[0];
  return r
    ? {
        roomId: r.id as string,
        kind: r.kind as ChatKind,
        archivedCount: r.archived_count as number,
        lastReadCount: r.last_read_count as number,
      }
    : null;
}

export interface RoomOfUser extends Membership {
  members: { id: string; name: string; status: AgentStatus }[];
}

/** The rooms a user belongs to, with every member, newest room first. */
export async function roomsOfUser(db: Db, orgId: string, userId: string): Promise<RoomOfUser[]> {
  const rows = await db`
    SELECT r.id, r.kind, r.archived_count, me.last_read_count,
      json_agg(json_build_object('id', u.id, 'name', u.name, 'status', u.status) ORDER BY lower(u.name), u.id) AS members
    FROM chat_members me
    JOIN chat_rooms r ON r.org_id = me.org_id AND r.id = me.room_id
    JOIN chat_members m ON m.org_id = r.org_id AND m.room_id = r.id
    JOIN users u ON u.org_id = m.org_id AND u.id = m.user_id
    WHERE me.org_id = ${orgId} AND me.user_id = ${userId}
    GROUP BY r.id, r.kind, r.archived_count, me.last_read_count, r.created_at
    ORDER BY r.created_at DESC, r.id`;
  return rows.map((r) => ({
    roomId: r.id as string,
    kind: r.kind as ChatKind,
    archivedCount: r.archived_count as number,
    lastReadCount: r.last_read_count as number,
    members: r.members as RoomOfUser['members'],
  }));
}

/** Moves a member's read position forward only (two tabs may report out of order). */
export async function advanceReadPosition(db: Db, orgId: string, roomId: string, userId: string, total: number): Promise<number> {
  const rows = await db`
    UPDATE chat_members SET last_read_count = GREATEST(last_read_count, ${total}), last_read_at = now()
    WHERE org_id = ${orgId} AND room_id = ${roomId} AND user_id = ${userId} RETURNING last_read_count`;
  return (rows[0]?.last_read_count as number | undefined) ?? 0;
}

export interface ArchivedMessage {
  itemId: string;
  messageId: string;
  authorId: string | null;
  at: Date;
  text: string;
}

/** Inserts archived messages (again is a no-op) and counts the new ones in the room. */
export async function archiveMessages(db: Db, orgId: string, roomId: string, messages: ArchivedMessage[]): Promise<number> {
  if (messages.length === 0) return 0;
  const rows = await db`
    INSERT INTO chat_messages_archive (org_id, room_id, item_id, message_id, author_id, at, text)
    SELECT ${orgId}, ${roomId}, t.item_id, t.message_id, t.author_id, t.at, t.text
    FROM unnest(${messages.map((m) => m.itemId)}::text[], ${messages.map((m) => m.messageId)}::text[], ${messages.map((m) => m.authorId)}::uuid[],
      ${messages.map((m) => m.at.toISOString())}::timestamptz[], ${messages.map((m) => m.text)}::text[])
      WITH ORDINALITY AS t(item_id, message_id, author_id, at, text, n)
    ORDER BY t.n
    ON CONFLICT (org_id, room_id, item_id) DO NOTHING RETURNING seq`;
  if (rows.length > 0)
    await db`UPDATE chat_rooms SET archived_count = archived_count + ${rows.length} WHERE org_id = ${orgId} AND id = ${roomId}`;
  return rows.length;
}

/** An update the server itself made to a document (no user wrote it). */
export async function insertServerDocUpdate(db: Db, orgId: string, docName: string, data: Uint8Array): Promise<void> {
  await db`INSERT INTO doc_updates (org_id, doc_name, data) VALUES (${orgId}, ${docName}, ${Buffer.from(data)})`;
}

export async function archivedMessages(db: Db, orgId: string, roomId: string, before: number | null, limit: number) {
  const rows = await db`
    SELECT a.seq::text, a.message_id, a.author_id, u.name AS author_name, a.at, a.text
    FROM chat_messages_archive a LEFT JOIN users u ON u.org_id = a.org_id AND u.id = a.author_id
    WHERE a.org_id = ${orgId} AND a.room_id = ${roomId} ${before === null ? db`` : db`AND a.seq < ${before}`}
    ORDER BY a.seq DESC LIMIT ${limit}`;
  return rows.map((r) => ({
    seq: Number(r.seq),
    id: r.message_id as string,
    authorId: (r.author_id as string | null) ?? null,
    authorName: (r.author_name as string | null) ?? null,
    at: r.at as Date,
    text: r.text as string,
  }));
}

/** Whether the user is a member of the chat room. */
export async function isChatMember(db: Db, orgId: string, roomId: string, userId: string): Promise<boolean> {
  const rows = await db`SELECT 1 FROM chat_members WHERE org_id = ${orgId} AND room_id = ${roomId} AND user_id = ${userId}`;
  return rows.length > 0;
}
