import { CHANNEL_COLUMNS, toChannel, type Channel } from './channels.ts';
import type { MessageStatus } from './messages.ts';
import type { Db } from '../sql.ts';

/** A web chat visitor: the token's owner. The token itself is never stored, only its hash. */
export interface Visitor {
  id: string;
  orgId: string;
  channelId: string;
  name: string;
}

function toVisitor(r: Record<string, unknown>): Visitor {
  return { id: r.id as string, orgId: r.org_id as string, channelId: r.channel_id as string, name: r.name as string };
}

/** An active web chat channel, looked up by id alone: the widget's public entry point. */
export async function activeWebchatChannel(db: Db, channelId: string): Promise<Channel | null> {
  const rows = await db.unsafe(`SELECT ${CHANNEL_COLUMNS} FROM channels WHERE id = $1 AND kind = 'webchat' AND active`, [channelId]);
  return rows[0] ? toChannel(rows[0]) : null;
}

export async function insertVisitor(
  db: Db,
  v: { orgId: string; channelId: string; tokenHash: Uint8Array; name: string },
): Promise<Visitor> {
  const rows = await db`INSERT INTO webchat_visitors (org_id, channel_id, token_hash, name)
    VALUES (${v.orgId}, ${v.channelId}, ${Buffer.from(v.tokenHash)}, ${v.name}) RETURNING id, org_id, channel_id, name`;
  return toVisitor(rows[0]!);
}

/**
 * The visitor a token hash names, only while its channel is an active web chat channel and
 * the token was used within `ttlDays` (sliding: each use extends it). last_seen_at is
 * refreshed at most once an hour per visitor, not written on every request.
 */
export async function visitorByTokenHash(db: Db, tokenHash: Uint8Array, ttlDays: number): Promise<Visitor | null> {
  const rows = await db`SELECT v.id, v.org_id, v.channel_id, v.name, v.last_seen_at < now() - interval '1 hour' AS stale
    FROM webchat_visitors v JOIN channels c ON c.org_id = v.org_id AND c.id = v.channel_id
    WHERE v.token_hash = ${Buffer.from(tokenHash)} AND c.kind = 'webchat' AND c.active
      AND v.last_seen_at > now() - ${ttlDays}::float8 * interval '1 day'`;
  const r = rows[0];
  if (!r) return null;
  if (r.stale) {
    await db`UPDATE webchat_visitors SET last_seen_at = now()
      WHERE org_id = ${r.org_id} AND id = ${r.id} AND last_seen_at < now() - interval '1 hour'`;
  }
  return toVisitor(r);
}

export async function renameVisitor(db: Db, v: Visitor, name: string): Promise<void> {
  await db`UPDATE webchat_visitors SET name = ${name} WHERE org_id = ${v.orgId} AND id = ${v.id}`;
}

/** The visitor's conversations on their channel, newest first: the only ones they may read. */
const MINE = `SELECT c.id FROM conversations c JOIN contacts k ON k.org_id = c.org_id AND k.id = c.contact_id
  WHERE c.org_id = $1 AND c.channel_id = $2 AND k.webchat_visitor_id = $3`;

export async function visitorConversationIds(db: Db, v: Visitor): Promise<string[]> {
  const rows = await db.unsafe(MINE, [v.orgId, v.channelId, v.id]);
  return rows.map((r) => r.id as string);
}

export async function conversationOfVisitor(db: Db, v: Visitor, conversationId: string): Promise<boolean> {
  const rows = await db.unsafe(`${MINE} AND c.id = $4`, [v.orgId, v.channelId, v.id, conversationId]);
  return rows.length > 0;
}

export interface CurrentConversation {
  id: string;
  protocol: string;
  status: 'bot' | 'waiting' | 'active' | 'closed';
  /**
   * Put in a team's queue: the team's name, and the last of the visitor's messages before it
   * (the widget shows "You're in the queue for …" after that message).
   */
  queued: { team: string | null; afterSeq: number } | null;
  /** Claimed by an agent: the name the customer may see (null when the organization hides it), and the last message before it. */
  joined: { agent: string | null; afterSeq: number } | null;
}

