import type { Db } from '../sql.ts';

export type ConversationStatus = 'bot' | 'waiting' | 'active' | 'closed';
export type CloseReason = 'agent' | 'admin' | 'queue_timeout' | 'inactivity' | 'bot_timeout';

export interface Conversation {
  id: string;
  orgId: string;
  protocol: string;
  contactId: string;
  channelId: string;
  teamId: string | null;
  status: ConversationStatus;
  assigneeId: string | null;
  targetUserId: string | null;
  botPrompts: number;
  noOneNotifiedAt: Date | null;
  createdAt: Date;
  queuedAt: Date | null;
  claimedAt: Date | null;
  lastInboundAt: Date | null;
  lastTemplateAt: Date | null;
  lastActivityAt: Date;
  closedAt: Date | null;
  closedBy: string | null;
  closeReason: CloseReason | null;
  dispositionId: string | null;
  rating: number | null;
  ratingRequestedAt: Date | null;
  ratedAt: Date | null;
}

export const CONVERSATION_COLUMNS = `id, org_id, protocol, contact_id, channel_id, team_id, status, assignee_id, target_user_id,
  bot_prompts, no_one_notified_at, created_at, queued_at, claimed_at, last_inbound_at, last_template_at, last_activity_at,
  closed_at, closed_by, close_reason, disposition_id, rating, rating_requested_at, rated_at`;

export function toConversation(r: Record<string, unknown>): Conversation {
  return {
    id: r.id as string,
    orgId: r.org_id as string,
    protocol: r.protocol as string,
    contactId: r.contact_id as string,
    channelId: r.channel_id as string,
    teamId: (r.team_id as string | null) ?? null,
    status: r.status as ConversationStatus,
    assigneeId: (r.assignee_id as string | null) ?? null,
    targetUserId: (r.target_user_id as string | null) ?? null,
    botPrompts: r.bot_prompts as number,
    noOneNotifiedAt: (r.no_one_notified_at as Date | null) ?? null,
    createdAt: r.created_at as Date,
    queuedAt: (r.queued_at as Date | null) ?? null,
    claimedAt: (r.claimed_at as Date | null) ?? null,
    lastInboundAt: (r.last_inbound_at as Date | null) ?? null,
    lastTemplateAt: (r.last_template_at as Date | null) ?? null,
    lastActivityAt: r.last_activity_at as Date,
    closedAt: (r.closed_at as Date | null) ?? null,
    closedBy: (r.closed_by as string | null) ?? null,
    closeReason: (r.close_reason as CloseReason | null) ?? null,
    dispositionId: (r.disposition_id as string | null) ?? null,
    rating: (r.rating as number | null) ?? null,
    ratingRequestedAt: (r.rating_requested_at as Date | null) ?? null,
    ratedAt: (r.rated_at as Date | null) ?? null,
  };
}

export async function getConversation(db: Db, orgId: string, id: string, forUpdate = false): Promise<Conversation | null> {
  const rows = await db.unsafe(
    `SELECT ${CONVERSATION_COLUMNS} FROM conversations WHERE org_id = $1 AND id = $2${forUpdate ? ' FOR UPDATE' : ''}`,
    [orgId, id],
  );
  return rows[0] ? toConversation(rows[0]) : null;
}

export async function openConversationFor(db: Db, orgId: string, contactId: string, channelId: string, forUpdate = false): Promise<Conversation | null> {
  const rows = await db.unsafe(
    `SELECT ${CONVERSATION_COLUMNS} FROM conversations
     WHERE org_id = $1 AND contact_id = $2 AND channel_id = $3 AND status <> 'closed'${forUpdate ? ' FOR UPDATE' : ''}`,
    [orgId, contactId, channelId],
  );
  return rows[0] ? toConversation(rows[0]) : null;
}

/** Protocol numbers: day + per-organization counter, e.g. 20261126-000042. */
export async function nextProtocol(db: Db, orgId: string, timeZone: string): Promise<string> {
  const rows = await db`
    INSERT INTO protocol_counters (org_id, day, last) VALUES (${orgId}, (now() AT TIME ZONE ${timeZone})::date, 1)
    ON CONFLICT (org_id, day) DO UPDATE SET last = protocol_counters.last + 1
    RETURNING to_char(day, 'YYYYMMDD') AS day, last`;
  return `${rows[0]!.day}-${String(rows[0]!.last).padStart(6, '0')}`;
}

export async function insertConversation(
  db: Db,
  c: { orgId: string; protocol: string; contactId: string; channelId: string; status: ConversationStatus; teamId?: string | null; assigneeId?: string | null },
): Promise<Conversation> {
  const rows = await db.unsafe(
    `INSERT INTO conversations (org_id, protocol, contact_id, channel_id, status, team_id, assignee_id, queued_at, claimed_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, CASE WHEN $5 = 'waiting' THEN now() END, CASE WHEN $5 = 'active' THEN now() END)
     RETURNING ${CONVERSATION_COLUMNS}`,
    [c.orgId, c.protocol, c.contactId, c.channelId, c.status, c.teamId ?? null, c.assigneeId ?? null],
  );
  return toConversation(rows[0]!);
}

export async function participantIds(db: Db, orgId: string, conversationId: string): Promise<string[]> {
  const rows = await db`SELECT user_id FROM conversation_participants WHERE org_id = ${orgId} AND conversation_id = ${conversationId} ORDER BY joined_at`;
  return rows.map((r) => r.user_id as string);
}

/** A waiting conversation's place in its team's queue (1 = next), oldest first; null when it is not waiting in a team. */
export async function queuePosition(db: Db, orgId: string, conversationId: string): Promise<number | null> {
  const rows = await db`SELECT count(*)::int AS place FROM conversations o
    JOIN conversations c ON c.org_id = o.org_id AND c.id = ${conversationId} AND c.status = 'waiting' AND c.team_id IS NOT NULL
    WHERE o.org_id = ${orgId} AND o.status = 'waiting' AND o.team_id = c.team_id AND (o.queued_at, o.id) <= (c.queued_at, c.id)`;
  const place = rows[0]?.place as number | undefined;
  return place ? place : null;
}
