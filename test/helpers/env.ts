import { parseEnv, type Env } from '../../server/env.ts';

/** The environment of an app under test: loopback, this database, quiet logs (no vitest here: child processes use it). */
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
