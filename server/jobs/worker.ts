import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  Logger as WorkerLogger,
  makeWorkerUtils,
  run,
  runMigrations,
  type Runner,
  type TaskList,
  type TaskSpec,
  type WorkerEvents,
} from 'graphile-worker';
import pg from 'pg';
import { withAdvisoryLock } from '../../db/queries/system.ts';
import type { Logger } from '../log.ts';
import type { Services } from '../services/index.ts';
import { sweepTimers } from '../commands/timers.ts';
import { privacyTasks } from '../privacy/retention-task.ts';
import { syncAllTemplates } from '../commands/template-sync.ts';

/**
 * Cron lines (graphile-worker's crontab format). graphile-worker records each fired minute
 * in the database, so with several processes a line runs once per minute, not once per
 * process; `max=1`: a failed sweep is not retried, the next minute sweeps again.
 */
const CRONTAB = `* * * * * sweep_timers ?max=1
23 * * * * privacy_retention ?max=1`;

/** Daily, at WHATSAPP_TEMPLATE_SYNC_AT (UTC; `off`: none): every WhatsApp channel's templates from Meta. */
export function templateSyncLine(at: string): string {
  return at === 'off' ? '' : `\n${Number(at.slice(3))} ${Number(at.slice(0, 2))} * * * sync_whatsapp_templates ?max=1`;
}

function tasks(s: Services): TaskList {
  return {
    ...privacyTasks(s),
    /** Daily (WHATSAPP_TEMPLATE_SYNC_AT): every WhatsApp channel's templates from Meta (commands/template-sync.ts). */
    sync_whatsapp_templates: async () => {
      try {
        const r = await syncAllTemplates(s);
        // No channel names a Business Account: one indexed query, nothing said.
        if (r.synced || r.failed) s.log.info(r, 'WhatsApp templates synced');
      } catch (err) {
        // The channel list could not be read (database away): tomorrow syncs again; a failed
        // job row (max=1) would only stay behind.
        s.log.error({ err }, 'daily WhatsApp template sync failed; will run again tomorrow');
      }
    },
    /** `now` in the payload is for one-off runs (operations, tests); the cron passes none. */
    sweep_timers: async (payload) => {
      const at = (payload as { now?: unknown } | null)?.now;
      const now = typeof at === 'string' && !Number.isNaN(Date.parse(at)) ? new Date(at) : new Date();
      try {
        const r = await sweepTimers(s, now);
        if (r.closed.length || r.overruns.length) s.log.info({ closed: r.closed.length, overruns: r.overruns.length }, 'timers swept');
      } catch (err) {
        // The next minute sweeps again; a failed job row per minute would only pile up.
        s.log.error({ err }, 'timer sweep failed; will retry next minute');
      }
    },
  };
}

/** graphile-worker's log lines go to our logger; its routine chatter stays at debug. */
function workerLogger(log: Logger): WorkerLogger {
  return new WorkerLogger((scope) => (level, message, meta) => {
    const fields = { ...scope, ...meta, part: 'jobs' };
    const l = level as string;
    if (l === 'error') log.error(fields, message);
    else if (l === 'warning') log.warn(fields, message);
    else log.debug(fields, message);
  });
}

/**
 * The job queue: graphile-worker on the app's PostgreSQL (no extra service). It is safe to
 * run in every process: jobs are taken with SKIP LOCKED and cron minutes are claimed in the
 * database. Built with the services, started by the app after migrations, stopped first on
 * close (running jobs finish; new ones wait for another process or the next start).
 */
export class JobQueue {
  private runner: Runner | null = null;
  private pool: pg.Pool | null = null;
  /** The runner's workers (from its `worker:create` events): their locks are released when a stop runs out of time. */
  private workerIds = new Set<string>();

  /** Set by stop(): a runner that ends after it is not restarted. */
  private stopped = false;
  private restartTimer: NodeJS.Timeout | null = null;
  private restarts = 0;

  constructor(private log: Logger) {}

