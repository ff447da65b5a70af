import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/helpers/app.ts';
import { waitFor } from '../../test/helpers/orgs.ts';
import { createLogger } from '../log.ts';
import { JobQueue } from './worker.ts';

/**
 * The job queue's part of a drain (server/app.ts, step 5): stopping takes no new job and
 * waits for running ones; a job still running at the deadline has its lock released, so
 * another process takes it (graphile-worker's forceUnlockWorkers, as for a crashed worker).
 */
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.stop();
});

const jobRow = async (id: string) =>
  (await app.db.sql`SELECT locked_by, locked_at, attempts, last_error FROM graphile_worker._private_jobs WHERE id = ${id}`)[0] ?? null;

/** A queue of its own with one task, `slow`, that runs `ms` (the app's own queue does not know the task). */
async function slowQueue(ms: number, done: string[]) {
  const queue = new JobQueue(createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'));
  await queue.start(app.services, app.db.url, {
    concurrency: 1,
    crontab: '',
    tasks: {
      slow: async (payload) => {
        await new Promise((r) => setTimeout(r, ms));
        done.push((payload as { name: string }).name);
      },
    },
  });
  return queue;
}

async function addSlow(queue: JobQueue, name: string): Promise<string> {
  await queue.add('slow', { name });
  const [row] = await app.db.sql`SELECT id::text FROM graphile_worker._private_jobs WHERE payload->>'name' = ${name}`;
  return row!.id as string;
}

describe('stopping the job queue', () => {
  it('lets a running job finish before it resolves', async () => {
    const done: string[] = [];
    const queue = await slowQueue(800, done);
    const id = await addSlow(queue, 'finishes');
    await waitFor(async () => (await jobRow(id))?.locked_by, 'the job running');
    await queue.stop(Date.now() + 10_000);
    expect(done).toEqual(['finishes']);
    expect(await jobRow(id)).toBeNull(); // completed: graphile-worker deletes it
  });

  it('releases the lock of a job still running at the deadline, and resolves', async () => {
    const done: string[] = [];
    const queue = await slowQueue(20_000, done);
    const id = await addSlow(queue, 'outlives');
    await waitFor(async () => (await jobRow(id))?.locked_by, 'the job running');
    const started = Date.now();
    await queue.stop(Date.now() + 500);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(done).toEqual([]);
    // Free for another process at once (as graphile-worker frees a crashed worker's jobs).
    expect(await jobRow(id)).toMatchObject({ locked_by: null, locked_at: null });
  });
});
