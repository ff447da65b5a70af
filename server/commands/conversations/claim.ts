import { audit } from '../../../db/queries/audit.ts';
import { claimIfWaiting, getConversation, lockAgentLoad, type Conversation } from '../../../db/queries/conversations.ts';
import { getUser } from '../../../db/queries/users.ts';
import type { Tx } from '../../../db/sql.ts';
import { runTx } from '../../../db/sql.ts';
import { capacityRefusal } from '../../domain/capacity.ts';
import { mayClaim, mayView } from '../../domain/conversation-access.ts';
import type { Services } from '../../services/index.ts';
import { factsOf, publishConversation, type Actor } from './common.ts';
import { tellCustomer } from './notices.ts';

/**
 * Claim: one conditional UPDATE (claimIfWaiting). However many agents click at once, on
 * however many processes, PostgreSQL lets exactly one row update through; every other caller
 * finds the conversation active and is told who took it.
 */
export async function claimInTx(s: Services, tx: Tx, actor: Actor, conversationId: string): Promise<Conversation> {
  const won = await claimIfWaiting(tx, actor.orgId, conversationId, actor);
  if (won) {
    // Capacity, for the winner only: past the limit, the refusal rolls the claim back.
    const refusal = capacityRefusal({ role: actor.role, ...(await lockAgentLoad(tx, actor.orgId, actor.id, won)) });
    if (refusal) {
      const { key, ...params } = refusal;
      throw actor.fail('PRECONDITION_FAILED', key, params);
    }
    await audit(tx, {
      orgId: actor.orgId,
      action: 'conversation_claimed',
      actorUserId: actor.id,
      ip: actor.ip,
      details: { conversationId },
    });
    await publishConversation(s, tx, won, 'queue.changed');
    // "Ana joined", on WhatsApp when the organization asks for it and the window is open.
    await tellCustomer(s, tx, won, 'joined');
    return won;
  }
  const current = await getConversation(tx, actor.orgId, conversationId);
  if (!current) throw actor.fail('NOT_FOUND', 'error.notFound');
  const facts = await factsOf(tx, current);
  if (!mayView(facts, actor)) throw actor.fail('NOT_FOUND', 'error.notFound');
  if (current.status === 'active' && current.assigneeId) {
    const taker = await getUser(tx, actor.orgId, current.assigneeId);
    throw actor.fail('CONFLICT', 'conv.alreadyTaken', { name: taker?.name ?? '?' });
  }
  if (current.status === 'waiting' && !mayClaim(facts, actor)) throw actor.fail('FORBIDDEN', 'conv.notYourQueue');
  throw actor.fail('CONFLICT', current.status === 'closed' ? 'conv.closed' : 'conv.notWaiting');
}

export function claimConversation(s: Services, actor: Actor, conversationId: string): Promise<Conversation> {
  return runTx(s.sql, (tx) => claimInTx(s, tx, actor, conversationId));
}
