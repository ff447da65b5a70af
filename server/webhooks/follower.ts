import { listEndpoints, lockCursor, moveCursor, orgEventsAfter, queueDelivery } from '../../db/queries/webhooks.ts';
import { runTx } from '../../db/sql.ts';
import type { Services } from '../services/index.ts';
import { webhookEventsOf } from './events.ts';

const BATCH = 200;

/**
 * Turns one organization's committed events into deliveries, once: the cursor row is locked
 * (FOR UPDATE SKIP LOCKED) for the transaction that reads the events after it, queues the
 * deliveries and moves it, so with several processes each event is followed by exactly one
 * of them, and a crash in between leaves the cursor where it was (nothing queued either).
 * `events.id` follows commit order (server/events/bus.ts), so "after the cursor" misses
 * nothing. Returns how many events it read (BATCH: there may be more) and deliveries queued.
 */
export async function followOrganization(s: Services, orgId: string): Promise<{ read: number; queued: number }> {
  return runTx(
    s.sql,
    async (tx) => {
      const cursor = await lockCursor(tx, orgId);
      if (cursor === null) return { read: 0, queued: 0 };
      const endpoints = (await listEndpoints(tx, orgId)).filter((e) => e.active);
      // No active endpoint any more (this process had not heard yet): nothing to tell, and the
      // cursor stays; the next endpoint to become active moves it to that moment and forgets
      // what was remembered of conversations (db/queries/webhooks.ts cursorForActivation).
      if (endpoints.length === 0) return { read: 0, queued: 0 };
      const events = await orgEventsAfter(tx, orgId, cursor, BATCH);
      if (events.length === 0) return { read: 0, queued: 0 };
      let queued = 0;
      for (const event of events) {
        // States are remembered even for events no endpoint asked for, so every type stays exact.
        for (const w of await webhookEventsOf(tx, orgId, event)) {
          const targets = endpoints.filter((e) => BigInt(e.afterEventId) < BigInt(event.id) && e.events.includes(w.type));
          if (targets.length === 0) continue;
          const data = await w.data();
          const payload = { id: w.key, type: w.type, occurredAt: event.occurredAt.toISOString(), organizationId: orgId, data };
          for (const endpoint of targets) {
            const fresh = await queueDelivery(tx, {
              orgId,
              endpointId: endpoint.id,
              eventKey: w.key,
              eventId: event.id,
              eventType: w.type,
              conversationId: w.conversationId,
              payload,
            });
            if (fresh) queued++;
          }
        }
      }
      await moveCursor(tx, orgId, events.at(-1)!.id);
      return { read: events.length, queued };
    },
    30_000,
  );
}

/** Each of `orgIds`, until each is caught up (or held by another process). */
export async function followAll(s: Services, orgIds: Iterable<string>): Promise<number> {
  let queued = 0;
  for (const orgId of orgIds) {
    for (;;) {
      const r = await followOrganization(s, orgId);
      queued += r.queued;
      if (r.read < BATCH) break;
    }
  }
  return queued;
}
