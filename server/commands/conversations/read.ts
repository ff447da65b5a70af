import { markRead } from '../../../db/queries/read-marks.ts';
import { runTx } from '../../../db/sql.ts';
import { mayView } from '../../domain/conversation-access.ts';
import type { Services } from '../../services/index.ts';
import { loadVisible, type Actor } from './common.ts';

/**
 * The caller has seen the conversation up to message `seq` (whoever may open it may mark it:
 * the same rule as conversations.get). Marks only move forward and never past the newest
 * message; the caller's other tabs hear `read.marked` with the mark now stored.
 */
export async function markConversationRead(s: Services, actor: Actor, input: { conversationId: string; seq: number }) {
  return runTx(s.sql, async (tx) => {
    await loadVisible(tx, actor, input.conversationId, mayView);
    const mark = await markRead(tx, { orgId: actor.orgId, userId: actor.id, conversationId: input.conversationId, seq: input.seq });
    await s.bus.publish(tx, actor.orgId, 'read.marked', { conversationId: input.conversationId, userId: actor.id, seq: mark.seq });
    return { conversationId: input.conversationId, ...mark };
  });
}
