import type { Db } from '../sql.ts';

export type MessageStatus = 'received' | 'queued' | 'sending' | 'sent' | 'delivered' | 'read' | 'failed' | 'unknown';

export interface Message {
  id: string;
  orgId: string;
  conversationId: string;
  channelId: string;
  direction: 'in' | 'out';
  kind: string;
  text: string;
  wireText: string | null;
  payload: Record<string, unknown>;
  attachmentId: string | null;
  templateId: string | null;
  templateParams: string[] | null;
  authorId: string | null;
  isBot: boolean;
  clientMessageId: string | null;
  channelMessageId: string | null;
  status: MessageStatus;
  errorCode: number | null;
  errorTitle: string | null;
  providerTimestamp: Date | null;
  createdAt: Date;
  /** The order messages were stored in (one sequence; ties of created_at never reorder them). */
  seq: number;
  /** Inbound media: still being fetched, stored, or unavailable (refused or never fetched). */
  mediaStatus: 'pending' | 'stored' | 'failed' | null;
}

export const MESSAGE_COLUMNS = `id, org_id, conversation_id, channel_id, direction, kind, text, wire_text, payload, attachment_id,
  template_id, template_params, author_id, is_bot, client_message_id, channel_message_id, status, error_code, error_title,
  provider_timestamp, created_at, seq, media_status`;

/** The column list as postgres.js identifiers, for `SELECT ${db(MESSAGE_FIELDS)}` / `RETURNING ${db(MESSAGE_FIELDS)}`. */
export const MESSAGE_FIELDS = MESSAGE_COLUMNS.split(',').map((c) => c.trim());

export function toMessage(r: Record<string, unknown>): Message {
  return {
    id: r.id as string,
    orgId: r.org_id as string,
    conversationId: r.conversation_id as string,
    channelId: r.channel_id as string,
    direction: r.direction as Message['direction'],
    kind: r.kind as string,
    text: r.text as string,
    wireText: (r.wire_text as string | null) ?? null,
    payload: (r.payload ?? {}) as Record<string, unknown>,
    attachmentId: (r.attachment_id as string | null) ?? null,
    templateId: (r.template_id as string | null) ?? null,
    templateParams: (r.template_params as string[] | null) ?? null,
    authorId: (r.author_id as string | null) ?? null,
    isBot: r.is_bot as boolean,
    clientMessageId: (r.client_message_id as string | null) ?? null,
    channelMessageId: (r.channel_message_id as string | null) ?? null,
    status: r.status as MessageStatus,
    errorCode: (r.error_code as number | null) ?? null,
    errorTitle: (r.error_title as string | null) ?? null,
    providerTimestamp: (r.provider_timestamp as Date | null) ?? null,
    createdAt: r.created_at as Date,
    seq: Number(r.seq),
    mediaStatus: (r.media_status as Message['mediaStatus']) ?? null,
  };
}

export interface NewMessage {
  orgId: string;
  conversationId: string;
  channelId: string;
  direction: 'in' | 'out';
  kind: string;
  text?: string;
  wireText?: string | null;
  payload?: Record<string, unknown>;
  attachmentId?: string | null;
  templateId?: string | null;
  templateParams?: string[] | null;
  authorId?: string | null;
  isBot?: boolean;
  clientMessageId?: string | null;
  channelMessageId?: string | null;
  status: MessageStatus;
  providerTimestamp?: Date | null;
}

/** Inserts a message; for a duplicate channel message id returns null (already stored). */
export async function insertMessage(db: Db, m: NewMessage): Promise<Message | null> {
  const rows = await db.unsafe(
    `INSERT INTO messages (org_id, conversation_id, channel_id, direction, kind, text, wire_text, payload, attachment_id,
       template_id, template_params, author_id, is_bot, client_message_id, channel_message_id, status, provider_timestamp)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8::text::jsonb, $9, $10, $11::text::jsonb, $12, $13, $14, $15, $16, $17)
     ON CONFLICT (org_id, channel_id, channel_message_id) WHERE channel_message_id IS NOT NULL DO NOTHING
     RETURNING ${MESSAGE_COLUMNS}`,
    [
      m.orgId,
      m.conversationId,
      m.channelId,
      m.direction,
      m.kind,
      m.text ?? '',
      m.wireText ?? null,
      JSON.stringify(m.payload ?? {}),
      m.attachmentId ?? null,
      m.templateId ?? null,
      m.templateParams ? JSON.stringify(m.templateParams) : null,
      m.authorId ?? null,
      m.isBot ?? false,
      m.clientMessageId ?? null,
      m.channelMessageId ?? null,
      m.status,
      m.providerTimestamp ?? null,
    ] as never[],
    // Prepared once per connection: a message is stored on every turn, planned anew otherwise.
    { prepare: true },
  );
  return rows[0] ? toMessage(rows[0]) : null;
}

export async function getMessage(db: Db, orgId: string, id: string): Promise<Message | null> {
  const rows = await db`SELECT ${db(MESSAGE_FIELDS)} FROM messages WHERE org_id = ${orgId} AND id = ${id}`;
  return rows[0] ? toMessage(rows[0]) : null;
}

export async function messageByChannelId(db: Db, orgId: string, channelId: string, channelMessageId: string): Promise<Message | null> {
  const rows = await db`SELECT ${db(MESSAGE_FIELDS)} FROM messages
    WHERE org_id = ${orgId} AND channel_id = ${channelId} AND channel_message_id = ${channelMessageId}`;
  return rows[0] ? toMessage(rows[0]) : null;
}

