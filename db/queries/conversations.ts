import { CONTACT_COLUMNS, toContact, type Contact } from './contacts.ts';
import { MESSAGE_COLUMNS, toMessage, type Message, type NewMessage } from './messages.ts';
import type { Db, Sql, Tx } from '../sql.ts';

export type ConversationStatus = 'bot' | 'waiting' | 'active' | 'closed';
export type CloseReason = 'agent' | 'admin' | 'queue_timeout' | 'inactivity' | 'bot_timeout' | 'out_of_hours';

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
  /** Auto routing: the agent this waiting conversation is offered to, until the offer expires. */
  offeredTo: string | null;
  offerExpiresAt: Date | null;
  /** The oldest customer message no agent has answered yet (null once an agent writes). */
  awaitingReplySince: Date | null;
  firstResponseAt: Date | null;
  /** Returned to its queue (no answer, no device): served before the others. */
  headOfQueue: boolean;
  /** The serving agent waits on the customer (until `pendingUntil`, when snoozed). */
  pendingSince: Date | null;
  pendingUntil: Date | null;
  /** The running service-level target was missed (cleared by an agent's answer). */
  slaBreachedAt: Date | null;
  /** The customer was told the team is closed. */
  outOfHoursAt: Date | null;
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
  offered_to, offer_expires_at, awaiting_reply_since, first_response_at, head_of_queue, pending_since, pending_until,
  sla_breached_at, out_of_hours_at, bot_prompts, no_one_notified_at, created_at, queued_at, claimed_at, last_inbound_at, last_template_at, last_activity_at,
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
    offeredTo: (r.offered_to as string | null) ?? null,
    offerExpiresAt: (r.offer_expires_at as Date | null) ?? null,
    awaitingReplySince: (r.awaiting_reply_since as Date | null) ?? null,
    firstResponseAt: (r.first_response_at as Date | null) ?? null,
    headOfQueue: (r.head_of_queue as boolean | undefined) ?? false,
    pendingSince: (r.pending_since as Date | null) ?? null,
    pendingUntil: (r.pending_until as Date | null) ?? null,
    slaBreachedAt: (r.sla_breached_at as Date | null) ?? null,
    outOfHoursAt: (r.out_of_hours_at as Date | null) ?? null,
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

/** The column list as postgres.js identifiers, for `SELECT ${db(FIELDS)}` / `RETURNING ${db(FIELDS)}`. */
const FIELDS = CONVERSATION_COLUMNS.split(',').map((c) => c.trim());

/** Which conversation a transition applies to. */
type Ref = Pick<Conversation, 'orgId' | 'id'>;

export async function getConversation(db: Db, orgId: string, id: string, forUpdate = false): Promise<Conversation | null> {
  const rows =
    await db`SELECT ${db(FIELDS)} FROM conversations WHERE org_id = ${orgId} AND id = ${id} ${forUpdate ? db`FOR UPDATE` : db``}`;
  return rows[0] ? toConversation(rows[0]) : null;
}

export async function openConversationFor(
  db: Db,
  orgId: string,
  contactId: string,
  channelId: string,
  forUpdate = false,
): Promise<Conversation | null> {
  const rows = await db`SELECT ${db(FIELDS)} FROM conversations
    WHERE org_id = ${orgId} AND contact_id = ${contactId} AND channel_id = ${channelId} AND status <> 'closed' ${forUpdate ? db`FOR UPDATE` : db``}`;
  return rows[0] ? toConversation(rows[0]) : null;
}

/**
 * postgres.js sends `unsafe` text unprepared: PostgreSQL parses and plans it on every call,
 * which for these statements (CTEs over several tables) costs more than running them.
 */
const PREPARED = { prepare: true } as const;

const protocolOf = (day: string, n: number) => `${day}-${String(n).padStart(6, '0')}`;

/**
 * Protocol numbers: day + per-organization counter, e.g. 20261126-000042. Inside a transaction
 * the counter's row stays locked until it ends, so every other transaction opening a
 * conversation in the organization waits for this one's COMMIT: inbound messages reserve
 * theirs beforehand instead (reserveInbound).
 */
export async function nextProtocol(db: Db, orgId: string, timeZone: string): Promise<string> {
  const rows = await db`
    INSERT INTO protocol_counters (org_id, day, last) VALUES (${orgId}, (now() AT TIME ZONE ${timeZone})::date, 1)
    ON CONFLICT (org_id, day) DO UPDATE SET last = protocol_counters.last + 1
    RETURNING to_char(day, 'YYYYMMDD') AS day, last`;
  return protocolOf(rows[0]!.day as string, rows[0]!.last as number);
}

