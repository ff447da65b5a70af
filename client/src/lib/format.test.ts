import { describe, expect, it } from 'vitest';
import {
  dayKeyIn,
  formatCountdown,
  formatDateIn,
  formatDateTimeIn,
  formatDurationIn,
  formatElapsedIn,
  formatMinutesIn,
  formatTimeIn,
  formatWhenIn,
  timeZoneOf,
} from './format.ts';

// 2026-03-05 15:07 UTC: 12:07 in São Paulo, 09:07 in Mexico City, 10:07 in New York.
const at = '2026-03-05T15:07:00Z';
const norm = (s: string) => s.replace(/[\u202f\u00a0]/g, ' ');

describe('formatting per language and time zone', () => {
  it('formats times in the given zone and language', () => {
    expect(formatTimeIn(at, { language: 'pt-BR', timeZone: 'America/Sao_Paulo' })).toBe('12:07');
    expect(formatTimeIn(at, { language: 'es', timeZone: 'America/Mexico_City' })).toBe('9:07');
    expect(norm(formatTimeIn(at, { language: 'en', timeZone: 'America/New_York' }))).toBe('10:07 AM');
  });

  it('formats dates day-first in pt-BR and es, month-first in en', () => {
    expect(formatDateIn(at, { language: 'pt-BR', timeZone: 'America/Sao_Paulo' })).toBe('05/03/2026');
    expect(formatDateIn(at, { language: 'es', timeZone: 'America/Mexico_City' })).toBe('5/3/26');
    expect(formatDateIn(at, { language: 'en', timeZone: 'America/New_York' })).toBe('3/5/26');
    // Near midnight the zone decides the day.
    expect(formatDateIn('2026-03-06T02:30:00Z', { language: 'es', timeZone: 'America/Mexico_City' })).toBe('5/3/26');
    expect(formatDateIn('2026-03-06T02:30:00Z', { language: 'es', timeZone: 'Europe/Madrid' })).toBe('6/3/26');
  });

  it('shows only the time on the same day, date and time on another', () => {
    const where = { language: 'es', timeZone: 'America/Mexico_City' };
    expect(formatWhenIn(at, where, '2026-03-05T23:00:00Z')).toBe('9:07');
    expect(formatWhenIn(at, where, '2026-03-06T08:00:00Z')).toBe(formatDateTimeIn(at, where));
    expect(dayKeyIn(at, where)).toBe('2026-03-05');
  });

  it('formats durations in at most two units', () => {
    expect(formatDurationIn(45, { language: 'es' })).toBe('45 s');
    expect(formatDurationIn(180, { language: 'es' })).toBe('3 min');
    expect(formatDurationIn(2 * 3600 + 5 * 60 + 9, { language: 'es' })).toBe('2 h 5 min');
    expect(formatDurationIn(2 * 3600 + 5 * 60, { language: 'pt-BR' })).toBe('2 h 5 min');
    expect(formatDurationIn(2 * 3600 + 5 * 60, { language: 'en' })).toBe('2 hr 5 min');
    expect(formatDurationIn(3 * 86400 + 4 * 3600, { language: 'es' })).toBe('3 d 4 h');
    expect(formatDurationIn(-10, { language: 'en' })).toBe('0 sec');
    expect(formatElapsedIn('2026-03-05T15:00:00Z', at, { language: 'pt-BR' })).toBe('7 min');
  });

  it('shows a countdown to the second, on a clock face', () => {
    expect(formatCountdown(75_000)).toBe('1:15');
    expect(formatCountdown(3_725_000)).toBe('1:02:05');
    expect(formatCountdown(59_999)).toBe('0:59');
    expect(formatCountdown(-5_000)).toBe('0:00');
  });

  it('shows settings in minutes as hours and minutes, not "1440 min"', () => {
    expect(formatMinutesIn(45, { language: 'pt-BR' })).toBe('45 min');
    expect(formatMinutesIn(90, { language: 'pt-BR' })).toBe('1 h 30 min');
    expect(formatMinutesIn(1440, { language: 'pt-BR' })).toBe('24 h');
    expect(formatMinutesIn(1440, { language: 'en' })).toBe('24 hr');
    expect(formatMinutesIn(1500, { language: 'es' })).toBe('25 h');
    expect(formatMinutesIn(60 * 24 * 30, { language: 'es' })).toBe('30 d');
  });

  it('uses the person’s zone, else the organization’s', () => {
    expect(timeZoneOf({ user: { timeZone: 'America/Bogota' }, organization: { timeZone: 'America/Sao_Paulo' } } as never)).toBe(
      'America/Bogota',
    );
    expect(timeZoneOf({ user: { timeZone: null }, organization: { timeZone: 'America/Sao_Paulo' } } as never)).toBe('America/Sao_Paulo');
    expect(timeZoneOf(undefined)).toBeUndefined();
  });
});
