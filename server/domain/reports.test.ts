import { describe, expect, it } from 'vitest';
import { MAX_REPORT_DAYS, periodDays, periodOf } from './reports.ts';

describe('report period', () => {
  it('takes dates as whole local days of the zone, the last one included', () => {
    expect(periodOf('2026-11-10', '2026-11-11', 'America/Sao_Paulo')).toEqual({
      start: new Date('2026-11-10T03:00:00Z'),
      end: new Date('2026-11-12T03:00:00Z'),
    });
  });

  it('takes date-times as instants', () => {
    expect(periodOf('2026-11-10T23:00:00-03:00', '2026-11-11T03:00:00Z', 'UTC')).toEqual({
      start: new Date('2026-11-11T02:00:00Z'),
      end: new Date('2026-11-11T03:00:00Z'),
    });
  });

  it('keeps a daylight-saving day whole (Lisbon, 29 March 2026 is 23 hours long)', () => {
    const p = periodOf('2026-03-29', '2026-03-29', 'Europe/Lisbon')!;
    expect(p.end.getTime() - p.start.getTime()).toBe(23 * 3600_000);
    expect(periodDays(p.start, p.end, 'Europe/Lisbon')).toEqual(['2026-03-29']);
  });

  it('refuses what does not parse, ends before it starts, or is too long', () => {
    expect(periodOf('nope', '2026-11-11', 'UTC')).toBeNull();
    expect(periodOf('2026-11-11', '2026-11-10', 'UTC')).toBeNull();
    expect(periodOf('2026-01-01', '2027-02-04', 'UTC')).not.toBeNull();
    expect(periodOf('2026-01-01', '2027-02-06', 'UTC')).toBeNull();
    expect(MAX_REPORT_DAYS).toBe(400);
  });

  it('lists the local days a period touches', () => {
    expect(periodDays(new Date('2026-11-10T03:00:00Z'), new Date('2026-11-12T03:00:00Z'), 'America/Sao_Paulo')).toEqual([
      '2026-11-10',
      '2026-11-11',
    ]);
    // 23:00 to 01:00 local touches two days.
    expect(periodDays(new Date('2026-11-11T02:00:00Z'), new Date('2026-11-11T04:00:00Z'), 'America/Sao_Paulo')).toEqual([
      '2026-11-10',
      '2026-11-11',
    ]);
  });
});
