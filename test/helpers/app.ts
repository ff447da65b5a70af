import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startApp, type RunningApp } from '../../server/app.ts';
import { parseEnv, type Env } from '../../server/env.ts';
import { createLogger } from '../../server/log.ts';
import { createTestDatabase, type TestDatabase } from './db.ts';

export interface TestApp extends RunningApp {
  db: TestDatabase;
  env: Env;
  /** A signed-out HTTP client (no Origin header: a non-browser client). */
  client(headers?: Record<string, string>): TrpcHttpClient;
  /** A client signed in as this user. */
  login(email: string, password?: string, headers?: Record<string, string>): Promise<TrpcHttpClient>;
  stop(): Promise<void>;
}

export class TrpcError extends Error {
  constructor(public status: number, public code: string, message: string, public data: Record<string, unknown>) {
    super(message);
  }
}

/** Talks tRPC's plain-JSON HTTP format, as any HTTP client would; keeps the session cookie. */
export class TrpcHttpClient {
  cookie: string | null = null;
  constructor(public baseUrl: string, public headers: Record<string, string> = {}) {}

  private async send(method: 'GET' | 'POST', procedure: string, input: unknown): Promise<unknown> {
    const url = new URL(`/trpc/${procedure}`, this.baseUrl);
    if (method === 'GET' && input !== undefined) url.searchParams.set('input', JSON.stringify(input));
    const res = await fetch(url, {
      method,
      headers: {
        ...(method === 'POST' ? { 'content-type': 'application/json' } : {}),
        ...(this.cookie ? { cookie: this.cookie } : {}),
        ...this.headers,
      },
      body: method === 'POST' ? JSON.stringify(input ?? null) : undefined,
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      this.cookie = pair!.endsWith('=') ? null : pair!;
    }
    const body = (await res.json()) as { result?: { data: unknown }; error?: { message: string; data?: { code: string } & Record<string, unknown> } };
    if (body.error) throw new TrpcError(res.status, body.error.data?.code ?? 'UNKNOWN', body.error.message, body.error.data ?? {});
    return body.result?.data;
  }

  query<T = any>(procedure: string, input?: unknown): Promise<T> {
    return this.send('GET', procedure, input) as Promise<T>;
  }

  mutate<T = any>(procedure: string, input?: unknown): Promise<T> {
    return this.send('POST', procedure, input) as Promise<T>;
  }

  /** The session token from the cookie (for the SSE and upload tests). */
  get token(): string | null {
    return this.cookie?.split('=')[1] ?? null;
  }
}

/** Awaits a call that must be refused and returns the refusal (fails if it succeeds). */
export async function refusal(p: Promise<unknown>): Promise<TrpcError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof TrpcError) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}

/** The environment of an app under test: a free port on loopback, this database, quiet logs. */
export function testEnv(databaseUrl: string, dataDir: string, overrides: Record<string, string> = {}): Env {
  return parseEnv({
    PORT: '0',
    HOST: '127.0.0.1',
    DATABASE_URL: databaseUrl,
    ATENDE_DEMO: 'true',
    ATENDE_DATA_DIR: dataDir,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    APP_ORIGIN: 'http://localhost:3000',
    ...overrides,
  });
}

export async function startTestApp(overrides: Record<string, string> = {}, options: Parameters<typeof startApp>[3] = {}): Promise<TestApp> {
  const db = await createTestDatabase();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'atende-app-'));
  const env = testEnv(db.url, dataDir, overrides);
  const log = createLogger(env.LOG_LEVEL);
  const app = await startApp(env, log, db.url, options);
  const client = (headers: Record<string, string> = {}) => new TrpcHttpClient(app.url, headers);
  return {
    ...app,
    db,
    env,
    client,
    async login(email, password = 'atende-demo', headers = {}) {
      const c = client(headers);
      await c.mutate('auth.login', { email, password });
      return c;
    },
    async stop() {
      await app.close();
      await db.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
