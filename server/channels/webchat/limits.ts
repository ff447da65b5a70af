import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';

export interface WebchatLimitOptions {
  sessionsPerIpPerMinute?: number;
  messagesPerVisitorPerMinute?: number;
  messagesPerIpPerMinute?: number;
  uploadsPerVisitorPerMinute?: number;
  /** Bytes one address may store through /webchat/upload per hour, all its visitors together. */
  uploadBytesPerIpPerHour?: number;
}

export type LimitKind = 'sessionIp' | 'messageVisitor' | 'messageIp' | 'uploadVisitor';

/**
 * Anti-automation for the public widget API, shared across processes through Redis when
 * configured. Generous: a person typing never meets them; a script does. The per-IP limits
 * are looser than the per-visitor ones because a whole office may share one address.
 */
export class WebchatLimits {
  private limiters: Record<LimitKind, RateLimiterAbstract>;
  /**
   * Upload bytes per address and hour. Visitors are cheap (a script opens 20 a minute), so a
   * per-visitor limit alone does not bound what one address stores.
   */
  private uploadBytesIp: RateLimiterAbstract;

  constructor(o: WebchatLimitOptions = {}, redis?: Redis | null) {
    const make = (keyPrefix: string, points: number, duration = 60): RateLimiterAbstract => {
      const opts = { points, duration, keyPrefix: `atende_webchat_${keyPrefix}` };
      return redis ? new RateLimiterRedis({ ...opts, storeClient: redis }) : new RateLimiterMemory(opts);
    };
    this.uploadBytesIp = make('upload_bytes_ip', o.uploadBytesPerIpPerHour ?? 200 * 1024 * 1024, 3600);
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

  /** Seconds until this address may upload again, or 0 when some of its hourly budget is left. */
  async uploadBudgetSpent(ip: string): Promise<number> {
    const res = await this.uploadBytesIp.get(ip || 'unknown');
    return res && res.remainingPoints <= 0 ? Math.max(1, Math.ceil(res.msBeforeNext / 1000)) : 0;
  }

  /**
   * Counts a stored file's bytes toward the address's budget. When they do not fit, nothing
   * is counted (the file is refused and removed) and the answer is the seconds to wait.
   */
  async takeUploadBytes(ip: string, bytes: number): Promise<{ ok: true } | { ok: false; retryAfter: number }> {
    const key = ip || 'unknown';
    try {
      await this.uploadBytesIp.consume(key, bytes);
      return { ok: true };
    } catch (e) {
      if (!(e instanceof RateLimiterRes)) throw e;
      // consume counted them even though it refused: give them back.
      await this.uploadBytesIp.reward(key, bytes);
      return { ok: false, retryAfter: Math.max(1, Math.ceil(e.msBeforeNext / 1000)) };
    }
  }

  /** Gives back bytes counted for a file that was not kept after all. */
  async returnUploadBytes(ip: string, bytes: number): Promise<void> {
    await this.uploadBytesIp.reward(ip || 'unknown', bytes);
  }
}
