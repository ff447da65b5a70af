import { audit } from '../../../db/queries/audit.ts';
import { CONVERSATION_COLUMNS, toConversation, type CloseReason, type Conversation } from '../../../db/queries/conversations.ts';
import { getOrganization } from '../../../db/queries/organizations.ts';
import { getTeam, teamsOfUser } from '../../../db/queries/teams.ts';
import { getUser } from '../../../db/queries/users.ts';
import { runTx, type Tx } from '../../../db/sql.ts';
import { translate } from '../../../i18n/index.ts';
import { mayManage, mayView } from '../../domain/conversation-access.ts';
import { windowState } from '../../domain/whatsapp-window.ts';
import type { Services } from '../../services/index.ts';
import { channelOf, loadVisible, publishConversation, queueBotMessage, removeParticipants, type Actor } from './common.ts';
import { customerLanguage, queueInTeam } from './ingest.ts';
import { lastInboundAt } from './outbound.ts';

async function set(tx: Tx, c: Conversation, sets: string, values: unknown[] = []): Promise<Conversation> {
  const rows = await tx.unsafe(`UPDATE conversations SET ${sets} WHERE org_id = $1 AND id = $2 RETURNING ${CONVERSATION_COLUMNS}`, [
    c.orgId, c.id, ...values,
  ] as never[]);
  return toConversation(rows[0]!);
}

async function manageable(tx: Tx, actor: Actor, conversationId: string): Promise<Conversation> {
  const { conversation, facts } = await loadVisible(tx, actor, conversationId, mayView, true);
  if (conversation.status === 'closed') throw actor.fail('PRECONDITION_FAILED', 'conv.closed');
  if (!mayManage(facts, actor)) throw actor.fail('FORBIDDEN', 'conv.notServing');
  return conversation;
}

/** Transfer to a team (back to its queue) or to a person (their personal queue); audited. */
export function transferConversation(s: Services, actor: Actor, input: { conversationId: string; toTeamId?: string; toUserId?: string }): Promise<Conversation> {
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
    const teamId = team?.id ?? (c.teamId && personTeams.includes(c.teamId) ? c.teamId : personTeams[0] ?? c.teamId);
    const removed = await removeParticipants(tx, c);
    const from = { teamId: c.teamId, assigneeId: c.assigneeId };
    const before = c;
    if (person) {
      c = await set(tx, c, `status = 'waiting', team_id = $3, target_user_id = $4, assignee_id = NULL, queued_at = now(), last_activity_at = now()`, [teamId, person.id]);
      await publishConversation(s, tx, c, 'queue.changed');
    } else {
      c = await queueInTeam(s, tx, c, await channelOf(tx, c), team!.id);
    }
    // Those who saw it before (the team it left, its serving agent, the person it waited for,
    // invited colleagues) no longer receive the new state's events: tell them it left.
    if (before.teamId !== c.teamId || before.assigneeId || (before.targetUserId && before.targetUserId !== c.targetUserId) || removed.length > 0) {
      await s.bus.publish(tx, actor.orgId, 'conversation.left', {
        conversationId: c.id, teamId: before.teamId, assigneeId: before.assigneeId, targetUserId: before.targetUserId, contactId: c.contactId,
        ...(removed.length > 0 ? { formerParticipantIds: removed } : {}),
      });
    }
    await audit(tx, {
      orgId: actor.orgId, action: 'conversation_transferred', actorUserId: actor.id, subjectUserId: person?.id ?? null, ip: actor.ip,
      details: { conversationId: c.id, from, toTeamId: teamId, toUserId: person?.id ?? null },
    });
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
  let closed = await set(
    tx,
    c,
    `status = 'closed', closed_at = now(), closed_by = $3, close_reason = $4, disposition_id = $5,
     served_by = coalesce(assignee_id, served_by), assignee_id = NULL, target_user_id = NULL`,
    [close.by, close.reason, close.dispositionId ?? null],
  );
  // No group remains after close.
  const removed = await removeParticipants(tx, c);
  if (close.askRating && c.status === 'active') {
    const channel = await channelOf(tx, c);
    if (windowState(channel.kind, await lastInboundAt(tx, c), new Date()).open) {
      const org = (await getOrganization(tx, c.orgId))!;
      await queueBotMessage(s, tx, closed, translate(customerLanguage(org.customerLanguage), 'conv.ratingRequest'), 'text', { notice: 'rating_request' });
      closed = await set(tx, closed, 'rating_requested_at = now()');
    }
  }
  await publishConversation(s, tx, closed, 'conversation.updated', removed);
  return closed;
}

