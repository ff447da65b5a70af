import { audit } from '../../db/queries/audit.ts';
import { closeExpired, dropParticipants, flagOverrunPauses, type AutoClosed, type AutoCloseReason } from '../../db/queries/timers.ts';
import { runTx } from '../../db/sql.ts';
import { registerEventRule } from '../events/permissions.ts';
import type { Services } from '../services/index.ts';
import { publishConversation } from './conversations/common.ts';

// Overrunning a pause is flagged to administrators only (SPEC §4).
registerEventRule('agent.pauseOverrun', (_event, receiver) => receiver.role === 'admin');

const REASONS: AutoCloseReason[] = ['queue_timeout', 'inactivity', 'bot_timeout'];

export interface SweepResult {
  closed: { conversationId: string; orgId: string; reason: AutoCloseReason }[];
  overruns: { userId: string; orgId: string; pauseId: string }[];
}

// Event ids are ordered by a per-organization lock held to commit: publish in organization
// order so two sweeps touching the same organizations never wait on each other in a cycle.
const byOrg = <T extends { orgId: string }>(rows: T[]) => [...rows].sort((a, b) => (a.orgId < b.orgId ? -1 : a.orgId > b.orgId ? 1 : 0));

async function closeBatch(s: Services, reason: AutoCloseReason, now: Date, limit: number): Promise<AutoClosed[]> {
  return runTx(s.sql, async (tx) => {
    const closed = byOrg(await closeExpired(tx, reason, now, limit));
    for (const c of closed) {
      await dropParticipants(tx, c.orgId, [c.id]);
      await audit(tx, {
        orgId: c.orgId,
        action: 'conversation_auto_closed',
        subjectUserId: c.servedBy,
        details: { conversationId: c.id, protocol: c.protocol, reason },
      });
    }
    for (const c of closed) {
      // The event names the agent who had it, so their workspace hears of the close too.
      const seenAs = { ...c, assigneeId: c.servedBy };
      if (reason === 'queue_timeout') await publishConversation(s, tx, seenAs, 'queue.changed');
      await publishConversation(s, tx, seenAs);
    }
    return closed;
  });
}

/**
 * The timers, evaluated at `now` (the worker passes the clock; tests pass any instant):
 * closes conversations past the team's queue timeout (from queued_at), the organization's
 * inactivity timeout (active, from last activity) and bot timeout (bot menu, from last
 * activity), and flags pauses past their end. Every statement is conditional, so several
 * processes sweeping at once close each conversation once and flag each pause once.
 */
export async function sweepTimers(s: Services, now: Date, batchSize = 200): Promise<SweepResult> {
  const result: SweepResult = { closed: [], overruns: [] };
  for (const reason of REASONS) {
    for (;;) {
      const closed = await closeBatch(s, reason, now, batchSize);
      result.closed.push(...closed.map((c) => ({ conversationId: c.id, orgId: c.orgId, reason })));
      if (closed.length < batchSize) break;
    }
  }
  for (;;) {
    const flagged = await runTx(s.sql, async (tx) => {
      const rows = byOrg(await flagOverrunPauses(tx, now, batchSize));
      for (const p of rows) await s.bus.publish(tx, p.orgId, 'agent.pauseOverrun', { userId: p.userId, pauseId: p.pauseId });
      return rows;
    });
    result.overruns.push(...flagged);
    if (flagged.length < batchSize) break;
  }
  return result;
}
