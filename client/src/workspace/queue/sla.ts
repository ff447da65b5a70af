/**
 * Service levels (issue 12, item 6) and waiting on the customer (item 7) as the agent's lists
 * and the conversation header show them. Pure helpers; the badges are in badges.tsx.
 */

/** A running target as lists and views carry it. */
export interface SlaLike {
  dueAt: string;
  breached: boolean;
  kind: 'first' | 'next';
}

/**
 * "Due soon" below two minutes left. An absolute margin rather than a share of the target: the
 * lists carry the due time, not the target's length (and with business hours the length on the
 * clock is not the minutes set), and two minutes is about what an agent needs to open the
 * conversation and answer, whatever the target.
 */
export const SLA_SOON_MS = 2 * 60_000;

export type SlaState = 'running' | 'soon' | 'overdue';

/** Overdue once the server says it was missed, or as soon as the clock passes the due time. */
export function slaState(sla: Pick<SlaLike, 'dueAt' | 'breached'>, now: number): SlaState {
  const left = new Date(sla.dueAt).getTime() - now;
  if (sla.breached || left <= 0) return 'overdue';
  return left < SLA_SOON_MS ? 'soon' : 'running';
}

/** Milliseconds left before the due time at `now`, never below zero. */
export const slaTimeLeft = (sla: Pick<SlaLike, 'dueAt'>, now: number): number => Math.max(0, new Date(sla.dueAt).getTime() - now);

/** Waiting on the customer: since when, and until when when snoozed. */
export interface PendingLike {
  since: string;
  until: string | null;
}

/**
 * In service split in two: the conversations being served (the active list, and the counts) and
 * those set aside waiting on the customer (the Pending section), each in the list's order.
 */
export function splitPending<T extends { pending?: PendingLike | null }>(items: readonly T[]): { active: T[]; pending: T[] } {
  const active: T[] = [];
  const pending: T[] = [];
  for (const item of items) (item.pending ? pending : active).push(item);
  return { active, pending };
}
