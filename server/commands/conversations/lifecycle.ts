import { audit } from '../../../db/queries/audit.ts';
import { dispositions } from '../../../db/queries/config.ts';
import {
  addParticipant,
  assignableTagIds,
  markRatingRequested,
  removeParticipants,
  replaceTags,
  setClosed,
  setWaiting,
  type CloseReason,
  type Conversation,
} from '../../../db/queries/conversations.ts';
import { getOrganization } from '../../../db/queries/organizations.ts';
import { getTeam, teamsOfUser } from '../../../db/queries/teams.ts';
import { recordTransfer } from '../../../db/queries/transfers.ts';
import { getUser } from '../../../db/queries/users.ts';
import { runTx, type Tx } from '../../../db/sql.ts';
import { translate } from '../../../i18n/index.ts';
import { mayManage, mayView } from '../../domain/conversation-access.ts';
import { windowState } from '../../domain/whatsapp-window.ts';
import type { Services } from '../../services/index.ts';
import { observeQueueExit, whenCommitted } from '../../services/metrics.ts';
import { channelOf, loadVisible, publishConversation, queueBotMessage, type Actor } from './common.ts';
import { customerLanguage, queueInTeam } from './ingest.ts';
import { lastInboundAt } from './outbound.ts';

async function manageable(tx: Tx, actor: Actor, conversationId: string): Promise<Conversation> {
  const { conversation, facts } = await loadVisible(tx, actor, conversationId, mayView, true);
  if (conversation.status === 'closed') throw actor.fail('PRECONDITION_FAILED', 'conv.closed');
  if (!mayManage(facts, actor)) throw actor.fail('FORBIDDEN', 'conv.notServing');
  return conversation;
}

/** Transfer to a team (back to its queue) or to a person (their personal queue); audited. */
export function transferConversation(
  s: Services,
  actor: Actor,
  input: { conversationId: string; toTeamId?: string; toUserId?: string },
): Promise<Conversation> {
  return runTx(s.sql, async (tx) => {
    if (!input.toTeamId && !input.toUserId) throw actor.fail('BAD_REQUEST', 'conv.transferTarget');
    let c = await manageable(tx, actor, input.conversationId);
    if (c.status === 'bot' && actor.role !== 'admin') throw actor.fail('FORBIDDEN', 'conv.notServing');
    const team = input.toTeamId ? await getTeam(tx, actor.orgId, input.toTeamId) : null;
    if (input.toTeamId && !team) throw actor.fail('NOT_FOUND', 'error.notFound');
    const person = input.toUserId ? await getUser(tx, actor.orgId, input.toUserId) : null;
    if (input.toUserId && (!person || person.deactivatedAt)) throw actor.fail('NOT_FOUND', 'error.notFound');
    // A person's queue keeps a team: the chosen one, else one the person belongs to, else the current.
    const personTeams = person ? (await teamsOfUser(tx, actor.orgId, person.id)).map((t) => t.id) : [];
    const teamId = team?.id ?? (c.teamId && personTeams.includes(c.teamId) ? c.teamId : (personTeams[0] ?? c.teamId));
    const removed = await removeParticipants(tx, c);
    const from = { teamId: c.teamId, assigneeId: c.assigneeId };
    const before = c;
    if (person) {
      c = await setWaiting(tx, c, teamId, person.id);
      await publishConversation(s, tx, c, 'queue.changed');
    } else {
      c = await queueInTeam(s, tx, c, await channelOf(tx, c), team!.id);
    }
    // Those who saw it before (the team it left, its serving agent, the person it waited for,
    // invited colleagues) no longer receive the new state's events: tell them it left.
    if (
      before.teamId !== c.teamId ||
      before.assigneeId ||
      (before.targetUserId && before.targetUserId !== c.targetUserId) ||
      removed.length > 0
    ) {
      await s.bus.publish(tx, actor.orgId, 'conversation.left', {
        conversationId: c.id,
        teamId: before.teamId,
        assigneeId: before.assigneeId,
        targetUserId: before.targetUserId,
        contactId: c.contactId,
        ...(removed.length > 0 ? { formerParticipantIds: removed } : {}),
      });
    }
    await recordTransfer(tx, {
      orgId: actor.orgId,
      conversationId: c.id,
      byUserId: actor.id,
      from,
      toTeamId: teamId,
      toUserId: person?.id ?? null,
    });
    await audit(tx, {
      orgId: actor.orgId,
      action: 'conversation_transferred',
      actorUserId: actor.id,
      subjectUserId: person?.id ?? null,
      ip: actor.ip,
      details: { conversationId: c.id, from, toTeamId: teamId, toUserId: person?.id ?? null },
    });
    if (before.status === 'waiting') observeQueueExit(s.metrics, tx, before, 'transferred');
    if (before.offeredTo && !c.offeredTo) whenCommitted(tx, () => s.metrics.offers.inc({ outcome: 'withdrawn' }));
    return c;
  });
}

