import { isChatMember } from '../../db/queries/chat.ts';
import { isParticipant } from '../../db/queries/conversations.ts';
import { teamsOfUser } from '../../db/queries/teams.ts';
import type { Sql } from '../../db/sql.ts';
import type { ConversationEventType, EventType } from '../../shared/events.ts';
import { docAccess, notesDoc } from '../domain/doc-access.ts';
import type { StoredEvent } from './bus.ts';

export interface Receiver {
  orgId: string;
  userId: string;
  role: 'admin' | 'supervisor' | 'agent';
  sessionId: string;
  /** The receiver's teams, reloaded when memberships change (no reconnect needed). */
  teamIds: Set<string>;
}

/** Decides whether one receiver (of the event's organization) may see one event; may read the database. */
export type EventRule<T extends EventType> = (event: StoredEvent<T>, receiver: Receiver, sql: Sql) => boolean | Promise<boolean>;

const orgWide = (): boolean => true;
const selfOnly = (e: StoredEvent<'session.ended' | 'user.sessions_revoked' | 'read.marked'>, r: Receiver) => e.data.userId === r.userId;
const adminsOnly = (_e: unknown, r: Receiver) => r.role === 'admin';
const sharesTeam = async (sql: Sql, orgId: string, userId: string, r: Receiver) =>
  (await teamsOfUser(sql, orgId, userId)).some((t) => r.teamIds.has(t.id));

/**
 * Conversation events carry the ids the rule needs (team, assignee, target); participants
 * are looked up only when nothing else allows it.
 */
const conversationRule: EventRule<ConversationEventType> = async (e, r, sql) => {
  const d = e.data;
  if (r.role === 'admin' || d.assigneeId === r.userId || d.targetUserId === r.userId) return true;
  // Colleagues the change itself removed (a close, a transfer, a removal) hear of it once.
  if ('formerParticipantIds' in d && d.formerParticipantIds?.includes(r.userId)) return true;
  if (d.teamId !== null && r.teamIds.has(d.teamId)) return true;
  return isParticipant(sql, e.orgId, d.conversationId, r.userId);
};

/** A new room (or a change of its members) and a new message reach the room's members only. */
const roomMembersOnly: EventRule<'chat.members' | 'chat.message'> = (e, r, sql) => isChatMember(sql, e.orgId, e.data.roomId, r.userId);

/**
 * Who may receive each event type: one rule per type of shared/events.ts, so a new type
 * without a rule does not compile (deny by default, checked by the compiler). A type that
 * must never reach a browser says so with `() => false`.
 */
const rules: { [T in EventType]: EventRule<T> } = {
  'user.status': orgWide,
  // Colleagues and the monitoring board show who has a device ("no device"), like the status.
  'user.presence': orgWide,
  'user.created': orgWide,
  'user.updated': orgWide,
  'user.deactivated': orgWide,
  'team.updated': orgWide,
  'org.updated': orgWide,
  'session.ended': selfOnly,
  'user.sessions_revoked': selfOnly,
  // Overrunning a pause is flagged to administrators (SPEC §4), and to the supervisors of the agent's teams.
  'agent.pauseOverrun': (e, r, sql) => adminsOnly(e, r) || (r.role === 'supervisor' && sharesTeam(sql, e.orgId, e.data.userId, r)),
  // Configuration is read by every agent (channels, templates, canned responses, pause types).
  'config.updated': orgWide,
  // Contacts are shared by every agent of the organization.
  'contact.updated': orgWide,
  // Whoever may open the contact's notes (the /sync rule) hears that they changed: the event is
  // of the receiver's organization, about a contact whose notes were just stored.
  'notes.changed': (e) => docAccess(notesDoc(e.data.contactId), { deactivated: false }, { contactInOrg: true }) !== null,
  'conversation.updated': conversationRule,
  'queue.changed': conversationRule,
  // Names who could see it before a transfer (old team, assignee, target).
  'conversation.left': conversationRule,
  // Names the agent who had it as its assignee: they hear why it left them.
  'conversation.returned': conversationRule,
  'conversation.slaBreached': conversationRule,
  'conversation.participants': conversationRule,
  'message.created': conversationRule,
  'message.status': conversationRule,
  // A read mark is the reader's own business: only their tabs hear of it (to clear the same counts).
  // Not a `conversation.*` type: it changes no conversation, so no list of anyone else is concerned.
  'read.marked': selfOnly,
  'chat.members': roomMembersOnly,
  'chat.message': roomMembersOnly,
};

function ruleOf<T extends EventType>(type: T): EventRule<T> | undefined {
  // A stored event of a type since removed from the catalogue has no rule: never delivered.
  return Object.hasOwn(rules, type) ? rules[type] : undefined;
}

export async function mayReceive(event: StoredEvent, receiver: Receiver, sql: Sql): Promise<boolean> {
  if (event.orgId !== receiver.orgId) return false;
  const rule = ruleOf(event.type);
  return rule ? await rule(event, receiver, sql) : false;
}

/** Events after which this receiver's stream must end (its session is gone). */
export function endsStream(event: StoredEvent, receiver: Receiver): boolean {
  if (event.orgId !== receiver.orgId) return false;
  if (event.type === 'session.ended') return event.data.sessionId === receiver.sessionId;
  if (event.type === 'user.sessions_revoked' || event.type === 'user.deactivated') return event.data.userId === receiver.userId;
  return false;
}
