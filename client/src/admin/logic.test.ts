import { describe, expect, it } from 'vitest';
import {
  DAY_PATTERN,
  formatDay,
  groupBy,
  looksLikeNetwork,
  normalizeDates,
  paramCount,
  parseDay,
  parseSchedule,
  parseWorkHours,
  previewTemplate,
  splitList,
} from './logic.ts';

describe('work hours text', () => {
  it('parses and formats a day', () => {
    expect(parseDay('08:00-12:00, 13:00 - 17:30')).toEqual([
      ['08:00', '12:00'],
      ['13:00', '17:30'],
    ]);
    expect(parseDay('  ')).toEqual([]);
    expect(
      formatDay([
        ['08:00', '12:00'],
        ['13:00', '17:30'],
      ]),
    ).toBe('08:00-12:00, 13:00-17:30');
    expect(formatDay(undefined)).toBe('');
  });

  it('refuses what the server would refuse as a shape', () => {
    expect(parseDay('8:00-12:00')).toBeNull();
    expect(parseDay('24:00-25:00')).toBeNull();
    expect(parseDay('08:00')).toBeNull();
    expect(parseDay('01:00-02:00,03:00-04:00,05:00-06:00,07:00-08:00,09:00-10:00')).toBeNull();
  });

  it('keeps only days with intervals and names the first bad day', () => {
    expect(parseWorkHours({ mon: '09:00-18:00', tue: '' })).toEqual({ ok: true, value: { mon: [['09:00', '18:00']] } });
    expect(parseWorkHours({ mon: '09:00-18:00', wed: 'nine to five' })).toEqual({ ok: false, day: 'wed' });
  });

  it('refuses for a team schedule an interval that ends before it starts, naming the day and why', () => {
    expect(parseSchedule({ mon: '09:00-12:00, 13:00-18:00' })).toEqual({
      ok: true,
      value: {
        mon: [
          ['09:00', '12:00'],
          ['13:00', '18:00'],
        ],
      },
    });
    expect(parseSchedule({ mon: '09:00-12:00', tue: '18:00-09:00' })).toEqual({ ok: false, day: 'tue', reason: 'order' });
    expect(parseSchedule({ mon: '10:00-10:00' })).toEqual({ ok: false, day: 'mon', reason: 'order' });
    expect(parseSchedule({ wed: 'all day' })).toEqual({ ok: false, day: 'wed', reason: 'shape' });
  });

  it('normalizes holiday dates: no blanks, no repeats, in order', () => {
    expect(normalizeDates(['2026-12-25', '', ' 2026-01-01 ', '2026-12-25'])).toEqual(['2026-01-01', '2026-12-25']);
  });

  it('has an HTML pattern accepting the same shapes', () => {
    const re = new RegExp(`^(?:${DAY_PATTERN})$`);
    expect(re.test('08:00-12:00, 13:00-17:30')).toBe(true);
    expect(re.test('')).toBe(true);
    expect(re.test('8-12')).toBe(false);
  });
});

describe('templates', () => {
  it('counts placeholders like the server: 1..n without gaps', () => {
    expect(paramCount('Hello {{1}}, order {{2}}; again {{1}}')).toBe(2);
    expect(paramCount('No parameters')).toBe(0);
    expect(paramCount('Gap {{1}} {{3}}')).toBeNull();
    expect(paramCount('Starts at two {{2}}')).toBeNull();
  });

  it('previews with sample values, leaving missing ones visible', () => {
    expect(previewTemplate('Hello {{1}}, order {{ 2 }}.', ['Maria', '123'])).toBe('Hello Maria, order 123.');
    expect(previewTemplate('Hello {{1}}, order {{2}}.', ['Maria'])).toBe('Hello Maria, order {{2}}.');
  });
});

describe('lists and networks', () => {
  it('splits lines and commas', () => {
    expect(splitList('10.0.0.0/8\n\n 192.168.1.1 , 2001:db8::/32')).toEqual(['10.0.0.0/8', '192.168.1.1', '2001:db8::/32']);
  });
  it('recognises networks', () => {
    expect(looksLikeNetwork('203.0.113.0/24')).toBe(true);
    expect(looksLikeNetwork('203.0.113.7')).toBe(true);
    expect(looksLikeNetwork('2001:db8::/32')).toBe(true);
    expect(looksLikeNetwork('300.0.0.1')).toBe(false);
    expect(looksLikeNetwork('10.0.0.0/33')).toBe(false);
    expect(looksLikeNetwork('office')).toBe(false);
  });
});

describe('groupBy', () => {
  it('groups in first-seen order', () => {
    expect(groupBy([1, 2, 3, 4], (n) => n % 2)).toEqual([
      [1, [1, 3]],
      [0, [2, 4]],
    ]);
  });
});
