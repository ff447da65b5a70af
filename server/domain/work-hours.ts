import { z } from 'zod';

export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

const time = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'Use HH:MM, for example 08:00.');
const interval = z.tuple([time, time]).refine(([from, to]) => from < to, 'The end of a work interval must come after its start.');

/** Work hours per weekday, in the user's (or the organization's) time zone. Empty = no schedule. */
export const workHoursSchema = z.partialRecord(z.enum(WEEKDAYS), z.array(interval).max(4));
export type WorkHours = z.infer<typeof workHoursSchema>;

export function hasSchedule(hours: WorkHours): boolean {
  return Object.values(hours).some((list) => (list?.length ?? 0) > 0);
}

/** Weekday and "HH:MM" of an instant in a time zone. */
export function localClock(at: Date, timeZone: string): { day: Weekday; time: string } {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(at);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  const day = get('weekday').toLowerCase().slice(0, 3) as Weekday;
  return { day, time: `${get('hour')}:${get('minute')}` };
}

/** True when there is no schedule, or the instant falls inside one of the day's intervals. */
export function isWithinWorkHours(hours: WorkHours, at: Date, timeZone: string): boolean {
  if (!hasSchedule(hours)) return true;
  const { day, time: now } = localClock(at, timeZone);
  return (hours[day] ?? []).some(([from, to]) => now >= from && now < to);
}

export function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
