import type { ConversationStatus } from './conversations.ts';
import type { Db } from '../sql.ts';

export interface OpenConversation {
  id: string;
  protocol: string;
  status: Exclude<ConversationStatus, 'closed'>;
  team: { id: string; name: string } | null;
  channel: { id: string; kind: string; name: string };
  contact: { id: string; name: string; whatsapp: string | null };
  assignee: { id: string; name: string } | null;
  targetUser: { id: string; name: string } | null;
  createdAt: Date;
  queuedAt: Date | null;
  claimedAt: Date | null;
  lastActivityAt: Date;
  /** When the timers will close it if nothing happens (null: no timer applies). */
  autoCloseAt: Date | null;
  /** Automatic routing: offered to this agent now. */
  offeredTo: { id: string; name: string } | null;
  /** What the service-level rule needs (server/domain/sla.ts). */
  firstResponseAt: Date | null;
  awaitingReplySince: Date | null;
  pendingSince: Date | null;
  pendingUntil: Date | null;
  slaBreachedAt: Date | null;
}

/** Every open conversation of the organization (bot, waiting, active), oldest first. */
export async function openConversations(db: Db, orgId: string): Promise<OpenConversation[]> {
  const rows = await db`
    SELECT c.id, c.protocol, c.status, c.created_at, c.queued_at, c.claimed_at, c.last_activity_at, c.first_response_at,
      c.awaiting_reply_since, c.pending_since, c.pending_until, c.sla_breached_at, ou.id AS offered_id, ou.name AS offered_name,
      t.id AS team_id, t.name AS team_name, ch.id AS channel_id, ch.kind AS channel_kind, ch.name AS channel_name,
      ct.id AS contact_id, ct.name AS contact_name, ct.whatsapp AS contact_whatsapp,
      a.id AS assignee_id, a.name AS assignee_name, tu.id AS target_id, tu.name AS target_name,
      CASE c.status
        WHEN 'waiting' THEN coalesce(c.queued_at, c.created_at) + coalesce(t.queue_timeout_minutes, o.queue_timeout_minutes) * interval '1 minute'
        WHEN 'active' THEN c.last_activity_at + o.inactivity_timeout_minutes * interval '1 minute'
        WHEN 'bot' THEN c.last_activity_at + o.bot_timeout_minutes * interval '1 minute'
      END AS auto_close_at
    FROM conversations c
    JOIN organizations o ON o.id = c.org_id
    JOIN channels ch ON ch.org_id = c.org_id AND ch.id = c.channel_id
    JOIN contacts ct ON ct.org_id = c.org_id AND ct.id = c.contact_id
    LEFT JOIN teams t ON t.org_id = c.org_id AND t.id = c.team_id
    LEFT JOIN users a ON a.org_id = c.org_id AND a.id = c.assignee_id
    LEFT JOIN users tu ON tu.org_id = c.org_id AND tu.id = c.target_user_id
    LEFT JOIN users ou ON ou.org_id = c.org_id AND ou.id = c.offered_to
    WHERE c.org_id = ${orgId} AND c.status <> 'closed'
    ORDER BY c.created_at, c.id`;
  return rows.map((r) => ({
    id: r.id as string,
    protocol: r.protocol as string,
    status: r.status as OpenConversation['status'],
    team: r.team_id ? { id: r.team_id as string, name: r.team_name as string } : null,
    channel: { id: r.channel_id as string, kind: r.channel_kind as string, name: r.channel_name as string },
    contact: { id: r.contact_id as string, name: r.contact_name as string, whatsapp: (r.contact_whatsapp as string | null) ?? null },
    assignee: r.assignee_id ? { id: r.assignee_id as string, name: r.assignee_name as string } : null,
    targetUser: r.target_id ? { id: r.target_id as string, name: r.target_name as string } : null,
    createdAt: r.created_at as Date,
    queuedAt: (r.queued_at as Date | null) ?? null,
    claimedAt: (r.claimed_at as Date | null) ?? null,
    lastActivityAt: r.last_activity_at as Date,
    autoCloseAt: (r.auto_close_at as Date | null) ?? null,
    offeredTo: r.offered_id ? { id: r.offered_id as string, name: r.offered_name as string } : null,
    firstResponseAt: (r.first_response_at as Date | null) ?? null,
    awaitingReplySince: (r.awaiting_reply_since as Date | null) ?? null,
    pendingSince: (r.pending_since as Date | null) ?? null,
    pendingUntil: (r.pending_until as Date | null) ?? null,
    slaBreachedAt: (r.sla_breached_at as Date | null) ?? null,
  }));
}

export interface UnknownDelivery {
  messageId: string;
  conversationId: string;
  protocol: string;
  contact: { id: string; name: string; whatsapp: string | null };
  channel: { id: string; name: string };
  text: string;
  createdAt: Date;
  errorTitle: string | null;
}

/** Outbound messages whose delivery is in doubt (`unknown`: the process died mid-send), newest first. */
export async function unknownDeliveries(
  db: Db,
  orgId: string,
  limit = 200,
  /** null: all; else only conversations of these teams (a supervisor's board). */
  teamIds: readonly string[] | null = null,
): Promise<UnknownDelivery[]> {
  const rows = await db`
    SELECT m.id, m.conversation_id, m.text, m.created_at, m.error_title, c.protocol,
      ct.id AS contact_id, ct.name AS contact_name, ct.whatsapp AS contact_whatsapp, ch.id AS channel_id, ch.name AS channel_name
    FROM messages m
    JOIN conversations c ON c.org_id = m.org_id AND c.id = m.conversation_id
    JOIN contacts ct ON ct.org_id = c.org_id AND ct.id = c.contact_id
    JOIN channels ch ON ch.org_id = m.org_id AND ch.id = m.channel_id
    WHERE m.org_id = ${orgId} AND m.status = 'unknown' ${teamIds ? db`AND c.team_id = ANY(${teamIds as string[]}::uuid[])` : db``}
    ORDER BY m.seq DESC
    LIMIT ${limit}`;
  return rows.map((r) => ({
    messageId: r.id as string,
    conversationId: r.conversation_id as string,
    protocol: r.protocol as string,
    contact: { id: r.contact_id as string, name: r.contact_name as string, whatsapp: (r.contact_whatsapp as string | null) ?? null },
    channel: { id: r.channel_id as string, name: r.channel_name as string },
    text: (r.text as string | null) ?? '',
    createdAt: r.created_at as Date,
    errorTitle: (r.error_title as string | null) ?? null,
  }));
}
