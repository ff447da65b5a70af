import { createHash, timingSafeEqual } from 'node:crypto';
import client from 'prom-client';
import { readFloor, readJobs, type FloorSnapshot, type JobsSnapshot } from '../../db/queries/metrics.ts';
import { beforeCommit, type Db, type Sql } from '../../db/sql.ts';
import type { Logger } from '../log.ts';

/**
 * The metrics (docs/metrics.md lists them, per process or whole floor). Counters and
 * histograms are this process's own: Prometheus adds them up across instances. Gauges that
 * describe the floor (queues, the job queue, the app's database connections) are read from
 * the database at scrape time, so every process reports the same value; gauges of a process's
 * own sockets and memory are per process. No label value ever comes from user input: labels
 * are fixed sets, or ids of the deployment's organizations and teams.
 */

/** A floor read is reused for this long: a flood of scrapes costs one query per interval. */
export const FLOOR_CACHE_MS = 2_000;
/** A scrape never waits longer than this for the database; it answers with the last read. */
const FLOOR_READ_TIMEOUT_MS = 2_000;

/** What the process's /sync server exposes to the metrics (server/sync/index.ts binds it). */
export interface SyncSource {
  readonly loadedDocs: number;
  loadedRooms(): ReadonlyArray<{ readonly conns: { readonly size: number }; readonly pendingBytes: number }>;
}

const SECONDS_FAST = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** A commit takes milliseconds: finer at the low end, where its p50 and p99 live on a healthy disk. */
const SECONDS_COMMIT = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const SECONDS_WAIT = [5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200, 14400, 28800];

