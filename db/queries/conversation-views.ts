import type { SlaConversation } from '../../server/domain/sla.ts';
import type { Db } from '../sql.ts';

/** What the service-level rule needs of a listed conversation (the router turns it into `sla`). */
export type SlaFacts = SlaConversation & { teamId: string | null };
const slaFactsOf = (r: Record<string, unknown>): SlaFacts => ({
  teamId: (r.team_id as string | null) ?? null,
  status: r.status as SlaFacts['status'],
  queuedAt: (r.queued_at as Date | null) ?? null,
  firstResponseAt: (r.first_response_at as Date | null) ?? null,
  awaitingReplySince: (r.awaiting_reply_since as Date | null) ?? null,
  pendingSince: (r.pending_since as Date | null) ?? null,
  slaBreachedAt: (r.sla_breached_at as Date | null) ?? null,
});

/**
 * Waiting conversations a caller may claim (team queues and their personal queue), oldest first
 * after those returned to it (headOfQueue); those offered to a colleague by automatic routing too, marked so;
 * up to 5,000 (the client virtualizes the list). `conversationIds` narrows it to those rows
 * (the client patches its cached list after a live event), under exactly the same visibility.
 *
 * `lastMessage` is the customer's last message that is not their answer to the bot menu
 * (marked `botMenuAnswer` at ingest), else that answer. `unread`: the customer's messages the
 * caller has not seen (after their read mark; all of them if they never opened it).
 */
export async function listQueue(
  db: Db,
  q: {
    orgId: string;
    userId: string;
    teamIds: readonly string[];
    all: boolean;
    teamId?: string | undefined;
    conversationIds?: readonly string[] | undefined;
  },
) {
  const rows = await db`
    SELECT c.id, c.protocol, c.status, c.queued_at, c.head_of_queue, c.first_response_at, c.awaiting_reply_since, c.sla_breached_at, c.target_user_id, c.offered_to, ou.name AS offered_name, c.offer_expires_at,
      k.id AS contact_id, k.name AS contact_name, k.whatsapp AS contact_whatsapp,
      ch.id AS channel_id, ch.kind AS channel_kind, ch.name AS channel_name,
      t.id AS team_id, t.name AS team_name,
      lm.text AS last_text, lm.kind AS last_kind, lm.created_at AS last_at,
      (SELECT count(*) FROM messages u WHERE u.org_id = c.org_id AND u.conversation_id = c.id AND u.direction = 'in'
        AND u.seq > coalesce(r.last_read_seq, 0))::int AS unread
    FROM conversations c
    JOIN contacts k ON k.org_id = c.org_id AND k.id = c.contact_id
    JOIN channels ch ON ch.org_id = c.org_id AND ch.id = c.channel_id
    LEFT JOIN teams t ON t.org_id = c.org_id AND t.id = c.team_id
    LEFT JOIN users ou ON ou.org_id = c.org_id AND ou.id = c.offered_to
    LEFT JOIN conversation_reads r ON r.org_id = c.org_id AND r.user_id = ${q.userId} AND r.conversation_id = c.id
    LEFT JOIN LATERAL (
      SELECT text, kind, created_at FROM messages m
      WHERE m.org_id = c.org_id AND m.conversation_id = c.id AND m.direction = 'in'
      ORDER BY (m.payload ? 'botMenuAnswer'), seq DESC LIMIT 1) lm ON true
    WHERE c.org_id = ${q.orgId} AND c.status = 'waiting'
      AND (${q.all} OR c.target_user_id = ${q.userId} OR (c.target_user_id IS NULL AND c.team_id = ANY(${q.teamIds}::uuid[])))
      AND (${q.teamId ?? null}::uuid IS NULL OR c.team_id = ${q.teamId ?? null}::uuid)
      AND (${q.conversationIds ? [...q.conversationIds] : null}::uuid[] IS NULL OR c.id = ANY(${q.conversationIds ? [...q.conversationIds] : null}::uuid[]))
    ORDER BY c.head_of_queue DESC, c.queued_at, c.id
    LIMIT 5000`;
  return rows.map((r) => ({
    id: r.id as string,
    protocol: r.protocol as string,
    status: r.status as 'waiting',
    contact: { id: r.contact_id as string, name: r.contact_name as string, whatsapp: (r.contact_whatsapp as string | null) ?? null },
    channel: { id: r.channel_id as string, kind: r.channel_kind as string, name: r.channel_name as string },
    team: r.team_id ? { id: r.team_id as string, name: r.team_name as string } : null,
    lastMessage: r.last_at ? { text: r.last_text as string, kind: r.last_kind as string, at: (r.last_at as Date).toISOString() } : null,
    waitingSince: (r.queued_at as Date).toISOString(),
    /** Returned to its queue (no answer, no device): listed before the others. */
    headOfQueue: r.head_of_queue as boolean,
    targetUserId: (r.target_user_id as string | null) ?? null,
    /** Automatic routing: the agent it is offered to now, and until when (only they may take it). */
    offeredTo: r.offered_to ? { id: r.offered_to as string, name: r.offered_name as string } : null,
    offerExpiresAt: (r.offer_expires_at as Date | null)?.toISOString() ?? null,
    unread: Number(r.unread),
    slaFacts: slaFactsOf(r),
  }));
}

