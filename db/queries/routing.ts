import type { WorkHours } from '../../server/domain/work-hours.ts';
import type { Db, Tx } from '../sql.ts';
import { CONVERSATION_COLUMNS, toConversation, type Conversation } from './conversations.ts';

/**
 * Automatic routing's SQL (issue 12). Races are settled here: one routing transaction per team
 * at a time (a transaction-scoped advisory lock, across processes), the offered conversations
 * locked row by row, and each candidate's load counted under the same per-agent lock the
 * claims take (lockAgentLoad), so an agent's active + offered conversations never pass their
 * limit however many processes route and claim at once.
 */

export interface RoutingTeam {
  routing: 'pull' | 'auto';
  maxPerAgent: number | null;
  acceptTimeoutSeconds: number;
  enforceWorkHours: boolean;
  orgTimeZone: string;
}

/** Takes the team's routing lock (until the transaction ends) and reads its settings. */
export async function lockTeamForRouting(tx: Tx, orgId: string, teamId: string): Promise<RoutingTeam | null> {
  await tx`SELECT pg_advisory_xact_lock(hashtext(${`atende_route:${teamId}`}))`;
  const [r] = await tx`
    SELECT t.routing, t.max_per_agent, t.accept_timeout_seconds, o.work_hours_policy, o.time_zone
    FROM teams t JOIN organizations o ON o.id = t.org_id WHERE t.org_id = ${orgId} AND t.id = ${teamId}`;
  if (!r) return null;
  return {
    routing: r.routing as RoutingTeam['routing'],
    maxPerAgent: (r.max_per_agent as number | null) ?? null,
    acceptTimeoutSeconds: r.accept_timeout_seconds as number,
    enforceWorkHours: r.work_hours_policy === 'refuse_login',
    orgTimeZone: r.time_zone as string,
  };
}

/** Waiting conversations of the team's queue with no offer, returned ones then oldest first; rows others hold are skipped. */
export async function lockUnofferedWaiting(
  tx: Tx,
  orgId: string,
  teamId: string,
  limit: number,
): Promise<{ id: string; queuedAt: Date }[]> {
  const rows = await tx`
    SELECT id, coalesce(queued_at, created_at) AS queued_at FROM conversations
    WHERE org_id = ${orgId} AND team_id = ${teamId} AND status = 'waiting' AND offered_to IS NULL AND target_user_id IS NULL
    ORDER BY head_of_queue DESC, queued_at, id LIMIT ${limit} FOR UPDATE SKIP LOCKED`;
  return rows.map((r) => ({ id: r.id as string, queuedAt: r.queued_at as Date }));
}

export interface Candidate {
  id: string;
  status: 'online' | 'paused' | 'offline';
  connected: boolean;
  workHours: WorkHours;
  timeZone: string | null;
  ownLimit: number | null;
  lastRoutedAt: Date | null;
}

/** Members of the team who are online and connected (work hours are the caller's to check). */
export async function routingCandidates(db: Db, orgId: string, teamId: string): Promise<Candidate[]> {
  const rows = await db`
    SELECT u.id, u.status, u.connected, u.work_hours, u.time_zone, u.max_conversations, u.last_routed_at
    FROM team_members m JOIN users u ON u.org_id = m.org_id AND u.id = m.user_id
    WHERE m.org_id = ${orgId} AND m.team_id = ${teamId} AND u.status = 'online' AND u.connected AND u.deactivated_at IS NULL
    ORDER BY u.id`;
  return rows.map((r) => ({
    id: r.id as string,
    status: r.status as Candidate['status'],
    connected: r.connected as boolean,
    workHours: (r.work_hours as WorkHours | null) ?? {},
    timeZone: (r.time_zone as string | null) ?? null,
    ownLimit: (r.max_conversations as number | null) ?? null,
    lastRoutedAt: (r.last_routed_at as Date | null) ?? null,
  }));
}

/**
 * Takes the agents' capacity locks (in id order: two routings never wait on each other in a
 * cycle) and then counts each one's active and offered conversations, in every team (pending
 * ones only when their team counts them: teams.pending_counts), as lockAgentLoad does.
 */
export async function lockLoads(tx: Tx, orgId: string, agentIds: readonly string[]): Promise<Map<string, number>> {
  const ids = [...agentIds].sort();
  // One statement, in id order (the sorted subquery feeds the locks one row at a time).
  await tx`SELECT count(pg_advisory_xact_lock(hashtext('atende_capacity:' || s.id)))
    FROM (SELECT id FROM unnest(${ids}::text[]) AS id ORDER BY id) s`;
  const rows = await tx`
    SELECT u.id,
      (SELECT count(*) FROM conversations a LEFT JOIN teams pt ON pt.org_id = a.org_id AND pt.id = a.team_id
        WHERE a.org_id = u.org_id AND a.assignee_id = u.id AND a.status = 'active'
          AND (a.pending_since IS NULL OR pt.pending_counts IS NOT FALSE))::int
      + (SELECT count(*) FROM conversations o WHERE o.org_id = u.org_id AND o.offered_to = u.id)::int AS load
    FROM users u WHERE u.org_id = ${orgId} AND u.id = ANY(${ids}::uuid[])`;
  return new Map(rows.map((r) => [r.id as string, r.load as number]));
}

/** Who declined or let the offer of each conversation expire since it was (last) queued. */
export async function passedBy(
  db: Db,
  orgId: string,
  waiting: readonly { id: string; queuedAt: Date }[],
): Promise<Map<string, Set<string>>> {
  const map = new Map<string, Set<string>>(waiting.map((w) => [w.id, new Set()]));
  if (waiting.length === 0) return map;
  const rows = await db`
    SELECT o.conversation_id, o.user_id FROM conversation_offers o
    JOIN unnest(${waiting.map((w) => w.id)}::uuid[], ${waiting.map((w) => w.queuedAt.toISOString())}::timestamptz[]) AS w(id, queued_at)
      ON o.conversation_id = w.id
    WHERE o.org_id = ${orgId} AND o.outcome IN ('declined', 'expired') AND o.offered_at >= w.queued_at`;
  for (const r of rows) map.get(r.conversation_id as string)?.add(r.user_id as string);
  return map;
}