export function createMetrics(source: { sql?: Sql; log?: Logger } = {}) {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: 'atende_' });
  const floor = new FloorReader(source.sql ?? null, source.log ?? null);
  const createdAt = Date.now();
  let sync: SyncSource | null = null;
  const floorReadFailures = new client.Counter({
    name: 'atende_floor_read_failures_total',
    help: 'Scrape-time reads of the floor gauges from the database that failed or timed out (the gauges then keep their last value)',
    registers: [registry],
    async collect() {
      // Read first, so this scrape's failure is in this scrape.
      await floor.read();
    },
  });
  floor.onFailure = () => floorReadFailures.inc();
  /** A gauge per team filled from the floor read; teams are reset each read, so a deleted team's series goes. */
  const teamGauge = (name: string, help: string, value: (t: FloorSnapshot['teams'][number]) => number) =>
    new client.Gauge({
      name,
      help,
      labelNames: ['org', 'team'] as const,
      registers: [registry],
      async collect() {
        const read = await floor.read();
        if (!read) return;
        this.reset();
        for (const t of read.floor.teams) this.set({ org: t.orgId, team: t.teamId ?? 'none' }, value(t));
      },
    });
  return {
    registry,
    /** Binds the process's /sync server (its connections, documents and unstored bytes). */
    watchSync(source: SyncSource | null): void {
      sync = source;
    },
    httpRequests: new client.Counter({
      name: 'atende_http_requests_total',
      help: 'HTTP requests by route group (a fixed set, see routeLabel) and status class',
      labelNames: ['route', 'status'] as const,
      registers: [registry],
    }),
    logins: new client.Counter({
      name: 'atende_logins_total',
      help: 'Login attempts by outcome',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    slaBreaches: new client.Counter({
      name: 'atende_sla_breaches_total',
      help: 'Service-level targets missed (first response, next response), counted by the process whose sweep found them',
      labelNames: ['kind'] as const,
      registers: [registry],
    }),
    offers: new client.Counter({
      name: 'atende_routing_offers_total',
      help: 'Automatic routing: offers made, and how they ended (accepted, declined, expired, withdrawn), counted by the process that ended them',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    eventStreams: new client.Gauge({
      name: 'atende_event_streams',
      help: 'Open events.stream subscriptions in this process',
      registers: [registry],
    }),
    claims: new client.Counter({
      name: 'atende_claims_total',
      help: 'Claims of waiting conversations (a click on Claim, an accepted offer, a reply that claims): won, lost to someone faster or to a state change, refused by the agent’s capacity',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    queueWait: new client.Histogram({
      name: 'atende_queue_wait_seconds',
      help: 'How long a conversation waited in its queue, observed when it left it: claimed, transferred while waiting, closed while waiting, or closed by the queue timeout',
      labelNames: ['outcome'] as const,
      buckets: SECONDS_WAIT,
      registers: [registry],
    }),
    floorWaiting: teamGauge(
      'atende_floor_waiting',
      'Conversations waiting in each team’s queue (whole floor, read from the database; team "none": no team yet)',
      (t) => t.waiting,
    ),
    floorActive: teamGauge(
      'atende_floor_active',
      'Conversations in service (an agent has them, pending on the customer included) per team (whole floor, read from the database)',
      (t) => t.active,
    ),
    floorOldestWait: teamGauge(
      'atende_floor_oldest_wait_seconds',
      'How long the longest-waiting conversation of each team has waited, 0 when none waits (whole floor, read from the database)',
      (t) => t.oldestWaitSeconds,
    ),
    floorReadAge: new client.Gauge({
      name: 'atende_floor_read_age_seconds',
      help: 'Age of the database read behind the floor, job and connection gauges (grows while the database does not answer)',
      registers: [registry],
      async collect() {
        // Before any read succeeded: as old as the metrics themselves.
        this.set((Date.now() - ((await floor.read())?.at ?? createdAt)) / 1000);
      },
    }),
    floorReadFailures,
    deliveries: new client.Counter({
      name: 'atende_deliveries_total',
      help: 'Outbound messages reaching a delivery state (a message that is read was first counted sent and delivered); unknown: a send whose outcome nobody knows',
      labelNames: ['channel', 'state'] as const,
      registers: [registry],
    }),
    graphRequest: new client.Histogram({
      name: 'atende_graph_request_seconds',
      help: 'Duration of one message send (POST /messages) to the WhatsApp Graph API, by outcome: accepted, retry, failed, unknown (error: threw instead of answering)',
      labelNames: ['outcome'] as const,
      buckets: SECONDS_FAST,
      registers: [registry],
    }),
    messagesIngested: new client.Counter({
      name: 'atende_messages_ingested_total',
      help: 'Customer messages stored (duplicates of an already stored message not counted), by channel',
      labelNames: ['channel'] as const,
      registers: [registry],
    }),
    webhookSeconds: new client.Histogram({
      name: 'atende_webhook_ingest_seconds',
      help: 'WhatsApp webhook POST: from the request’s start to the 200 answer, sent once everything in it is committed',
      buckets: SECONDS_FAST,
      registers: [registry],
    }),
    webhookUnavailable: new client.Counter({
      name: 'atende_webhook_unavailable_total',
      help: 'WhatsApp webhook POSTs answered 503 (storage failed; Meta retries)',
      registers: [registry],
    }),
    syncConnections: new client.Gauge({
      name: 'atende_sync_connections',
      help: 'Open /sync WebSocket connections in this process (in a loaded document)',
      registers: [registry],
      collect() {
        if (sync) this.set(sync.loadedRooms().reduce((n, r) => n + r.conns.size, 0));
      },
    }),
    syncDocuments: new client.Gauge({
      name: 'atende_sync_documents',
      help: 'Collaborative documents loaded in this process',
      registers: [registry],
      collect() {
        if (sync) this.set(sync.loadedDocs);
      },
    }),
    syncPendingBytes: new client.Gauge({
      name: 'atende_sync_pending_bytes',
      help: 'Bytes of accepted /sync updates waiting to be written to the database in this process (a batch being written is not counted; a failed one is back in)',
      registers: [registry],
      collect() {
        if (sync) this.set(sync.loadedRooms().reduce((n, r) => n + r.pendingBytes, 0));
      },
    }),
    syncCommit: new client.Histogram({
      name: 'atende_sync_commit_seconds',
      help: 'Writing one group commit of /sync updates (every document’s updates of one tick, one INSERT) until it committed, by outcome',
      labelNames: ['outcome'] as const,
      buckets: SECONDS_COMMIT,
      registers: [registry],
    }),
    jobsOldestDue: new client.Gauge({
      name: 'atende_jobs_oldest_due_seconds',
      help: 'How long the oldest due job no worker has taken has been due: the job queue’s lag (whole floor, read from the database)',
      registers: [registry],
      async collect() {
        const jobs = (await floor.read())?.jobs;
        if (jobs) this.set(jobs.oldestDueSeconds);
      },
    }),
    timerSweepAge: new client.Gauge({
      name: 'atende_jobs_cron_age_seconds',
      help: 'Seconds since a cron task last fired in any process (sweep_timers: auto-close and pause overruns, every minute); absent before it first fired (whole floor, read from the database)',
      labelNames: ['task'] as const,
      registers: [registry],
      async collect() {
        const age = (await floor.read())?.jobs?.sweepAgeSeconds;
        this.reset();
        if (age !== undefined && age !== null) this.set({ task: 'sweep_timers' }, age);
      },
    }),
    dbConnections: new client.Gauge({
      name: 'atende_db_connections',
      help: 'Connections of all Atende processes (application_name atende) to the database, by pg_stat_activity state (whole floor, read from the database)',
      labelNames: ['state'] as const,
      registers: [registry],
      async collect() {
        const read = await floor.read();
        if (!read) return;
        this.reset();
        for (const [state, n] of Object.entries(read.floor.connections)) this.set({ state }, n);
      },
    }),
    dbMaxConnections: new client.Gauge({
      name: 'atende_db_max_connections',
      help: 'The database server’s max_connections setting',
      registers: [registry],
      async collect() {
        const read = await floor.read();
        if (read) this.set(read.floor.maxConnections);
      },
    }),
    dbPoolMax: new client.Gauge({
      name: 'atende_db_pool_max',
      help: 'Connections this process’s pool may open (the job queue’s own pool not included)',
      registers: [registry],
      collect() {
        const max = (source.sql as { options?: { max?: number } } | undefined)?.options?.max;
        if (typeof max === 'number') this.set(max);
      },
    }),
  };
}
export type Metrics = ReturnType<typeof createMetrics>;

type FloorRead = { floor: FloorSnapshot; jobs: JobsSnapshot | null; at: number };

/**
 * The scrape-time database read, shared by every floor gauge of one scrape and cached for
 * FLOOR_CACHE_MS. A scrape waits at most FLOOR_READ_TIMEOUT_MS; when the database does not
 * answer, the gauges keep the last values read (atende_floor_read_age_seconds grows), the
 * failure is logged and counted, and the scrape itself succeeds.
 */
class FloorReader {
  private last: FloorRead | null = null;
  private triedAt = 0;
  private running: Promise<void> | null = null;
  onFailure: () => void = () => {};

  constructor(
    private sql: Sql | null,
    private log: Logger | null,
  ) {}

  async read(): Promise<FloorRead | null> {
    if (!this.sql) return null;
    if (Date.now() - this.triedAt >= FLOOR_CACHE_MS && !this.running) {
      this.triedAt = Date.now();
      this.running = this.refresh(this.sql).finally(() => {
        this.running = null;
      });
    }
    // A read that is already late (the database hangs) holds no further scrape.
    const wait = FLOOR_READ_TIMEOUT_MS - (Date.now() - this.triedAt);
    if (this.running && wait > 0) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, wait);
      });
      await Promise.race([this.running, timeout]);
      clearTimeout(timer);
    }
    return this.last;
  }

  private async refresh(sql: Sql): Promise<void> {
    try {
      const [floor, jobs] = await Promise.all([readFloor(sql), readJobs(sql)]);
      this.last = { floor, jobs, at: Date.now() };
    } catch (err) {
      this.onFailure();
      this.log?.warn({ err }, 'metrics: floor gauges not read from the database; keeping the last values');
    }
  }
}

/**
 * Runs `count` once the transaction `db` has done all its work (just before COMMIT), or at
 * once when `db` is not a transaction: a rolled-back command counts nothing.
 */
export function whenCommitted(db: Db, count: () => void): void {
  if (!beforeCommit(db, async () => count())) count();
}

export type QueueExit = 'claimed' | 'transferred' | 'closed' | 'timed_out';

/** Observes how long `c` waited in its queue as it leaves it (claimed, transferred, closed); after commit. */
export function observeQueueExit(
  metrics: Metrics,
  db: Db,
  c: { queuedAt: Date | null; createdAt: Date },
  outcome: QueueExit,
  leftAt: Date = new Date(),
): void {
  const since = c.queuedAt ?? c.createdAt;
  whenCommitted(db, () => metrics.queueWait.observe({ outcome }, Math.max(0, (leftAt.getTime() - since.getTime()) / 1000)));
}

const DELIVERY_STATES = new Set(['sent', 'delivered', 'read', 'failed', 'unknown']);

/** Counts an outbound message reaching `state` (others, such as queued, are not delivery states); after commit. */
export function countDelivery(metrics: Metrics, db: Db, channel: 'whatsapp' | 'webchat', state: string): void {
  if (DELIVERY_STATES.has(state)) whenCommitted(db, () => metrics.deliveries.inc({ channel, state }));
}

/**
 * Watches one POST to the WhatsApp webhook: its duration when answered 200 (sent only after
 * everything in it committed), a count when answered 503 (storage failed, Meta retries).
 */
export function watchWebhook(metrics: Metrics, req: { method?: string | undefined }, res: WebhookResponse): void {
  if (req.method !== 'POST') return;
  const end = metrics.webhookSeconds.startTimer();
  res.once('finish', () => {
    if (res.statusCode === 200) end();
    else if (res.statusCode === 503) metrics.webhookUnavailable.inc();
  });
}
interface WebhookResponse {
  statusCode: number;
  once(event: 'finish', listener: () => void): unknown;
}

/** Times one group commit of /sync updates (ok, or error: the rooms keep the updates and retry). */
export async function timeSyncCommit(metrics: Metrics, write: () => Promise<unknown>): Promise<void> {
  const end = metrics.syncCommit.startTimer();
  try {
    await write();
    end({ outcome: 'ok' });
  } catch (err) {
    end({ outcome: 'error' });
    throw err;
  }
}

/** Times one send to the Graph API, labelled by how it ended. */
export async function timeGraphSend<T extends { kind: string }>(metrics: Metrics, send: () => Promise<T>): Promise<T> {
  const end = metrics.graphRequest.startTimer();
  try {
    const result = await send();
    end({ outcome: result.kind });
    return result;
  } catch (err) {
    end({ outcome: 'error' });
    throw err;
  }
}

/** What the server serves under its first path segment; each is its own `route` label. */
const ROUTES = ['trpc', 'sync', 'webhooks', 'uploads', 'widget', 'webchat', 'healthz', 'metrics'] as const;
export const ROUTE_LABELS = [...ROUTES, 'static', 'app', 'other'] as const;
export type RouteLabel = (typeof ROUTE_LABELS)[number];
const isRoute = (segment: string): segment is (typeof ROUTES)[number] => (ROUTES as readonly string[]).includes(segment);

/**
 * The `route` label of a request. The label set is fixed: a label made from the URL would
 * let anyone add series (memory, and /metrics' size) for ever with made-up addresses.
 * `static`: the built files (/assets/…, /sw.js, icons); `app`: the client's pages (any
 * other GET is answered with index.html); `other`: the rest.
 */
export function routeLabel(method: string | undefined, pathname: string): RouteLabel {
  const first = pathname.split('/')[1] ?? '';
  if (isRoute(first)) return first;
  if (method !== 'GET' && method !== 'HEAD') return 'other';
  if (first === 'assets' || (pathname.lastIndexOf('/') === 0 && first.includes('.'))) return 'static';
  return 'app';
}

const LOOPBACK = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1|::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3})$/;

