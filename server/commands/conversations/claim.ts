import { audit } from '../../../db/queries/audit.ts';
import { claimWaiting, type ClaimAttempt } from '../../../db/queries/claims.ts';
import { getConversation, lockAgentLoad, type Conversation } from '../../../db/queries/conversations.ts';
import { declineOffer as endOfferDeclined } from '../../../db/queries/routing.ts';
import type { Tx } from '../../../db/sql.ts';
import { runTx } from '../../../db/sql.ts';
import { capacityRefusal } from '../../domain/capacity.ts';
import { mayClaim, mayManage, mayView, mayWrite, type ConversationFacts } from '../../domain/conversation-access.ts';
import type { Services } from '../../services/index.ts';
import { observeQueueExit, whenCommitted } from '../../services/metrics.ts';
import { factsOf, publishConversation, type Actor } from './common.ts';
import { tellCustomer } from './notices.ts';

type Won = Extract<ClaimAttempt, { won: true }>;

/**
 * Claim: one conditional UPDATE (db/queries/claims.ts claimWaiting, which also takes the
 * agent's capacity lock and writes the audit row in the same statement). However many agents
 * click at once, on however many processes, PostgreSQL lets exactly one row update through;
 * every other caller finds the conversation active and is told who took it.
 */
/** What the permission rules read of a conversation, with its participants already known. */
const factsWith = (c: Conversation, participantIds: string[]): ConversationFacts => ({
  status: c.status,
  teamId: c.teamId,
  assigneeId: c.assigneeId,
  targetUserId: c.targetUserId,
  participantIds,
});

async function claimWon(s: Services, tx: Tx, actor: Actor, conversationId: string): Promise<Won> {
  const attempt = await claimWaiting(tx, actor.orgId, conversationId, actor);
  if (attempt.won) {
    const won = attempt.conversation;
    // Capacity, for the winner only: past the limit, the refusal rolls the claim back. The
    // load is counted only when a limit applies (the lock is already held).
    if (actor.role !== 'admin' && (attempt.ownLimit !== null || attempt.teamLimit !== null)) {
      const refusal = capacityRefusal({ role: actor.role, ...(await lockAgentLoad(tx, actor.orgId, actor.id, won)) });
      if (refusal) {
        s.metrics.claims.inc({ outcome: 'refused' });
        const { key, ...params } = refusal;
        throw actor.fail('PRECONDITION_FAILED', key, params);
      }
    }
    await publishConversation(s, tx, won, 'queue.changed');
    whenCommitted(tx, () => s.metrics.claims.inc({ outcome: 'won' }));
    observeQueueExit(s.metrics, tx, won, 'claimed', won.claimedAt ?? new Date());
    // "Ana joined", on WhatsApp when the organization asks for it and the window is open.
    if (attempt.channel.kind === 'whatsapp' && attempt.notifyJoined) await tellCustomer(s, tx, won, 'joined');
    return attempt;
  }
  const found = attempt.current;
  if (!found) throw actor.fail('NOT_FOUND', 'error.notFound');
  const current = found.conversation;
  const facts = factsWith(current, found.participantIds);
  if (!mayView(facts, actor)) throw actor.fail('NOT_FOUND', 'error.notFound');
  if (current.status !== 'waiting' || current.offeredTo) s.metrics.claims.inc({ outcome: 'lost' });
  if (current.status === 'active' && current.assigneeId) {
    throw actor.fail('CONFLICT', 'conv.alreadyTaken', { name: found.assigneeName ?? '?' });
  }
  if (current.status === 'waiting' && !mayClaim(facts, actor)) throw actor.fail('FORBIDDEN', 'conv.notYourQueue');
  if (current.status === 'waiting' && current.offeredTo && current.offeredTo !== actor.id) {
    throw actor.fail('CONFLICT', 'conv.offeredToOther', { name: found.offeredToName ?? '?' });
  }
  throw actor.fail('CONFLICT', current.status === 'closed' ? 'conv.closed' : 'conv.notWaiting');
}

export async function claimInTx(s: Services, tx: Tx, actor: Actor, conversationId: string): Promise<Conversation> {
  return (await claimWon(s, tx, actor, conversationId)).conversation;
}

export function claimConversation(s: Services, actor: Actor, conversationId: string): Promise<Conversation> {
  return runTx(s.sql, (tx) => claimInTx(s, tx, actor, conversationId));
}

/**
 * What `conversations.claim` and `conversations.accept` answer: the conversation as its new
 * agent sees it — who has it now, what they may do, the names the header shows — built from
 * what the claim's statement returned (the router adds the messages, read after the commit).
 */
export function claimAnswer(actor: Actor, w: Won) {
  const c = w.conversation;
  // Just claimed: invited colleagues (if any) change nothing of what the new agent may do.
  const facts = factsWith(c, []);
  return {
    id: c.id,
    protocol: c.protocol,
    status: c.status,
    contact: { id: c.contactId, name: w.contactName, whatsapp: w.contactWhatsapp },
    channel: w.channel,
    team: c.teamId ? { id: c.teamId, name: w.teamName ?? '' } : null,
    assignee: { id: actor.id, name: actor.name, codename: actor.codename },
    targetUser: null,
    offeredTo: null,
    offerExpiresAt: null,
    waitingSince: null,
    claimedAt: c.claimedAt?.toISOString() ?? null,
    lastActivityAt: c.lastActivityAt.toISOString(),
    can: {
      write: mayWrite(facts, actor),
      claim: false,
      accept: false,
      manage: mayManage(facts, actor),
    },
  };
}

export type ClaimAnswer = ReturnType<typeof claimAnswer>;

/** `conversations.claim`: the claim, answered with claimAnswer. */
export async function claimForAnswer(s: Services, actor: Actor, conversationId: string): Promise<ClaimAnswer> {
  return claimAnswer(actor, await runTx(s.sql, (tx) => claimWon(s, tx, actor, conversationId)));
}

/**
 * Accepts the offer automatic routing made to this agent: a claim (same rules, events and
 * audit) of a conversation that must still be offered to them — not one whose offer ran out,
 * was declined or withdrawn meanwhile (the row is locked, so the check holds until commit).
 */
export async function acceptOffer(s: Services, actor: Actor, conversationId: string): Promise<ClaimAnswer> {
  const won = await runTx(s.sql, async (tx) => {
    const current = await getConversation(tx, actor.orgId, conversationId, true);
    if (current && current.status === 'waiting' && current.offeredTo !== actor.id && mayView(await factsOf(tx, current), actor)) {
      s.metrics.claims.inc({ outcome: 'lost' });
      throw actor.fail('CONFLICT', 'conv.offerGone');
    }
    const claimed = await claimWon(s, tx, actor, conversationId);
    whenCommitted(tx, () => s.metrics.offers.inc({ outcome: 'accepted' }));
    return claimed;
  });
  return claimAnswer(actor, won);
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