export async function latestVisitorConversation(db: Db, v: Visitor): Promise<CurrentConversation | null> {
  const rows = await db.unsafe(
    `SELECT c.id, c.protocol, c.status, c.queued_at, c.claimed_at, t.name AS team_name,
       CASE WHEN o.identify_agents THEN coalesce(nullif(trim(u.codename), ''), u.name) END AS agent_label,
       (SELECT max(m.seq) FROM messages m WHERE m.org_id = c.org_id AND m.conversation_id = c.id AND m.direction = 'in' AND m.created_at <= c.queued_at) AS queued_after,
       (SELECT max(m.seq) FROM messages m WHERE m.org_id = c.org_id AND m.conversation_id = c.id AND m.created_at <= c.claimed_at) AS joined_after
     FROM conversations c JOIN contacts k ON k.org_id = c.org_id AND k.id = c.contact_id
       JOIN organizations o ON o.id = c.org_id
       LEFT JOIN teams t ON t.org_id = c.org_id AND t.id = c.team_id
       LEFT JOIN users u ON u.org_id = c.org_id AND u.id = coalesce(c.assignee_id, c.served_by)
     WHERE c.org_id = $1 AND c.channel_id = $2 AND k.webchat_visitor_id = $3 ORDER BY c.created_at DESC LIMIT 1`,
    [v.orgId, v.channelId, v.id],
  );
  const r = rows[0];
  if (!r) return null;
  return {
    id: r.id as string,
    protocol: r.protocol as string,
    status: r.status as CurrentConversation['status'],
    queued: r.queued_at ? { team: (r.team_name as string | null) ?? null, afterSeq: Number(r.queued_after ?? 0) } : null,
    joined: r.claimed_at ? { agent: (r.agent_label as string | null) ?? null, afterSeq: Number(r.joined_after ?? 0) } : null,
  };
}

/** A message row as the visitor's view needs it (the file's name and type, the agent's label). */
export interface VisitorMessageRow {
  id: string;
  conversationId: string;
  direction: 'in' | 'out';
  kind: string;
  text: string;
  wireText: string | null;
  status: MessageStatus;
  isBot: boolean;
  /** A bot message with a meaning of its own (`no_one_available`, `rating_request`), else null. */
  notice: string | null;
  /** The customer's answer to the bot's menu: the chosen option's name (stored at ingest). */
  menuLabel: string | null;
  authorLabel: string | null;
  channelMessageId: string | null;
  attachment: { id: string; filename: string; contentType: string; size: number } | null;
  at: Date;
  /** Display order (the order the rows were stored). */
  seq: number;
}

const VIEW_COLUMNS = `m.id, m.conversation_id, m.direction, m.kind, m.text, m.wire_text, m.status, m.is_bot, m.payload->>'notice' AS notice, m.payload->>'botMenuLabel' AS menu_label, m.channel_message_id,
  m.created_at, m.provider_timestamp, m.seq, m.attachment_id, a.filename, a.content_type, a.size_bytes,
  CASE WHEN o.identify_agents THEN coalesce(nullif(trim(u.codename), ''), u.name) END AS author_label`;
const VIEW_JOINS = `LEFT JOIN attachments a ON a.org_id = m.org_id AND a.id = m.attachment_id
  LEFT JOIN users u ON u.org_id = m.org_id AND u.id = m.author_id
  JOIN organizations o ON o.id = m.org_id`;
/**
 * Display order: the order rows were stored (rows written in one transaction share
 * created_at, e.g. an inbound message and the bot's answer to it).
 */
const ORDER_KEY = `m.seq`;

function toRow(r: Record<string, unknown>): VisitorMessageRow {
  return {
    id: r.id as string,
    conversationId: r.conversation_id as string,
    direction: r.direction as 'in' | 'out',
    kind: r.kind as string,
    text: r.text as string,
    wireText: (r.wire_text as string | null) ?? null,
    status: r.status as MessageStatus,
    isBot: r.is_bot as boolean,
    notice: r.is_bot ? ((r.notice as string | null) ?? null) : null,
    menuLabel: r.direction === 'in' ? ((r.menu_label as string | null) ?? null) : null,
    authorLabel: (r.author_label as string | null) ?? null,
    channelMessageId: (r.channel_message_id as string | null) ?? null,
    attachment: r.attachment_id
      ? { id: r.attachment_id as string, filename: r.filename as string, contentType: r.content_type as string, size: Number(r.size_bytes) }
      : null,
    at: ((r.provider_timestamp as Date | null) ?? r.created_at) as Date,
    seq: Number(r.seq),
  };
}

/**
 * The visitor's messages across their conversations on this channel: the newest `limit`
 * when there is no cursor, else those after the cursor message (oldest first, `limit` at
 * most, `more` when there are further ones). A cursor the visitor may not read counts as none.
 */