  async start(
    s: Services,
    databaseUrl: string,
    options: {
      concurrency?: number;
      crontab?: string;
      /** More tasks, beside Atende's (tests). */
      tasks?: TaskList;
    } = {},
  ): Promise<void> {
    if (this.runner) return;
    this.stopped = false;
    const pool = this.openPool(databaseUrl, (options.concurrency ?? 2) + 2);
    const common = { pgPool: pool, logger: workerLogger(this.log), noHandleSignals: true as const };
    let runner: Runner;
    try {
      // graphile-worker creates its schema on first use; two processes starting together on a
      // fresh database would race on CREATE SCHEMA, so installs happen one at a time.
      await withAdvisoryLock(s.sql, 'atende_job_queue_migrate', () => runMigrations(common));
      const events: WorkerEvents = new EventEmitter();
      events.on('worker:create', ({ worker }) => this.workerIds.add(worker.workerId));
      runner = await run({
        ...common,
        events,
        concurrency: options.concurrency ?? 2,
        pollInterval: 2_000,
        taskList: { ...tasks(s), ...options.tasks },
        crontab: options.crontab ?? CRONTAB + templateSyncLine(s.env.WHATSAPP_TEMPLATE_SYNC_AT),
      });
    } catch (err) {
      await this.closePool(pool);
      throw err;
    }
    this.runner = runner;
    this.pool = pool;
    if (this.stopped) {
      // stop() ran while this (re)start was under way.
      this.runner = null;
      this.pool = null;
      await runner.stop().catch(() => {});
      await this.closePool(pool);
      return;
    }
    this.restarts = 0;
    // graphile-worker stops its whole runner when a cron minute cannot be recorded (the
    // database was away at that moment): start it again, or this process's timers stop for good.
    runner.promise.catch((err: unknown) => {
      this.log.error({ err, part: 'jobs' }, 'job queue stopped with an error; starting it again');
      if (this.runner === runner) {
        this.runner = null;
        this.workerIds.clear();
        if (this.pool === pool) this.pool = null;
        void this.closePool(pool);
        this.restartLater(s, databaseUrl, options);
      }
    });
  }

  /**
   * The queue's own connections. graphile-worker given a connection string ends its pool
   * without waiting and drops its error listener first, so a connection the server closes in
   * that moment (a restart, a database dropped) was an uncaught exception that ended the
   * process; this pool keeps its listener until it has ended.
   */
  private openPool(databaseUrl: string, max: number): pg.Pool {
    const pool = new pg.Pool({ connectionString: databaseUrl, max });
    pool.on('error', (err) => this.log.warn({ err, part: 'jobs' }, 'a job queue database connection was closed'));
    return pool;
  }

  private async closePool(pool: pg.Pool): Promise<void> {
    // A client still out (a job past the stop deadline) would hold end() up: bounded.
    const bound = new AbortController();
    await Promise.race([
      pool.end().catch((err: unknown) => this.log.warn({ err, part: 'jobs' }, 'job queue connections not closed cleanly')),
      sleep(3_000, undefined, { signal: bound.signal, ref: false }).catch(() => {}),
    ]);
    bound.abort();
  }

  private restartLater(s: Services, databaseUrl: string, options: Parameters<JobQueue['start']>[2]): void {
    if (this.stopped || this.restartTimer) return;
    const delay = Math.min(30_000, 1_000 * 2 ** this.restarts++);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      if (this.stopped) return;
      this.start(s, databaseUrl, options).catch((err: unknown) => {
        this.log.warn({ err, part: 'jobs' }, 'job queue could not start again; retrying');
        this.restartLater(s, databaseUrl, options);
      });
    }, delay);
    this.restartTimer.unref();
  }

  /** Queues a job; `jobKey` replaces a pending job with the same key (one timer per thing). */
  async add(task: string, payload: Record<string, unknown> = {}, spec: TaskSpec = {}): Promise<void> {
    if (!this.runner) throw new Error('the job queue is not running');
    await this.runner.addJob(task, payload, spec);
  }

  /**
   * Takes no more jobs and lets the running ones finish (graphile-worker's graceful shutdown).
   * Still running at `deadline` (epoch ms): the locks of this queue's workers are released
   * (graphile-worker's forceUnlockWorkers, as for a crashed process), so another process takes
   * those jobs at once, and this resolves.
   */
  async stop(deadline = Date.now() + 10_000): Promise<void> {
    this.stopped = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = null;
    const runner = this.runner;
    const pool = this.pool;
    const workerIds = [...this.workerIds];
    this.runner = null;
    this.pool = null;
    this.workerIds.clear();
    if (!runner || !pool) return;
    try {
      await this.stopRunner(runner, pool, workerIds, deadline);
    } finally {
      await this.closePool(pool);
    }
  }

  private async stopRunner(runner: Runner, pool: pg.Pool, workerIds: string[], deadline: number): Promise<void> {
    const stopped = runner.stop().then(
      () => true,
      (err: unknown) => {
        this.log.warn({ err }, 'job queue did not stop cleanly');
        return true;
      },
    );
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), Math.max(0, deadline - Date.now()))));
    const inTime = await Promise.race([stopped, late]);
    clearTimeout(timer);
    if (inTime) return;
    this.log.warn({ part: 'jobs', workerIds }, 'running jobs did not finish in time; releasing their locks');
    const unlock = async () => {
      const utils = await makeWorkerUtils({ pgPool: pool, logger: workerLogger(this.log) });
      try {
        await utils.forceUnlockWorkers(workerIds);
      } finally {
        await utils.release();
      }
    };
    await Promise.race([
      unlock().catch((err: unknown) => this.log.warn({ err }, 'job locks not released; graphile-worker frees them after 4 hours')),
      new Promise((resolve) => setTimeout(resolve, 3_000).unref()),
    ]);
  }
}
