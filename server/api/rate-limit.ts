import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Sql } from '../../db/sql.ts';

/**
 * rate-limiter-flexible's PostgreSQL store speaks node-postgres (`query({ text, values })`);
 * this gives it our postgres.js pool, so the counters live in the shared database without a
 * second driver and pool. Its table is created by the migration (db/migrations/api).
 */
const postgresClient = (sql: Sql) => ({
  async query(q: { text: string; values?: unknown[] }) {
    const rows = await sql.unsafe(q.text, (q.values ?? []) as never[]);
    return { rows, rowCount: rows.count };
  },
});

/**
 * Requests per token per minute. The store is correct across processes: Redis when configured,
 * else the database when it is a shared server (DATABASE_URL: several processes may run), else
 * memory (the embedded database serves one process only).
 */
export class TokenRateLimit {
  private limiter: RateLimiterAbstract;

  constructor(perMinute: number, store: { redis: Redis | null; sql: Sql; sharedDatabase: boolean }) {
    const opts = { points: perMinute, duration: 60, keyPrefix: 'atende_api_token' };
    this.limiter = store.redis
      ? new RateLimiterRedis({ ...opts, storeClient: store.redis })
      : store.sharedDatabase
        ? new RateLimiterPostgres({
            ...opts,
            storeClient: postgresClient(store.sql),
            storeType: 'client',
            tableName: 'api_rate_limits',
            tableCreated: true,
          })
        : new RateLimiterMemory(opts);
  }

  /** Counts one request of the token; the seconds to wait when it is over its limit, else 0. */
  async take(tokenId: string): Promise<number> {
    try {
      await this.limiter.consume(tokenId);
      return 0;
    } catch (e) {
      if (e instanceof RateLimiterRes) return Math.max(1, Math.ceil(e.msBeforeNext / 1000));
      throw e;
    }
  }
}
