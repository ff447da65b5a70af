/**
 * The whole Atende app in a process of its own for the sync and claims benchmarks (bench/sync.bench.ts
 * runs it as `taskset -c 0 node --expose-gc --import tsx bench/sync/app-server.ts` with
 * DATABASE_URL, BENCH_DATA_DIR and optionally BENCH_APP_ENV set). Prints `{"url":…}` once it listens; on SIGUSR2 it
 * collects garbage and prints `{"memory":…}`; on SIGTERM it closes the app and exits.
 */
import { startApp } from '../../server/app.ts';
import { parseEnv } from '../../server/env.ts';
import { createLogger } from '../../server/log.ts';
import { stopOnSigterm } from '../lib/stop-on-sigterm.ts';

const env = parseEnv({
  PORT: '0',
  HOST: '127.0.0.1',
  DATABASE_URL: process.env.DATABASE_URL,
  ATENDE_DEMO: 'true',
  ATENDE_DATA_DIR: process.env.BENCH_DATA_DIR,
  LOG_LEVEL: 'silent',
  // More settings from a bench that needs them, as JSON (claims: sign-in limits, the demo in
  // English; webhooks: the WhatsApp channel and a fake Graph API).
  ...(JSON.parse(process.env.BENCH_APP_ENV ?? '{}') as Record<string, string>),
});
const app = await startApp(env, createLogger('silent'), env.DATABASE_URL!);

const gc = (globalThis as { gc?: () => void }).gc;
process.on('SIGUSR2', () => {
  gc?.();
  gc?.();
  const m = process.memoryUsage();
  process.stdout.write(`${JSON.stringify({ memory: { rss: m.rss, heapUsed: m.heapUsed, external: m.external } })}\n`);
});
stopOnSigterm(app);
process.stdout.write(`${JSON.stringify({ url: app.url })}\n`);
