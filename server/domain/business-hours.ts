import { z } from 'zod';
import { zonedInstant } from '../../shared/time-zone.ts';
import { hasSchedule, localClock, WEEKDAYS, workHoursSchema, type WorkHours } from './work-hours.ts';

/**
 * A team's business hours (issue 12, item 5): a weekly schedule in the organization's time
 * zone (the work-hours format: per weekday, up to four "HH:MM"–"HH:MM" intervals) and holidays
 * (local dates on which it stays closed). No schedule = always open (holidays aside).
 */
export interface BusinessHours {
  schedule: WorkHours;
  holidays: readonly string[];
}

export const holidaySchema = z.iso.date();
export const businessHoursSchema = z.object({ schedule: workHoursSchema, holidays: z.array(holidaySchema).max(366) });

/** "YYYY-MM-DD" of an instant in a time zone. */
export function localDate(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

export function isOpen(hours: BusinessHours, at: Date, timeZone: string): boolean {
  if (hours.holidays.includes(localDate(at, timeZone))) return false;
  if (!hasSchedule(hours.schedule)) return true;
  const { day, time } = localClock(at, timeZone);
  return (hours.schedule[day] ?? []).some(([from, to]) => time >= from && time < to);
}

const DAY = 86_400_000;
/** How far ahead a business-time deadline is searched (a schedule with no open hour ever). */
const HORIZON_DAYS = 400;

/**
 * `minutes` of business time after `start`: the clock runs only while the team is open. With no
 * schedule and no holidays it is plain time. Null when the schedule never opens again.
 */
export function addBusinessMinutes(start: Date, minutes: number, hours: BusinessHours, timeZone: string): Date | null {
  if (!hasSchedule(hours.schedule) && hours.holidays.length === 0) return new Date(start.getTime() + minutes * 60_000);
  let left = minutes * 60_000;
  let cursor = start.getTime();
  // Local calendar dates one by one (not 24-hour steps: a DST day is 23 or 25 hours long).
  let date = localDate(start, timeZone);
  for (let i = 0; i < HORIZON_DAYS; i++, date = nextDate(date)) {
    if (hours.holidays.includes(date)) continue;
    const day = WEEKDAYS[new Date(`${date}T12:00:00Z`).getUTCDay()]!;
    const intervals: readonly (readonly [string, string])[] = hasSchedule(hours.schedule)
      ? (hours.schedule[day] ?? [])
      : [['00:00', '24:00']];
    for (const [from, to] of intervals) {
      const open = zonedInstant(date, from, timeZone).getTime();
      const close = (to === '24:00' ? zonedInstant(nextDate(date), '00:00', timeZone) : zonedInstant(date, to, timeZone)).getTime();
      const begin = Math.max(open, cursor);
      if (close <= begin) continue;
      if (begin + left <= close) return new Date(begin + left);
      left -= close - begin;
      cursor = close;
    }
  }
  return null;
}

/** The calendar date after a "YYYY-MM-DD". */
function nextDate(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + DAY).toISOString().slice(0, 10);
}
