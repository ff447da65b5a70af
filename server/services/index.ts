import { Redis } from 'ioredis';
import type { Sql } from '../../db/sql.ts';
import type { Env } from '../env.ts';
import { EventBus } from '../events/bus.ts';
import { Presence } from '../floor/presence.ts';
import { JobQueue } from '../jobs/worker.ts';
import type { Logger } from '../log.ts';
import { IpLimiter } from './ip-limiter.ts';
import { Mailer } from './mailer.ts';
import { createMetrics, type Metrics } from './metrics.ts';
import type { AttachmentStorage } from './storage.ts';
import { PostgresStorage } from './storage-pg.ts';
import { createAttachmentStorage } from './storage-select.ts';
import { StreamCaps } from './stream-caps.ts';

/** Everything a request or job may use, built once at boot and passed in the context. */
export interface Services {
  env: Env;
  sql: Sql;
  log: Logger;
  bus: EventBus;
  mailer: Mailer;
  storage: AttachmentStorage;
  ipLimiter: IpLimiter;
  metrics: Metrics;
  /** Open events.stream subscriptions of this process, per session and per address. */
  eventStreams: StreamCaps;
  redis: Redis | null;
  /** Started by the app after migrations (server/app.ts). */
  jobs: JobQueue;
  /** This process's count of agents' live connections (server/floor/presence.ts); started and stopped by the app. */
  presence: Presence;
  /** Set once the channel workers run (server/app.ts); wakes the inbound media fetcher. */
  mediaFetcher?: { wake(): void };
  /** Set once outgoing webhooks run (server/app.ts, server/webhooks/index.ts). */
  webhooks?: { wake(): void; stop(): Promise<void> };
}

export async function createServices(env: Env, sql: Sql, log: Logger): Promise<Services> {
  const redis = env.REDIS_URL ? new Redis(env.REDIS_URL, { maxRetriesPerRequest: 2, lazyConnect: false }) : null;
  // Redis outages are survivable (sync resyncs from PostgreSQL); say so in the log, never crash.
  redis?.on('error', (err) => log.warn({ err: err.message }, 'Redis not reachable; retrying'));
  const bus = new EventBus(sql, log);
  await bus.start();
  const mailer = new Mailer(sql, log, { smtpUrl: env.SMTP_URL, from: env.MAIL_FROM });
  mailer.start();
  const storage = await createAttachmentStorage(env.ATTACHMENT_STORAGE, env, sql);
  if (storage instanceof PostgresStorage) {
    // Writes a stopped process left half done; any process may sweep them.
    storage
      .sweepIncomplete()
      .then((n) => n > 0 && log.info({ removed: n }, 'removed incomplete attachment writes'))
      .catch((err: unknown) => log.warn({ err }, 'could not sweep incomplete attachment writes'));
  }
  return {
    env,
    sql,
    log,
    bus,
    mailer,
    storage,
    ipLimiter: new IpLimiter(env.LOGIN_IP_PER_MINUTE, redis ?? undefined),
    metrics: createMetrics({ sql, log }),
    eventStreams: new StreamCaps(env.STREAMS_PER_SESSION, env.EVENT_STREAMS_PER_IP),
    redis,
    jobs: new JobQueue(log),
    presence: new Presence(sql, bus, log),
  };
}

export async function stopServices(s: Services): Promise<void> {
  await s.jobs.stop();
  await s.bus.stop();
  await s.mailer.stop();
  s.redis?.disconnect();
  await s.storage.close?.();
}
