import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { translate } from '../../i18n/index.ts';
import { startTestApp, type TestApp } from '../../test/helpers/app.ts';
import { adminOf, apiCall, makeToken } from '../../test/helpers/api-tokens.ts';
import { startRedis } from '../../test/helpers/redis.ts';
import { TokenRateLimit } from './rate-limit.ts';

let app: TestApp;

beforeAll(async () => {
  app = await startTestApp({ API_RATE_PER_MINUTE: '3' });
});
afterAll(() => app?.stop());

describe('per-token rate limit', () => {
  it('answers 429 with Retry-After past the limit, for that token only', async () => {
    const admin = await adminOf(app);
    const busy = await makeToken(admin, ['contacts:read'], 'busy');
    const quiet = await makeToken(admin, ['contacts:read'], 'quiet');
    for (let i = 0; i < 3; i++) expect((await apiCall(app.url, busy.secret, 'GET', '/api/v1/contacts')).status).toBe(200);
    const limited = await apiCall(app.url, busy.secret, 'GET', '/api/v1/contacts');
    expect(limited.status).toBe(429);
    const wait = Number(limited.headers.get('retry-after'));
    expect(Number.isInteger(wait) && wait >= 1 && wait <= 60).toBe(true);
    expect(limited.body).toMatchObject({ code: 'TOO_MANY_REQUESTS', message: translate('en', 'api.rateLimited', { seconds: wait }) });
    expect((await apiCall(app.url, quiet.secret, 'GET', '/api/v1/contacts')).status).toBe(200);
  });

  it('counts across processes sharing the database (no Redis)', async () => {
    // Two limiters over one database, as two server processes have.
    const first = new TokenRateLimit(2, { redis: null, sql: app.db.sql, sharedDatabase: true });
    const second = new TokenRateLimit(2, { redis: null, sql: app.db.sql, sharedDatabase: true });
    const token = randomUUID();
    expect(await first.take(token)).toBe(0);
    expect(await second.take(token)).toBe(0);
    expect(await first.take(token)).toBeGreaterThan(0);
    expect(await second.take(token)).toBeGreaterThan(0);
    const [row] = await app.db.sql`SELECT points FROM api_rate_limits WHERE key = ${`atende_api_token:${token}`}`;
    expect(row!.points).toBe(4);
  });

  it('counts across processes through Redis when configured', async () => {
    const redis = await startRedis();
    const clients = [new Redis(redis.url), new Redis(redis.url)];
    try {
      const [first, second] = clients.map((c) => new TokenRateLimit(2, { redis: c, sql: app.db.sql, sharedDatabase: true }));
      const token = randomUUID();
      expect(await first!.take(token)).toBe(0);
      expect(await second!.take(token)).toBe(0);
      expect(await first!.take(token)).toBeGreaterThan(0);
      // Redis, not the database, held the count.
      expect(await app.db.sql`SELECT 1 FROM api_rate_limits WHERE key = ${`atende_api_token:${token}`}`).toHaveLength(0);
    } finally {
      for (const c of clients) c.disconnect();
      await redis.stop();
    }
  });
});
