import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Sql } from '../../db/sql.ts';
import type { Logger } from '../log.ts';
import { createMetrics, FLOOR_CACHE_MS } from './metrics.ts';

/**
 * The scrape-time floor read without a database: cached for a couple of seconds, and a scrape
 * that succeeds (with the last values) when the database fails or does not answer.
 */
type Mode = 'up' | 'down' | 'hung';

function fakeDatabase() {
  const state = { mode: 'up' as Mode, queries: 0, waiting: 3 };
  const sql = ((strings: TemplateStringsArray) => {
    state.queries++;
    const text = strings.join('?');
    if (state.mode === 'down') return Promise.reject(new Error('connection refused'));
    if (state.mode === 'hung') return new Promise(() => {});
    if (text.includes('to_regclass')) return Promise.resolve([{ ok: false }]);
    return Promise.resolve([
      { floor: [['org-1', 'team-1', state.waiting, 2, 42.5]], connections: { active: 1, idle: 4 }, max_connections: 100 },
    ]);
  }) as unknown as Sql;
  (sql as unknown as { options: { max: number } }).options = { max: 10 };
  return { sql, state };
}

const line = (text: string, series: string) => text.split('\n').find((l) => l.startsWith(`${series} `));

afterEach(() => {
  vi.useRealTimers();
});

describe('floor gauges', () => {
  it('are read once per cache interval, however many scrapes', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { sql, state } = fakeDatabase();
    const metrics = createMetrics({ sql });
    const text = await metrics.registry.metrics();
    expect(line(text, 'atende_floor_waiting{org="org-1",team="team-1"}')).toBe('atende_floor_waiting{org="org-1",team="team-1"} 3');
    expect(line(text, 'atende_floor_active{org="org-1",team="team-1"}')).toMatch(/ 2$/);
    expect(line(text, 'atende_floor_oldest_wait_seconds{org="org-1",team="team-1"}')).toMatch(/ 42\.5$/);
    expect(line(text, 'atende_db_connections{state="idle"}')).toMatch(/ 4$/);
    expect(line(text, 'atende_db_max_connections')).toMatch(/ 100$/);
    expect(line(text, 'atende_db_pool_max')).toMatch(/ 10$/);
    // No job queue installed: nothing is due, and no cron line has ever fired.
    expect(line(text, 'atende_jobs_oldest_due_seconds')).toMatch(/ 0$/);
    expect(text).not.toMatch(/^atende_jobs_cron_age_seconds\{/m);
    const queries = state.queries;
    for (let i = 0; i < 20; i++) await metrics.registry.metrics();
    expect(state.queries).toBe(queries);
    state.waiting = 5;
    vi.setSystemTime(Date.now() + FLOOR_CACHE_MS + 1);
    expect(line(await metrics.registry.metrics(), 'atende_floor_waiting{org="org-1",team="team-1"}')).toMatch(/ 5$/);
  });

  it('keep their last values when the database fails; the scrape succeeds, logs and counts it', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { sql, state } = fakeDatabase();
    const warn = vi.fn();
    const metrics = createMetrics({ sql, log: { warn } as unknown as Logger });
    await metrics.registry.metrics();
    state.mode = 'down';
    vi.setSystemTime(Date.now() + FLOOR_CACHE_MS + 1);
    const text = await metrics.registry.metrics();
    expect(line(text, 'atende_floor_waiting{org="org-1",team="team-1"}')).toMatch(/ 3$/);
    expect(line(text, 'atende_floor_read_failures_total')).toMatch(/ 1$/);
    expect(Number(line(text, 'atende_floor_read_age_seconds')!.split(' ')[1])).toBeGreaterThanOrEqual(FLOOR_CACHE_MS / 1000);
    expect(warn).toHaveBeenCalledTimes(1);
  });

  it('do not hold a scrape while the database does not answer', async () => {
    const { sql, state } = fakeDatabase();
    state.mode = 'hung';
    const metrics = createMetrics({ sql });
    const started = Date.now();
    const text = await metrics.registry.metrics();
    expect(Date.now() - started).toBeLessThan(4_000);
    expect(text).toContain('atende_http_requests_total');
    expect(text).not.toMatch(/^atende_floor_waiting\{/m);
    // The next scrape does not wait again for the read still hanging.
    const again = Date.now();
    await metrics.registry.metrics();
    expect(Date.now() - again).toBeLessThan(500);
  });

  it('are left out when the metrics have no database (a registry built for a test or a tool)', async () => {
    const text = await createMetrics().registry.metrics();
    expect(text).toContain('# TYPE atende_floor_waiting gauge');
    expect(text).not.toMatch(/^atende_floor_waiting\{/m);
  });
});
