import { EmbeddedDatabaseError, startEmbeddedDatabase, type EmbeddedDatabase } from '../db/embedded.ts';
import { startApp, type RunningApp } from './app.ts';
import { EnvError, parseEnv } from './env.ts';
import { createLogger } from './log.ts';

async function main(): Promise<void> {
  let env;
  try {
    env = parseEnv();
  } catch (e) {
    console.error(e instanceof EnvError ? e.message : e);
    process.exit(2);
  }
  const log = createLogger(env.LOG_LEVEL);
  let embedded: EmbeddedDatabase | null = null;
  let app: RunningApp | null = null;
  let stopping = false;

  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    try {
      await app?.close();
      await embedded?.stop();
    } catch (err) {
      log.error({ err }, 'error while shutting down');
    }
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('unhandledRejection', (err) => log.error({ err }, 'unhandled rejection'));

  let databaseUrl = env.DATABASE_URL;
  try {
    if (!databaseUrl) {
      log.warn(
        `Using the embedded PostgreSQL (data in ${env.ATENDE_DATA_DIR}). It is for trying Atende and for development, ` +
          'one process only; for production set DATABASE_URL to your PostgreSQL server.',
      );
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

  const lines = [`Atende is running on ${env.APP_ORIGIN}`];
  if (app.firstStart.demoLogins) lines.push('Demo logins:', ...app.firstStart.demoLogins.map((l) => `  ${l}`));
  if (app.firstStart.setupLink) lines.push('No organization yet. Open this one-time link to create the first one and its admin:', `  ${app.firstStart.setupLink}`);
  log.info({ url: env.APP_ORIGIN }, 'listening');
  console.log(`\n${lines.join('\n')}\n`);
}

void main();
