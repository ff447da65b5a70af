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
  close(): Promise<void>;
}

/** Migrates, seeds, builds the services and serves HTTP. The caller owns the database. */
export async function startApp(
  env: Env,
  log: Logger,
  databaseUrl: string,
  options: { mounts?: HttpMounts; channels?: ChannelsOptions; sync?: Partial<SyncLimits>; floor?: FloorOptions } = {},
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
  const sync = startSync(services, options.sync);
  const mounts: HttpMounts = {
    routes: [...channels.mounts.routes, ...(options.mounts?.routes ?? [])],
    upgrades: [...sync.mounts.upgrades, ...channels.mounts.upgrades, ...(options.mounts?.upgrades ?? [])],
  };
  const server = createHttpServer(services, { clientDir: CLIENT_DIR, mounts });
  const sockets = new Set<import('node:net').Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
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
    async close() {
      stopHousekeeping();
      await floor.stop();
      // Before the database closes: this process's devices go and their grace periods start.
      await services.presence.stop();
      await channels.stop();
      await sync.stop();
      // Stop taking requests, end open streams (SSE, sockets), then release the database.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      setTimeout(() => {
        for (const socket of sockets) socket.destroy();
      }, 2_000).unref();
      await stopServices(services);
      await closed;
      await sql.end({ timeout: 5 });
    },
  };
}
