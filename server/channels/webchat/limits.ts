import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';

export interface WebchatLimitOptions {
  sessionsPerIpPerMinute?: number;
  messagesPerVisitorPerMinute?: number;
  messagesPerIpPerMinute?: number;
  uploadsPerVisitorPerMinute?: number;
}

export type LimitKind = 'sessionIp' | 'messageVisitor' | 'messageIp' | 'uploadVisitor';

/**
 * Anti-automation for the public widget API, shared across processes through Redis when
 * configured. Generous: a person typing never meets them; a script does. The per-IP limits
 * are looser than the per-visitor ones because a whole office may share one address.
 */
export class WebchatLimits {
  private limiters: Record<LimitKind, RateLimiterAbstract>;

  constructor(o: WebchatLimitOptions = {}, redis?: Redis | null) {
    const make = (keyPrefix: string, points: number): RateLimiterAbstract => {
      const opts = { points, duration: 60, keyPrefix: `atende_webchat_${keyPrefix}` };
      return redis ? new RateLimiterRedis({ ...opts, storeClient: redis }) : new RateLimiterMemory(opts);
    };
    this.limiters = {
      sessionIp: make('session_ip', o.sessionsPerIpPerMinute ?? 20),
      messageVisitor: make('message_visitor', o.messagesPerVisitorPerMinute ?? 30),
      messageIp: make('message_ip', o.messagesPerIpPerMinute ?? 300),
      uploadVisitor: make('upload_visitor', o.uploadsPerVisitorPerMinute ?? 10),
    };
  }

  /** Counts one request; false when the key is over its limit. */
  async take(kind: LimitKind, key: string): Promise<boolean> {
    try {
      await this.limiters[kind].consume(key || 'unknown');
      return true;
    } catch (e) {
      if (e instanceof RateLimiterRes) return false;
      throw e;
    }
  }
}