/** A sender as a channel names it (see contacts.ts, ChannelIdentity). */
export type SenderKey = { whatsapp?: string | null; whatsappUserId?: string | null; webchatVisitorId?: string | null };

/**
 * Before an inbound batch's transaction, in ONE autocommit statement on the pool (never in a
 * transaction: it turns synchronous_commit off for the transaction it runs in): which of its
 * channel message ids are stored already (the dedupe; the insert's ON CONFLICT stays the
 * guarantee), and a protocol number for each distinct sender with no open conversation on the
 * channel now — unless all its messages look like a rating answer (`rating`) and it has a
 * conversation waiting for one (recordRating). The numbers come from the counter in this
 * statement's own tiny transaction, so the counter's row is locked only for it, not until the
 * batch commits (nextProtocol's lock made every transaction opening a conversation in the
 * organization wait for the previous one's COMMIT). That transaction commits with
 * synchronous_commit off: it waits for no WAL flush, and a conversation that uses a number
 * commits later, which flushes the WAL past the counter's update — a durable conversation
 * implies a durable counter; a counter update lost in a crash numbered nothing durable.
 * Numbers stay unique and increasing per organization and day (same format); one reserved and
 * not used (the sender's conversation opened meanwhile, the batch failed or its message was
 * refused) is a gap in the sequence.
 */
export async function reserveInbound(
  db: Sql,
  to: { orgId: string; channelId: string },
  channelMessageIds: string[],
  senders: (SenderKey & { rating: boolean })[],
): Promise<{ stored: Set<string>; protocols: string[] }> {
  const keys = senders.map((k) => ({ w: k.whatsapp ?? null, u: k.whatsappUserId ?? null, v: k.webchatVisitorId ?? null, r: k.rating }));
  const rows = await db.unsafe(
    `WITH stored AS (
       SELECT coalesce(array_agg(m.channel_message_id), '{}') AS ids FROM unnest($3::text[]) AS w(id)
       JOIN messages m ON m.org_id = $1 AND m.channel_id = $2 AND m.channel_message_id = w.id
     ), org AS (
       SELECT id, time_zone, rating_window_minutes FROM organizations WHERE id = $1
     ), need AS (
       -- Per sender, each identity through its own unique index (never a scan of the organization's contacts).
       SELECT count(*)::int AS n
       FROM (SELECT w, u, v, bool_and(r) AS r FROM jsonb_to_recordset($4::text::jsonb) AS s(w text, u text, v text, r boolean)
         GROUP BY w, u, v) s, org
       WHERE NOT EXISTS (
         SELECT 1 FROM (
           SELECT id FROM contacts WHERE org_id = $1 AND whatsapp = s.w
           UNION ALL SELECT id FROM contacts WHERE org_id = $1 AND whatsapp_user_id = s.u
           UNION ALL SELECT id FROM contacts WHERE org_id = $1 AND webchat_visitor_id = s.v
         ) k JOIN conversations c ON c.org_id = $1 AND c.contact_id = k.id AND c.channel_id = $2
         WHERE c.status <> 'closed' OR (s.r AND c.rating IS NULL
           AND c.rating_requested_at > now() - org.rating_window_minutes * interval '1 minute'))
     ), counter AS (
       INSERT INTO protocol_counters (org_id, day, last)
       SELECT org.id, (now() AT TIME ZONE org.time_zone)::date, need.n FROM org, need WHERE need.n > 0
       ON CONFLICT (org_id, day) DO UPDATE SET last = protocol_counters.last + excluded.last
       RETURNING to_char(day, 'YYYYMMDD') AS day, last
     )
     SELECT stored.ids AS stored, need.n, counter.day, counter.last, set_config('synchronous_commit', 'off', true) AS async
     FROM stored, need LEFT JOIN counter ON true`,
    [to.orgId, to.channelId, channelMessageIds, JSON.stringify(keys)] as never[],
    PREPARED,
  );
  const r = rows[0]!;
  const protocols: string[] = [];
  if (r.day)
    for (let k = (r.last as number) - (r.n as number) + 1; k <= (r.last as number); k++) protocols.push(protocolOf(r.day as string, k));
  return { stored: new Set(r.stored as string[]), protocols };
}

