import { localClock } from './work-hours.ts';

/** A pause may start only from its earliest time of day (organization time zone), if any. */
export function pauseAllowedAt(earliestTime: string | null, now: Date, timeZone: string): boolean {
  if (!earliestTime) return true;
  return localClock(now, timeZone).time >= earliestTime;
}

export function pauseEndsBy(startedAt: Date, maxMinutes: number): Date {
  return new Date(startedAt.getTime() + maxMinutes * 60_000);
}
