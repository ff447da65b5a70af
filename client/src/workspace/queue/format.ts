import { language, t } from '../../i18n.ts';

/** How long since `since`, short: "45 s", "12 min", "2 h 05", "3 d 4 h". */
export function elapsed(since: string | Date, now: number): string {
  const ms = Math.max(0, now - new Date(since).getTime());
  const s = Math.floor(ms / 1000);
  if (s < 60) return t('queue.seconds', { n: s });
  const m = Math.floor(s / 60);
  if (m < 60) return t('queue.minutes', { n: m });
  const h = Math.floor(m / 60);
  if (h < 24) return t('queue.hours', { h, m: String(m % 60).padStart(2, '0') });
  return t('queue.days', { d: Math.floor(h / 24), h: h % 24 });
}

function format(at: string | Date, zone: string | undefined, options: Intl.DateTimeFormatOptions): string {
  try {
    return new Intl.DateTimeFormat(language(), { ...options, timeZone: zone }).format(new Date(at));
  } catch {
    return new Intl.DateTimeFormat(language(), options).format(new Date(at));
  }
}

/** "14:05" today, "12/03 14:05" another day (in the person's time zone). */
export function shortTime(at: string | Date, zone: string | undefined, now = Date.now()): string {
  const day = (d: Date | number) => format(d instanceof Date ? d : new Date(d), zone, { dateStyle: 'short' });
  const sameDay = day(new Date(at)) === day(now);
  return format(at, zone, sameDay ? { timeStyle: 'short' } : { dateStyle: 'short', timeStyle: 'short' });
}

export function fullTime(at: string | Date, zone: string | undefined): string {
  return format(at, zone, { dateStyle: 'medium', timeStyle: 'short' });
}
