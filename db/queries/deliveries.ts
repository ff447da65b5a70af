import type { Db } from '../sql.ts';
import { MESSAGE_FIELDS, toMessage, type Message, type MessageStatus } from './messages.ts';

/**
 * Outbound delivery: the leases the delivery workers take on `queued` rows, how a send ends,
 * and the one forward-only status update shared by the WhatsApp status webhook and the web
 * chat widget's receipts. Every change is conditional on the state it leaves, so several
 * processes can run the workers at once.
 */

/** A row `sending` for longer than `leaseMs` was abandoned by a crash: it becomes `unknown`. */
export async function expireLeases(db: Db, leaseMs: number): Promise<Message[]> {
  const rows = await db`
    UPDATE messages SET status = 'unknown' WHERE status = 'sending' AND sending_started_at < now() - ${leaseMs}::int * interval '1 millisecond'
    RETURNING ${db(MESSAGE_FIELDS)}`;
  return rows.map(toMessage);
}

/**
 * WhatsApp: leases (marks `sending`, committed before the POST) the oldest queued message of
 * each conversation with nothing in flight, when its retry time has come: order per
 * conversation holds.
 */
export async function leaseWhatsappBatch(db: Db, limit: number): Promise<(Message & { attempts: number })[]> {
  const rows = await db`
    WITH candidates AS (
      SELECT DISTINCT ON (m.conversation_id) m.id, m.next_attempt_at
      FROM messages m JOIN channels c ON c.org_id = m.org_id AND c.id = m.channel_id
      WHERE m.status = 'queued' AND m.direction = 'out' AND c.kind = 'whatsapp'
        AND NOT EXISTS (SELECT 1 FROM messages f WHERE f.org_id = m.org_id AND f.conversation_id = m.conversation_id AND f.status = 'sending')
      ORDER BY m.conversation_id, m.seq)
    UPDATE messages SET status = 'sending', sending_started_at = now(), attempts = attempts + 1
    WHERE id IN (
      SELECT m.id FROM messages m JOIN candidates USING (id)
      WHERE m.status = 'queued' AND (candidates.next_attempt_at IS NULL OR candidates.next_attempt_at <= now())
      ORDER BY m.created_at LIMIT ${limit} FOR UPDATE OF m SKIP LOCKED)
    RETURNING ${db(MESSAGE_FIELDS)}, attempts`;
  // This lease counted as an attempt: the worker gives up after its maximum.
  return rows.map((r) => ({ ...toMessage(r), attempts: Number(r.attempts) }));
}

/** Meta took it. A status webhook may have settled the row already (found by our id): never move it back. */
export async function recordAccepted(db: Db, id: string, channelMessageId: string): Promise<Message | null> {
  const rows = await db`
    UPDATE messages SET channel_message_id = coalesce(channel_message_id, ${channelMessageId}),
      status = CASE WHEN status IN ('sending', 'unknown') THEN 'sent' ELSE status END, sent_at = coalesce(sent_at, now())
    WHERE id = ${id} RETURNING ${db(MESSAGE_FIELDS)}`;
  return rows[0] ? toMessage(rows[0]) : null;
}

/** Meta proved it did not take it: back to `queued`, tried again after `backoffMs`. */
export async function requeueAfter(
  db: Db,
  id: string,
  backoffMs: number,
  error: { code: number | null; title: string },
): Promise<Message | null> {
  const rows = await db`
    UPDATE messages SET status = 'queued', next_attempt_at = now() + ${backoffMs}::int * interval '1 millisecond',
      error_code = ${error.code}, error_title = ${error.title}
    WHERE id = ${id} AND status = 'sending' RETURNING ${db(MESSAGE_FIELDS)}`;
  return rows[0] ? toMessage(rows[0]) : null;
}

/** An answer we cannot read: Meta may have it, so it is never sent again. */
export async function markUnknown(db: Db, id: string, title: string): Promise<Message | null> {
  const rows =
    await db`UPDATE messages SET status = 'unknown', error_title = ${title} WHERE id = ${id} AND status = 'sending' RETURNING ${db(MESSAGE_FIELDS)}`;
  return rows[0] ? toMessage(rows[0]) : null;
}

export async function markFailed(db: Db, id: string, error: { code: number | null; title: string }): Promise<Message | null> {
  const rows = await db`
    UPDATE messages SET status = 'failed', failed_at = now(), error_code = ${error.code}, error_title = ${error.title}
    WHERE id = ${id} AND status = 'sending' RETURNING ${db(MESSAGE_FIELDS)}`;
  return rows[0] ? toMessage(rows[0]) : null;
}

