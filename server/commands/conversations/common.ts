import { getChannel, type Channel } from '../../../db/queries/channels.ts';
import { getConversation, participantIds, type Conversation } from '../../../db/queries/conversations.ts';
import { insertMessage, type Message, type NewMessage } from '../../../db/queries/messages.ts';
import { teamsOfUser } from '../../../db/queries/teams.ts';
import type { User } from '../../../db/queries/users.ts';
import type { Db } from '../../../db/sql.ts';
import type { ConversationFacts, Viewer } from '../../domain/conversation-access.ts';
import type { Fail } from '../../errors.ts';
import type { Language } from '../../../i18n/index.ts';
import type { Services } from '../../services/index.ts';

/** Who is acting, with what they need for the rules: teams, history permission, language. */
export interface Actor extends Viewer {
  orgId: string;
  name: string;
  codename: string | null;
  fail: Fail;
  lang: Language;
  timeZone: string | null;
  ip: string;
  /**
   * An integration calling the REST API with an organization token (server/api/actor.ts): what
   * it writes is recorded as the integration's, never as a person's (`id` is then the token's).
   */
  integration?: { tokenId: string; tokenName: string };
}

/** `teamIds`: the user's teams when already known (a request's session carries them), else read. */
export async function actorFor(db: Db, user: User, fail: Fail, lang: Language, ip = '', teamIds?: readonly string[]): Promise<Actor> {
  return {
    id: user.id,
    orgId: user.orgId,
    role: user.role,
    name: user.name,
    codename: user.codename,
    teamIds: teamIds ?? (await teamsOfUser(db, user.orgId, user.id)).map((t) => t.id),
    historyAccess: user.historyAccess,
    fail,
    lang,
    timeZone: user.timeZone,
    ip,
  };
}

export async function factsOf(db: Db, c: Conversation): Promise<ConversationFacts> {
  return {
    status: c.status,
    teamId: c.teamId,
    assigneeId: c.assigneeId,
    targetUserId: c.targetUserId,
    participantIds: c.status === 'closed' ? [] : await participantIds(db, c.orgId, c.id),
  };
}

/** Loads a conversation the actor may see; NOT_FOUND otherwise (never reveals existence). */
export async function loadVisible(
  db: Db,
  actor: Actor,
  conversationId: string,
  mayView: (c: ConversationFacts, v: Viewer) => boolean,
  forUpdate = false,
): Promise<{ conversation: Conversation; facts: ConversationFacts }> {
  const conversation = await getConversation(db, actor.orgId, conversationId, forUpdate);
  if (!conversation) throw actor.fail('NOT_FOUND', 'error.notFound');
  const facts = await factsOf(db, conversation);
  if (!mayView(facts, actor)) throw actor.fail('NOT_FOUND', 'error.notFound');
  return { conversation, facts };
}

export async function channelOf(db: Db, c: Conversation): Promise<Channel> {
  return (await getChannel(db, c.orgId, c.channelId))!;
}

/**
 * The events every conversation change publishes; ids only, plus what the permission rule and
 * the clients' caches need. `formerParticipantIds`: colleagues this change removed (a close, a
 * transfer), who must still hear of it once so their lists drop it.
 */
export async function publishConversation(
  s: Services,
  db: Db,
  c: Conversation,
  type: 'conversation.updated' | 'queue.changed' = 'conversation.updated',
  formerParticipantIds: string[] = [],
): Promise<void> {
  await s.bus.publish(db, c.orgId, type, {
    conversationId: c.id,
    status: c.status,
    teamId: c.teamId,
    assigneeId: c.assigneeId,
    targetUserId: c.targetUserId,
    contactId: c.contactId,
    ...(formerParticipantIds.length > 0 ? { formerParticipantIds } : {}),
  });
}

/** Removes a conversation's invited colleagues (all, or one); returns who was removed. */
export { removeParticipants } from '../../../db/queries/conversations.ts';

export async function publishMessage(
  s: Services,
  db: Db,
  c: Conversation,
  m: Message,
  type: 'message.created' | 'message.status' = 'message.created',
): Promise<void> {
  await s.bus.publish(db, c.orgId, type, {
    conversationId: c.id,
    messageId: m.id,
    status: m.status,
    direction: m.direction,
    // The conversation's state, so a client can tell whether its Waiting list is concerned.
    conversationStatus: c.status,
    teamId: c.teamId,
    assigneeId: c.assigneeId,
    targetUserId: c.targetUserId,
    contactId: c.contactId,
  });
}

/** An automatic message (bot menu, "no one available", rating request) queued for the channel. */
export async function queueBotMessage(
  s: Services,
  db: Db,
  c: Conversation,
  text: string,
  kind = 'text',
  payload?: Record<string, unknown>,
): Promise<Message | null> {
  if (!text.trim()) return null;
  const m: NewMessage = {
    orgId: c.orgId,
    conversationId: c.id,
    channelId: c.channelId,
    direction: 'out',
    kind,
    text,
    wireText: text,
    isBot: true,
    status: 'queued',
    ...(payload ? { payload } : {}),
  };
  const message = await insertMessage(db, m);
  if (message) await publishMessage(s, db, c, message);
  return message;
}
