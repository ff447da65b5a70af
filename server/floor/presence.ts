import { randomUUID } from 'node:crypto';
import {
  beatProcess,
  deleteDeadProcesses,
  deviceClosed,
  deviceOpened,
  disconnectPastGrace,
  markDevicesLost,
  unregisterProcess,
  updateConnectionCounts,
} from '../../db/queries/presence.ts';
import { runTx, type Sql } from '../../db/sql.ts';
import type { EventBus } from '../events/bus.ts';
import type { Logger } from '../log.ts';
import type { Services } from '../services/index.ts';

const HEARTBEAT_MS = 10_000;

interface Held {
  orgId: string;
  userId: string;
  /** Live connections of the user on this process (event streams and /sync sockets). */
  count: number;
  /** What the database holds for this process: a device row or none. */
  written: 'open' | 'closed';
  /** The count changed since the row was written (the heartbeat writes it). */
  dirty: boolean;
}

/**
 * Presence of this process (issue 12): counts each agent's live connections here and keeps
 * `agent_devices` and `users.connected` true to them across processes. Only the transitions
 * (a user's first connection here, their last one gone) write, one write at a time per user
 * (a promise chain), each writing the state as it is when its turn comes, so a quick
 * open/close/open ends with the right row. Database errors are logged, never thrown at the
 * socket. The heartbeat keeps this process live for the others; the sweep (sweepPresence)
 * settles what dead processes and ended grace periods leave.
 */
export class Presence {
  readonly processId = randomUUID();
  private held = new Map<string, Held>();
  private chains = new Map<string, Promise<void>>();
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    private sql: Sql,
    private bus: EventBus,
    private log: Logger,
  ) {}

  /** Registers this process and heartbeats every 10 s. */
  async start(): Promise<void> {
    await beatProcess(this.sql, this.processId);
    this.timer = setInterval(() => void this.heartbeat(), HEARTBEAT_MS);
    this.timer.unref();
  }

  /** One beat (exposed for tests): re-registers after being swept as dead and writes this process's devices again. */
  async heartbeat(): Promise<void> {
    if (this.stopped) return;
    try {
      const known = await beatProcess(this.sql, this.processId);
      for (const h of this.held.values()) {
        // Swept as dead (a stall past the liveness window): the rows went, write them again.
        if (!known && h.count > 0) this.settle(h, true);
        // A write that failed is tried again.
        else if ((h.count > 0 ? 'open' : 'closed') !== h.written) this.settle(h);
      }
      const dirty = [...this.held.values()].filter((h) => h.dirty && h.written === 'open');
      for (const h of dirty) h.dirty = false;
      await updateConnectionCounts(
        this.sql,
        this.processId,
        dirty.map((h) => ({ userId: h.userId, connections: h.count })),
      );
    } catch (err) {
      this.log.warn({ err }, 'presence heartbeat failed; will retry');
    }
  }

  /** A connection of the user opened here; returns its release (idempotent). */
  connect(orgId: string, userId: string): () => void {
    if (this.stopped) return () => {};
    const key = `${orgId}:${userId}`;
    // Kept while its count is above 0: the release below finds the same entry.
    const h: Held = this.held.get(key) ?? { orgId, userId, count: 0, written: 'closed', dirty: false };
    this.held.set(key, h);
    h.count++;
    h.dirty = true;
    if (h.count === 1) this.settle(h);
    let released = false;
    return () => {
      if (released || this.stopped) return;
      released = true;
      h.count--;
      h.dirty = true;
      if (h.count === 0) this.settle(h);
    };
  }

  /** Queues a write of the user's state, behind the writes already queued for them. */
  private settle(h: Held, force = false): void {
    const key = `${h.orgId}:${h.userId}`;
    const next = (this.chains.get(key) ?? Promise.resolve())
      .then(() => this.write(h, force))
      .catch((err: unknown) => this.log.warn({ err, userId: h.userId }, 'presence not written; the next heartbeat retries'));
    this.chains.set(key, next);
    void next.then(() => {
      if (this.chains.get(key) === next) this.chains.delete(key);
      if (h.count === 0 && h.written === 'closed' && this.held.get(key) === h) this.held.delete(key);
    });
  }

  private async write(h: Held, force: boolean): Promise<void> {
    if (this.stopped) return;
    const want = h.count > 0 ? 'open' : 'closed';
    if (want === h.written && !force) return;
    if (want === 'open') {
      const connections = h.count;
      await runTx(this.sql, async (tx) => {
        if (await deviceOpened(tx, this.processId, h.orgId, h.userId, connections)) {
          await this.bus.publish(tx, h.orgId, 'user.presence', { userId: h.userId, connected: true });
        }
      });
      if (h.count === connections) h.dirty = false;
    } else {
      await runTx(this.sql, (tx) => deviceClosed(tx, this.processId, h.orgId, h.userId));
    }
    h.written = want;
  }

  /**
   * This process stops (before the database closes): pending writes finish, its row and
   * devices go, and its users left with no device elsewhere start their grace period.
   */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await Promise.allSettled([...this.chains.values()]);
    this.held.clear();
    try {
      await runTx(this.sql, (tx) => unregisterProcess(tx, this.processId));
    } catch (err) {
      this.log.warn({ err }, 'presence: could not unregister this process; the sweep will');
    }
  }
}

/**
 * The presence sweep (idempotent; several processes may run it at once): dead processes go
 * with their devices; users left with no live device start their grace period now; users
 * whose grace ended before `now` are no longer connected (announced once, by whichever
 * process turned them). Process liveness is by the database's clock; the grace by `now`.
 */
export async function sweepPresence(s: Pick<Services, 'sql' | 'bus'>, now: Date): Promise<void> {
  await deleteDeadProcesses(s.sql);
  await markDevicesLost(s.sql, now);
  await runTx(s.sql, async (tx) => {
    for (const { orgId, userId } of await disconnectPastGrace(tx, now)) {
      await s.bus.publish(tx, orgId, 'user.presence', { userId, connected: false });
    }
  });
}