/**
 * Writes the offers: each conversation offered to its agent until the team's accept timeout,
 * an open conversation_offers row each, and the agents' last_routed_at. The offer's time is
 * the database's clock as it writes (after the locks), so the audit's intervals never overlap
 * a close that committed before the loads were counted.
 */
export async function writeOffers(
  tx: Tx,
  orgId: string,
  offers: readonly { conversationId: string; agentId: string }[],
  timeoutSeconds: number,
): Promise<Conversation[]> {
  if (offers.length === 0) return [];
  const rows = await tx.unsafe(
    `UPDATE conversations c SET offered_to = o.agent_id, offered_at = clock_timestamp(),
       offer_expires_at = clock_timestamp() + $4 * interval '1 second'
     FROM unnest($2::uuid[], $3::uuid[]) AS o(conversation_id, agent_id)
     WHERE c.org_id = $1 AND c.id = o.conversation_id AND c.status = 'waiting' AND c.offered_to IS NULL
     RETURNING ${CONVERSATION_COLUMNS.split(',')
       .map((col) => `c.${col.trim()}`)
       .join(', ')}, c.offered_at`,
    [orgId, offers.map((o) => o.conversationId), offers.map((o) => o.agentId), timeoutSeconds] as never[],
  );
  await tx`
    INSERT INTO conversation_offers (org_id, conversation_id, user_id, offered_at)
    SELECT ${orgId}, c.id, c.offered_to, c.offered_at FROM conversations c
    WHERE c.org_id = ${orgId} AND c.id = ANY(${rows.map((r) => r.id as string)}::uuid[])`;
  await tx`UPDATE users SET last_routed_at = clock_timestamp()
    WHERE org_id = ${orgId} AND id = ANY(${[...new Set(offers.map((o) => o.agentId))]}::uuid[])`;
  return rows.map(toConversation);
}

/** Waiting, unoffered conversations of auto-routed teams: the teams a routing pass visits. */
export async function teamsToRoute(db: Db): Promise<{ orgId: string; teamId: string }[]> {
  const rows = await db`
    SELECT DISTINCT c.org_id, c.team_id FROM conversations c
    JOIN teams t ON t.org_id = c.org_id AND t.id = c.team_id
    WHERE c.status = 'waiting' AND c.offered_to IS NULL AND c.target_user_id IS NULL AND t.routing = 'auto'`;
  return rows.map((r) => ({ orgId: r.org_id as string, teamId: r.team_id as string }));
}

export type EndedOffer = Conversation & { wasOfferedTo: string; expired: boolean };

/**
 * Ends offers whose time ran out (`expired`) or whose agent is no longer online and connected
 * (`withdrawn`, by the trigger): conditional, rows others hold skipped, so several processes
 * sweeping at once end each offer once.
 */
export async function endStaleOffers(tx: Tx, now: Date, limit: number): Promise<EndedOffer[]> {
  const stale = await tx`
    SELECT c.org_id, c.id, c.offered_to, c.offer_expires_at <= ${now} AS expired FROM conversations c
    JOIN users u ON u.org_id = c.org_id AND u.id = c.offered_to
    WHERE c.offered_to IS NOT NULL
      AND (c.offer_expires_at <= ${now} OR u.status <> 'online' OR NOT u.connected OR u.deactivated_at IS NOT NULL)
    ORDER BY c.offer_expires_at LIMIT ${limit} FOR UPDATE OF c SKIP LOCKED`;
  if (stale.length === 0) return [];
  const expired = stale.filter((r) => r.expired);
  if (expired.length) {
    await tx`UPDATE conversation_offers SET ended_at = now(), outcome = 'expired'
      WHERE ended_at IS NULL AND (org_id, conversation_id) IN
        (SELECT * FROM unnest(${expired.map((r) => r.org_id as string)}::uuid[], ${expired.map((r) => r.id as string)}::uuid[]))`;
  }
  const rows = await tx.unsafe(
    `UPDATE conversations SET offered_to = NULL, offered_at = NULL, offer_expires_at = NULL
     WHERE id = ANY($1::uuid[]) RETURNING ${CONVERSATION_COLUMNS}`,
    [stale.map((r) => r.id as string)] as never[],
  );
  const was = new Map(stale.map((r) => [r.id as string, r.offered_to as string]));
  const ranOut = new Set(expired.map((r) => r.id as string));
  return rows.map((r) => ({ ...toConversation(r), wasOfferedTo: was.get(r.id as string)!, expired: ranOut.has(r.id as string) }));
}

/** The agent declines the offer made to them: null when it is not (or no longer) theirs. */
export async function declineOffer(tx: Tx, orgId: string, conversationId: string, userId: string): Promise<Conversation | null> {
  await tx`UPDATE conversation_offers SET ended_at = now(), outcome = 'declined'
    WHERE org_id = ${orgId} AND conversation_id = ${conversationId} AND user_id = ${userId} AND ended_at IS NULL`;
  const rows = await tx.unsafe(
    `UPDATE conversations SET offered_to = NULL, offered_at = NULL, offer_expires_at = NULL
     WHERE org_id = $1 AND id = $2 AND offered_to = $3 AND status = 'waiting' RETURNING ${CONVERSATION_COLUMNS}`,
    [orgId, conversationId, userId],
  );
  return rows[0] ? toConversation(rows[0]) : null;
}
