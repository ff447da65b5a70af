import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startApp, type RunningApp } from '../../server/app.ts';
import { parseEnv } from '../../server/env.ts';
import type { Env } from '../../server/env.ts';
import { createLogger } from '../../server/log.ts';
import { createTestDatabase, type TestDatabase } from './db.ts';
import { testEnv } from './env.ts';
import { createTestClient, type TestClient } from './trpc-client.ts';

export { testEnv } from './env.ts';
export { callByPath, createTestClient, refusal, refusalOf, type Refusal, type TestClient } from './trpc-client.ts';

export interface TestApp extends RunningApp {
  db: TestDatabase;
  env: Env;
  /** A signed-out HTTP client (no Origin header: a non-browser client). */
  client(headers?: Record<string, string>): TestClient;
  /** A client signed in as this user. */
  login(email: string, password?: string, headers?: Record<string, string>): Promise<TestClient>;
  stop(): Promise<void>;
}

export async function startTestApp(overrides: Record<string, string> = {}, options: Parameters<typeof startApp>[3] = {}): Promise<TestApp> {
  const db = await createTestDatabase();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'atende-app-'));
  const env = testEnv(db.url, dataDir, overrides);
  const log = createLogger(env.LOG_LEVEL);
  const app = await startApp(env, log, db.url, options);
  // Tests make agents available by SQL or sign them in by API, with no live device: a long
  // presence grace keeps them connected for a file's duration (the floor loop would otherwise
  // turn them "no device" after the default 60 s). Presence tests set the grace they test.
  await app.services.sql`UPDATE organizations SET presence_grace_seconds = 3600`;
  const client = (headers: Record<string, string> = {}) => createTestClient(app.url, headers);
  return {
    ...app,
    db,
    env,
    client,
    async login(email, password = 'atende-demo', headers = {}) {
      const c = client(headers);
      await c.auth.login.mutate({ email, password });
      return c;
    },
    async stop() {
      await app.close();
      await db.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A second server process on the same database and data folder, as a multi-process deployment runs. */
export async function startSecondProcess(app: TestApp, overrides: Record<string, string> = {}): Promise<RunningApp> {
  const env = parseEnv({
    PORT: '0',
    HOST: '127.0.0.1',
    DATABASE_URL: app.db.url,
    ATENDE_DEMO: 'true',
    ATENDE_DATA_DIR: app.env.ATENDE_DATA_DIR,
    LOG_LEVEL: 'silent',
    LOGIN_IP_PER_MINUTE: '1000',
    ...overrides,
  });
  return startApp(env, createLogger('silent'), app.db.url);
}
