import path from 'node:path';
import type http from 'node:http';
import { fileURLToPath } from 'node:url';
import { migrate } from '../db/migrate.ts';
import { DEMO_LOGINS, DEMO_PASSWORD, findDemo, seedDemo } from '../db/seed/demo.ts';
import { createSql } from '../db/sql.ts';
import { hashPassword } from './auth/password.ts';
import { issueSetupLink } from './commands/setup.ts';
import type { Env } from './env.ts';
import { createHttpServer, type HttpMounts } from './http/server.ts';
import { startHousekeeping } from './jobs/housekeeping.ts';
import { startChannels, type ChannelsOptions } from './channels/index.ts';
import { startSync } from './sync/index.ts';
import { startFloor, type FloorOptions } from './floor/floor.ts';
import { startPush, type PushOptions } from './push/follower.ts';
import { startWebhooks } from './webhooks/index.ts';
import type { SyncLimits, SyncServer } from '../sync/server/server.ts';
import type { Logger } from './log.ts';
import { createServices, stopServices, type Services } from './services/index.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const CLIENT_DIR = path.join(root, 'dist', 'client');

export interface RunningApp {
  services: Services;
  server: http.Server;
  url: string;
  sync: SyncServer;
  /** Printed at every start (server/banner.ts): the demo's logins and widget, or the one-time setup link. */
  firstStart: { demoLogins?: string[]; demoWebchatChannelId?: string | null; setupLink?: string };
  /**
   * The graceful drain, then everything stops (the steps are in close() below). `timeoutMs`
   * bounds the waiting (DRAIN_TIMEOUT_SECONDS from server/main.ts); past it, the rest is
   * forced. `noticeMs`: how long /healthz says 503 before the listener closes.
   */
  close(options?: { timeoutMs?: number; noticeMs?: number }): Promise<void>;
}

