/**
 * One Atende process of the routing benchmark (bench/routing.bench.ts forks two of these as
 * `node --import tsx bench/lib/routing-app.ts` over IPC, with DATABASE_URL and BENCH_DATA_DIR
 * set): the whole app with its floor loop, which routes on every event and every
 * BENCH_FLOOR_TICK_MS. On `{ type: 'arrive' }` a customer writes and picks the team through
 * this process's Services (server/floor/routing-test-setup.ts `arrive`); the answer names the
 * waiting conversation. Sends `{ type: 'ready', url }` once it listens; SIGTERM closes it.
 */
import { getChannel, type Channel } from '../../db/queries/channels.ts';
import { startApp } from '../../server/app.ts';
import { parseEnv } from '../../server/env.ts';
import { arrive } from '../../server/floor/routing-test-setup.ts';
import { createLogger } from '../../server/log.ts';
import { stopOnSigterm } from './stop-on-sigterm.ts';

export type ToApp = { type: 'arrive'; seq: number; orgId: string; channelId: string };
export type FromApp =
  | { type: 'ready'; url: string }
  | { type: 'arrived'; seq: number; conversationId: string }
  | { type: 'failed'; seq: number; error: string };

const send = (m: FromApp) => process.send?.(m);

const env = parseEnv({
  PORT: '0',
  HOST: '127.0.0.1',
  DATABASE_URL: process.env.DATABASE_URL,
  ATENDE_DEMO: 'true',
  ATENDE_DEMO_LANGUAGE: 'en',
  ATENDE_DATA_DIR: process.env.BENCH_DATA_DIR,
  LOG_LEVEL: 'silent',
  LOGIN_IP_PER_MINUTE: '10000',
});
const app = await startApp(env, createLogger('silent'), env.DATABASE_URL!, {
  floor: { tickMs: Number(process.env.BENCH_FLOOR_TICK_MS ?? 2_000) },
});

const channels = new Map<string, Promise<Channel | null>>();
process.on('message', (m: ToApp) => {
  if (m.type !== 'arrive') return;
  let channel = channels.get(m.channelId);
  if (!channel) {
    channel = getChannel(app.services.sql, m.orgId, m.channelId);
    channels.set(m.channelId, channel);
  }
  channel
    .then((c) => {
      if (!c) throw new Error(`no channel ${m.channelId}`);
      return arrive(app.services, c);
    })
    .then(
      (conversationId) => send({ type: 'arrived', seq: m.seq, conversationId }),
      (err: unknown) => send({ type: 'failed', seq: m.seq, error: err instanceof Error ? (err.stack ?? err.message) : String(err) }),
    );
});

stopOnSigterm(app);
// The parent going away (crash, kill -9) must not leave this process running.
process.on('disconnect', () => process.kill(process.pid, 'SIGTERM'));
send({ type: 'ready', url: app.url });