/** The conversation's columns under a `c_` prefix, to be read next to another table's in one row. */
const PREFIXED = FIELDS.map((f) => `${f} AS c_${f}`).join(', ');
const unprefixed = (r: Record<string, unknown>) => toConversation(Object.fromEntries(FIELDS.map((f) => [f, r[`c_${f}`]])));

/**
 * An inbound message's sender and their open conversation on the channel, in one statement:
 * the contact found by the channel's identity, or created (incomplete) when there is none,
 * and that contact's open conversation there, locked FOR UPDATE (null when none is open).
 * Null when a concurrent transaction is creating the same contact (the insert yielded to the
 * unique index): findOrCreateChannelContact then reads the winner.
 */
export async function contactWithOpenConversation(
  tx: Tx,
  orgId: string,
  channelId: string,
  who: SenderKey & { name?: string | null },
): Promise<{ contact: Contact; created: boolean; conversation: Conversation | null } | null> {
  const rows = await tx.unsafe(
    `WITH found AS (
       -- As findOrCreateChannelContact's lookup (the number first), each identity through its own unique index.
       SELECT ${CONTACT_COLUMNS} FROM (
         SELECT *, 1 AS pref FROM contacts WHERE org_id = $1 AND whatsapp = $2::text
         UNION ALL SELECT *, 2 FROM contacts WHERE org_id = $1 AND whatsapp_user_id = $3::text
         UNION ALL SELECT *, 3 FROM contacts WHERE org_id = $1 AND webchat_visitor_id = $4::text
       ) k ORDER BY pref LIMIT 1
     ), made AS (
       INSERT INTO contacts (org_id, name, whatsapp, whatsapp_user_id, webchat_visitor_id, incomplete)
       SELECT $1, $5, $2, $3, $4, true WHERE NOT EXISTS (SELECT 1 FROM found)
       ON CONFLICT DO NOTHING RETURNING ${CONTACT_COLUMNS}
     ), k AS (
       SELECT *, false AS created FROM found UNION ALL SELECT *, true AS created FROM made
     )
     SELECT k.*, c.* FROM k LEFT JOIN LATERAL (
       SELECT ${PREFIXED} FROM conversations
       WHERE org_id = k.org_id AND contact_id = k.id AND channel_id = $6 AND status <> 'closed' FOR UPDATE
     ) c ON true`,
    [orgId, who.whatsapp ?? null, who.whatsappUserId ?? null, who.webchatVisitorId ?? null, who.name ?? '', channelId] as never[],
    PREPARED,
  );
  const r = rows[0];
  if (!r) return null;
  return { contact: toContact(r), created: r.created as boolean, conversation: r.c_id ? unprefixed(r) : null };
}

/**
 * Stores an inbound message and records it on its conversation (recordInbound) in one
 * statement; null when the channel's message id is stored already (nothing changes then).
 */
export async function insertInbound(
  tx: Tx,
  c: Ref,
  m: Omit<NewMessage, 'direction' | 'orgId' | 'conversationId'> & { providerTimestamp: Date },
): Promise<{ message: Message; conversation: Conversation } | null> {
  const rows = await tx.unsafe(
    `WITH m AS (
       INSERT INTO messages (org_id, conversation_id, channel_id, direction, kind, text, payload, attachment_id, channel_message_id,
         status, provider_timestamp)
       VALUES ($1, $2, $3, 'in', $4, $5, $6::text::jsonb, $7, $8, $9, $10)
       ON CONFLICT (org_id, channel_id, channel_message_id) WHERE channel_message_id IS NOT NULL DO NOTHING
       RETURNING ${MESSAGE_COLUMNS}
     ), c AS (
       UPDATE conversations SET last_inbound_at = greatest(last_inbound_at, $10::timestamptz),
         last_activity_at = CASE WHEN status = 'active' THEN last_activity_at ELSE now() END,
         awaiting_reply_since = coalesce(awaiting_reply_since, now())
       WHERE org_id = $1 AND id = $2 AND EXISTS (SELECT 1 FROM m) RETURNING ${PREFIXED}
     )
     SELECT m.*, c.* FROM m, c`,
    [
      c.orgId,
      c.id,
      m.channelId,
      m.kind,
      m.text ?? '',
      JSON.stringify(m.payload ?? {}),
      m.attachmentId ?? null,
      m.channelMessageId ?? null,
      m.status,
      m.providerTimestamp,
    ] as never[],
    PREPARED,
  );
  const r = rows[0];
  return r ? { message: toMessage(r), conversation: unprefixed(r) } : null;
}