/**
 * Open conversations the caller serves or was invited to; `conversationIds` narrows it to those
 * rows (the client patches its cached list after a live event), under the same rule.
 *
 * Each row has its last message for the preview (either side; not the bot's own messages nor
 * the customer's answer to its menu while there is anything else), `lastSeq` (the newest
 * message of any kind: the client's read marks compare with it), `unread` (the customer's
 * messages after the caller's read mark) and `awaitingReplySince`: when the
 * customer's first message after the last agent message was sent (null when an agent spoke
 * last; the bot's messages are no answer). Ordered by who has waited longest for an answer,
 * then the most recent activity (the client keeps the same order: compareMine in live-cache.ts; the router then sorts by service level, as the client does).
 */
export async function listMine(db: Db, orgId: string, userId: string, conversationIds?: readonly string[]) {
  const ids = conversationIds ? [...conversationIds] : null;
  const rows = await db`
    SELECT c.id, c.protocol, c.status, c.assignee_id, c.last_activity_at, c.claimed_at, c.pending_since, c.pending_until,
      c.queued_at, c.first_response_at, c.awaiting_reply_since, c.sla_breached_at,
      k.id AS contact_id, k.name AS contact_name, k.whatsapp AS contact_whatsapp,
      ch.id AS channel_id, ch.kind AS channel_kind, ch.name AS channel_name, t.id AS team_id, t.name AS team_name,
      lm.text AS last_text, lm.kind AS last_kind, lm.direction AS last_direction, lm.is_bot AS last_is_bot,
      lm.author_id AS last_author_id, au.name AS last_author_name, lm.at AS last_at,
      (SELECT max(n.seq) FROM messages n WHERE n.org_id = c.org_id AND n.conversation_id = c.id) AS last_seq,
      (SELECT count(*) FROM messages u WHERE u.org_id = c.org_id AND u.conversation_id = c.id AND u.direction = 'in'
        AND u.seq > coalesce(r.last_read_seq, 0))::int AS unread,
      aw.at AS awaiting_since
    FROM conversations c
    JOIN contacts k ON k.org_id = c.org_id AND k.id = c.contact_id
    JOIN channels ch ON ch.org_id = c.org_id AND ch.id = c.channel_id
    LEFT JOIN teams t ON t.org_id = c.org_id AND t.id = c.team_id
    LEFT JOIN conversation_reads r ON r.org_id = c.org_id AND r.user_id = ${userId} AND r.conversation_id = c.id
    LEFT JOIN LATERAL (
      SELECT m.text, m.kind, m.direction, m.is_bot, m.author_id, coalesce(m.provider_timestamp, m.created_at) AS at
      FROM messages m WHERE m.org_id = c.org_id AND m.conversation_id = c.id
      ORDER BY (m.is_bot OR m.payload ? 'botMenuAnswer'), m.seq DESC LIMIT 1) lm ON true
    LEFT JOIN users au ON au.org_id = c.org_id AND au.id = lm.author_id
    LEFT JOIN LATERAL (
      SELECT coalesce(i.provider_timestamp, i.created_at) AS at FROM messages i
      WHERE i.org_id = c.org_id AND i.conversation_id = c.id AND i.direction = 'in'
        AND i.seq > coalesce((SELECT max(o.seq) FROM messages o
          WHERE o.org_id = c.org_id AND o.conversation_id = c.id AND o.direction = 'out' AND NOT o.is_bot), 0)
      ORDER BY i.seq LIMIT 1) aw ON true
    WHERE c.org_id = ${orgId} AND c.status = 'active' AND (c.assignee_id = ${userId} OR EXISTS (
      SELECT 1 FROM conversation_participants p WHERE p.org_id = c.org_id AND p.conversation_id = c.id AND p.user_id = ${userId}))
      AND (${ids}::uuid[] IS NULL OR c.id = ANY(${ids}::uuid[]))
    ORDER BY aw.at ASC NULLS LAST, c.last_activity_at DESC, c.id`;
  return rows.map((r) => ({
    id: r.id as string,
    protocol: r.protocol as string,
    status: r.status as 'active',
    role: (r.assignee_id === userId ? 'assignee' : 'participant') as 'assignee' | 'participant',
    contact: { id: r.contact_id as string, name: r.contact_name as string, whatsapp: (r.contact_whatsapp as string | null) ?? null },
    channel: { id: r.channel_id as string, kind: r.channel_kind as string, name: r.channel_name as string },
    team: r.team_id ? { id: r.team_id as string, name: r.team_name as string } : null,
    claimedAt: (r.claimed_at as Date | null)?.toISOString() ?? null,
    lastActivityAt: (r.last_activity_at as Date).toISOString(),
    lastMessage: r.last_at
      ? {
          text: r.last_text as string,
          kind: r.last_kind as string,
          direction: r.last_direction as 'in' | 'out',
          isBot: r.last_is_bot as boolean,
          author: r.last_author_id ? { id: r.last_author_id as string, name: r.last_author_name as string } : null,
          at: (r.last_at as Date).toISOString(),
        }
      : null,
    lastSeq: r.last_seq === null ? null : Number(r.last_seq),
    unread: Number(r.unread),
    awaitingReplySince: (r.awaiting_since as Date | null)?.toISOString() ?? null,
    /** Waiting on the customer (the Pending tab), until a time when snoozed. */
    pending: r.pending_since
      ? { since: (r.pending_since as Date).toISOString(), until: (r.pending_until as Date | null)?.toISOString() ?? null }
      : null,
    slaFacts: slaFactsOf(r),
  }));
}

