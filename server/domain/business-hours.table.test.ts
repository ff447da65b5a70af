import { describe, expect, it } from 'vitest';
import { zonedInstant } from '../../shared/time-zone.ts';
import { addBusinessMinutes, isOpen, type BusinessHours } from './business-hours.ts';
import { slaOf, type SlaConversation, type SlaTeam } from './sla.ts';

const SP = 'America/Sao_Paulo';
const weekdays9to18: BusinessHours = {
  schedule: {
    mon: [['09:00', '18:00']],
    tue: [['09:00', '18:00']],
    wed: [['09:00', '18:00']],
    thu: [['09:00', '18:00']],
    fri: [['09:00', '18:00']],
  },
  holidays: ['2026-12-25'],
};
const at = (local: string, zone = SP) => zonedInstant(local.slice(0, 10), local.slice(11, 16), zone);

describe('business hours: open or closed', () => {
  it.each([
    ['Monday 10:00', '2026-12-07 10:00', true],
    ['Monday 08:59', '2026-12-07 08:59', false],
    ['Monday 18:00 (the end is closed)', '2026-12-07 18:00', false],
    ['Saturday noon', '2026-12-05 12:00', false],
    ['a holiday on a weekday', '2026-12-25 10:00', false],
  ])('%s', (_name, local, open) => {
    expect(isOpen(weekdays9to18, at(local), SP)).toBe(open);
  });
  it('no schedule: always open, holidays aside', () => {
    expect(isOpen({ schedule: {}, holidays: [] }, at('2026-12-06 03:00'), SP)).toBe(true);
    expect(isOpen({ schedule: {}, holidays: ['2026-12-06'] }, at('2026-12-06 03:00'), SP)).toBe(false);
  });
});

describe('business minutes', () => {
  it.each([
    ['inside hours', '2026-12-07 10:00', 30, '2026-12-07 10:30'],
    ['runs over the close into the next morning', '2026-12-07 17:50', 30, '2026-12-08 09:20'],
    ['starts before opening', '2026-12-07 07:00', 15, '2026-12-07 09:15'],
    ['Friday evening → Monday', '2026-12-04 17:30', 60, '2026-12-07 09:30'],
    ['skips a holiday', '2026-12-24 17:30', 60, '2026-12-28 09:30'],
  ])('%s', (_name, start, minutes, due) => {
    expect(addBusinessMinutes(at(start), minutes, weekdays9to18, SP)?.toISOString()).toBe(at(due).toISOString());
  });
  it('no schedule: plain minutes; a schedule that never opens: no deadline', () => {
    const start = at('2026-12-06 03:00');
    expect(addBusinessMinutes(start, 90, { schedule: {}, holidays: [] }, SP)!.getTime() - start.getTime()).toBe(90 * 60_000);
    expect(addBusinessMinutes(start, 90, { schedule: { mon: [] }, holidays: ['2026-12-06'] }, SP)!.toISOString()).toBe(
      at('2026-12-07 01:30').toISOString(),
    );
  });
  it('across a daylight-saving change (New York, 8 March 2026) in local hours', () => {
    const NY = 'America/New_York';
    const nights: BusinessHours = { schedule: { sat: [['22:00', '23:59']], sun: [['01:00', '05:00']] }, holidays: [] };
    // Saturday 23:00 + 59 min (to 23:59) + 61 min from Sunday 01:00 → 02:01 local, which does not exist: 03:01 EDT.
    expect(addBusinessMinutes(at('2026-03-07 23:00', NY), 120, nights, NY)!.toISOString()).toBe('2026-03-08T07:01:00.000Z');
  });
});

const team = (over: Partial<SlaTeam> = {}): SlaTeam => ({
  firstResponseMinutes: 10,
  nextResponseMinutes: 5,
  businessHoursOnly: false,
  hours: weekdays9to18,
  timeZone: SP,
  ...over,
});
const conv = (over: Partial<SlaConversation> = {}): SlaConversation => ({
  status: 'waiting',
  queuedAt: at('2026-12-07 10:00'),
  firstResponseAt: null,
  awaitingReplySince: at('2026-12-07 10:00'),
  pendingSince: null,
  slaBreachedAt: null,
  ...over,
});

describe('service levels: the running target', () => {
  const now = at('2026-12-07 10:05');
  it.each([
    ['first response from the queue', conv(), team(), { kind: 'first', due: '2026-12-07 10:10', breached: false }],
    [
      'first response missed',
      conv({ queuedAt: at('2026-12-07 09:50') }),
      team(),
      { kind: 'first', due: '2026-12-07 10:00', breached: true },
    ],
    [
      'next response after an answer',
      conv({ status: 'active', firstResponseAt: at('2026-12-07 10:01'), awaitingReplySince: at('2026-12-07 10:02') }),
      team(),
      { kind: 'next', due: '2026-12-07 10:07', breached: false },
    ],
    [
      'the clock waits for opening when the team says so',
      conv({ queuedAt: at('2026-12-07 08:00') }),
      team({ businessHoursOnly: true }),
      { kind: 'first', due: '2026-12-07 09:10', breached: true },
    ],
  ] as const)('%s', (_name, c, t, expected) => {
    const sla = slaOf(c, t, now)!;
    expect({ kind: sla.kind, due: sla.dueAt.toISOString(), breached: sla.breached }).toEqual({
      ...expected,
      due: at(expected.due).toISOString(),
    });
  });
  it.each([
    ['no targets set', conv(), team({ firstResponseMinutes: null, nextResponseMinutes: null })],
    ['the agent spoke last', conv({ status: 'active', firstResponseAt: at('2026-12-07 10:01'), awaitingReplySince: null }), team()],
    ['waiting on the customer', conv({ status: 'active', pendingSince: at('2026-12-07 10:01') }), team()],
    ['closed', conv({ status: 'closed' }), team()],
    ['in the bot menu', conv({ status: 'bot' }), team()],
    ['no team', conv(), null],
  ] as const)('none runs: %s', (_name, c, t) => {
    expect(slaOf(c, t, now)).toBeNull();
  });
  it('a breach the sweep recorded stays until an agent answers', () => {
    expect(slaOf(conv({ slaBreachedAt: at('2026-12-07 10:04') }), team({ firstResponseMinutes: 60 }), now)!.breached).toBe(true);
  });
});
