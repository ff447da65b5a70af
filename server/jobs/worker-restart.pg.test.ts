import { Writable } from 'node:stream';
import pino from 'pino';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/helpers/app.ts';
import { waitFor } from '../../test/helpers/orgs.ts';
import { JobQueue } from './worker.ts';

/**
 * graphile-worker stops its whole runner when the cron cannot record a minute (the database
 * was away at that moment). Before, this process's timer sweep then never ran again; now the
 * queue starts again once the database answers (server/jobs/worker.ts), and the failure is no
 * unhandled rejection (patches/graphile-worker+0.16.6.patch).
 */
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({}, { floor: { loop: false } });
});
afterAll(async () => {
  await app?.stop();
});

describe('the job queue after a database outage', () => {
  it('starts again when its cron failed, and runs jobs', async () => {
    const lines: Array<{ msg?: string }> = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const line of chunk.toString().split('\n')) if (line) lines.push(JSON.parse(line) as { msg?: string });
        done();
      },
    });
    const unhandled: unknown[] = [];
    const onUnhandled = (err: unknown) => unhandled.push(err);
    process.on('unhandledRejection', onUnhandled);
    const ran: string[] = [];
    const queue = new JobQueue(pino({ level: 'warn' }, sink));
    // A cron line every minute: the minute that comes while the database refuses connections fails.
    await queue.start(app.services, app.db.url, {
      concurrency: 1,
      crontab: '* * * * * tick ?max=1',
      tasks: {
        tick: async () => {},
        mark: async (payload) => {
          ran.push((payload as { name: string }).name);
        },
      },
    });
    const dbName = new URL(app.db.url).pathname.slice(1);
    const admin = postgres(new URL('/postgres', app.db.url).toString(), { max: 1, onnotice: () => {} });
    const stoppedWithError = () => lines.some((l) => l.msg?.includes('job queue stopped with an error'));
    try {
      await admin.unsafe(`ALTER DATABASE ${dbName} WITH ALLOW_CONNECTIONS false`);
      await admin.unsafe(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${dbName}' AND pid <> pg_backend_pid()`);
      // Held until the cron's next minute has failed (at most a minute and a bit away).
      await waitFor(async () => stoppedWithError(), 'the runner stopped by the failed cron minute', 90_000);
    } finally {
      await admin.unsafe(`ALTER DATABASE ${dbName} WITH ALLOW_CONNECTIONS true`);
      await admin.end();
    }
    // Back: the queue runs jobs again (added through the restarted runner).
    await waitFor(
      async () => {
        try {
          await queue.add('mark', { name: 'after the outage' });
          return true;
        } catch {
          return false; // not running yet, or the database still reconnecting
        }
      },
      'the queue running again',
      60_000,
    );
    await waitFor(async () => ran.includes('after the outage'), 'a job run after the outage', 30_000);
    await queue.stop();
    process.off('unhandledRejection', onUnhandled);
    expect(unhandled).toEqual([]);
  }, 200_000);
});