/** Any state, as given (the demo seed); the commands open conversations with the two below. */
export async function insertConversation(
  db: Db,
  c: {
    orgId: string;
    protocol: string;
    contactId: string;
    channelId: string;
    status: ConversationStatus;
    teamId?: string | null;
    assigneeId?: string | null;
  },
): Promise<Conversation> {
  const rows = await db`
    INSERT INTO conversations (org_id, protocol, contact_id, channel_id, status, team_id, assignee_id, queued_at, claimed_at)
    VALUES (${c.orgId}, ${c.protocol}, ${c.contactId}, ${c.channelId}, ${c.status}, ${c.teamId ?? null}, ${c.assigneeId ?? null},
      CASE WHEN ${c.status} = 'waiting' THEN now() END, CASE WHEN ${c.status} = 'active' THEN now() END)
    RETURNING ${db(FIELDS)}`;
  return toConversation(rows[0]!);
}

type NewOpen = { orgId: string; protocol: string; contactId: string; channelId: string };

/**
 * A customer's first message opens a conversation in `bot`; null when the contact already has
 * an open one on the channel (the partial unique index "one open conversation per contact per
 * channel" decides races: the loser reads the winner's).
 */
export async function openBotConversation(db: Db, c: NewOpen): Promise<Conversation | null> {
  const rows = await db`
    INSERT INTO conversations (org_id, protocol, contact_id, channel_id, status)
    VALUES (${c.orgId}, ${c.protocol}, ${c.contactId}, ${c.channelId}, 'bot')
    ON CONFLICT (org_id, contact_id, channel_id) WHERE status <> 'closed' DO NOTHING
    RETURNING ${db(FIELDS)}`;
  return rows[0] ? toConversation(rows[0]) : null;
}

/** An agent starts a conversation, served by them at once; null when one is open (same index). */
export async function openServedConversation(db: Db, c: NewOpen & { teamId: string; assigneeId: string }): Promise<Conversation | null> {
  const rows = await db`
    INSERT INTO conversations (org_id, protocol, contact_id, channel_id, team_id, status, assignee_id, claimed_at)
    VALUES (${c.orgId}, ${c.protocol}, ${c.contactId}, ${c.channelId}, ${c.teamId}, 'active', ${c.assigneeId}, now())
    ON CONFLICT (org_id, contact_id, channel_id) WHERE status <> 'closed' DO NOTHING
    RETURNING ${db(FIELDS)}`;
  return rows[0] ? toConversation(rows[0]) : null;
}

/**
 * What an agent serves besides a conversation they have just claimed (`claimed`, uncommitted,
 * left out): active conversations plus those offered to them (an offer holds a place, as
 * automatic routing counts it) — pending ones only when their team says they count — and the
 * limits on it; read under a per-agent transaction lock taken after that
 * claim's UPDATE, so two claims by one agent (two tabs, two processes) count one after the
 * other: the second counts the first once it has committed. Only winning claims come here.
 */
export async function lockAgentLoad(
  tx: Tx,
  orgId: string,
  agentId: string,
  claimed: { id: string; teamId: string | null },
): Promise<{ active: number; ownLimit: number | null; teamLimit: number | null; teamName: string | null }> {
  await tx`SELECT pg_advisory_xact_lock(hashtext(${`atende_capacity:${agentId}`}))`;
  const [r] = await tx`
    SELECT u.max_conversations AS own_limit, t.max_per_agent AS team_limit, t.name AS team_name,
      (SELECT count(*) FROM conversations a LEFT JOIN teams pt ON pt.org_id = a.org_id AND pt.id = a.team_id
        WHERE a.org_id = ${orgId} AND a.assignee_id = ${agentId} AND a.status = 'active' AND a.id <> ${claimed.id}
          AND (a.pending_since IS NULL OR pt.pending_counts IS NOT FALSE))::int
      + (SELECT count(*) FROM conversations o
        WHERE o.org_id = ${orgId} AND o.offered_to = ${agentId} AND o.id <> ${claimed.id})::int AS active
    FROM users u LEFT JOIN teams t ON t.org_id = u.org_id AND t.id = ${claimed.teamId}
    WHERE u.org_id = ${orgId} AND u.id = ${agentId}`;
  return {
    active: r!.active as number,
    ownLimit: (r!.own_limit as number | null) ?? null,
    teamLimit: (r!.team_limit as number | null) ?? null,
    teamName: (r!.team_name as string | null) ?? null,
  };
}

