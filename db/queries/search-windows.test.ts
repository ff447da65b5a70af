import { describe, expect, it } from 'vitest';
import { WINDOW_DAYS, windowStarts } from './search-windows.ts';

const now = new Date('2026-12-07T12:00:00Z');
const daysBefore = (d: Date, days: number) => new Date(d.getTime() - days * 86_400_000);

describe('windowStarts', () => {
  it('widens back from now and ends with the whole history', () => {
    expect(windowStarts(now)).toEqual(WINDOW_DAYS.map((days) => (days === null ? null : daysBefore(now, days))));
  });

  it('reaches back from `to` when the period has an end', () => {
    const to = new Date('2026-06-01T00:00:00Z');
    expect(windowStarts(now, undefined, to)[0]).toEqual(daysBefore(to, 2));
  });

  it('stops at the first window reaching past `from`, which then bounds it alone', () => {
    const from = daysBefore(now, 30);
    expect(windowStarts(now, from)).toEqual([daysBefore(now, 2), null]);
    expect(windowStarts(now, daysBefore(now, 1))).toEqual([null]);
  });
});
