import type { Db } from '../sql.ts';

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

/**
 * Stores the event and notifies every process in the same statement's transaction, so the
 * NOTIFY goes out exactly when the change that caused it commits.
 */
export async function insertEvent(db: Db, orgId: string, type: string, data: EventRow['data'], locked = false): Promise<EventRow> {
  // Ids must follow commit order inside an organization, or a stream resuming "after id N"
  // could skip an event that committed later with a smaller id. The lock is held to commit,
  // so events are written at the very end of a transaction (EventBus defers them).
  if (!locked) await lockEvents(db, orgId);
  const rows = await db`
    WITH e AS (
      INSERT INTO events (org_id, type, data) VALUES (${orgId}, ${type}, ${db.json(data as never)})
      RETURNING id::text, org_id, type, data, at
    )
    SELECT e.*, pg_notify(${EVENTS_CHANNEL}, json_build_object('id', e.id, 'orgId', e.org_id, 'type', e.type, 'data', e.data, 'at', e.at)::text)
    FROM e`;
  const r = rows[0]!;
  return {
    id: r.id as string,
    orgId: r.org_id as string,
    type: r.type as string,
    data: r.data as EventRow['data'],
    at: (r.at as Date).toISOString(),
  };
}

export async function eventsAfter(db: Db, orgId: string, afterId: string, limit = 500): Promise<EventRow[]> {
  const rows = await db`SELECT id::text, org_id, type, data, at FROM events
    WHERE org_id = ${orgId} AND events.id > ${afterId}::bigint ORDER BY events.id LIMIT ${limit}`;
  return rows.map((r) => ({
    id: r.id as string,
    orgId: r.org_id as string,
    type: r.type as string,
    data: r.data as EventRow['data'],
    at: (r.at as Date).toISOString(),
  }));
}

export async function latestEventId(db: Db, orgId: string): Promise<string> {
  const rows = await db`SELECT coalesce(max(id), 0)::text AS id FROM events WHERE org_id = ${orgId}`;
  return rows[0]!.id as string;
}

export async function pruneEvents(db: Db, keepHours: number): Promise<void> {
  await db`DELETE FROM events WHERE at < now() - ${keepHours}::int * interval '1 hour'`;
}

export async function lockEvents(db: Db, orgId: string): Promise<void> {
  await db`SELECT pg_advisory_xact_lock(hashtext(${`atende_events:${orgId}`}))`;
}
