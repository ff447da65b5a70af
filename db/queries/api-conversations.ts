import type { Db } from '../sql.ts';
import type { ConversationStatus } from './conversations.ts';

/** A conversation as the REST API lists it: what changed last, for an integration that syncs. */
export interface ConversationListItem {
  id: string;
  protocol: string;
  status: ConversationStatus;
  contact: { id: string; name: string; whatsapp: string | null };
  channel: { id: string; kind: string; name: string };
  team: { id: string; name: string } | null;
  assignee: { id: string; name: string } | null;
  createdAt: Date;
  closedAt: Date | null;
  /** The last change a sync needs to notice: activity, claim or close. */
  updatedAt: Date;
  /** updatedAt in microseconds (PostgreSQL's precision; a Date keeps only milliseconds): the page cursor. */
  updatedMicros: string;
}

// One expression for "updated": the order, the filter and the cursor all use it, and the index
// conversations_org_changed (migration api/0002) is on it, so a page is a walk of that index.
const UPDATED = `greatest(c.last_activity_at, c.created_at, coalesce(c.claimed_at, c.created_at), coalesce(c.closed_at, c.created_at))`;
const MICROS = `(extract(epoch FROM ${UPDATED}) * 1000000)::bigint`;
/** The cursor's microseconds back as the exact timestamptz (compared in the index's terms). */
const CURSOR_AT = `('epoch'::timestamptz + $4::bigint * interval '1 microsecond')`;

/** The page query (exported for the test that checks it walks conversations_org_changed). */
export const conversationsPageSql = (limit: number): string =>
  `SELECT c.id, c.protocol, c.status, c.created_at, c.closed_at, ${UPDATED} AS updated_at, ${MICROS}::text AS updated_micros,
     k.id AS contact_id, k.name AS contact_name, k.whatsapp AS contact_whatsapp,
     ch.id AS channel_id, ch.kind AS channel_kind, ch.name AS channel_name, t.id AS team_id, t.name AS team_name,
     u.id AS assignee_id, u.name AS assignee_name
   FROM conversations c
   JOIN contacts k ON k.org_id = c.org_id AND k.id = c.contact_id
   JOIN channels ch ON ch.org_id = c.org_id AND ch.id = c.channel_id
   LEFT JOIN teams t ON t.org_id = c.org_id AND t.id = c.team_id
   LEFT JOIN users u ON u.org_id = c.org_id AND u.id = c.assignee_id
   WHERE c.org_id = $1 AND ($2::text IS NULL OR c.status = $2) AND ($3::timestamptz IS NULL OR ${UPDATED} >= $3)
     AND ($4::bigint IS NULL OR (${UPDATED}, c.id) > (${CURSOR_AT}, $5::uuid))
   ORDER BY ${UPDATED}, c.id LIMIT ${Math.floor(limit)}`;

export const conversationsPageParams = (
  orgId: string,
  f: { status?: ConversationStatus; updatedSince?: Date; after?: { micros: string; id: string } },
): unknown[] => [orgId, f.status ?? null, f.updatedSince ?? null, f.after?.micros ?? null, f.after?.id ?? null];

/**
 * A page of the organization's conversations, oldest change first, after the cursor
 * `(updatedMicros, id)` of the previous page (keyset: a sync resumes where it stopped).
 */
export async function listConversationsPage(
  db: Db,
  orgId: string,
  f: { status?: ConversationStatus; updatedSince?: Date; after?: { micros: string; id: string }; limit: number },
): Promise<ConversationListItem[]> {
  const rows = await db.unsafe(conversationsPageSql(f.limit), conversationsPageParams(orgId, f) as never[]);
  return rows.map((r) => ({
    id: r.id as string,
    protocol: r.protocol as string,
    status: r.status as ConversationStatus,
    contact: { id: r.contact_id as string, name: r.contact_name as string, whatsapp: (r.contact_whatsapp as string | null) ?? null },
    channel: { id: r.channel_id as string, kind: r.channel_kind as string, name: r.channel_name as string },
    team: r.team_id ? { id: r.team_id as string, name: r.team_name as string } : null,
    assignee: r.assignee_id ? { id: r.assignee_id as string, name: r.assignee_name as string } : null,
    createdAt: r.created_at as Date,
    closedAt: (r.closed_at as Date | null) ?? null,
    updatedAt: r.updated_at as Date,
    updatedMicros: r.updated_micros as string,
  }));
}