/** To Waiting in a team's queue, or in one person's (`targetUserId`, a transfer): nobody serves it. */
export async function setWaiting(db: Db, c: Ref, teamId: string | null, targetUserId: string | null = null): Promise<Conversation> {
  const rows = await db`
    UPDATE conversations SET status = 'waiting', team_id = ${teamId}, target_user_id = ${targetUserId}, assignee_id = NULL,
      queued_at = now(), last_activity_at = now()
    WHERE org_id = ${c.orgId} AND id = ${c.id} RETURNING ${db(FIELDS)}`;
  return toConversation(rows[0]!);
}

/** From the bot to Waiting as it is, with no team (no menu configured: admins route it). */
export async function setWaitingUnrouted(db: Db, c: Ref): Promise<Conversation> {
  const rows = await db`
    UPDATE conversations SET status = 'waiting', queued_at = now(), last_activity_at = now()
    WHERE org_id = ${c.orgId} AND id = ${c.id} RETURNING ${db(FIELDS)}`;
  return toConversation(rows[0]!);
}

/** The customer was told the team is closed. */
export async function markOutOfHours(db: Db, c: Ref): Promise<Conversation> {
  const rows =
    await db`UPDATE conversations SET out_of_hours_at = now() WHERE org_id = ${c.orgId} AND id = ${c.id} RETURNING ${db(FIELDS)}`;
  return toConversation(rows[0]!);
}

/** The customer was told nobody in the team is available (told once). */
export async function markNoOneNotified(db: Db, c: Ref): Promise<Conversation> {
  const rows =
    await db`UPDATE conversations SET no_one_notified_at = now() WHERE org_id = ${c.orgId} AND id = ${c.id} RETURNING ${db(FIELDS)}`;
  return toConversation(rows[0]!);
}

/** The bot showed its menu once more. */
export async function countBotPrompt(db: Db, c: Ref): Promise<Conversation> {
  const rows = await db`
    UPDATE conversations SET bot_prompts = bot_prompts + 1, last_activity_at = now()
    WHERE org_id = ${c.orgId} AND id = ${c.id} RETURNING ${db(FIELDS)}`;
  return toConversation(rows[0]!);
}

/**
 * A customer message arrived; `sentAt` is the provider's clock, and never moves back. It starts
 * the wait for an agent's answer (if none is running). It is no activity of a conversation
 * being served: the inactivity timer that closes a conversation nobody answers is not reset by
 * the customer writing again (issue 12) — only the bot's and the queue's states count it.
 */
export async function recordInbound(db: Db, c: Ref, sentAt: Date): Promise<Conversation> {
  const rows = await db`
    UPDATE conversations SET last_inbound_at = greatest(last_inbound_at, ${sentAt}::timestamptz),
      last_activity_at = CASE WHEN status = 'active' THEN last_activity_at ELSE now() END,
      awaiting_reply_since = coalesce(awaiting_reply_since, now())
    WHERE org_id = ${c.orgId} AND id = ${c.id} RETURNING ${db(FIELDS)}`;
  return toConversation(rows[0]!);
}

/** An agent's message was queued; a template also starts the wait for the customer's reply. */
export async function recordOutbound(db: Db, c: Ref, template: boolean): Promise<Conversation> {
  const rows = await db`
    UPDATE conversations SET last_activity_at = now(), last_template_at = CASE WHEN ${template} THEN now() ELSE last_template_at END,
      awaiting_reply_since = NULL, first_response_at = coalesce(first_response_at, now()), sla_breached_at = NULL
    WHERE org_id = ${c.orgId} AND id = ${c.id} RETURNING ${db(FIELDS)}`;
  return toConversation(rows[0]!);
}

/** Closed: served_by keeps who had it (the assignee is cleared, as the table's CHECK requires). */
export async function setClosed(
  db: Db,
  c: Ref,
  close: { by: string | null; reason: CloseReason; dispositionId: string | null },
): Promise<Conversation> {
  const rows = await db`
    UPDATE conversations SET status = 'closed', closed_at = now(), closed_by = ${close.by}, close_reason = ${close.reason},
      disposition_id = ${close.dispositionId}, served_by = coalesce(assignee_id, served_by), assignee_id = NULL, target_user_id = NULL
    WHERE org_id = ${c.orgId} AND id = ${c.id} RETURNING ${db(FIELDS)}`;
  return toConversation(rows[0]!);
}

export async function markRatingRequested(db: Db, c: Ref): Promise<Conversation> {
  const rows =
    await db`UPDATE conversations SET rating_requested_at = now() WHERE org_id = ${c.orgId} AND id = ${c.id} RETURNING ${db(FIELDS)}`;
  return toConversation(rows[0]!);
}

