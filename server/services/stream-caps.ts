/** One admitted stream: release it when the stream ends (idempotent). */
export interface StreamSlot {
  release(): void;
}

interface Held {
  ip: string;
  evict: () => void;
  drain?: () => void;
  slot: StreamSlot;
}

/**
 * Caps on the long-lived streams of one kind (events.stream, /webchat/stream) held by this
 * process: per owner (a session, a visitor) the newest wins — one more than `perOwner`
 * ends the oldest —, per client address the ones beyond `perIp` are refused. Per process:
 * with several processes behind a balancer, each allows as many (the counts are in memory,
 * like the streams themselves).
 */
export class StreamCaps {
  /** Each owner's streams, oldest first (a Set keeps insertion order). */
  private owners = new Map<string, Set<Held>>();
  private ips = new Map<string, number>();
  /** Set by drain(): streams admitted from now on are told to end at once. */
  private draining = false;

  constructor(
    readonly perOwner: number,
    readonly perIp: number,
  ) {}

  /**
   * Admits a new stream of `owner` from `ip`, or null when that address holds `perIp`
   * streams already. Streams of the owner beyond the cap, oldest first, are released and
   * told to end (`evict`, called synchronously) before the new one counts.
   */
  admit(owner: string, ip: string, evict: () => void, drain?: () => void): StreamSlot | null {
    const mine = this.owners.get(owner) ?? new Set<Held>();
    const victims = [...mine].slice(0, Math.max(0, mine.size - this.perOwner + 1));
    const freedHere = victims.filter((v) => v.ip === ip).length;
    if ((this.ips.get(ip) ?? 0) - freedHere >= this.perIp) return null;
    for (const v of victims) {
      v.slot.release();
      v.evict();
    }
    this.owners.set(owner, mine);
    this.ips.set(ip, (this.ips.get(ip) ?? 0) + 1);
    let released = false;
    const held: Held = {
      ip,
      evict,
      drain,
      slot: {
        release: () => {
          if (released) return;
          released = true;
          mine.delete(held);
          if (mine.size === 0 && this.owners.get(owner) === mine) this.owners.delete(owner);
          const n = (this.ips.get(ip) ?? 1) - 1;
          if (n > 0) this.ips.set(ip, n);
          else this.ips.delete(ip);
        },
      },
    };
    mine.add(held);
    if (this.draining) drain?.();
    return held.slot;
  }

  /**
   * The process drains (SIGTERM): every stream admitted with a `drain` callback is told to
   * end (cleanly, so its client reconnects — to another process — and resumes), and so is
   * any admitted later.
   */
  drain(): void {
    this.draining = true;
    for (const mine of this.owners.values()) for (const held of [...mine]) held.drain?.();
  }

  /** Streams open from one address (for tests and metrics). */
  openFrom(ip: string): number {
    return this.ips.get(ip) ?? 0;
  }
}
