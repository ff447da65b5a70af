import { language } from '../../i18n.ts';
import { formatFullDateTimeIn, formatWhenIn } from '../../lib/format.ts';

/** "14:05" today, "12/03 14:05" another day (in the person's time zone): lib/format.ts's rule. */
export function shortTime(at: string | Date, zone: string | undefined, now = Date.now()): string {
  return formatWhenIn(at, { language: language(), timeZone: zone }, now);
}

export function fullTime(at: string | Date, zone: string | undefined): string {
  return formatFullDateTimeIn(at, { language: language(), timeZone: zone });
}
