import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/helpers/app.ts';
import { createTestDatabase, type TestDatabase } from '../../test/helpers/db.ts';
import { createLogger } from '../log.ts';
import { JobQueue } from './worker.ts';

/**
 * Connections the database closes while the queue stops (a database restart, a test database
 * dropped WITH (FORCE) just after the app closed). graphile-worker, given a connection string,
 * dropped its pool's error listener before its unawaited end(), so a connection closed in that
 * moment was an uncaught exception ("terminating connection due to administrator command",
 * seen ending a CI run); the queue's own pool keeps its listener until it has ended.
 */
let app: TestApp;
/** The queue's own database: every connection to it but the test's is the queue's. */
let db: TestDatabase;
beforeAll(async () => {
  app = await startTestApp({}, { floor: { loop: false } });
  db = await createTestDatabase();
});
afterAll(async () => {
  await app?.stop();
  await db?.drop();
});

describe('the job queue stopping while the database closes its connections', () => {
  it('stops without an uncaught error and leaves no connection behind', async () => {
    const uncaught: unknown[] = [];
    const onError = (err: unknown) => uncaught.push(err);
    process.on('uncaughtException', onError);
    const dbName = new URL(db.url).pathname.slice(1);
    const admin = postgres(new URL('/postgres', db.url).toString(), { max: 1, onnotice: () => {} });
    const ofQueue = `datname = '${dbName}' AND pid <> pg_backend_pid()`;
    const queueBackends = () => admin.unsafe(`SELECT pid FROM pg_stat_activity WHERE ${ofQueue}`);
    try {
      for (let round = 0; round < 20; round++) {
        const queue = new JobQueue(createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'));
        await queue.start(app.services, db.url, { concurrency: 2, crontab: '', tasks: { idle: async () => {} } });
        // Every connection of the queue is closed by the server while it stops, at varying moments.
        const stopping = queue.stop();
        for (let i = 0; i <= round % 10; i++) await new Promise((r) => setImmediate(r));
        await admin.unsafe(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE ${ofQueue}`);
        await stopping;
        await new Promise((r) => setTimeout(r, 50));
      }
      // A terminated backend is listed until its process has exited (a moment, longer on a busy machine).
      await expect.poll(async () => (await queueBackends()).length, { timeout: 10_000 }).toBe(0);
    } finally {
      await admin.end();
      process.off('uncaughtException', onError);
    }
    expect(uncaught).toEqual([]);
  }, 60_000);
});