/**
 * A rating answer goes to the contact's conversation on this channel that was closed last,
 * asked for a rating less than `windowMinutes` ago and not rated yet; null when there is none.
 */
export async function recordRating(
  db: Db,
  to: { orgId: string; contactId: string; channelId: string },
  rating: number,
  windowMinutes: number,
): Promise<Conversation | null> {
  const rows = await db`
    UPDATE conversations SET rating = ${rating}, rated_at = now() WHERE id = (
      SELECT id FROM conversations WHERE org_id = ${to.orgId} AND contact_id = ${to.contactId} AND channel_id = ${to.channelId} AND status = 'closed'
        AND rating IS NULL AND rating_requested_at > now() - ${windowMinutes}::int * interval '1 minute'
      ORDER BY closed_at DESC LIMIT 1 FOR UPDATE)
    RETURNING ${db(FIELDS)}`;
  return rows[0] ? toConversation(rows[0]) : null;
}

export async function participantIds(db: Db, orgId: string, conversationId: string): Promise<string[]> {
  const rows =
    await db`SELECT user_id FROM conversation_participants WHERE org_id = ${orgId} AND conversation_id = ${conversationId} ORDER BY joined_at`;
  return rows.map((r) => r.user_id as string);
}

/** Invites a colleague; inviting one already in is a no-op. */
export async function addParticipant(db: Db, c: Ref, userId: string, invitedBy: string): Promise<void> {
  await db`INSERT INTO conversation_participants (org_id, conversation_id, user_id, invited_by)
    VALUES (${c.orgId}, ${c.id}, ${userId}, ${invitedBy}) ON CONFLICT DO NOTHING`;
}

/** Removes a conversation's invited colleagues (all, or one); returns who was removed. */
export async function removeParticipants(db: Db, c: Ref, userId?: string): Promise<string[]> {
  const rows = userId
    ? await db`DELETE FROM conversation_participants WHERE org_id = ${c.orgId} AND conversation_id = ${c.id} AND user_id = ${userId} RETURNING user_id`
    : await db`DELETE FROM conversation_participants WHERE org_id = ${c.orgId} AND conversation_id = ${c.id} RETURNING user_id`;
  return rows.map((r) => r.user_id as string);
}

/** Of `tagIds`, those that may be set: an inactive tag may stay on a conversation that has it, but is not given anew. */
export async function assignableTagIds(db: Db, c: Ref, tagIds: string[]): Promise<string[]> {
  if (tagIds.length === 0) return [];
  const rows = await db`SELECT id FROM tags t WHERE org_id = ${c.orgId} AND id = ANY(${tagIds}::uuid[])
    AND (active OR EXISTS (SELECT 1 FROM conversation_tags ct WHERE ct.org_id = t.org_id AND ct.conversation_id = ${c.id} AND ct.tag_id = t.id))`;
  return rows.map((r) => r.id as string);
}

export async function replaceTags(db: Db, c: Ref, tagIds: string[]): Promise<void> {
  await db`DELETE FROM conversation_tags WHERE org_id = ${c.orgId} AND conversation_id = ${c.id}`;
  for (const tagId of tagIds)
    await db`INSERT INTO conversation_tags (org_id, conversation_id, tag_id) VALUES (${c.orgId}, ${c.id}, ${tagId})`;
}

/** A waiting conversation's place in its team's queue (1 = next), oldest first; null when it is not waiting in a team. */
export async function queuePosition(db: Db, orgId: string, conversationId: string): Promise<number | null> {
  const rows = await db`SELECT count(*)::int AS place FROM conversations o
    JOIN conversations c ON c.org_id = o.org_id AND c.id = ${conversationId} AND c.status = 'waiting' AND c.team_id IS NOT NULL
    WHERE o.org_id = ${orgId} AND o.status = 'waiting' AND o.team_id = c.team_id AND (o.queued_at, o.id) <= (c.queued_at, c.id)`;
  const place = rows[0]?.place as number | undefined;
  return place ? place : null;
}

/** Whether the user was invited into the conversation (and has not left). */
export async function isParticipant(db: Db, orgId: string, conversationId: string, userId: string): Promise<boolean> {
  const rows = await db`SELECT 1 FROM conversation_participants
    WHERE org_id = ${orgId} AND conversation_id = ${conversationId} AND user_id = ${userId}`;
  return rows.length > 0;
}