export type MetricsAccess = 'allowed' | 'unauthorized' | 'forbidden';

/**
 * Who may read /metrics (it shows login failures and lockouts).
 * - METRICS_TOKEN set: every client must send `Authorization: Bearer <token>`, this machine
 *   included (a reverse proxy on the same host makes the public look local).
 * - Not set: only a client on this machine, judged by the socket's address (never by
 *   X-Forwarded-For); a request that a proxy relayed (it carries X-Forwarded-For or
 *   Forwarded) is not a local client even though it arrives from 127.0.0.1.
 */
export function metricsAccess(
  request: { remoteAddress: string | undefined; headers: Record<string, string | string[] | undefined> },
  token: string | undefined,
): MetricsAccess {
  if (token) {
    const auth = request.headers.authorization;
    const match = typeof auth === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(auth) : null;
    return match && sameSecret(match[1]!, token) ? 'allowed' : 'unauthorized';
  }
  const relayed = request.headers['x-forwarded-for'] !== undefined || request.headers.forwarded !== undefined;
  return !relayed && LOOPBACK.test(request.remoteAddress ?? '') ? 'allowed' : 'forbidden';
}

/** Constant-time comparison (hashing first makes the lengths equal and hides the token's). */
function sameSecret(given: string, expected: string): boolean {
  const digest = (v: string) => createHash('sha256').update(v).digest();
  return timingSafeEqual(digest(given), digest(expected));
}
