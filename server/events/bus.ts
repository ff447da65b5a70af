import {
  allEventsAfter,
  EVENTS_CHANNEL,
  hasPendingEvents,
  lastEventId,
  queueEvents,
  sequenceEvents,
  type EventRow,
  type NewEvent,
} from '../../db/queries/events.ts';
import { afterCommit, beforeCommit, type Db, type Sql } from '../../db/sql.ts';
import type { EventData, EventType } from '../../shared/events.ts';
import type { Logger } from '../log.ts';
import { forgetOrganization, forgetUser } from '../auth/session-cache.ts';

/** Which cached sessions an event's change makes stale (server/auth/session-cache.ts), as a function to run after COMMIT. */
function forgetCachedSessions(orgId: string, type: EventType, data: Record<string, unknown>): (() => void) | null {
  if (type === 'org.updated' || type === 'team.updated') return () => forgetOrganization(orgId);
  if ((type === 'user.updated' || type === 'user.deactivated' || type === 'user.sessions_revoked') && typeof data.userId === 'string') {
    const userId = data.userId;
    return () => forgetUser(userId);
  }
  return null;
}

/** A published event (shared/events.ts) with its id, organization and time; narrow it by `type`. */
export type StoredEvent<T extends EventType = EventType> = {
  [K in T]: { id: string; orgId: string; at: string; type: K; data: EventData<K> };
}[T];
export type EventListener = (event: StoredEvent) => void;

/** A row of `events` as the event it is: only `publish` writes that table, with the catalogue's types. */
export const storedEvent = (row: EventRow): StoredEvent => row as unknown as StoredEvent;

/** How often each process looks for events nobody numbered (a writer that died after its commit). */
const SWEEP_MS = 1000;
const PAGE = 1000;

/**
 * The event bus: domain events (ids, not payloads) stored in `events` and followed by every
 * server process, with no extra service. See docs/architecture.md "Events":
 * - a transaction writes its events into `pending_events` just before COMMIT — no lock, no
 *   NOTIFY, so one organization's writes commit in parallel, from any number of processes;
 * - after the commit, the writing process runs the sequencer (db/queries/events.ts
 *   sequenceEvents): committed events get their `events.id` in commit order, one NOTIFY per run;
 *   the command answers once that is done, so its events are in `events` when it returns;
 * - every process, woken by that NOTIFY, reads `events` after the last id it delivered and
 *   hands them to its listeners in id order (also after its LISTEN connection comes back).
 */
export class EventBus {
  private listeners = new Set<EventListener>();
  private unlisten: (() => Promise<void>) | null = null;
  private sweep: NodeJS.Timeout | null = null;
  private deferred = new WeakMap<object, NewEvent[]>();
  /** The last id handed to listeners; null until start. */
  private delivered: bigint | null = null;
  private reading: Promise<void> | null = null;
  private readAgain = false;
  private sequencing: Promise<void> | null = null;
  private sequenceAgain: Promise<void> | null = null;

  constructor(
    private sql: Sql,
    private log: Logger,
  ) {}

  async start(): Promise<void> {
    this.delivered = BigInt(await lastEventId(this.sql));
    const sub = await this.sql.listen(
      EVENTS_CHANNEL,
      (payload) => {
        if (!/^\d+$/.test(payload)) return this.log.warn({ payload }, 'unreadable event notification');
        if (this.delivered !== null && BigInt(payload) > this.delivered) void this.read();
      },
      // Also on every reconnect of the LISTEN connection: catch up on what it missed.
      () => void this.read(),
    );
    this.unlisten = () => sub.unlisten();
    this.sweep = setInterval(() => {
      hasPendingEvents(this.sql)
        .then((any) => (any ? this.sequence() : undefined))
        .catch((err: unknown) => this.log.warn({ err }, 'event sweep failed; will retry'));
    }, SWEEP_MS);
    this.sweep.unref();
  }

  /**
   * Publishes inside the caller's transaction: in a runTx transaction the events are written
   * just before COMMIT and numbered right after it; on the pool, at once.
   */
  async publish<T extends EventType>(db: Db, orgId: string, type: T, data: EventData<T>): Promise<void> {
    // The catalogue's data are ids and states: JSON as they are.
    const event: NewEvent = { orgId, type, data: data as unknown as EventRow['data'] };
    // What this process's cached sessions carry (organization settings, a user, team
    // memberships) is dropped as soon as the change commits, before the command answers: the
    // database's NOTIFY (which every process, this one included, also gets) arrives a moment
    // later, and a request of this process in between must not see the old settings.
    const forget = forgetCachedSessions(orgId, type, data as Record<string, unknown>);
    if (forget && !afterCommit(db, async () => forget())) forget();
    let list = this.deferred.get(db);
    if (!list) {
      const fresh: NewEvent[] = [];
      // One statement, sent with COMMIT (db/sql.ts beforeCommit).
      if (!beforeCommit(db, () => queueEvents(db, fresh), { withCommit: true })) {
        await queueEvents(db, [event]);
        // On the pool the row is committed now; in a transaction not opened by runTx (none in
        // the app) the sweep numbers it once that commits.
        if ('begin' in db) await this.sequence();
        return;
      }
      afterCommit(db, () => this.sequence());
      this.deferred.set(db, fresh);
      list = fresh;
    }
    list.push(event);
  }

  /**
   * Numbers what has committed, once per call at least: a call during a run waits for the
   * next run (which starts after the current ends, so it sees the caller's commit); calls
   * during that wait share it. Never rejects: a failure is logged and the sweep retries.
   */
  sequence(): Promise<void> {
    if (!this.sequencing) {
      this.sequencing = sequenceEvents(this.sql)
        .then(() => undefined)
        .catch((err: unknown) => this.log.warn({ err }, 'event sequencing failed; the sweep retries'))
        .finally(() => {
          this.sequencing = null;
        });
      return this.sequencing;
    }
    this.sequenceAgain ??= this.sequencing.then(() => {
      this.sequenceAgain = null;
      return this.sequence();
    });
    return this.sequenceAgain;
  }

  /** Delivers every event after the last one delivered, in id order; one reader at a time. */
  private read(): Promise<void> {
    if (this.reading) {
      this.readAgain = true;
      return this.reading;
    }
    this.reading = (async () => {
      do {
        this.readAgain = false;
        for (;;) {
          const rows = await allEventsAfter(this.sql, String(this.delivered ?? 0n), PAGE);
          for (const row of rows) this.deliver(storedEvent(row));
          if (rows.length < PAGE) break;
        }
      } while (this.readAgain);
    })()
      .catch((err: unknown) => this.log.warn({ err }, 'reading events failed; the next notification retries'))
      .finally(() => {
        this.reading = null;
      });
    return this.reading;
  }

  private deliver(event: StoredEvent): void {
    this.delivered = BigInt(event.id);
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (err) {
        this.log.error({ err, type: event.type }, 'event listener failed');
      }
    }
  }

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async stop(): Promise<void> {
    if (this.sweep) clearInterval(this.sweep);
    this.sweep = null;
    // What this process committed gets its number before it goes.
    await this.sequenceAgain;
    await this.sequencing;
    this.listeners.clear();
    await this.unlisten?.().catch(() => {});
    this.unlisten = null;
    await this.reading;
  }
}