/** The conversation's newest `limit` messages, in the order they were stored. */
export async function listMessages(db: Db, orgId: string, conversationId: string, limit = 500): Promise<Message[]> {
  return (await messagePage(db, orgId, conversationId, { limit })).messages;
}

/**
 * A page of the conversation's messages, oldest first: the `limit` stored just before
 * `beforeSeq` (none: the newest), and whether older ones exist. Keyset on (org_id,
 * conversation_id, seq) — the messages_conversation_seq index — so paging back through a long
 * conversation costs the same at any depth.
 */
export async function messagePage(
  db: Db,
  orgId: string,
  conversationId: string,
  { beforeSeq, limit }: { beforeSeq?: number; limit: number },
): Promise<{ messages: Message[]; hasOlder: boolean }> {
  // One row more than asked tells whether older ones exist.
  const rows = await db`SELECT ${db(MESSAGE_FIELDS)} FROM messages
    WHERE org_id = ${orgId} AND conversation_id = ${conversationId} ${beforeSeq === undefined ? db`` : db`AND seq < ${beforeSeq}`}
    ORDER BY seq DESC LIMIT ${limit + 1}`;
  return { messages: rows.slice(0, limit).reverse().map(toMessage), hasOlder: rows.length > limit };
}

/** How many of the conversation's messages lie from `fromSeq` (inclusive) to `beforeSeq` (exclusive; none: the newest). */
export async function countFrom(db: Db, orgId: string, conversationId: string, fromSeq: number, beforeSeq?: number): Promise<number> {
  const rows = await db`SELECT count(*)::int AS n FROM messages WHERE org_id = ${orgId} AND conversation_id = ${conversationId}
    AND seq >= ${fromSeq} ${beforeSeq === undefined ? db`` : db`AND seq < ${beforeSeq}`}`;
  return rows[0]!.n as number;
}

/** Last time the contact wrote on this channel (Meta's clock), across all their conversations. */
export async function lastInboundAt(db: Db, c: { orgId: string; contactId: string; channelId: string }): Promise<Date | null> {
  const rows = await db`SELECT max(m.provider_timestamp) AS at FROM messages m
    JOIN conversations v ON v.org_id = m.org_id AND v.id = m.conversation_id
    WHERE m.org_id = ${c.orgId} AND v.contact_id = ${c.contactId} AND m.channel_id = ${c.channelId} AND m.direction = 'in'`;
  return (rows[0]?.at as Date | null) ?? null;
}

/** Adds keys to a stored message's payload (e.g. that it answered the bot menu). */
export async function mergePayload(db: Db, m: { orgId: string; id: string }, keys: Record<string, unknown>): Promise<void> {
  await db`UPDATE messages SET payload = payload || ${db.json(keys as never)} WHERE org_id = ${m.orgId} AND id = ${m.id}`;
}

/** The conversations a file was sent or received in. */
export async function conversationsWithAttachment(db: Db, orgId: string, attachmentId: string): Promise<string[]> {
  const rows = await db`SELECT DISTINCT conversation_id FROM messages WHERE org_id = ${orgId} AND attachment_id = ${attachmentId}`;
  return rows.map((r) => r.conversation_id as string);
}

/** Inbound media: `pending` while it is being fetched, `failed` when it never will be. */
export async function setMediaStatus(db: Db, orgId: string, messageId: string, status: 'pending' | 'failed'): Promise<void> {
  await db`UPDATE messages SET media_status = ${status} WHERE org_id = ${orgId} AND id = ${messageId}`;
}

/**
 * Takes up to `limit` messages whose media is due for a fetch. Claimed by bumping attempts
 * with SKIP LOCKED, so several processes share the work; the next try waits longer each time.
 */
export async function leasePendingMedia(db: Db, limit: number): Promise<{ orgId: string; id: string; attempts: number }[]> {
  const rows = await db`UPDATE messages SET attempts = attempts + 1, next_attempt_at = now() + (attempts + 1) * interval '30 seconds'
    WHERE id IN (SELECT id FROM messages WHERE media_status = 'pending' AND (next_attempt_at IS NULL OR next_attempt_at <= now())
      ORDER BY created_at LIMIT ${limit} FOR UPDATE SKIP LOCKED)
    RETURNING id, org_id, attempts`;
  return rows.map((r) => ({ orgId: r.org_id as string, id: r.id as string, attempts: r.attempts as number }));
}

/**
 * The fetched file is stored: the message points at it. False when the message is gone or no
 * longer waits for it (erased while the file was fetched: docs/privacy.md) — the attachment row
 * is deleted then, and the caller removes the stored file.
 */
export async function attachFetchedMedia(db: Db, orgId: string, messageId: string, attachmentId: string): Promise<boolean> {
  const rows = await db`WITH m AS (
      UPDATE messages SET attachment_id = ${attachmentId}, media_status = 'stored'
      WHERE org_id = ${orgId} AND id = ${messageId} AND media_status = 'pending' RETURNING id
    ), unused AS (
      DELETE FROM attachments WHERE org_id = ${orgId} AND id = ${attachmentId} AND NOT EXISTS (SELECT 1 FROM m) RETURNING id
    )
    SELECT (SELECT count(*)::int FROM m) AS attached, (SELECT count(*)::int FROM unused) AS dropped`;
  return rows[0]!.attached > 0;
}
