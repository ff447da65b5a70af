import type { AvailabilityFacts } from '../../server/domain/availability.ts';
import type { Tx } from '../sql.ts';
import { CONVERSATION_COLUMNS, toConversation, type Conversation } from './conversations.ts';

export type ReturnReason = 'no_answer' | 'absent' | 'pending_ended';

/**
 * Conversations being served that the team's rules return to its queue at `now` (issue 12,
 * item 4): a customer message unanswered for the team's no_answer_minutes (counted from the
 * claim when it was already waiting then), or the serving agent without a device for its
 * absent_minutes. Pending ones wait on the customer: not these. Locked, others' rows skipped.
 */
export async function lockDueReturns(tx: Tx, now: Date, limit: number): Promise<{ id: string; orgId: string; reason: ReturnReason }[]> {
  const rows = await tx`
    SELECT c.id, c.org_id,
      CASE WHEN t.no_answer_minutes IS NOT NULL AND c.awaiting_reply_since IS NOT NULL
        AND greatest(c.awaiting_reply_since, c.claimed_at) + t.no_answer_minutes * interval '1 minute' < ${now}
        THEN 'no_answer' ELSE 'absent' END AS reason
    FROM conversations c
    JOIN teams t ON t.org_id = c.org_id AND t.id = c.team_id
    JOIN users u ON u.org_id = c.org_id AND u.id = c.assignee_id
    WHERE c.status = 'active' AND c.pending_since IS NULL
      AND ((t.no_answer_minutes IS NOT NULL AND c.awaiting_reply_since IS NOT NULL
          AND greatest(c.awaiting_reply_since, c.claimed_at) + t.no_answer_minutes * interval '1 minute' < ${now})
        OR (t.absent_minutes IS NOT NULL AND NOT u.connected
          AND coalesce(u.device_lost_at, '-infinity') + t.absent_minutes * interval '1 minute' < ${now}))
    ORDER BY c.id LIMIT ${limit} FOR UPDATE OF c SKIP LOCKED`;
  return rows.map((r) => ({ id: r.id as string, orgId: r.org_id as string, reason: r.reason as ReturnReason }));
}

/**
 * Back to the head of its team's queue, nobody serving it; the agent who had it gets an
 * instant 'returned' row in conversation_offers, so routing does not hand it straight back.
 */
export async function setReturned(tx: Tx, orgId: string, id: string): Promise<{ conversation: Conversation; formerAgent: string } | null> {
  const rows = await tx.unsafe(
    `WITH old AS (SELECT assignee_id FROM conversations WHERE org_id = $1 AND id = $2 AND status = 'active' AND team_id IS NOT NULL)
     UPDATE conversations c SET status = 'waiting', assignee_id = NULL, target_user_id = NULL, queued_at = now(),
       head_of_queue = true, last_activity_at = now()
     FROM old WHERE c.org_id = $1 AND c.id = $2
     RETURNING ${CONVERSATION_COLUMNS.split(',')
       .map((col) => `c.${col.trim()}`)
       .join(', ')}, old.assignee_id AS former_agent`,
    [orgId, id],
  );
  const r = rows[0];
  if (!r) return null;
  const formerAgent = r.former_agent as string;
  await tx`INSERT INTO conversation_offers (org_id, conversation_id, user_id, offered_at, ended_at, outcome)
    VALUES (${orgId}, ${id}, ${formerAgent}, now(), now(), 'returned')`;
  return { conversation: toConversation(r), formerAgent };
}

/** The serving agent marks it waiting on the customer (until a time: snoozed). */
export async function setPendingState(tx: Tx, c: { orgId: string; id: string }, until: Date | null): Promise<Conversation | null> {
  const rows = await tx.unsafe(
    `UPDATE conversations SET pending_since = coalesce(pending_since, now()), pending_until = $3, last_activity_at = now()
     WHERE org_id = $1 AND id = $2 AND status = 'active' RETURNING ${CONVERSATION_COLUMNS}`,
    [c.orgId, c.id, until] as never[],
  );
  return rows[0] ? toConversation(rows[0]) : null;
}

/** No longer pending (the customer wrote, the time came, or the agent took it back). */
export async function clearPending(tx: Tx, c: { orgId: string; id: string }): Promise<Conversation | null> {
  const rows = await tx.unsafe(
    `UPDATE conversations SET pending_since = NULL, pending_until = NULL, last_activity_at = now()
     WHERE org_id = $1 AND id = $2 AND pending_since IS NOT NULL RETURNING ${CONVERSATION_COLUMNS}`,
    [c.orgId, c.id],
  );
  return rows[0] ? toConversation(rows[0]) : null;
}

/** Snoozed conversations whose time has come, locked (others' rows skipped). */
export async function lockDueSnoozes(tx: Tx, now: Date, limit: number): Promise<{ id: string; orgId: string }[]> {
  const rows = await tx`
    SELECT id, org_id FROM conversations WHERE pending_until IS NOT NULL AND pending_until <= ${now} AND status = 'active'
    ORDER BY pending_until LIMIT ${limit} FOR UPDATE SKIP LOCKED`;
  return rows.map((r) => ({ id: r.id as string, orgId: r.org_id as string }));
}

/** What the availability rule needs about one agent (server/domain/availability.ts). */
export async function agentAvailability(tx: Tx, orgId: string, userId: string): Promise<AvailabilityFacts | null> {
  const [r] = await tx`SELECT u.status, u.connected, u.work_hours, coalesce(u.time_zone, o.time_zone) AS time_zone, o.work_hours_policy
    FROM users u JOIN organizations o ON o.id = u.org_id WHERE u.org_id = ${orgId} AND u.id = ${userId} AND u.deactivated_at IS NULL`;
  if (!r) return null;
  return {
    status: r.status as AvailabilityFacts['status'],
    connected: r.connected as boolean,
    workHours: (r.work_hours ?? {}) as AvailabilityFacts['workHours'],
    timeZone: r.time_zone as string,
    enforceWorkHours: r.work_hours_policy === 'refuse_login',
  };
}
