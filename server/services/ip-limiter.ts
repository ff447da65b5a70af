import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';

/**
 * Per-IP throttling of sign-in and reset requests. Generous (a contact centre puts a whole
 * floor behind one address); the per-account lockout is the real brake. Shared across
 * processes through Redis when configured.
 */
export class IpLimiter {
  private limiter: RateLimiterAbstract;

  constructor(pointsPerMinute: number, redis?: Redis) {
    const opts = { points: pointsPerMinute, duration: 60, keyPrefix: 'atende_login_ip' };
    this.limiter = redis ? new RateLimiterRedis({ ...opts, storeClient: redis }) : new RateLimiterMemory(opts);
  }

  /** Counts one attempt; false when this address is over its limit. */
  async take(ip: string): Promise<boolean> {
    try {
      await this.limiter.consume(ip || 'unknown');
      return true;
    } catch (e) {
      if (e instanceof RateLimiterRes) return false;
      throw e;
    }
  }
}
