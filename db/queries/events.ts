import type { Db, Sql } from '../sql.ts';

export const EVENTS_CHANNEL = 'atende_events';

/** An event as stored; its type and data are those of shared/events.ts (server/events/bus.ts). */
export interface EventRow {
  id: string;
  orgId: string;
  type: string;
  /** Ids and states only; a list of ids where an event names several people. */
  data: Record<string, string | number | boolean | null | string[]>;
  at: string;
}

/** An event a transaction wrote, not yet numbered (server/events/bus.ts). */
export interface NewEvent {
  orgId: string;
  type: string;
  data: EventRow['data'];
}

/**
 * Writes a transaction's events, in order, in one statement: no lock and no NOTIFY, so
 * transactions of one organization commit in parallel. They get their ids from sequenceEvents.
 */
export async function queueEvents(db: Db, events: NewEvent[]): Promise<void> {
  if (events.length === 0) return;
  await db`
    INSERT INTO pending_events (org_id, type, data)
    SELECT e.org_id, e.type, e.data
    FROM ROWS FROM (jsonb_to_recordset(${db.json(events.map((e) => ({ org_id: e.orgId, type: e.type, data: e.data })) as never)})
      AS (org_id uuid, type text, data jsonb)) WITH ORDINALITY AS e(org_id, type, data, n)
    ORDER BY e.n`;
}

/**
 * Numbers the committed pending events in commit order and publishes them: one short
 * transaction holding one lock through its COMMIT, so sequencer runs (of any process) commit
 * one after another and each run's ids are above every id already visible. A run reads only
 * rows committed before it took the lock; later ones go to the next run. One NOTIFY per run
 * (the last id) wakes every process. Returns how many events it numbered. The run is the
 * function `atende_sequence_events` (migration foundation/0005), called in autocommit: one
 * round trip, its own transaction.
 */
export async function sequenceEvents(sql: Sql, batch = 5000): Promise<number> {
  const rows = await sql`SELECT atende_sequence_events(${batch}::int, ${EVENTS_CHANNEL}) AS n`;
  return rows[0]!.n as number;
}

/** Whether any event waits for its number (a cheap look before taking the sequencer's lock). */
export async function hasPendingEvents(db: Db): Promise<boolean> {
  const rows = await db`SELECT EXISTS (SELECT 1 FROM pending_events) AS any`;
  return rows[0]!.any as boolean;
}

/** Every organization's events after `afterId`, in order (each process's bus follows these). */
export async function allEventsAfter(db: Db, afterId: string, limit = 1000): Promise<EventRow[]> {
  const rows = await db`SELECT id::text, org_id, type, data, at FROM events
    WHERE events.id > ${afterId}::bigint ORDER BY events.id LIMIT ${limit}`;
  return rows.map(toEventRow);
}

export async function lastEventId(db: Db): Promise<string> {
  const rows = await db`SELECT coalesce(max(id), 0)::text AS id FROM events`;
  return rows[0]!.id as string;
}

const toEventRow = (r: Record<string, unknown>): EventRow => ({
  id: r.id as string,
  orgId: r.org_id as string,
  type: r.type as string,
  data: r.data as EventRow['data'],
  at: (r.at as Date).toISOString(),
});

export async function eventsAfter(db: Db, orgId: string, afterId: string, limit = 500): Promise<EventRow[]> {
  const rows = await db`SELECT id::text, org_id, type, data, at FROM events
    WHERE org_id = ${orgId} AND events.id > ${afterId}::bigint ORDER BY events.id LIMIT ${limit}`;
  return rows.map(toEventRow);
}

export async function latestEventId(db: Db, orgId: string): Promise<string> {
  const rows = await db`SELECT coalesce(max(id), 0)::text AS id FROM events WHERE org_id = ${orgId}`;
  return rows[0]!.id as string;
}

export async function pruneEvents(db: Db, keepHours: number): Promise<void> {
  await db`DELETE FROM events WHERE at < now() - ${keepHours}::int * interval '1 hour'`;
}
