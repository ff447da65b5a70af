import { followedOrganizations, isFollowed, leaseDue, pruneDeliveries, releaseExpiredLeases } from '../../db/queries/webhooks.ts';
import { OrgFlags } from '../events/org-flags.ts';
import { Pump } from '../jobs/pump.ts';
import type { Services } from '../services/index.ts';
import { attemptDelivery } from './deliver.ts';
import { followAll } from './follower.ts';

export interface WebhookOptions {
  /** How often each process looks for due deliveries and unfollowed events without being woken. */
  pollMs?: number;
}

/** Delivered and given-up deliveries stay in the log this long (docs/integrations.md). */
const KEEP_DAYS = 30;

/** Deliveries sent at once by one process. */
const PARALLEL = 8;

/** The channel db/migrations/webhooks/0002_endpoints_notify.sql notifies on. */
export const ENDPOINTS_CHANNEL = 'atende_webhook_endpoints';

/** The bus events that can become webhooks (server/webhooks/events.ts): only they wake the follower. */
const TOLD = new Set(['contact.updated', 'conversation.updated', 'queue.changed', 'message.created', 'message.status']);

export interface RunningWebhooks {
  /** Look for events to follow and deliveries due now (tests, after making one due). */
  wake(): void;
  stop(): Promise<void>;
}

/**
 * Outgoing webhooks in this process: the follower (committed events → deliveries, once per
 * organization across all processes) and the sender (due deliveries, leased, so any number
 * of processes share the queue). Woken by the event bus; a poll covers what another process
 * queued or a retry that came due.
 */
export function startWebhooks(s: Services, options: WebhookOptions = {}): RunningWebhooks {
  const sender = new Pump(
    async () => {
      await releaseExpiredLeases(s.sql);
      for (;;) {
        if (sender.stopped) return;
        // The lease outlives the longest attempt (check, connect, answer) with room to spare.
        const batch = await leaseDue(s.sql, PARALLEL, (s.env.WEBHOOK_TIMEOUT_SECONDS + 30) * 1000);
        if (batch.length === 0) return;
        await Promise.all(
          batch.map((d) =>
            attemptDelivery(s, d).catch((err: unknown) =>
              s.log.warn({ err, deliveryId: d.id }, 'webhook attempt not recorded; its lease expires and it is retried'),
            ),
          ),
        );
      }
    },
    (err) => s.log.warn({ err, part: 'webhooks' }, 'webhook delivery cycle failed; will retry'),
  );
  // Which organizations have an active endpoint, remembered by this process: an event of an
  // organization without one costs no query (the hot paths — claims, ingest, /sync — publish
  // events all the time, and most organizations may not use webhooks).
  const followed = new OrgFlags(s.sql, ENDPOINTS_CHANNEL, (orgId) => isFollowed(s.sql, orgId));
  void followed.start();
  /** Organizations woken by an event since the last cycle. */
  const woken = new Set<string>();
  const pollMs = options.pollMs ?? 1000;
  const sweepMs = pollMs * 5;
  /** When every followed organization was last looked at (the poll: retries, missed wake-ups). */
  let sweptAt = 0;
  const follower = new Pump(
    async () => {
      let orgIds: Iterable<string>;
      if (Date.now() - sweptAt >= sweepMs) {
        sweptAt = Date.now();
        woken.clear();
        orgIds = await followedOrganizations(s.sql);
      } else {
        orgIds = [...woken];
        woken.clear();
      }
      if ((await followAll(s, orgIds)) > 0) sender.wake();
    },
    (err) => s.log.warn({ err, part: 'webhooks' }, 'webhook follower cycle failed; will retry'),
  );
  // Idempotent, so every process may run it.
  const pruner = new Pump(
    () => pruneDeliveries(s.sql, KEEP_DAYS),
    (err) => s.log.warn({ err, part: 'webhooks' }, 'pruning the webhook delivery log failed; will retry'),
  );
  const unsubscribe = s.bus.subscribe((e) => {
    if (!TOLD.has(e.type) || woken.has(e.orgId)) return;
    followed
      .has(e.orgId)
      .then((yes) => {
        if (!yes || follower.stopped) return;
        woken.add(e.orgId);
        follower.wake();
      })
      .catch((err: unknown) => s.log.warn({ err, part: 'webhooks' }, 'webhook follower not woken; the poll catches up'));
  });
  follower.start(sweepMs);
  sender.start(pollMs);
  pruner.start(3600_000);
  return {
    wake() {
      sweptAt = 0;
      follower.wake();
      sender.wake();
    },
    async stop() {
      unsubscribe();
      await Promise.all([follower.stop(), sender.stop(), pruner.stop()]);
      await followed.stop();
    },
  };
}
