import type { Db } from '../sql.ts';

/**
 * What a webhook body says about a conversation, a message or a contact: the fields an
 * integration (a CRM, an ERP) needs, read from one organization only. No secrets (channel
 * tokens, visitor tokens, storage keys), no notes, no other organization's rows.
 */

/*
 * `at` (an event's time) is compared as `${at}::text::timestamptz`: a parameter typed
 * timestamptz would go through a JS Date in postgres.js and lose its microseconds.
 */
const iso = (d: unknown): string | null => (d instanceof Date ? d.toISOString() : null);

export interface ContactView {
  id: string;
  name: string;
  email: string | null;
  whatsapp: string | null;
  fields: Record<string, unknown>;
  incomplete: boolean;
  createdAt: string | null;
  updatedAt: string | null;
}

/** `at`: an event's exact time; `createdNow` says whether the contact was created in that event's transaction. */
export async function contactView(
  db: Db,
  orgId: string,
  contactId: string,
  at: string,
): Promise<{ view: ContactView; createdNow: boolean } | null> {
  const rows = await db`SELECT id, name, email, whatsapp, fields, incomplete, created_at, updated_at,
      created_at = ${at}::text::timestamptz AS created_now
    FROM contacts WHERE org_id = ${orgId} AND id = ${contactId}`;
  const r = rows[0];
  if (!r) return null;
  return {
    view: {
      id: r.id as string,
      name: r.name as string,
      email: (r.email as string | null) ?? null,
      whatsapp: (r.whatsapp as string | null) ?? null,
      fields: r.fields as Record<string, unknown>,
      incomplete: r.incomplete as boolean,
      createdAt: iso(r.created_at),
      updatedAt: iso(r.updated_at),
    },
    createdNow: r.created_now as boolean,
  };
}

export interface ConversationView {
  id: string;
  protocol: string;
  status: string;
  channel: { id: string; kind: string; name: string };
  team: { id: string; name: string } | null;
  assignee: { id: string; name: string; email: string } | null;
  contactId: string;
  createdAt: string | null;
  queuedAt: string | null;
  claimedAt: string | null;
  closedAt: string | null;
  closeReason: string | null;
  disposition: { id: string; name: string } | null;
  tags: string[];
  rating: number | null;
  ratedAt: string | null;
}

export type ConversationFacts = Record<'createdNow' | 'queuedNow' | 'claimedNow' | 'closedNow' | 'ratedNow', boolean>;

/**
 * The conversation, and which of its timestamps equal `at` (an event's exact time, i.e. which
 * changes happened in that event's transaction: `now()` is the transaction's time).
 */
