import { describe, expect, it } from 'vitest';
import { zonedInstant } from '../../../../shared/time-zone.ts';
import { fromLocalInput, localInputValue, MAX_SNOOZE_DAYS, snoozePresets, snoozeProblem } from './snooze.ts';

describe('snooze times in the agent’s zone', () => {
  it('tomorrow at 09:00 is 09:00 on the next local day, not the browser’s', () => {
    // 23:30 on 5 March in São Paulo (UTC−3) is already the 6th in UTC.
    const now = new Date('2026-03-06T02:30:00.000Z');
    const p = snoozePresets(now, 'America/Sao_Paulo');
    expect(p.tomorrow.toISOString()).toBe('2026-03-06T12:00:00.000Z');
    expect(p.oneHour.toISOString()).toBe('2026-03-06T03:30:00.000Z');
    expect(p.threeHours.toISOString()).toBe('2026-03-06T05:30:00.000Z');
    // The same instant in Lisbon (UTC+0 in March) is the 6th: tomorrow is the 7th.
    expect(snoozePresets(now, 'Europe/Lisbon').tomorrow.toISOString()).toBe('2026-03-07T09:00:00.000Z');
  });

  it('follows daylight saving time', () => {
    // New York moves to UTC−4 on 8 March 2026.
    expect(zonedInstant('2026-03-07', '09:00', 'America/New_York').toISOString()).toBe('2026-03-07T14:00:00.000Z');
    expect(zonedInstant('2026-03-09', '09:00', 'America/New_York').toISOString()).toBe('2026-03-09T13:00:00.000Z');
  });

  it('reads and writes a datetime-local value in the zone', () => {
    const at = new Date('2026-03-05T17:30:00.000Z');
    expect(localInputValue(at, 'America/Sao_Paulo')).toBe('2026-03-05T14:30');
    expect(fromLocalInput('2026-03-05T14:30', 'America/Sao_Paulo')?.toISOString()).toBe(at.toISOString());
    expect(fromLocalInput('', 'America/Sao_Paulo')).toBeNull();
  });

  it('a time must be ahead, and at most the server’s limit ahead', () => {
    const now = new Date('2026-03-05T12:00:00.000Z');
    expect(snoozeProblem(now, now)).toBe('past');
    expect(snoozeProblem(new Date(now.getTime() + 60_000), now)).toBeNull();
    expect(snoozeProblem(new Date(now.getTime() + MAX_SNOOZE_DAYS * 86_400_000), now)).toBeNull();
    expect(snoozeProblem(new Date(now.getTime() + MAX_SNOOZE_DAYS * 86_400_000 + 1), now)).toBe('tooFar');
  });
});