/** How long close() waits for clients, requests and jobs when not told (tests, embedded stops). */
const DEFAULT_DRAIN_MS = 10_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Migrates, seeds, builds the services and serves HTTP. The caller owns the database. */
export async function startApp(
  env: Env,
  log: Logger,
  databaseUrl: string,
  options: { mounts?: HttpMounts; channels?: ChannelsOptions; sync?: Partial<SyncLimits>; floor?: FloorOptions; push?: PushOptions } = {},
): Promise<RunningApp> {
  await migrate(databaseUrl, (m) => log.info(m));
  const sql = createSql(databaseUrl);
  const services = await createServices(env, sql, log);
  await services.presence.start();
  const firstStart: RunningApp['firstStart'] = {};
  if (env.ATENDE_DEMO) {
    const seeded = await seedDemo(sql, await hashPassword(DEMO_PASSWORD), {
      whatsappPhoneNumberId: env.WHATSAPP_PHONE_NUMBER_ID,
      language: env.ATENDE_DEMO_LANGUAGE,
      // A few conversations so every screen has something on the first look.
      sampleConversations: true,
    });
    if (seeded) log.info({ orgId: seeded.orgId }, 'demo organization seeded');
    const demo = await findDemo(sql);
    if (demo) {
      firstStart.demoLogins = DEMO_LOGINS.map((l) => `${l.email} / ${DEMO_PASSWORD} (${l.role})`);
      firstStart.demoWebchatChannelId = demo.webchatChannelId;
    }
  } else {
    const link = await issueSetupLink(services);
    if (link) firstStart.setupLink = link;
  }
  const stopHousekeeping = startHousekeeping(services);
  await services.jobs.start(services, databaseUrl);
  const channels = startChannels(services, options.channels);
  const floor = startFloor(services, options.floor);
  const push = startPush(services, options.push);
  const webhooks = startWebhooks(services);
  services.webhooks = webhooks;
  const sync = startSync(services, options.sync);
  const mounts: HttpMounts = {
    routes: [...channels.mounts.routes, ...(options.mounts?.routes ?? [])],
    upgrades: [...sync.mounts.upgrades, ...channels.mounts.upgrades, ...(options.mounts?.upgrades ?? [])],
  };
  let draining = false;
  const server = createHttpServer(services, { clientDir: CLIENT_DIR, mounts, draining: () => draining });
  const sockets = new Set<import('node:net').Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  // Requests being answered (event streams included, until they end); a drain waits for them.
  let inFlight = 0;
  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    inFlight++;
    res.once('close', () => inFlight--);
    // Draining: a connection is not reused once its answer is out, even one that said
    // keep-alive (an event stream opened before, or one that sets its own header), so the
    // client's next request opens a new connection, to another process.
    const socket = req.socket;
    res.once('finish', () => {
      if (draining) socket.end();
    });
  });
  let closing: Promise<void> | null = null;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(env.PORT, env.HOST, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : env.PORT;
  return {
    services,
    server,
    url: `http://127.0.0.1:${port}`,
    sync: sync.server,
    firstStart,
    close(options = {}) {
      closing ??= (async () => {
        const started = Date.now();
        const deadline = started + (options.timeoutMs ?? DEFAULT_DRAIN_MS);
        let forced = false;
        const step = (n: number, what: string, fields: Record<string, unknown> = {}) =>
          log.info({ part: 'drain', step: n, ms: Date.now() - started, ...fields }, `drain ${n}/7: ${what}`);
        const until = async (done: () => boolean) => {
          while (!done() && Date.now() < deadline) await sleep(20);
          if (!done()) forced = true;
          return done();
        };

        // 1. Stop accepting: /healthz says 503 at once (and every answer closes its connection);
        //    after the notice (DRAIN_NOTICE_SECONDS, for a load balancer's health checks; 0 by
        //    default) the listener closes — new connections go to another process — and /sync
        //    upgrades still arriving on open connections are told to reconnect elsewhere (1012).
        draining = true;
        const noticeMs = Math.min(options.noticeMs ?? 0, Math.max(0, deadline - Date.now()));
        if (noticeMs > 0) {
          log.info({ part: 'drain', noticeMs }, 'drain: /healthz says 503; still serving during the notice');
          await sleep(noticeMs);
        }
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        let allClosed = false;
        void closed.then(() => (allClosed = true));
        const synced = sync.server.drain(deadline);
        step(1, 'not accepting: /healthz 503, listener closed, /sync upgrades told to reconnect');

        // 2. /sync: what was accepted is stored, then every socket closes with 1012 (reconnect now).
        const syncResult = await synced;
        if (syncResult.unstored > 0) forced = true;
        step(2, '/sync updates stored, sockets told to reconnect', { ...syncResult });

        // 3. Live streams end cleanly; the tabs resume from their last event id elsewhere.
        services.eventStreams.drain();
        channels.webchat.streams.stop();
        step(3, 'event streams ended');

        // 4. Requests in flight finish and answer (each closes its connection), then idle
        //    kept-alive connections close.
        const answered = await until(() => inFlight === 0);
        server.closeIdleConnections();
        step(4, answered ? 'requests in flight answered' : 'requests still in flight at the deadline', { inFlight });

        // 5. Background work: no new job or delivery lease; running ones finish (job locks are
        //    released at the deadline); what is queued is left to the other processes.
        stopHousekeeping();
        await Promise.all([services.jobs.stop(deadline), channels.stop(), floor.stop(), push.stop(), webhooks.stop()]);
        step(5, 'jobs and deliveries stopped');

        // 6. This process's devices leave (their grace periods start), before the database closes.
        await services.presence.stop();
        await sync.stop();
        step(6, 'presence left');

        // Sockets still open (a client that never closes its WebSocket) go at the deadline.
        if (!(await until(() => allClosed))) {
          log.warn({ part: 'drain', sockets: sockets.size }, 'drain: connections still open at the deadline; closing them');
          for (const socket of sockets) socket.destroy();
        }
        await closed;
        await stopServices(services);
        await sql.end({ timeout: 5 });
        step(7, 'done', { forced: forced || Date.now() >= deadline });
      })();
      return closing;
    },
  };
}
