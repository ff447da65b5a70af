import { language, t } from '../../i18n.ts';
import { formatFullDateTimeIn, formatWhenIn } from '../../lib/format.ts';

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

/** "14:05" today, "12/03 14:05" another day (in the person's time zone): lib/format.ts's rule. */
export function shortTime(at: string | Date, zone: string | undefined, now = Date.now()): string {
  return formatWhenIn(at, { language: language(), timeZone: zone }, now);
}

export function fullTime(at: string | Date, zone: string | undefined): string {
  return formatFullDateTimeIn(at, { language: language(), timeZone: zone });
}
