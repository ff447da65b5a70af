import type { AwarenessUser } from '../shared/awareness-user.ts';

/**
 * An awareness state (JSON, as y-protocols encodes it) with its `user` made the
 * connection's own: the id, name and colour come from the server, whatever the client
 * claimed, so nobody can make a colleague appear viewing, typing or editing. Every other
 * field, of the state and of `user`, is kept. A state without `user` claims nobody and is
 * left as sent (clients ignore such peers); `null` (the client left) too. Throws on a state
 * that is not JSON or not an object (a malformed frame).
 */
export function stampAwarenessUser(state: string, user: AwarenessUser): string {
  if (state === 'null') return state;
  const parsed: unknown = JSON.parse(state);
  if (parsed === null) return state;
  if (typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('awareness state is not an object');
  const fields = parsed as Record<string, unknown>;
  if (!('user' in fields)) return state;
  const sent = fields.user;
  fields.user = { ...(sent && typeof sent === 'object' && !Array.isArray(sent) ? sent : {}), ...user };
  return JSON.stringify(fields);
}
