import { EVENTS_CHANNEL, insertEvent, type StoredEvent } from '../../db/queries/events.ts';
import type { Db, Sql } from '../../db/sql.ts';
import type { Logger } from '../log.ts';

export type { StoredEvent };
export type EventListener = (event: StoredEvent) => void;

/**
 * The event bus: domain events (ids, not payloads) stored in `events` and broadcast with
 * PostgreSQL NOTIFY, so every server process sees every event with no extra service.
 * Publishing inside a transaction means the event exists exactly when the change commits.
 */
export class EventBus {
  private listeners = new Set<EventListener>();
  private unlisten: (() => Promise<void>) | null = null;

  constructor(private sql: Sql, private log: Logger) {}

  async start(): Promise<void> {
    const sub = await this.sql.listen(
      EVENTS_CHANNEL,
      (payload) => {
        let event: StoredEvent;
        try {
          event = JSON.parse(payload) as StoredEvent;
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

  publish(db: Db, orgId: string, type: string, data: StoredEvent['data'] = {}): Promise<StoredEvent> {
    return insertEvent(db, orgId, type, data);
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
