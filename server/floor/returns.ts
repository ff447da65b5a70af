import { audit } from '../../db/queries/audit.ts';
import { getConversation, removeParticipants, type Conversation } from '../../db/queries/conversations.ts';
import {
  agentAvailability,
  clearPending,
  lockDueReturns,
  lockDueSnoozes,
  setReturned,
  type ReturnReason,
} from '../../db/queries/returns.ts';
import { runTx, type Tx } from '../../db/sql.ts';
import { publishConversation } from '../commands/conversations/common.ts';
import { isAvailable } from '../domain/availability.ts';
import type { Services } from '../services/index.ts';

const BATCH = 100;

/**
 * Returns a conversation being served to the head of its team's queue (issue 12, item 4):
 * invited colleagues leave, the agent who had it hears why (`conversation.returned`) and their
 * lists drop it (`conversation.left`), the team's Waiting shows it first, and in automatic
 * mode the next routing pass offers it to someone else. Audited. Null when it was not served.
 */
export async function returnToQueue(s: Services, tx: Tx, c: Conversation, reason: ReturnReason): Promise<Conversation | null> {
  const removed = await removeParticipants(tx, c);
  const returned = await setReturned(tx, c.orgId, c.id);
  if (!returned) return null;
  const { conversation, formerAgent } = returned;
  const ref = { conversationId: c.id, teamId: c.teamId, assigneeId: formerAgent, targetUserId: null, contactId: c.contactId };
  await audit(tx, {
    orgId: c.orgId,
    action: 'conversation_returned',
    subjectUserId: formerAgent,
    details: { conversationId: c.id, protocol: c.protocol, reason },
  });
  await s.bus.publish(tx, c.orgId, 'conversation.left', { ...ref, ...(removed.length > 0 ? { formerParticipantIds: removed } : {}) });
  await s.bus.publish(tx, c.orgId, 'conversation.returned', { ...ref, userId: formerAgent, reason });
  await publishConversation(s, tx, conversation, 'queue.changed');
  return conversation;
}

/**
 * A pending conversation comes back (the customer wrote, or its snooze ran out): to the agent
 * who had it when they are available, else to the head of the team's queue.
 */
export async function bringBack(s: Services, tx: Tx, c: Conversation, now = new Date()): Promise<Conversation> {
  const cleared = await clearPending(tx, c);
  if (!cleared) return c;
  const agent = cleared.assigneeId ? await agentAvailability(tx, cleared.orgId, cleared.assigneeId) : null;
  if (agent && isAvailable(agent, now)) {
    await publishConversation(s, tx, cleared);
    return cleared;
  }
  return (await returnToQueue(s, tx, cleared, 'pending_ended')) ?? cleared;
}

/** Returns what the teams' no-answer and absence rules say at `now`; several processes may sweep at once. */
export async function sweepReturns(s: Services, now = new Date()): Promise<number> {
  let returned = 0;
  for (;;) {
    const n = await runTx(s.sql, async (tx) => {
      const due = await lockDueReturns(tx, now, BATCH);
      for (const d of due) {
        const c = await getConversation(tx, d.orgId, d.id);
        if (c) await returnToQueue(s, tx, c, d.reason);
      }
      return due.length;
    });
    returned += n;
    if (n < BATCH) return returned;
  }
}

/** Brings back snoozed conversations whose time has come. */
export async function sweepSnoozes(s: Services, now = new Date()): Promise<number> {
  let woken = 0;
  for (;;) {
    const n = await runTx(s.sql, async (tx) => {
      const due = await lockDueSnoozes(tx, now, BATCH);
      for (const d of due) {
        const c = await getConversation(tx, d.orgId, d.id);
        if (c) await bringBack(s, tx, c, now);
      }
      return due.length;
    });
    woken += n;
    if (n < BATCH) return woken;
  }
}
