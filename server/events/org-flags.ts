import type { Sql } from '../../db/sql.ts';

/** Organizations remembered at most; past this the memory starts over (it is only a shortcut). */
const MAX_KNOWN = 10_000;

/**
 * One yes/no per organization ("has a webhook endpoint", "has a push subscription"), cached in
 * this process so that a follower of the event bus costs nothing per event in an organization
 * that does not use the feature. Correct across processes the way the session cache is
 * (server/auth/session-cache.ts): a database trigger NOTIFYs `channel` with the organization's
 * id whenever the answer may have changed, every process forgets that organization, and the
 * whole memory goes when the LISTEN connection comes back after a loss. A load that raced a
 * notification is answered but not kept. Until the LISTEN is in place nothing is kept (each
 * question is a query).
 */
export class OrgFlags {
  private known = new Map<string, boolean>();
  /** Bumped by every notification: a load started before one is not kept. */
  private epoch = 0;
  private listening = false;
  private unlisten: (() => Promise<void>) | null = null;
  private stopped = false;
  /** Notifications handled (tests wait on it instead of sleeping). */
  notifications = 0;

  constructor(
    private sql: Sql,
    private channel: string,
    private load: (orgId: string) => Promise<boolean>,
  ) {}

  /** Starts listening; a failure leaves the cache off (every question asks the database). */
  async start(): Promise<void> {
    try {
      const sub = await this.sql.listen(
        this.channel,
        (orgId) => {
          this.epoch++;
          this.notifications++;
          this.known.delete(orgId);
        },
        // Also after every reconnect: what changed while the connection was away was not heard.
        () => {
          this.epoch++;
          this.known.clear();
          this.listening = !this.stopped;
        },
      );
      this.unlisten = () => sub.unlisten();
      // Stopped while the LISTEN was being set up: it goes at once.
      if (this.stopped) await this.stop();
    } catch {
      this.listening = false;
    }
  }

  async has(orgId: string): Promise<boolean> {
    const cached = this.known.get(orgId);
    if (cached !== undefined) return cached;
    const mark = this.epoch;
    const answer = await this.load(orgId);
    if (this.listening && mark === this.epoch) {
      if (this.known.size >= MAX_KNOWN) this.known.clear();
      this.known.set(orgId, answer);
    }
    return answer;
  }

  /** Forgets one organization now (this process changed it; the NOTIFY follows). */
  forget(orgId: string): void {
    this.epoch++;
    this.known.delete(orgId);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.listening = false;
    this.known.clear();
    await this.unlisten?.().catch(() => {});
    this.unlisten = null;
  }
}
