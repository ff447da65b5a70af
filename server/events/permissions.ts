import type { Sql } from '../../db/sql.ts';
import type { StoredEvent } from './bus.ts';

export interface Receiver {
  orgId: string;
  userId: string;
  role: 'admin' | 'agent';
  sessionId: string;
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