export async function conversationView(
  db: Db,
  orgId: string,
  conversationId: string,
  at: string,
): Promise<{ view: ConversationView; facts: ConversationFacts } | null> {
  const rows = await db`
    SELECT c.id, c.protocol, c.status, c.contact_id, c.created_at, c.queued_at, c.claimed_at, c.closed_at, c.close_reason,
      c.rating, c.rated_at, c.created_at = ${at}::text::timestamptz AS created_now, c.queued_at = ${at}::text::timestamptz AS queued_now,
      c.claimed_at = ${at}::text::timestamptz AS claimed_now, c.closed_at = ${at}::text::timestamptz AS closed_now,
      c.rated_at = ${at}::text::timestamptz AS rated_now, ch.id AS channel_id, ch.kind AS channel_kind, ch.name AS channel_name,
      t.id AS team_id, t.name AS team_name, u.id AS assignee_id, u.name AS assignee_name, u.email AS assignee_email,
      d.id AS disposition_id, d.name AS disposition_name,
      coalesce((SELECT array_agg(tg.name ORDER BY tg.name) FROM conversation_tags ct JOIN tags tg ON tg.org_id = ct.org_id AND tg.id = ct.tag_id
        WHERE ct.org_id = c.org_id AND ct.conversation_id = c.id), '{}') AS tags
    FROM conversations c
    JOIN channels ch ON ch.org_id = c.org_id AND ch.id = c.channel_id
    LEFT JOIN teams t ON t.org_id = c.org_id AND t.id = c.team_id
    LEFT JOIN users u ON u.org_id = c.org_id AND u.id = c.assignee_id
    LEFT JOIN dispositions d ON d.org_id = c.org_id AND d.id = c.disposition_id
    WHERE c.org_id = ${orgId} AND c.id = ${conversationId}`;
  const r = rows[0];
  if (!r) return null;
  return {
    view: {
      id: r.id as string,
      protocol: r.protocol as string,
      status: r.status as string,
      channel: { id: r.channel_id as string, kind: r.channel_kind as string, name: r.channel_name as string },
      team: r.team_id ? { id: r.team_id as string, name: r.team_name as string } : null,
      assignee: r.assignee_id ? { id: r.assignee_id as string, name: r.assignee_name as string, email: r.assignee_email as string } : null,
      contactId: r.contact_id as string,
      createdAt: iso(r.created_at),
      queuedAt: iso(r.queued_at),
      claimedAt: iso(r.claimed_at),
      closedAt: iso(r.closed_at),
      closeReason: (r.close_reason as string | null) ?? null,
      disposition: r.disposition_id ? { id: r.disposition_id as string, name: r.disposition_name as string } : null,
      tags: r.tags as string[],
      rating: (r.rating as number | null) ?? null,
      ratedAt: iso(r.rated_at),
    },
    facts: {
      createdNow: r.created_now === true,
      queuedNow: r.queued_now === true,
      claimedNow: r.claimed_now === true,
      closedNow: r.closed_now === true,
      ratedNow: r.rated_now === true,
    },
  };
}

export interface MessageView {
  id: string;
  conversationId: string;
  direction: 'in' | 'out';
  kind: string;
  text: string;
  status: string;
  author: { id: string; name: string } | null;
  bot: boolean;
  template: { id: string; name: string; language: string } | null;
  attachment: { id: string; filename: string; contentType: string; sizeBytes: number } | null;
  errorCode: number | null;
  errorTitle: string | null;
  createdAt: string | null;
  sentAt: string | null;
  deliveredAt: string | null;
  readAt: string | null;
  failedAt: string | null;
}

export async function messageView(db: Db, orgId: string, messageId: string): Promise<MessageView | null> {
  const rows = await db`
    SELECT m.id, m.conversation_id, m.direction, m.kind, m.text, m.status, m.is_bot, m.error_code, m.error_title,
      m.created_at, m.sent_at, m.delivered_at, m.read_at, m.failed_at,
      u.id AS author_id, u.name AS author_name, t.id AS template_id, t.name AS template_name, t.language AS template_language,
      a.id AS attachment_id, a.filename, a.content_type, a.size_bytes
    FROM messages m
    LEFT JOIN users u ON u.org_id = m.org_id AND u.id = m.author_id
    LEFT JOIN templates t ON t.org_id = m.org_id AND t.id = m.template_id
    LEFT JOIN attachments a ON a.org_id = m.org_id AND a.id = m.attachment_id
    WHERE m.org_id = ${orgId} AND m.id = ${messageId}`;
  const r = rows[0];
  if (!r) return null;
  return {
    id: r.id as string,
    conversationId: r.conversation_id as string,
    direction: r.direction as 'in' | 'out',
    kind: r.kind as string,
    text: r.text as string,
    status: r.status as string,
    author: r.author_id ? { id: r.author_id as string, name: r.author_name as string } : null,
    bot: r.is_bot as boolean,
    template: r.template_id
      ? { id: r.template_id as string, name: r.template_name as string, language: r.template_language as string }
      : null,
    attachment: r.attachment_id
      ? {
          id: r.attachment_id as string,
          filename: r.filename as string,
          contentType: r.content_type as string,
          sizeBytes: Number(r.size_bytes),
        }
      : null,
    errorCode: (r.error_code as number | null) ?? null,
    errorTitle: (r.error_title as string | null) ?? null,
    createdAt: iso(r.created_at),
    sentAt: iso(r.sent_at),
    deliveredAt: iso(r.delivered_at),
    readAt: iso(r.read_at),
    failedAt: iso(r.failed_at),
  };
}
