import type { Sql } from '../../db/sql.ts';
import type { StoredEvent } from './bus.ts';

export interface Receiver {
  orgId: string;
  userId: string;
  role: 'admin' | 'agent';
  sessionId: string;
  /** The receiver's teams, reloaded when memberships change (no reconnect needed). */
  teamIds: Set<string>;
}

/** Decides whether one receiver may see one event; may read the database. */
export type EventRule = (event: StoredEvent, receiver: Receiver, sql: Sql) => boolean | Promise<boolean>;

const orgWide: EventRule = () => true;
const selfOnly: EventRule = (e, r) => e.data.userId === r.userId;

/**
 * Event types and who may receive them. A type with no rule is never delivered (deny by
 * default); each later part registers its own (conversations: team members and participants).
 */
const rules = new Map<string, EventRule>([
  ['user.status', orgWide],
  ['user.updated', orgWide],
  ['user.created', orgWide],
  ['user.deactivated', orgWide],
  ['team.updated', orgWide],
  ['org.updated', orgWide],
  ['session.ended', selfOnly],
  ['user.sessions_revoked', selfOnly],
]);

/**
 * Conversation events carry the ids the rule needs (team, assignee, target); participants
 * are looked up only when nothing else allows it.
 */
const conversationRule: EventRule = async (e, r, sql) => {
  const d = e.data;
  if (r.role === 'admin' || d.assigneeId === r.userId || d.targetUserId === r.userId) return true;
  // Colleagues the change itself removed (a close, a transfer, a removal) hear of it once.
  if (Array.isArray(d.formerParticipantIds) && d.formerParticipantIds.includes(r.userId)) return true;
  if (typeof d.teamId === 'string' && r.teamIds.has(d.teamId)) return true;
  if (typeof d.conversationId !== 'string') return false;
  const rows = await sql`SELECT 1 FROM conversation_participants
    WHERE org_id = ${e.orgId} AND conversation_id = ${d.conversationId} AND user_id = ${r.userId}`;
  return rows.length > 0;
};
// `conversation.left` names who could see it before a transfer (old team, assignee, target).
for (const type of ['conversation.updated', 'queue.changed', 'message.created', 'message.status', 'conversation.participants', 'conversation.left']) {
  rules.set(type, conversationRule);
}

export function registerEventRule(type: string, rule: EventRule): void {
  rules.set(type, rule);
}

export async function mayReceive(event: StoredEvent, receiver: Receiver, sql: Sql): Promise<boolean> {
  if (event.orgId !== receiver.orgId) return false;
  const rule = rules.get(event.type);
  return rule ? await rule(event, receiver, sql) : false;
}

/** Events after which this receiver's stream must end (its session is gone). */
export function endsStream(event: StoredEvent, receiver: Receiver): boolean {
  if (event.orgId !== receiver.orgId) return false;
  if (event.type === 'session.ended') return event.data.sessionId === receiver.sessionId;
  if (event.type === 'user.sessions_revoked' || event.type === 'user.deactivated') return event.data.userId === receiver.userId;
  return false;
}
