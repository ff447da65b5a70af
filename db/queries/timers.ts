import { CONVERSATION_COLUMNS, toConversation, type Conversation } from './conversations.ts';
import type { Db } from '../sql.ts';

export type AutoCloseReason = 'queue_timeout' | 'inactivity' | 'bot_timeout';

/**
 * Which open conversations each timer closes, and from which timestamp: the deadline is
 * that timestamp plus the team's or the organization's timeout. A waiting conversation
 * with no team (a channel without a bot menu) has the organization's queue timeout; when
 * the organization has none (NULL) it waits until an admin routes it.
 */
const EXPIRED: Record<AutoCloseReason, string> = {
  queue_timeout: `SELECT c.id FROM conversations c JOIN organizations o ON o.id = c.org_id
    LEFT JOIN teams t ON t.org_id = c.org_id AND t.id = c.team_id
    WHERE c.status = 'waiting'
      AND coalesce(c.queued_at, c.created_at) + coalesce(t.queue_timeout_minutes, o.queue_timeout_minutes) * interval '1 minute' < $1`,
  inactivity: `SELECT c.id FROM conversations c JOIN organizations o ON o.id = c.org_id
    WHERE c.status = 'active' AND c.last_activity_at + o.inactivity_timeout_minutes * interval '1 minute' < $1`,
  bot_timeout: `SELECT c.id FROM conversations c JOIN organizations o ON o.id = c.org_id
    WHERE c.status = 'bot' AND c.last_activity_at + o.bot_timeout_minutes * interval '1 minute' < $1`,
};
const STATUS_OF: Record<AutoCloseReason, string> = { queue_timeout: 'waiting', inactivity: 'active', bot_timeout: 'bot' };

/**
 * Closes up to `limit` conversations past their deadline at `now`, in one statement. Rows
 * another transaction holds (a claim, a concurrent sweep) are skipped, and the outer WHERE
 * re-checks the status after any wait, so each conversation is closed exactly once however
 * many processes sweep at the same time. Returns the closed rows; served_by names the agent
 * who had it (the assignee is cleared, as the table's CHECK requires).
 */
export type AutoClosed = Conversation & { servedBy: string | null };

export async function closeExpired(db: Db, reason: AutoCloseReason, now: Date, limit: number): Promise<AutoClosed[]> {
  const rows = await db.unsafe(
    `UPDATE conversations SET status = 'closed', closed_at = $1, closed_by = NULL, close_reason = $2,
       served_by = coalesce(assignee_id, served_by), assignee_id = NULL, target_user_id = NULL
     WHERE id IN (${EXPIRED[reason]} ORDER BY c.last_activity_at LIMIT $4 FOR UPDATE OF c SKIP LOCKED)
       AND status = $3
     RETURNING ${CONVERSATION_COLUMNS}, served_by`,
    [now, reason, STATUS_OF[reason], limit] as never[],
  );
  return rows.map((r) => ({ ...toConversation(r), servedBy: (r.served_by as string | null) ?? null }));
}

/** Flags each running pause past its end once; returns the pauses flagged now. */
export async function flagOverrunPauses(db: Db, now: Date, limit: number): Promise<{ orgId: string; userId: string; pauseId: string }[]> {
  const rows = await db`
    UPDATE agent_pauses SET overrun_flagged_at = ${now}
    WHERE id IN (
      SELECT p.id FROM agent_pauses p
      WHERE p.ended_at IS NULL AND p.overrun_flagged_at IS NULL AND p.ends_by < ${now}
      ORDER BY p.ends_by LIMIT ${limit} FOR UPDATE SKIP LOCKED)
      AND ended_at IS NULL AND overrun_flagged_at IS NULL
    RETURNING org_id, user_id, id`;
  return rows.map((r) => ({ orgId: r.org_id as string, userId: r.user_id as string, pauseId: r.id as string }));
}
