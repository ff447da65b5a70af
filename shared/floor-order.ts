/**
 * The order of Waiting and In service (issue 12): one definition for the server, which sorts the
 * lists it answers (server/routers/conversations.ts), and the client, which keeps its cached
 * lists in the same order when it patches rows in (client/src/lib/live-cache.ts). Times are ISO
 * instants of one form, so they compare as strings. Imports nothing.
 */

type Due = { sla?: { dueAt: string } | null };

/** Running service-level targets first, the soonest due first; 0 when both have none or the same due time. */
export function compareDue(a: Due, b: Due): number {
  const da = a.sla?.dueAt ?? null;
  const db = b.sla?.dueAt ?? null;
  if (da === db) return 0;
  if (da === null) return 1;
  if (db === null) return -1;
  return da < db ? -1 : 1;
}

const compareIds = (a: { id: string }, b: { id: string }): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** What a Waiting row needs for its order. */
export interface WaitingOrderRow extends Due {
  id: string;
  waitingSince: string;
  /** Returned to its queue (no answer, no device): before the others. */
  headOfQueue?: boolean;
}

/** Waiting: returned ones first, then by service-level due time, then oldest first, then the id. */
export function compareWaiting(a: WaitingOrderRow, b: WaitingOrderRow): number {
  if (Boolean(a.headOfQueue) !== Boolean(b.headOfQueue)) return a.headOfQueue ? -1 : 1;
  const due = compareDue(a, b);
  if (due !== 0) return due;
  if (a.waitingSince !== b.waitingSince) return a.waitingSince < b.waitingSince ? -1 : 1;
  return compareIds(a, b);
}

/** What an In-service row needs for its order. */
export interface ServedOrderRow extends Due {
  id: string;
  lastActivityAt: string;
  awaitingReplySince?: string | null;
}

/**
 * In service: by service-level due time; then who has waited longest for an answer; answered
 * ones after, most recent activity first (the SQL order of listMine); then the id.
 */
export function compareServed(a: ServedOrderRow, b: ServedOrderRow): number {
  const due = compareDue(a, b);
  if (due !== 0) return due;
  const wa = a.awaitingReplySince ?? null;
  const wb = b.awaitingReplySince ?? null;
  if (wa !== wb) {
    if (wa === null) return 1;
    if (wb === null) return -1;
    return wa < wb ? -1 : 1;
  }
  if (a.lastActivityAt !== b.lastActivityAt) return a.lastActivityAt > b.lastActivityAt ? -1 : 1;
  return compareIds(a, b);
}