export async function userNames(
  db: Db,
  orgId: string,
  ids: (string | null)[],
): Promise<Map<string, { id: string; name: string; codename: string | null }>> {
  const wanted = [...new Set(ids.filter((x): x is string => !!x))];
  if (wanted.length === 0) return new Map();
  const rows = await db`SELECT id, name, codename FROM users WHERE org_id = ${orgId} AND id = ANY(${wanted}::uuid[])`;
  return new Map(
    rows.map((r) => [r.id as string, { id: r.id as string, name: r.name as string, codename: (r.codename as string | null) ?? null }]),
  );
}

export async function tagsOf(db: Db, orgId: string, conversationId: string) {
  const rows = await db`SELECT t.id, t.name, t.color FROM conversation_tags ct JOIN tags t ON t.org_id = ct.org_id AND t.id = ct.tag_id
    WHERE ct.org_id = ${orgId} AND ct.conversation_id = ${conversationId} ORDER BY lower(t.name)`;
  return rows.map((r) => ({ id: r.id as string, name: r.name as string, color: r.color as string }));
}

/** File name, type and size of a conversation's attachments (for previews and file links). */
export async function attachmentFacts(db: Db, orgId: string, ids: (string | null)[]) {
  const wanted = [...new Set(ids.filter((x): x is string => !!x))];
  if (wanted.length === 0) return new Map<string, { filename: string; contentType: string; size: number }>();
  const rows =
    await db`SELECT id, filename, content_type, size_bytes FROM attachments WHERE org_id = ${orgId} AND id = ANY(${wanted}::uuid[])`;
  return new Map(
    rows.map((r) => [
      r.id as string,
      { filename: r.filename as string, contentType: r.content_type as string, size: Number(r.size_bytes) },
    ]),
  );
}
