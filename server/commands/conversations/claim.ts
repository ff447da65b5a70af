import { audit } from '../../../db/queries/audit.ts';
import { claimIfWaiting, getConversation, lockAgentLoad, type Conversation } from '../../../db/queries/conversations.ts';
import { declineOffer as endOfferDeclined } from '../../../db/queries/routing.ts';
import { getUser } from '../../../db/queries/users.ts';
import type { Tx } from '../../../db/sql.ts';
import { runTx } from '../../../db/sql.ts';
import { capacityRefusal } from '../../domain/capacity.ts';
import { mayClaim, mayView } from '../../domain/conversation-access.ts';
import type { Services } from '../../services/index.ts';
import { observeQueueExit, whenCommitted } from '../../services/metrics.ts';
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
      s.metrics.claims.inc({ outcome: 'refused' });
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
    whenCommitted(tx, () => s.metrics.claims.inc({ outcome: 'won' }));
    observeQueueExit(s.metrics, tx, won, 'claimed', won.claimedAt ?? new Date());
    // "Ana joined", on WhatsApp when the organization asks for it and the window is open.
    await tellCustomer(s, tx, won, 'joined');
    return won;
  }
  const current = await getConversation(tx, actor.orgId, conversationId);
  if (!current) throw actor.fail('NOT_FOUND', 'error.notFound');
  const facts = await factsOf(tx, current);
  if (!mayView(facts, actor)) throw actor.fail('NOT_FOUND', 'error.notFound');
  if (current.status !== 'waiting' || current.offeredTo) s.metrics.claims.inc({ outcome: 'lost' });
  if (current.status === 'active' && current.assigneeId) {
    const taker = await getUser(tx, actor.orgId, current.assigneeId);
    throw actor.fail('CONFLICT', 'conv.alreadyTaken', { name: taker?.name ?? '?' });
  }
  if (current.status === 'waiting' && !mayClaim(facts, actor)) throw actor.fail('FORBIDDEN', 'conv.notYourQueue');
  if (current.status === 'waiting' && current.offeredTo && current.offeredTo !== actor.id) {
    const offeredTo = await getUser(tx, actor.orgId, current.offeredTo);
    throw actor.fail('CONFLICT', 'conv.offeredToOther', { name: offeredTo?.name ?? '?' });
  }
  throw actor.fail('CONFLICT', current.status === 'closed' ? 'conv.closed' : 'conv.notWaiting');
}

export function claimConversation(s: Services, actor: Actor, conversationId: string): Promise<Conversation> {
  return runTx(s.sql, (tx) => claimInTx(s, tx, actor, conversationId));
}

/**
 * Accepts the offer automatic routing made to this agent: a claim (same rules, events and
 * audit) of a conversation that must still be offered to them — not one whose offer ran out,
 * was declined or withdrawn meanwhile (the row is locked, so the check holds until commit).
 */
export function acceptOffer(s: Services, actor: Actor, conversationId: string): Promise<Conversation> {
  return runTx(s.sql, async (tx) => {
    const current = await getConversation(tx, actor.orgId, conversationId, true);
    if (current && current.status === 'waiting' && current.offeredTo !== actor.id && mayView(await factsOf(tx, current), actor)) {
      s.metrics.claims.inc({ outcome: 'lost' });
      throw actor.fail('CONFLICT', 'conv.offerGone');
    }
    const claimed = await claimInTx(s, tx, actor, conversationId);
    whenCommitted(tx, () => s.metrics.offers.inc({ outcome: 'accepted' }));
    return claimed;
  });
}

/** Declines the offer made to this agent: it goes back to the queue, to be offered to someone else. */
export function declineOffer(s: Services, actor: Actor, conversationId: string): Promise<Conversation> {
  return runTx(s.sql, async (tx) => {
    const declined = await endOfferDeclined(tx, actor.orgId, conversationId, actor.id);
    if (!declined) {
      const current = await getConversation(tx, actor.orgId, conversationId);
      if (!current || !mayView(await factsOf(tx, current), actor)) throw actor.fail('NOT_FOUND', 'error.notFound');
      throw actor.fail('CONFLICT', 'conv.offerGone');
    }
    await audit(tx, {
      orgId: actor.orgId,
      action: 'conversation_offer_declined',
      actorUserId: actor.id,
      ip: actor.ip,
      details: { conversationId },
    });
    await publishConversation(s, tx, declined, 'queue.changed');
    whenCommitted(tx, () => s.metrics.offers.inc({ outcome: 'declined' }));
    return declined;
  });
}
