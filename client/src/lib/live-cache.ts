/**
 * What one live event means for the cached Waiting and In-service lists (pure functions; the
 * wiring to the query cache is `applyLiveEvent` in live-events.ts). Events carry ids and states
 * (shared/events.ts): conversation events `status` (the conversation's), message events
 * `status` (the message's) plus `conversationStatus` and `direction`, and all of them
 * `teamId`, `assigneeId`, `targetUserId`, `contactId`. When an event cannot be applied
 * precisely (a conversation event of a type this build does not know) the answer is `refetch`.
 */
import { compareServed, compareWaiting } from '../../../shared/floor-order.ts';
import type { ConversationEventType, FlatEvent, StreamSignal } from '../../../shared/events.ts';

/** The server's cap on `queue.list` (db/queries/conversation-views.ts). */
export const QUEUE_LIMIT = 5_000;

/** A live event as the cache reads it (its time aside); narrow it by `type`. */
export type LiveEventLike = FlatEvent | StreamSignal;

/** What a cached Waiting row needs for ordering and the per-team filter. */
export interface QueueRowLike {
  id: string;
  waitingSince: string;
  /** Returned to its queue (no answer, no device): before the others. */
  headOfQueue?: boolean;
  /** The service-level target running on it (its due time orders the rows that have one). */
  sla?: { dueAt: string } | null;
  team: { id: string } | null;
}

/** Event types about conversations (the ones that may touch Waiting, In service, a conversation, a contact). */
const CONVERSATION_EVENTS: ReadonlySet<string> = new Set<ConversationEventType>([
  'queue.changed',
  'conversation.updated',
  'conversation.participants',
  'conversation.left',
  'conversation.returned',
  'conversation.slaBreached',
  'message.created',
  'message.status',
]);

/** A type about conversations, including ones of a newer server this build does not know. */
export const isConversationEvent = (type: string): boolean =>
  CONVERSATION_EVENTS.has(type) || type.startsWith('conversation.') || type.startsWith('message.');

/** A conversation event of the catalogue: it names its conversation, team, assignee, target and contact. */
const knownConversationEvent = (event: LiveEventLike): event is FlatEvent<ConversationEventType> => CONVERSATION_EVENTS.has(event.type);

/** The conversation a conversation event of the catalogue names; null for any other event. */
export const conversationIdOf = (event: LiveEventLike): string | null => (knownConversationEvent(event) ? event.conversationId : null);

/**
 * For the Waiting lists: `none` (not concerned), `remove` (it is not waiting: make sure it is
 * not in the lists — locally, no request; usually it is in none and nothing changes),
 * `fetch` (it entered or changed in Waiting, or may have left my view: ask the server for that
 * row alone), `refetch` (cannot tell: invalidate the lists). `cached(id)`: is it in a cached list.
 */
export type QueueAction = 'none' | 'remove' | 'fetch' | 'refetch';

export function queueAction(event: LiveEventLike, cached: (id: string) => boolean): QueueAction {
  switch (event.type) {
    // Invitations change no queue row; delivery statuses change no queue row (its last message is the customer's).
    case 'conversation.participants':
    case 'message.status':
      return 'none';
    // A transfer took it away from the people it names (old team, agent, target): the server says whether I still see it.
    case 'conversation.left':
      return cached(event.conversationId) ? 'fetch' : 'none';
    // Its queue.changed (back in Waiting) says what the lists need.
    case 'conversation.returned':
      return 'none';
    // A row turns "breached".
    case 'conversation.slaBreached':
      return cached(event.conversationId) ? 'fetch' : 'none';
    case 'message.created':
      if (event.conversationStatus !== 'waiting') return 'remove';
      // A message never puts a conversation in Waiting (queue.changed does); it may change a row's last message.
      if (!cached(event.conversationId) || event.direction === 'out') return 'none';
      return 'fetch';
    case 'queue.changed':
    case 'conversation.updated':
      return event.status === 'waiting' ? 'fetch' : 'remove';
    default:
      return isConversationEvent(event.type) ? 'refetch' : 'none';
  }
}

/**
 * For the In-service list (the caller's own conversations): `fetch` asks the server for that row
 * alone (`conversations.mine` with `conversationIds`: it joins, changes — last message, unread,
 * waiting for a reply — or leaves), `none` when it is not concerned, `refetch` when it cannot tell.
 */
export type MineAction = 'none' | 'fetch' | 'refetch';

export function mineAction(event: LiveEventLike, me: string | null, cached: (id: string) => boolean): MineAction {
  if (!isConversationEvent(event.type)) return 'none';
  if (!me || !knownConversationEvent(event)) return 'refetch';
  // Delivery statuses change neither membership, order, nor counts.
  if (event.type === 'message.status') return 'none';
  if (cached(event.conversationId) || event.assigneeId === me) return 'fetch';
  if (event.type === 'conversation.participants' && event.userId === me) return 'fetch';
  return 'none';
}