export async function visitorMessages(
  db: Db,
  v: Visitor,
  afterId: string | null,
  limit: number,
  beforeId: string | null = null,
): Promise<{ rows: VisitorMessageRow[]; more: boolean; older: boolean }> {
  const scope = `m.org_id = $1 AND m.conversation_id IN (${MINE})`;
  if (afterId && (await visitorHasMessage(db, v, afterId))) {
    const rows = await db.unsafe(
      `SELECT ${VIEW_COLUMNS} FROM messages m ${VIEW_JOINS}
       WHERE ${scope} AND ${ORDER_KEY} > (SELECT c.seq FROM messages c WHERE c.org_id = $1 AND c.id = $5)
       ORDER BY m.seq LIMIT $4`,
      [v.orgId, v.channelId, v.id, limit + 1, afterId],
    );
    return { rows: rows.slice(0, limit).map(toRow), more: rows.length > limit, older: false };
  }
  // The newest page, or the page just older than `beforeId` (one of the visitor's own messages
  // only); one row more than asked tells whether older ones exist.
  const before = beforeId && (await visitorHasMessage(db, v, beforeId)) ? beforeId : null;
  const rows = await db.unsafe(
    `SELECT ${VIEW_COLUMNS} FROM messages m ${VIEW_JOINS} WHERE ${scope}
     ${before ? `AND ${ORDER_KEY} < (SELECT c.seq FROM messages c WHERE c.org_id = $1 AND c.id = $5)` : ''}
     ORDER BY m.seq DESC LIMIT $4`,
    before ? [v.orgId, v.channelId, v.id, limit + 1, before] : [v.orgId, v.channelId, v.id, limit + 1],
  );
  return { rows: rows.slice(0, limit).reverse().map(toRow), more: false, older: rows.length > limit };
}

/** Whether the message belongs to one of the visitor's conversations. */
export async function visitorHasMessage(db: Db, v: Visitor, messageId: string): Promise<boolean> {
  const rows = await db.unsafe(`SELECT 1 FROM messages m WHERE m.org_id = $1 AND m.conversation_id IN (${MINE}) AND m.id = $4`, [
    v.orgId,
    v.channelId,
    v.id,
    messageId,
  ]);
  return rows.length > 0;
}

/** One message, only if it belongs to one of the visitor's conversations. */
export async function visitorMessage(db: Db, v: Visitor, messageId: string): Promise<VisitorMessageRow | null> {
  const rows = await db.unsafe(
    `SELECT ${VIEW_COLUMNS} FROM messages m ${VIEW_JOINS} WHERE m.org_id = $1 AND m.conversation_id IN (${MINE}) AND m.id = $4`,
    [v.orgId, v.channelId, v.id, messageId],
  );
  return rows[0] ? toRow(rows[0]) : null;
}

/**
 * Outbound messages of the visitor's conversations not yet read, up to (and including) one
 * of their messages; null when that message is not theirs.
 */
export async function unreadOutboundUpTo(db: Db, v: Visitor, messageId: string): Promise<string[] | null> {
  if (!(await visitorHasMessage(db, v, messageId))) return null;
  const rows = await db.unsafe(
    `SELECT m.id FROM messages m
     WHERE m.org_id = $1 AND m.conversation_id IN (${MINE}) AND m.direction = 'out' AND m.status NOT IN ('read', 'failed')
       AND ${ORDER_KEY} <= (SELECT c.seq FROM messages c WHERE c.org_id = $1 AND c.id = $4)`,
    [v.orgId, v.channelId, v.id, messageId],
  );
  return rows.map((r) => r.id as string);
}

export async function recordVisitorUpload(db: Db, v: Visitor, attachmentId: string): Promise<void> {
  await db`INSERT INTO webchat_uploads (org_id, attachment_id, visitor_id) VALUES (${v.orgId}, ${attachmentId}, ${v.id})`;
}

export async function visitorUploaded(db: Db, v: Visitor, attachmentId: string): Promise<boolean> {
  const rows =
    await db`SELECT 1 FROM webchat_uploads WHERE org_id = ${v.orgId} AND attachment_id = ${attachmentId} AND visitor_id = ${v.id}`;
  return rows.length > 0;
}

/** A visitor reads a file they uploaded, or one sent in one of their conversations. */
export async function visitorMayReadAttachment(db: Db, v: Visitor, attachmentId: string): Promise<boolean> {
  if (await visitorUploaded(db, v, attachmentId)) return true;
  const rows = await db.unsafe(
    `SELECT 1 FROM messages m WHERE m.org_id = $1 AND m.conversation_id IN (${MINE}) AND m.attachment_id = $4 LIMIT 1`,
    [v.orgId, v.channelId, v.id, attachmentId],
  );
  return rows.length > 0;
}

/** The visitor and web chat channel of a conversation; null for a conversation on another channel. */
export async function webchatOwner(
  db: Db,
  orgId: string,
  conversationId: string,
): Promise<{ visitorId: string; channelId: string } | null> {
  const rows = await db`SELECT k.webchat_visitor_id, c.channel_id FROM conversations c
    JOIN contacts k ON k.org_id = c.org_id AND k.id = c.contact_id
    JOIN channels ch ON ch.org_id = c.org_id AND ch.id = c.channel_id
    WHERE c.org_id = ${orgId} AND c.id = ${conversationId} AND ch.kind = 'webchat' AND k.webchat_visitor_id IS NOT NULL`;
  return rows[0] ? { visitorId: rows[0].webchat_visitor_id as string, channelId: rows[0].channel_id as string } : null;
}
