import { createSignal } from 'solid-js';
import { language } from '../i18n.ts';
import type { Me } from '../session.ts';
import { keys } from './keys.ts';
import { queryClient } from '../offline/query-client.ts';

/**
 * Dates, times and durations for people: in the signed-in person's language and time zone
 * (their own, else the organization's; the browser's while nobody is signed in).
 *
 * The pure `*In` functions take language and zone explicitly (tests, server-side use);
 * the short ones read the current language and zone and are reactive in JSX.
 */

export type Moment = string | number | Date;
export interface Where {
  language: string;
  timeZone?: string | undefined;
}

/** The time zone every time is shown in: the person's own, else the organization's. */
export function timeZoneOf(me: Pick<Me, 'user' | 'organization'> | undefined | null): string | undefined {
  return me?.user.timeZone ?? me?.organization.timeZone ?? undefined;
}

// The zone follows the cached `auth.me` answer: signing in, a profile change or an
// organization change updates it everywhere without each screen asking for it.
const [zone, setZone] = createSignal<string | undefined>(timeZoneOf(queryClient.getQueryData<Me>(keys.me)));
queryClient.getQueryCache().subscribe((event) => {
  if (event.query.queryKey[0] !== keys.me[0]) return;
  const next = timeZoneOf(event.query.state.data as Me | undefined);
  if (next !== zone()) setZone(next);
});

/** The current display time zone (undefined: the browser's). Reactive. */
export const timeZone = zone;

const here = (): Where => ({ language: language(), timeZone: zone() });

const formatters = new Map<string, Intl.DateTimeFormat>();
function dateTimeFormat(where: Where, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${where.language}|${where.timeZone ?? ''}|${JSON.stringify(options)}`;
  let f = formatters.get(key);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat(where.language, { ...options, timeZone: where.timeZone });
    } catch {
      f = new Intl.DateTimeFormat(where.language, options); // an unknown zone: the browser's
    }
    formatters.set(key, f);
  }
  return f;
}

const toDate = (at: Moment): Date => (at instanceof Date ? at : new Date(at));
const valid = (d: Date) => !Number.isNaN(d.getTime());

function formatIn(at: Moment, where: Where, options: Intl.DateTimeFormatOptions): string {
  const d = toDate(at);
  return valid(d) ? dateTimeFormat(where, options).format(d) : '';
}

/** "05/03/2026" (pt-BR), "3/5/26" (en), "5/3/26" (es). */
export const formatDateIn = (at: Moment, where: Where) => formatIn(at, where, { dateStyle: 'short' });
/** "14:05" (pt-BR, es), "2:05 PM" (en). */
export const formatTimeIn = (at: Moment, where: Where) => formatIn(at, where, { timeStyle: 'short' });
/** Short date and time. */
export const formatDateTimeIn = (at: Moment, where: Where) => formatIn(at, where, { dateStyle: 'short', timeStyle: 'short' });
/** Longer date and time, for titles and tooltips: "5 de mar. de 2026, 12:07" (pt-BR). */
export const formatFullDateTimeIn = (at: Moment, where: Where) => formatIn(at, where, { dateStyle: 'medium', timeStyle: 'short' });
/** "jue, 5 mar" (es) — a day heading. */
const formatDayIn = (at: Moment, where: Where) => formatIn(at, where, { weekday: 'short', day: 'numeric', month: 'short' });

/** A calendar day in the zone, for "same day?" comparisons: "2026-11-26". */
export function dayKeyIn(at: Moment, where: Pick<Where, 'timeZone'>): string {
  return formatIn(at, { language: 'en-CA', timeZone: where.timeZone }, { year: 'numeric', month: '2-digit', day: '2-digit' });
}

/** Time only when `at` is on the same day as `now` (in the zone), else date and time. */
export function formatWhenIn(at: Moment, where: Where, now: Moment = Date.now()): string {
  return dayKeyIn(at, where) === dayKeyIn(now, where) ? formatTimeIn(at, where) : formatDateTimeIn(at, where);
}

const unitFormats = new Map<string, Intl.NumberFormat>();
function unit(lang: string, u: 'second' | 'minute' | 'hour' | 'day', n: number): string {
  const key = `${lang}|${u}`;
  let f = unitFormats.get(key);
  if (!f) {
    f = new Intl.NumberFormat(lang, { style: 'unit', unit: u, unitDisplay: 'short' });
    unitFormats.set(key, f);
  }
  return f.format(n);
}

function joinUnits(lang: string, parts: string[]): string {
  try {
    return new Intl.ListFormat(lang, { type: 'unit', style: 'narrow' }).format(parts);
  } catch {
    return parts.join(' ');
  }
}

/**
 * A duration, short and in two units at most: "45 s", "3 min", "2 h 5 min", "3 d 4 h"
 * (unit names and order follow the language). Negative durations count as zero.
 */
export function formatDurationIn(seconds: number, where: Pick<Where, 'language'>): string {
  const lang = where.language;
  const s = Math.max(0, Math.floor(seconds));
  if (s < 60) return unit(lang, 'second', s);
  const m = Math.floor(s / 60);
  if (m < 60) return unit(lang, 'minute', m);
  const h = Math.floor(m / 60);
  if (h < 24) return m % 60 ? joinUnits(lang, [unit(lang, 'hour', h), unit(lang, 'minute', m % 60)]) : unit(lang, 'hour', h);
  const d = Math.floor(h / 24);
  return h % 24 ? joinUnits(lang, [unit(lang, 'day', d), unit(lang, 'hour', h % 24)]) : unit(lang, 'day', d);
}

/**
 * A setting in minutes (a team's queue timeout, say), as hours and minutes: "45 min", "1 h 30 min",
 * "24 h"; from two whole days on, days and hours ("3 d", "30 d"). Never "1440 min".
 */
export function formatMinutesIn(minutes: number, where: Pick<Where, 'language'>): string {
  const lang = where.language;
  const total = Math.max(0, Math.round(minutes));
  if (total < 60) return unit(lang, 'minute', total);
  const h = Math.floor(total / 60);
  const m = total % 60;
  if (h < 48) return m ? joinUnits(lang, [unit(lang, 'hour', h), unit(lang, 'minute', m)]) : unit(lang, 'hour', h);
  return formatDurationIn(total * 60, where);
}

/**
 * A countdown on a ticking clock, to the second (a pause's time left or over): 75 s → "1:15",
 * 3725 s → "1:02:05". Durations read at a glance use `formatDurationIn`.
 */
export function formatCountdown(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const pad = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${pad(m)}:${pad(s)}` : `${m}:${pad(s)}`;
}

/** How long from `since` to `now`, as a duration. */
export const formatElapsedIn = (since: Moment, now: Moment, where: Pick<Where, 'language'>) =>
  formatDurationIn((toDate(now).getTime() - toDate(since).getTime()) / 1000, where);

// In the current language and zone (reactive).
export const formatTime = (at: Moment) => formatTimeIn(at, here());
export const formatDay = (at: Moment) => formatDayIn(at, here());
export const formatDuration = (seconds: number) => formatDurationIn(seconds, here());
export const formatMinutes = (minutes: number) => formatMinutesIn(minutes, here());
export const formatElapsed = (since: Moment, now: Moment = Date.now()) => formatElapsedIn(since, now, here());
