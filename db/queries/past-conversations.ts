import type { Db } from '../sql.ts';
import type { SearchFilters } from './search.ts';

/** Which closed conversations a person may list: server/domain/history-access.ts historyScope. */
export type HistoryScope = { all: true } | { all: false; teamIds: readonly string[] };

/** Search's filters (`to` exclusive; here `agentId` is who served it, conversations.served_by), and more. */
export interface HistoryFilters extends SearchFilters {
  contactId?: string;
  protocol?: string;
}

/** Keyset position: the last row's exact closed_at (microseconds, UTC text) and id. */
export interface HistoryCursor {
  closedAt: string;
  id: string;
}

export interface HistoryRow {
  id: string;
  protocol: string;
  contact: { id: string; name: string };
  channel: { id: string; kind: string; name: string };
  team: { id: string; name: string } | null;
  assignee: { id: string; name: string } | null;
  closedAt: Date;
  createdAt: Date;
  closeReason: string | null;
  disposition: { id: string; name: string } | null;
  rating: number | null;
  tags: { id: string; name: string; color: string }[];
  cursor: HistoryCursor;
}

const ref = (id: unknown, name: unknown) => (id ? { id: id as string, name: (name as string | null) ?? '' } : null);

/** Newest closed first, `limit` rows after `cursor`, only those `scope` lets the caller see. */
export async function listHistory(
  db: Db,
  orgId: string,
  scope: HistoryScope,
  f: HistoryFilters,
  cursor: HistoryCursor | null,
  limit: number,
): Promise<HistoryRow[]> {
  const teamIds = scope.all ? null : [...scope.teamIds];
  const rows = await db`
    SELECT c.id, c.protocol, c.contact_id, k.name AS contact_name, c.channel_id, ch.kind AS channel_kind, ch.name AS channel_name,
      c.team_id, t.name AS team_name, c.served_by, u.name AS served_by_name, c.closed_at, c.created_at, c.close_reason,
      c.disposition_id, d.name AS disposition_name, c.rating,
      to_char(c.closed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS closed_at_key,
      coalesce((SELECT json_agg(json_build_object('id', g.id, 'name', g.name, 'color', g.color) ORDER BY lower(g.name))
        FROM conversation_tags ct JOIN tags g ON g.org_id = ct.org_id AND g.id = ct.tag_id
        WHERE ct.org_id = c.org_id AND ct.conversation_id = c.id), '[]') AS tags
    FROM conversations c
      JOIN contacts k ON k.org_id = c.org_id AND k.id = c.contact_id
      JOIN channels ch ON ch.org_id = c.org_id AND ch.id = c.channel_id
      LEFT JOIN teams t ON t.org_id = c.org_id AND t.id = c.team_id
      LEFT JOIN users u ON u.org_id = c.org_id AND u.id = c.served_by
      LEFT JOIN dispositions d ON d.org_id = c.org_id AND d.id = c.disposition_id
    WHERE c.org_id = ${orgId} AND c.status = 'closed'
      AND (${teamIds}::uuid[] IS NULL OR c.team_id = ANY(${teamIds}::uuid[]))
      ${f.from ? db`AND c.closed_at >= ${f.from}` : db``}
      ${f.to ? db`AND c.closed_at < ${f.to}` : db``}
      ${f.teamId ? db`AND c.team_id = ${f.teamId}` : db``}
      ${f.channelId ? db`AND c.channel_id = ${f.channelId}` : db``}
      ${f.agentId ? db`AND c.served_by = ${f.agentId}` : db``}
      ${f.dispositionId ? db`AND c.disposition_id = ${f.dispositionId}` : db``}
      ${f.contactId ? db`AND c.contact_id = ${f.contactId}` : db``}
      ${f.protocol ? db`AND c.protocol = ${f.protocol}` : db``}
      ${
        f.tagId
          ? db`AND EXISTS (SELECT 1 FROM conversation_tags ct WHERE ct.org_id = c.org_id AND ct.conversation_id = c.id AND ct.tag_id = ${f.tagId})`
          : db``
      }
      ${cursor ? db`AND (c.closed_at, c.id) < (${cursor.closedAt}::timestamptz, ${cursor.id}::uuid)` : db``}
    ORDER BY c.closed_at DESC, c.id DESC
    LIMIT ${limit}`;
  return rows.map((r) => ({
    id: r.id as string,
    protocol: r.protocol as string,
    contact: { id: r.contact_id as string, name: r.contact_name as string },
    channel: { id: r.channel_id as string, kind: r.channel_kind as string, name: r.channel_name as string },
    team: ref(r.team_id, r.team_name),
    assignee: ref(r.served_by, r.served_by_name),
    closedAt: r.closed_at as Date,
    createdAt: r.created_at as Date,
    closeReason: (r.close_reason as string | null) ?? null,
    disposition: ref(r.disposition_id, r.disposition_name),
    rating: (r.rating as number | null) ?? null,
    tags: r.tags as HistoryRow['tags'],
    cursor: { closedAt: r.closed_at_key as string, id: r.id as string },
  }));
}

/** A conversation's id from its protocol number (unique in the organization). */
export async function conversationIdByProtocol(db: Db, orgId: string, protocol: string): Promise<string | null> {
  const rows = await db`SELECT id FROM conversations WHERE org_id = ${orgId} AND protocol = ${protocol}`;
  return (rows[0]?.id as string | undefined) ?? null;
}