/**
 * Web chat: the widget fetches messages from us, so a queued outbound row is `sent` once
 * stored. One conditional UPDATE from `queued` (SKIP LOCKED, re-checked after any wait), so
 * several processes never move a row twice.
 */
export async function markWebchatSent(db: Db, limit: number): Promise<Message[]> {
  const rows = await db`
    UPDATE messages SET status = 'sent', sent_at = coalesce(sent_at, now())
    WHERE id IN (
      -- From the web chat channels to their queued rows (index messages_queued_by_channel):
      -- the WhatsApp backlog is never read here.
      SELECT m.id FROM channels c JOIN messages m ON m.org_id = c.org_id AND m.channel_id = c.id
      WHERE c.kind = 'webchat' AND m.status = 'queued' AND m.direction = 'out'
      ORDER BY m.created_at LIMIT ${limit} FOR UPDATE OF m SKIP LOCKED)
    AND status = 'queued'
    RETURNING ${db(MESSAGE_FIELDS)}`;
  return rows.map(toMessage);
}

/** Locks outbound rows by our ids (web chat receipts), in one order so concurrent receipts never deadlock. */
export async function lockOutbound(db: Db, orgId: string, ids: string[]): Promise<Message[]> {
  const rows = await db`SELECT ${db(MESSAGE_FIELDS)} FROM messages
    WHERE org_id = ${orgId} AND id = ANY(${ids}::uuid[]) AND direction = 'out' ORDER BY created_at, id FOR UPDATE`;
  return rows.map(toMessage);
}

/**
 * Locks the outbound row a WhatsApp status is about: by Meta's id, or — for a row left
 * `unknown` by a crash, with no wamid recorded — by our id, sent as biz_opaque_callback_data.
 */
export async function lockOutboundForStatus(
  db: Db,
  channel: { orgId: string; id: string },
  channelMessageId: string,
  ourId: string | null,
): Promise<Message | null> {
  const rows = await db`SELECT ${db(MESSAGE_FIELDS)} FROM messages
    WHERE org_id = ${channel.orgId} AND channel_id = ${channel.id} AND direction = 'out'
      AND (channel_message_id = ${channelMessageId} OR (id = ${ourId}::uuid AND channel_message_id IS NULL))
    ORDER BY (channel_message_id = ${channelMessageId}) DESC NULLS LAST LIMIT 1 FOR UPDATE`;
  return rows[0] ? toMessage(rows[0]) : null;
}

/**
 * Sets a locked outbound row's status (the caller has applied the forward-only rule) and the
 * time it reached each step, keeping times already set. From a provider: its clock (`at`),
 * its message id and, for `failed`, its error; otherwise now.
 */
export async function setOutboundStatus(
  db: Db,
  m: { orgId: string; id: string },
  status: MessageStatus,
  provider: { at: Date; channelMessageId: string; error: { code: number; title: string } | null } | null = null,
): Promise<Message> {
  const at = provider?.at ?? null;
  const rows = await db`
    UPDATE messages SET status = ${status}, channel_message_id = coalesce(channel_message_id, ${provider?.channelMessageId ?? null}),
      sent_at = CASE WHEN ${status} IN ('sent', 'delivered', 'read') THEN coalesce(sent_at, ${at}::timestamptz, now()) ELSE sent_at END,
      delivered_at = CASE WHEN ${status} IN ('delivered', 'read') THEN coalesce(delivered_at, ${at}::timestamptz, now()) ELSE delivered_at END,
      read_at = CASE WHEN ${status} = 'read' THEN coalesce(read_at, ${at}::timestamptz, now()) ELSE read_at END,
      failed_at = CASE WHEN ${status} = 'failed' THEN coalesce(failed_at, ${at}::timestamptz, now()) ELSE failed_at END,
      error_code = CASE WHEN ${status} = 'failed' THEN ${provider?.error?.code ?? null}::int ELSE error_code END,
      error_title = CASE WHEN ${status} = 'failed' THEN ${provider?.error?.title ?? null}::text ELSE error_title END
    WHERE org_id = ${m.orgId} AND id = ${m.id} RETURNING ${db(MESSAGE_FIELDS)}`;
  return toMessage(rows[0]!);
}