/** Closes a conversation; when the channel can still reach the customer, asks for a rating. */
export async function closeConversation(
  s: Services,
  tx: Tx,
  c: Conversation,
  close: { by: string | null; reason: CloseReason; dispositionId?: string | null; askRating: boolean },
): Promise<Conversation> {
  let closed = await setClosed(tx, c, { by: close.by, reason: close.reason, dispositionId: close.dispositionId ?? null });
  // No group remains after close.
  const removed = await removeParticipants(tx, c);
  if (close.askRating && c.status === 'active') {
    const channel = await channelOf(tx, c);
    if (windowState(channel.kind, await lastInboundAt(tx, c), c.lastTemplateAt, new Date()).open) {
      const org = (await getOrganization(tx, c.orgId))!;
      await queueBotMessage(s, tx, closed, translate(customerLanguage(org.customerLanguage), 'conv.ratingRequest'), 'text', {
        notice: 'rating_request',
      });
      closed = await markRatingRequested(tx, closed);
    }
  }
  await publishConversation(s, tx, closed, 'conversation.updated', removed);
  if (c.status === 'waiting') observeQueueExit(s.metrics, tx, c, 'closed', closed.closedAt ?? new Date());
  if (c.offeredTo) whenCommitted(tx, () => s.metrics.offers.inc({ outcome: 'withdrawn' }));
  return closed;
}

/** Finish: the serving agent (or an admin); a disposition when the team requires one. */
export function finishConversation(
  s: Services,
  actor: Actor,
  input: { conversationId: string; dispositionId?: string },
): Promise<Conversation> {
  return runTx(s.sql, async (tx) => {
    const c = await manageable(tx, actor, input.conversationId);
    if (c.status !== 'active' && actor.role !== 'admin') throw actor.fail('FORBIDDEN', 'conv.notServing');
    const team = c.teamId ? await getTeam(tx, actor.orgId, c.teamId) : null;
    if (input.dispositionId) {
      if (!(await dispositions.get(tx, actor.orgId, input.dispositionId))?.active) throw actor.fail('NOT_FOUND', 'error.notFound');
    } else if (team?.dispositionRequired && c.status === 'active') {
      throw actor.fail('PRECONDITION_FAILED', 'conv.dispositionRequired');
    }
    const closed = await closeConversation(s, tx, c, {
      by: actor.id,
      reason: actor.role === 'admin' && c.assigneeId !== actor.id ? 'admin' : 'agent',
      dispositionId: input.dispositionId ?? null,
      askRating: true,
    });
    await audit(tx, {
      orgId: actor.orgId,
      action: 'conversation_finished',
      actorUserId: actor.id,
      ip: actor.ip,
      details: { conversationId: c.id, dispositionId: input.dispositionId ?? null },
    });
    return closed;
  });
}

/** Admin: close any open conversation (no rating request), e.g. from the monitoring board. */
export function forceClose(s: Services, actor: Actor, conversationId: string): Promise<Conversation> {
  return runTx(s.sql, async (tx) => {
    const c = await manageable(tx, actor, conversationId);
    const closed = await closeConversation(s, tx, c, { by: actor.id, reason: 'admin', askRating: false });
    await audit(tx, {
      orgId: actor.orgId,
      action: 'conversation_force_closed',
      actorUserId: actor.id,
      ip: actor.ip,
      details: { conversationId },
    });
    return closed;
  });
}

