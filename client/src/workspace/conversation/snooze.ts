/**
 * Times for "Snooze…" (issue 12, item 7), in the agent's time zone (their own, else the
 * organization's: the zone every time on screen is shown in), whatever the browser's zone is.
 * Pure; the server checks the range again (conversations.setPending).
 */

import { wallClock, zonedInstant } from '../../../../shared/time-zone.ts';

/** The server's limit (server/commands/conversations/pending.ts MAX_SNOOZE_DAYS). */
export const MAX_SNOOZE_DAYS = 30;
const HOUR = 3_600_000;
const DAY = 86_400_000;

const pad = (n: number) => String(n).padStart(2, '0');

/** "2026-03-05T14:30" in the zone: the value (and `min`) of a datetime-local input. */
export function localInputValue(at: Date, zone: string | undefined): string {
  const w = wallClock(at, zone);
  return `${w.year}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}`;
}

/** A datetime-local input's value read in the zone; null when it is not a date and time. */
export function fromLocalInput(value: string, zone: string | undefined): Date | null {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(value);
  return m ? zonedInstant(m[1]!, m[2]!, zone) : null;
}

/** The presets: in one hour, in three hours, and tomorrow at 09:00 in the zone. */
export function snoozePresets(now: Date, zone: string | undefined): { oneHour: Date; threeHours: Date; tomorrow: Date } {
  const w = wallClock(now, zone);
  const next = new Date(Date.UTC(w.year, w.month - 1, w.day) + DAY);
  const tomorrow = `${next.getUTCFullYear()}-${pad(next.getUTCMonth() + 1)}-${pad(next.getUTCDate())}`;
  return {
    oneHour: new Date(now.getTime() + HOUR),
    threeHours: new Date(now.getTime() + 3 * HOUR),
    tomorrow: zonedInstant(tomorrow, '09:00', zone),
  };
}

/** Why a chosen time cannot be used (null when it can): not in the future, or too far ahead. */
export function snoozeProblem(until: Date, now: Date): 'past' | 'tooFar' | null {
  if (until.getTime() <= now.getTime()) return 'past';
  if (until.getTime() > now.getTime() + MAX_SNOOZE_DAYS * DAY) return 'tooFar';
  return null;
}
