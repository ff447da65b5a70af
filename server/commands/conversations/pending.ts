import { audit } from '../../../db/queries/audit.ts';
import type { Conversation } from '../../../db/queries/conversations.ts';
import { setPendingState } from '../../../db/queries/returns.ts';
import { runTx } from '../../../db/sql.ts';
import { mayManage, mayView } from '../../domain/conversation-access.ts';
import { bringBack } from '../../floor/returns.ts';
import type { Services } from '../../services/index.ts';
import { loadVisible, publishConversation, type Actor } from './common.ts';

/** How far ahead a conversation may be snoozed. */
export const MAX_SNOOZE_DAYS = 30;

/**
 * Waiting on the customer (issue 12, item 7): the serving agent (or an admin) sets a conversation
 * being served aside, until the customer writes (`until` absent) or until a time (snoozed). It
 * leaves the agent's active list and, unless its team says otherwise, their capacity; the
 * inactivity rule still closes it. It comes back by itself (server/floor/returns.ts bringBack).
 */
export function setPending(s: Services, actor: Actor, input: { conversationId: string; until?: Date | null }): Promise<Conversation> {
  return runTx(s.sql, async (tx) => {
    const { conversation, facts } = await loadVisible(tx, actor, input.conversationId, mayView, true);
    if (conversation.status !== 'active') throw actor.fail('PRECONDITION_FAILED', 'conv.pendingNotServed');
    if (!mayManage(facts, actor)) throw actor.fail('FORBIDDEN', 'conv.notServing');
    const until = input.until ?? null;
    if (until && (until.getTime() <= Date.now() || until.getTime() > Date.now() + MAX_SNOOZE_DAYS * 86_400_000)) {
      throw actor.fail('BAD_REQUEST', 'conv.snoozeRange', { days: MAX_SNOOZE_DAYS });
    }
    const pending = (await setPendingState(tx, conversation, until))!;
    await audit(tx, {
      orgId: actor.orgId,
      action: 'conversation_pending',
      actorUserId: actor.id,
      ip: actor.ip,
      details: { conversationId: conversation.id, until: until?.toISOString() ?? null },
    });
    await publishConversation(s, tx, pending);
    return pending;
  });
}

/** The agent takes a pending conversation back into service before the customer writes. */
export function resumePending(s: Services, actor: Actor, conversationId: string): Promise<Conversation> {
  return runTx(s.sql, async (tx) => {
    const { conversation, facts } = await loadVisible(tx, actor, conversationId, mayView, true);
    if (!mayManage(facts, actor)) throw actor.fail('FORBIDDEN', 'conv.notServing');
    if (!conversation.pendingSince) return conversation;
    return bringBack(s, tx, conversation);
  });
}
