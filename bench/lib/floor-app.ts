/**
 * One Atende process of the whole-floor benchmark (bench/floor.bench.ts starts one or two as
 * `node --import tsx bench/lib/floor-app.ts` with DATABASE_URL, REDIS_URL, BENCH_DATA_DIR and
 * WHATSAPP_GRAPH_URL set): the whole app as an operator runs it, its defaults untouched but
 * for the limits one load-generator address would hit (logins and event streams per address).
 * Prints `{"url":…}` once it listens; SIGTERM closes the app and exits.
 */
import { startApp } from '../../server/app.ts';
import { parseEnv } from '../../server/env.ts';
import { createLogger } from '../../server/log.ts';
import { stopOnSigterm } from './stop-on-sigterm.ts';

const env = parseEnv({
  PORT: '0',
  HOST: '127.0.0.1',
  DATABASE_URL: process.env.DATABASE_URL,
  REDIS_URL: process.env.REDIS_URL,
  ATENDE_DEMO: 'true',
  ATENDE_DEMO_LANGUAGE: 'en',
  ATENDE_DATA_DIR: process.env.BENCH_DATA_DIR,
  WHATSAPP_GRAPH_URL: process.env.WHATSAPP_GRAPH_URL,
  LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'silent',
  // Every simulated agent comes from the load generator's one address.
  LOGIN_IP_PER_MINUTE: '100000',
  EVENT_STREAMS_PER_IP: '100000',
});
const app = await startApp(env, createLogger(env.LOG_LEVEL), env.DATABASE_URL!);

stopOnSigterm(app);
process.stdout.write(`${JSON.stringify({ url: app.url })}\n`);
