import { describe, expect, it } from 'vitest';
import { SLA_SOON_MS, slaState, slaTimeLeft, splitPending } from './sla.ts';

const due = '2026-01-01T10:10:00.000Z';
const at = (iso: string) => new Date(iso).getTime();

describe('service-level badges', () => {
  it('runs, turns "due soon" under two minutes left, and is overdue at the due time or once breached', () => {
    expect(slaState({ dueAt: due, breached: false }, at('2026-01-01T10:00:00.000Z'))).toBe('running');
    expect(slaState({ dueAt: due, breached: false }, at(due) - SLA_SOON_MS)).toBe('running');
    expect(slaState({ dueAt: due, breached: false }, at(due) - SLA_SOON_MS + 1)).toBe('soon');
    expect(slaState({ dueAt: due, breached: false }, at(due) - 1)).toBe('soon');
    expect(slaState({ dueAt: due, breached: false }, at(due))).toBe('overdue');
    // The server's breach wins over a clock that is behind.
    expect(slaState({ dueAt: due, breached: true }, at('2026-01-01T10:00:00.000Z'))).toBe('overdue');
  });

  it('counts the time left down to zero, never below', () => {
    expect(slaTimeLeft({ dueAt: due }, at(due) - 90_000)).toBe(90_000);
    expect(slaTimeLeft({ dueAt: due }, at(due) + 5_000)).toBe(0);
  });
});

describe('pending conversations', () => {
  it('are set apart from the active ones, each side in the list order', () => {
    const rows = [
      { id: 'a', pending: null },
      { id: 'b', pending: { since: '2026-01-01T10:00:00.000Z', until: null } },
      { id: 'c' },
      { id: 'd', pending: { since: '2026-01-01T10:00:00.000Z', until: '2026-01-01T14:30:00.000Z' } },
    ];
    const { active, pending } = splitPending(rows);
    expect(active.map((r) => r.id)).toEqual(['a', 'c']);
    expect(pending.map((r) => r.id)).toEqual(['b', 'd']);
  });
});
