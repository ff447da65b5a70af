import { leaseDue, pruneDeliveries, releaseExpiredLeases } from '../../db/queries/webhooks.ts';
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

/** Events that never become webhooks: they do not wake the follower. */
const QUIET = new Set(['user.presence', 'user.status', 'read.marked', 'chat.members', 'chat.message', 'notes.changed']);

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
  const follower = new Pump(
    async () => {
      if ((await followAll(s)) > 0) sender.wake();
    },
    (err) => s.log.warn({ err, part: 'webhooks' }, 'webhook follower cycle failed; will retry'),
  );
  // Idempotent, so every process may run it.
  const pruner = new Pump(
    () => pruneDeliveries(s.sql, KEEP_DAYS),
    (err) => s.log.warn({ err, part: 'webhooks' }, 'pruning the webhook delivery log failed; will retry'),
  );
  const unsubscribe = s.bus.subscribe((e) => {
    if (!QUIET.has(e.type)) follower.wake();
  });
  const pollMs = options.pollMs ?? 1000;
  follower.start(pollMs * 5);
  sender.start(pollMs);
  pruner.start(3600_000);
  return {
    wake() {
      follower.wake();
      sender.wake();
    },
    async stop() {
      unsubscribe();
      await Promise.all([follower.stop(), sender.stop(), pruner.stop()]);
    },
  };
}
