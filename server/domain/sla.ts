import { addBusinessMinutes, type BusinessHours } from './business-hours.ts';

/**
 * Service levels (issue 12, item 6). A team may set a first-response target (minutes from the
 * moment the conversation reached the queue until an agent's first message) and a
 * next-response target (minutes from the customer's oldest unanswered message until an agent
 * answers). The clock is paused while the conversation waits on the customer (pending: no
 * target runs), and, when the team says so, outside its business hours.
 */
export interface SlaTeam {
  firstResponseMinutes: number | null;
  nextResponseMinutes: number | null;
  /** The clock runs only inside business hours. */
  businessHoursOnly: boolean;
  hours: BusinessHours;
  timeZone: string;
}

export interface SlaConversation {
  status: 'bot' | 'waiting' | 'active' | 'closed';
  queuedAt: Date | null;
  firstResponseAt: Date | null;
  awaitingReplySince: Date | null;
  pendingSince: Date | null;
  /** Set by the sweep when the running target was missed; cleared by an agent's answer. */
  slaBreachedAt: Date | null;
}

export type Sla = { kind: 'first' | 'next'; dueAt: Date; breached: boolean };

/** The target running now and its due time; null when none runs. */
export function slaOf(c: SlaConversation, team: SlaTeam | null, now: Date): Sla | null {
  if (!team || (c.status !== 'waiting' && c.status !== 'active') || c.pendingSince) return null;
  let kind: Sla['kind'];
  let start: Date | null;
  let minutes: number | null;
  if (!c.firstResponseAt) {
    kind = 'first';
    start = c.queuedAt;
    minutes = team.firstResponseMinutes;
  } else {
    kind = 'next';
    start = c.awaitingReplySince;
    minutes = team.nextResponseMinutes;
  }
  if (!start || minutes === null) return null;
  const dueAt = team.businessHoursOnly
    ? addBusinessMinutes(start, minutes, team.hours, team.timeZone)
    : new Date(start.getTime() + minutes * 60_000);
  if (!dueAt) return null;
  return { kind, dueAt, breached: c.slaBreachedAt !== null || dueAt.getTime() <= now.getTime() };
}
