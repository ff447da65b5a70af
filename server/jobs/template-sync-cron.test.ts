import { parseCrontab } from 'graphile-worker';
import { describe, expect, it } from 'vitest';
import { templateSyncLine } from './worker.ts';

/**
 * The daily template sync is a graphile-worker cron line: graphile-worker records each fired
 * time under the line's identifier in the database, so with several processes it runs once
 * per cluster. What this checks is the line itself.
 */
describe('the daily template sync line', () => {
  it('runs once a day at the configured UTC time, never retried, never caught up, under one identifier', () => {
    const [item, ...rest] = parseCrontab(templateSyncLine('04:17').trim());
    expect(rest).toEqual([]);
    expect(item!.task).toBe('sync_whatsapp_templates');
    expect(item!.identifier).toBe('sync_whatsapp_templates');
    const when = (item!.match as unknown as { parsedCronMatch: Record<string, number[]> }).parsedCronMatch;
    expect([when.minutes, when.hours, when.dates!.length, when.months!.length, when.dows!.length]).toEqual([[17], [4], 31, 12, 7]);
    // One attempt (tomorrow runs again) and no backfill: a process started after 04:17 does not run a missed day.
    expect(item!.options).toMatchObject({ maxAttempts: 1, backfillPeriod: 0 });
    const midnight = (parseCrontab(templateSyncLine('00:05').trim())[0]!.match as unknown as { parsedCronMatch: Record<string, number[]> })
      .parsedCronMatch;
    expect([midnight.minutes, midnight.hours]).toEqual([[5], [0]]);
  });

  it('adds nothing when turned off', () => {
    expect(templateSyncLine('off')).toBe('');
  });
});
