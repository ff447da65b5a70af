import { describe, expect, it } from 'vitest';
import { presetPeriod } from './period.ts';

describe('report period presets', () => {
  // 02:30 UTC on 1 March is still 28 February in São Paulo (UTC−3).
  const now = new Date('2027-03-01T02:30:00Z');
  const zone = 'America/Sao_Paulo';

  it('counts days in the organization time zone', () => {
    expect(presetPeriod('today', now, zone)).toEqual({ from: '2027-02-28', to: '2027-02-28' });
    expect(presetPeriod('today', now, 'UTC')).toEqual({ from: '2027-03-01', to: '2027-03-01' });
  });

  it('gives the last 7 days with today, this month so far and the whole last month', () => {
    expect(presetPeriod('last7', now, zone)).toEqual({ from: '2027-02-22', to: '2027-02-28' });
    expect(presetPeriod('thisMonth', now, zone)).toEqual({ from: '2027-02-01', to: '2027-02-28' });
    expect(presetPeriod('lastMonth', now, zone)).toEqual({ from: '2027-01-01', to: '2027-01-31' });
    expect(presetPeriod('lastMonth', new Date('2027-01-15T12:00:00Z'), zone)).toEqual({ from: '2026-12-01', to: '2026-12-31' });
  });
});