/** Admin: take a contact out of the bot menu (closing that bot conversation) so they can be served. */
export function releaseFromBot(s: Services, actor: Actor, conversationId: string): Promise<Conversation> {
  return runTx(s.sql, async (tx) => {
    const c = await manageable(tx, actor, conversationId);
    if (c.status !== 'bot') throw actor.fail('PRECONDITION_FAILED', 'conv.notInBot');
    const closed = await closeConversation(s, tx, c, { by: actor.id, reason: 'admin', askRating: false });
    await audit(tx, {
      orgId: actor.orgId,
      action: 'conversation_released',
      actorUserId: actor.id,
      ip: actor.ip,
      details: { conversationId },
    });
    return closed;
  });
}

/** Invite a colleague (internally available: online or paused) into an active conversation. */
export function inviteColleague(s: Services, actor: Actor, input: { conversationId: string; userId: string }): Promise<Conversation> {
  return runTx(s.sql, async (tx) => {
    const c = await manageable(tx, actor, input.conversationId);
    if (c.status !== 'active') throw actor.fail('PRECONDITION_FAILED', 'conv.notServing');
    const colleague = await getUser(tx, actor.orgId, input.userId);
    if (!colleague || colleague.deactivatedAt) throw actor.fail('NOT_FOUND', 'error.notFound');
    if (colleague.id === c.assigneeId || colleague.status === 'offline') throw actor.fail('PRECONDITION_FAILED', 'conv.cannotInvite');
    await addParticipant(tx, c, colleague.id, actor.id);
    // Kept for the transcript: participants are removed when the conversation closes.
    await audit(tx, {
      orgId: actor.orgId,
      action: 'conversation_invited',
      actorUserId: actor.id,
      subjectUserId: colleague.id,
      ip: actor.ip,
      details: { conversationId: c.id },
    });
    await s.bus.publish(tx, actor.orgId, 'conversation.participants', {
      conversationId: c.id,
      userId: colleague.id,
      teamId: c.teamId,
      assigneeId: c.assigneeId,
      targetUserId: c.targetUserId,
      contactId: c.contactId,
    });
    return c;
  });
}

/** Leave: an invited colleague leaves; the serving agent may also remove one (userId). */
export function leaveConversation(s: Services, actor: Actor, input: { conversationId: string; userId?: string }): Promise<Conversation> {
  return runTx(s.sql, async (tx) => {
    const { conversation: c, facts } = await loadVisible(tx, actor, input.conversationId, mayView, true);
    const who = input.userId ?? actor.id;
    if (who !== actor.id && !mayManage(facts, actor)) throw actor.fail('FORBIDDEN', 'conv.notServing');
    if (!facts.participantIds.includes(who)) throw actor.fail('NOT_FOUND', 'error.notFound');
    await removeParticipants(tx, c, who);
    await audit(tx, {
      orgId: actor.orgId,
      action: 'conversation_left',
      actorUserId: actor.id,
      subjectUserId: who,
      ip: actor.ip,
      details: { conversationId: c.id },
    });
    await s.bus.publish(tx, actor.orgId, 'conversation.participants', {
      conversationId: c.id,
      userId: who,
      teamId: c.teamId,
      assigneeId: c.assigneeId,
      targetUserId: c.targetUserId,
      contactId: c.contactId,
      formerParticipantIds: [who],
    });
    return c;
  });
}

/** Tags are internal; only on teams that allow them. */
export function setTags(s: Services, actor: Actor, input: { conversationId: string; tagIds: string[] }): Promise<Conversation> {
  return runTx(s.sql, async (tx) => {
    const c = await manageable(tx, actor, input.conversationId);
    const team = c.teamId ? await getTeam(tx, actor.orgId, c.teamId) : null;
    if (team && !team.tagsAllowed) throw actor.fail('PRECONDITION_FAILED', 'conv.tagsNotAllowed');
    const ids = [...new Set(input.tagIds)];
    // An inactive tag may stay on a conversation that has it, but is not given anew.
    const found = await assignableTagIds(tx, c, ids);
    if (found.length !== ids.length) throw actor.fail('NOT_FOUND', 'error.notFound');
    await replaceTags(tx, c, ids);
    await publishConversation(s, tx, c);
    return c;
  });
}
