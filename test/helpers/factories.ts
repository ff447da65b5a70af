import type { Sql } from '../../db/sql.ts';

/**
 * Rows the tests need as they are, written straight to the database (no use case runs). A
 * test that is about one of these writes keeps its own SQL; the rest say only what matters.
 */

let serial = 0;
const unique = () => `${Date.now().toString(36)}${(serial++).toString(36)}`;

export interface ContactFields {
  name?: string;
  email?: string | null;
  whatsapp?: string | null;
  webchatVisitorId?: string | null;
  incomplete?: boolean;
}

/** A contact of the organization; returns its id. */
export async function makeContact(sql: Sql, orgId: string, fields: ContactFields = {}): Promise<string> {
  const [row] = await sql`INSERT INTO contacts (org_id, name, email, whatsapp, webchat_visitor_id, incomplete)
    VALUES (${orgId}, ${fields.name ?? `Contact ${unique()}`}, ${fields.email ?? null}, ${fields.whatsapp ?? null},
      ${fields.webchatVisitorId ?? null}, ${fields.incomplete ?? false})
    RETURNING id`;
  return row!.id as string;
}

export interface ConversationFields {
  contactId: string;
  channelId: string;
  status: 'bot' | 'waiting' | 'active' | 'closed';
  teamId?: string | null;
  /** Who serves it (active), or served it (closed: kept as served_by, as closing does). */
  assigneeId?: string | null;
  /** Who served it, when it differs from the assignee. */
  servedBy?: string | null;
  protocol?: string;
  closedAt?: Date;
  closeReason?: 'agent' | 'admin' | 'queue_timeout' | 'inactivity' | 'bot_timeout';
  rating?: number | null;
  dispositionId?: string | null;
  lastActivityAt?: Date;
}

/**
 * A conversation in the given state, as the state machine would have left it: an active one
 * claimed now, a closed one closed now by an agent (unless told otherwise). Returns its id.
 */
export async function makeConversation(sql: Sql, orgId: string, f: ConversationFields): Promise<string> {
  const active = f.status === 'active';
  const closed = f.status === 'closed';
  const servedBy = f.servedBy ?? (closed ? (f.assigneeId ?? null) : null);
  const [row] = await sql`INSERT INTO conversations (org_id, protocol, contact_id, channel_id, team_id, status,
      assignee_id, served_by, claimed_at, closed_at, close_reason, rating, rated_at, disposition_id, last_activity_at)
    VALUES (${orgId}, ${f.protocol ?? `T-${unique()}`}, ${f.contactId}, ${f.channelId}, ${f.teamId ?? null}, ${f.status},
      ${active ? (f.assigneeId ?? null) : null}, ${servedBy}, ${f.assigneeId ? new Date() : null},
      ${closed ? (f.closedAt ?? new Date()) : null}, ${closed ? (f.closeReason ?? 'agent') : null},
      ${f.rating ?? null}, ${f.rating ? new Date() : null}, ${f.dispositionId ?? null}, ${f.lastActivityAt ?? new Date()})
    RETURNING id`;
  return row!.id as string;
}

/** A canned response of the organization; returns its id. */
export async function makeCanned(
  sql: Sql,
  orgId: string,
  f: { shortcut: string; title: string; body: string; attachmentIds?: string[] },
): Promise<string> {
  const [row] = await sql`INSERT INTO canned_responses (org_id, shortcut, title, body, attachment_ids)
    VALUES (${orgId}, ${f.shortcut}, ${f.title}, ${f.body}, ${f.attachmentIds ?? []})
    RETURNING id`;
  return row!.id as string;
}
