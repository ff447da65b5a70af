import { EmbeddedDatabaseError, startEmbeddedDatabase, type EmbeddedDatabase } from '../db/embedded.ts';
import { startApp, type RunningApp } from './app.ts';
import { bannerLines, embeddedNote } from './banner.ts';
import { EnvError, parseEnv } from './env.ts';
import { createLogger } from './log.ts';

async function main(): Promise<void> {
  let env: ReturnType<typeof parseEnv>;
  try {
    env = parseEnv();
  } catch (e) {
    console.error(e instanceof EnvError ? e.message : e);
    process.exit(2);
  }
  // A person trying Atende in a terminal sees the plain banner, not the start's JSON lines:
  // without an explicit LOG_LEVEL, a terminal gets warnings and worse only. Production
  // (stdout piped to a collector) keeps LOG_LEVEL's default, info.
  const terminal = !process.env.LOG_LEVEL && process.stdout.isTTY === true;
  const log = createLogger(terminal ? 'warn' : env.LOG_LEVEL);
  let embedded: EmbeddedDatabase | null = null;
  let app: RunningApp | null = null;
  let stopping = false;

  // SIGTERM (a deploy, a scale-down) or Ctrl-C: the graceful drain in app.close() — stop
  // accepting, move /sync clients and event streams to another process, finish requests and
  // jobs — bounded by DRAIN_TIMEOUT_SECONDS, then exit 0. A drain that still hangs 10 s past
  // its deadline exits with 1.
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    const timeoutMs = env.DRAIN_TIMEOUT_SECONDS * 1000;
    log.info({ signal, timeoutSeconds: env.DRAIN_TIMEOUT_SECONDS }, 'draining, then shutting down');
    const force = setTimeout(() => {
      log.error('the drain did not finish in time: exiting');
      process.exit(1);
    }, timeoutMs + 10_000);
    force.unref();
    try {
      await app?.close({ timeoutMs, noticeMs: env.DRAIN_NOTICE_SECONDS * 1000 });
      await embedded?.stop();
    } catch (err) {
      log.error({ err }, 'error while shutting down');
    }
    log.info('stopped');
    // The log is written asynchronously: wait for what is in flight, or the last lines
    // (the drain's final steps) could be lost or cross at exit.
    await new Promise<void>((resolve) => {
      setTimeout(resolve, 2_000).unref();
      log.flush(() => resolve());
    });
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('unhandledRejection', (err) => log.error({ err }, 'unhandled rejection'));

  let databaseUrl = env.DATABASE_URL;
  try {
    if (!databaseUrl) {
      if (terminal) console.log(embeddedNote(env.ATENDE_DATA_DIR));
      else log.warn(embeddedNote(env.ATENDE_DATA_DIR));
      embedded = await startEmbeddedDatabase({ dataDir: env.ATENDE_DATA_DIR, port: env.ATENDE_PG_PORT, log: (m) => log.info(m) });
      databaseUrl = embedded.url;
    }
    app = await startApp(env, log, databaseUrl);
  } catch (e) {
    if (e instanceof EmbeddedDatabaseError) log.fatal(e.message);
    else log.fatal({ err: e }, 'Atende could not start');
    await embedded?.stop().catch(() => {});
    process.exit(1);
  }

  log.info({ url: env.APP_ORIGIN }, 'listening');
  console.log(`\n${bannerLines({ origin: env.APP_ORIGIN, ...app.firstStart }).join('\n')}\n`);
}

void main();