/** What a cached In-service row needs for its order and its unread count. */
export interface MineRowLike {
  id: string;
  lastActivityAt: string;
  awaitingReplySince?: string | null;
  unread?: number;
  /** The newest message's seq (of any kind): a read mark that reaches it leaves nothing unread. */
  lastSeq?: number | null;
  /** The service-level target running on it: the soonest due first. */
  sla?: { dueAt: string } | null;
}

/** The server's In-service order (shared/floor-order.ts, which the server sorts by too). */
export const compareMine = (a: MineRowLike, b: MineRowLike): number => compareServed(a, b);

/**
 * Patches the cached In-service list with the server's answer for `requested` ids: a returned
 * row replaces or joins it, a requested id not returned is no longer mine and leaves; the list
 * stays in the server's order.
 */
export function patchMine<T extends MineRowLike>(list: readonly T[], requested: readonly string[], rows: readonly T[]): T[] {
  const asked = new Set(requested);
  const kept = list.filter((r) => !asked.has(r.id));
  const wanted = rows.filter((r) => asked.has(r.id));
  if (kept.length === list.length && wanted.length === 0) return list as T[];
  return [...kept, ...wanted].sort(compareMine);
}

/**
 * A read mark (mine from this tab, or `read.marked` from another): the row has nothing unread
 * when the mark reaches its last message. `fetch` when the mark is older than the row's last
 * message (some may still be unread: the server counts), `none` when nothing changes.
 */
export function applyReadMark<T extends MineRowLike>(
  list: readonly T[],
  conversationId: string,
  seq: number,
): { list: T[]; fetch: boolean } {
  const at = list.findIndex((r) => r.id === conversationId);
  const row = list[at];
  if (!row?.unread) return { list: list as T[], fetch: false };
  if (!row.lastSeq || row.lastSeq > seq) return { list: list as T[], fetch: true };
  return { list: [...list.slice(0, at), { ...row, unread: 0 }, ...list.slice(at + 1)], fetch: false };
}

/** A `read.marked` event's mark, or null when it is not one. */
export function readMarkOf(event: LiveEventLike): { conversationId: string; seq: number } | null {
  return event.type === 'read.marked' ? { conversationId: event.conversationId, seq: event.seq } : null;
}

/** Which `contacts.get` queries an event makes stale: one contact's, all (unknown contact), or none. */
export function contactAction(event: LiveEventLike): { contactId: string } | 'all' | 'none' {
  if (event.type === 'contact.updated' || knownConversationEvent(event)) return { contactId: event.contactId };
  // A conversation event this build does not know: any contact may be concerned.
  return isConversationEvent(event.type) ? 'all' : 'none';
}

/** The server's Waiting order (shared/floor-order.ts, which the server sorts by too). */
export const compareRows = (a: QueueRowLike, b: QueueRowLike): number => compareWaiting(a, b);

/**
 * The list without `id`; `null` when that cannot be exact: the list was at the server's cap, so
 * the server would now send one more row we do not have.
 */
export function removeRow<T extends QueueRowLike>(list: readonly T[], id: string): T[] | null {
  const at = list.findIndex((r) => r.id === id);
  if (at < 0) return list as T[];
  if (list.length >= QUEUE_LIMIT) return null;
  return [...list.slice(0, at), ...list.slice(at + 1)];
}

/**
 * Patches a cached list with the server's answer for `requested` ids: a returned row replaces or
 * joins the list in order (if it passes the list's team filter), a requested id not returned is
 * no longer visible and leaves. `null` when the result cannot be exact (a row left a full list).
 */
export function patchRows<T extends QueueRowLike>(
  list: readonly T[],
  requested: readonly string[],
  rows: readonly T[],
  teamFilter: string | null,
): T[] | null {
  const asked = new Set(requested);
  const kept = list.filter((r) => !asked.has(r.id));
  const wanted = rows.filter((r) => asked.has(r.id) && (teamFilter === null || r.team?.id === teamFilter));
  const removed = list.length - kept.length;
  if (list.length >= QUEUE_LIMIT && removed > wanted.length) return null;
  if (removed === 0 && wanted.length === 0) return list as T[];
  const next = kept;
  for (const row of wanted) {
    let lo = 0;
    let hi = next.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (compareRows(next[mid]!, row) < 0) lo = mid + 1;
      else hi = mid;
    }
    next.splice(lo, 0, row);
  }
  // Past the cap the server would not send the newest ones either.
  if (next.length > QUEUE_LIMIT) next.length = QUEUE_LIMIT;
  return next;
}