/** Finish: the serving agent (or an admin); a disposition when the team requires one. */
export function finishConversation(s: Services, actor: Actor, input: { conversationId: string; dispositionId?: string }): Promise<Conversation> {
  return runTx(s.sql, async (tx) => {
    const c = await manageable(tx, actor, input.conversationId);
    if (c.status !== 'active' && actor.role !== 'admin') throw actor.fail('FORBIDDEN', 'conv.notServing');
    const team = c.teamId ? await getTeam(tx, actor.orgId, c.teamId) : null;
    if (input.dispositionId) {
      const rows = await tx`SELECT 1 FROM dispositions WHERE org_id = ${actor.orgId} AND id = ${input.dispositionId} AND active`;
      if (rows.length === 0) throw actor.fail('NOT_FOUND', 'error.notFound');
    } else if (team?.dispositionRequired && c.status === 'active') {
      throw actor.fail('PRECONDITION_FAILED', 'conv.dispositionRequired');
    }
    const closed = await closeConversation(s, tx, c, {
      by: actor.id, reason: actor.role === 'admin' && c.assigneeId !== actor.id ? 'admin' : 'agent',
      dispositionId: input.dispositionId ?? null, askRating: true,
    });
    await audit(tx, { orgId: actor.orgId, action: 'conversation_finished', actorUserId: actor.id, ip: actor.ip, details: { conversationId: c.id, dispositionId: input.dispositionId ?? null } });
    return closed;
  });
}

/** Admin: close any open conversation (no rating request), e.g. from the monitoring board. */
export function forceClose(s: Services, actor: Actor, conversationId: string): Promise<Conversation> {
  return runTx(s.sql, async (tx) => {
    const c = await manageable(tx, actor, conversationId);
    const closed = await closeConversation(s, tx, c, { by: actor.id, reason: 'admin', askRating: false });
    await audit(tx, { orgId: actor.orgId, action: 'conversation_force_closed', actorUserId: actor.id, ip: actor.ip, details: { conversationId } });
    return closed;
  });
}

/** Admin: take a contact out of the bot menu (closing that bot conversation) so they can be served. */
export function releaseFromBot(s: Services, actor: Actor, conversationId: string): Promise<Conversation> {
  return runTx(s.sql, async (tx) => {
    const c = await manageable(tx, actor, conversationId);
    if (c.status !== 'bot') throw actor.fail('PRECONDITION_FAILED', 'conv.notInBot');
    const closed = await closeConversation(s, tx, c, { by: actor.id, reason: 'admin', askRating: false });
    await audit(tx, { orgId: actor.orgId, action: 'conversation_released', actorUserId: actor.id, ip: actor.ip, details: { conversationId } });
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
    await tx`INSERT INTO conversation_participants (org_id, conversation_id, user_id, invited_by)
      VALUES (${actor.orgId}, ${c.id}, ${colleague.id}, ${actor.id}) ON CONFLICT DO NOTHING`;
    await s.bus.publish(tx, actor.orgId, 'conversation.participants', {
      conversationId: c.id, userId: colleague.id, teamId: c.teamId, assigneeId: c.assigneeId, targetUserId: c.targetUserId, contactId: c.contactId,
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
    await s.bus.publish(tx, actor.orgId, 'conversation.participants', {
      conversationId: c.id, userId: who, teamId: c.teamId, assigneeId: c.assigneeId, targetUserId: c.targetUserId, contactId: c.contactId,
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
    const found = ids.length
      ? await tx`SELECT id FROM tags t WHERE org_id = ${actor.orgId} AND id = ANY(${ids}::uuid[])
          AND (active OR EXISTS (SELECT 1 FROM conversation_tags ct WHERE ct.org_id = t.org_id AND ct.conversation_id = ${c.id} AND ct.tag_id = t.id))`
      : [];
    if (found.length !== ids.length) throw actor.fail('NOT_FOUND', 'error.notFound');
    await tx`DELETE FROM conversation_tags WHERE org_id = ${actor.orgId} AND conversation_id = ${c.id}`;
    for (const tagId of ids) await tx`INSERT INTO conversation_tags (org_id, conversation_id, tag_id) VALUES (${actor.orgId}, ${c.id}, ${tagId})`;
    await publishConversation(s, tx, c);
    return c;
  });
}
