import { EVENTS_CHANNEL, insertEvent, lockEvents, type EventRow } from '../../db/queries/events.ts';
import { beforeCommit, type Db, type Sql } from '../../db/sql.ts';
import type { EventData, EventType } from '../../shared/events.ts';
import type { Logger } from '../log.ts';

/** A published event (shared/events.ts) with its id, organization and time; narrow it by `type`. */
export type StoredEvent<T extends EventType = EventType> = {
  [K in T]: { id: string; orgId: string; at: string; type: K; data: EventData<K> };
}[T];
export type EventListener = (event: StoredEvent) => void;

/** A row of `events` as the event it is: only `publish` writes that table, with the catalogue's types. */
export const storedEvent = (row: EventRow): StoredEvent => row as unknown as StoredEvent;

type Pending = { orgId: string; type: EventType; data: EventRow['data'] };

/**
 * The event bus: domain events (ids, not payloads) stored in `events` and broadcast with
 * PostgreSQL NOTIFY, so every server process sees every event with no extra service.
 * Publishing inside a transaction means the event exists exactly when the change commits.
 */
export class EventBus {
  private listeners = new Set<EventListener>();
  private unlisten: (() => Promise<void>) | null = null;

  constructor(
    private sql: Sql,
    private log: Logger,
  ) {}

  async start(): Promise<void> {
    const sub = await this.sql.listen(
      EVENTS_CHANNEL,
      (payload) => {
        let event: StoredEvent;
        try {
          event = storedEvent(JSON.parse(payload) as EventRow);
        } catch {
          this.log.warn({ payload }, 'unreadable event notification');
          return;
        }
        for (const listener of this.listeners) {
          try {
            listener(event);
          } catch (err) {
            this.log.error({ err, type: event.type }, 'event listener failed');
          }
        }
      },
      () => this.log.debug('event bus listening'),
    );
    this.unlisten = () => sub.unlisten();
  }

  private deferred = new WeakMap<object, Pending[]>();

  /**
   * Publishes inside the caller's transaction. In a runTx transaction the events are written
   * just before COMMIT (one lock per organization, held only for the commit itself); outside a
   * transaction, at once (and then the stored event is returned).
   */
  async publish<T extends EventType>(db: Db, orgId: string, type: T, data: EventData<T>): Promise<StoredEvent | null> {
    // The catalogue's data are ids and states: JSON as they are.
    const row = data as unknown as EventRow['data'];
    let list = this.deferred.get(db);
    if (!list) {
      const fresh: Pending[] = [];
      if (!beforeCommit(db, () => this.flush(db, fresh))) {
        // Not in a runTx transaction. On the pool, a transaction of its own: the organization's
        // event lock must be held until the insert commits (an autocommit lock statement
        // would release it at once, and an event committed later with a smaller id would be
        // skipped by streams already past it).
        const insert = (tx: Db) => insertEvent(tx, orgId, type, row);
        return storedEvent(await ('begin' in db ? (db.begin(insert) as Promise<EventRow>) : insert(db)));
      }
      this.deferred.set(db, fresh);
      list = fresh;
    }
    list.push({ orgId, type, data: row });
    return null;
  }

  private async flush(db: Db, events: Pending[]): Promise<void> {
    // Locks in a fixed order, so two transactions touching two organizations cannot deadlock.
    for (const orgId of [...new Set(events.map((e) => e.orgId))].sort()) await lockEvents(db, orgId);
    for (const e of events) await insertEvent(db, e.orgId, e.type, e.data, true);
  }

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async stop(): Promise<void> {
    this.listeners.clear();
    await this.unlisten?.().catch(() => {});
    this.unlisten = null;
  }
}
