import { Logger as WorkerLogger, run, runMigrations, type Runner, type TaskList, type TaskSpec } from 'graphile-worker';
import { withAdvisoryLock } from '../../db/queries/system.ts';
import type { Logger } from '../log.ts';
import type { Services } from '../services/index.ts';
import { sweepTimers } from '../commands/timers.ts';

/**
 * Cron lines (graphile-worker's crontab format). graphile-worker records each fired minute
 * in the database, so with several processes a line runs once per minute, not once per
 * process; `max=1`: a failed sweep is not retried, the next minute sweeps again.
 */
const CRONTAB = `* * * * * sweep_timers ?max=1`;

function tasks(s: Services): TaskList {
  return {
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

  constructor(private log: Logger) {}

  async start(s: Services, databaseUrl: string, options: { concurrency?: number; crontab?: string } = {}): Promise<void> {
    if (this.runner) return;
    const common = { connectionString: databaseUrl, logger: workerLogger(this.log), noHandleSignals: true as const };
    // graphile-worker creates its schema on first use; two processes starting together on a
    // fresh database would race on CREATE SCHEMA, so installs happen one at a time.
    await withAdvisoryLock(s.sql, 'atende_job_queue_migrate', () => runMigrations({ ...common, maxPoolSize: 1 }));
    this.runner = await run({
      ...common,
      concurrency: options.concurrency ?? 2,
      maxPoolSize: (options.concurrency ?? 2) + 2,
      pollInterval: 2_000,
      taskList: tasks(s),
      crontab: options.crontab ?? CRONTAB,
    });
    this.runner.promise.catch((err: unknown) => this.log.error({ err }, 'job queue stopped with an error'));
  }

  /** Queues a job; `jobKey` replaces a pending job with the same key (one timer per thing). */
  async add(task: string, payload: Record<string, unknown> = {}, spec: TaskSpec = {}): Promise<void> {
    if (!this.runner) throw new Error('the job queue is not running');
    await this.runner.addJob(task, payload, spec);
  }

  async stop(): Promise<void> {
    const runner = this.runner;
    this.runner = null;
    await runner?.stop().catch((err: unknown) => this.log.warn({ err }, 'job queue did not stop cleanly'));
  }
}
