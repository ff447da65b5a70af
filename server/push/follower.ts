import { isLanguage, type Language } from '../../i18n/index.ts';
import {
  activeTeamMembers,
  claimAlert,
  conversationForPush,
  deleteSubscription,
  hasSubscriptions,
  latestCustomerMessage,
  messageForPush,
  pruneClaims,
  recordPushFailure,
  recordPushSuccess,
  targetsFor,
  type PushTarget,
} from '../../db/queries/push.ts';
import type { StoredEvent } from '../events/bus.ts';
import { deliveryOptions, planAlerts, pushPayload, topicOf, type AlertEvent, type PlannedAlert, type PushPayload } from '../domain/push.ts';
import { OrgFlags } from '../events/org-flags.ts';
import { Pump } from '../jobs/pump.ts';
import type { Services } from '../services/index.ts';
import { sendPush } from './send.ts';
import { vapidKeys, type VapidKeys } from './vapid.ts';

/** The channel db/migrations/push/0002_subscriptions_notify.sql notifies on. */
export const SUBSCRIPTIONS_CHANNEL = 'atende_push_subscriptions';

/** An event older than this when a process gets to it (a catch-up after a reconnect) is not news any more. */
const STALE_MS = 10 * 60_000;
const PRUNE_EVERY_MS = 60 * 60_000;
const CLAIMS_KEPT_MS = 24 * 60 * 60_000;
const POLL_MS = 30_000;
/** Notifications being sent at once by one process. */
const MAX_SENDING = 64;
/** Events waiting for a decision; past this (a flood, a stuck database) the oldest are dropped: they would be stale. */
const MAX_QUEUED = 10_000;

/** The bus events that can make an alert, narrowed to the shape the rules read. */
function asAlertEvent(e: StoredEvent): AlertEvent | null {
  if (e.type === 'queue.changed' && e.data.status === 'waiting') return { type: 'queue.changed', data: e.data };
  if (e.type === 'message.created' && e.data.direction === 'in' && e.data.status === 'received' && e.data.assigneeId) {
    return { type: 'message.created', data: e.data };
  }
  return null;
}

/**
 * Push notifications from committed domain events (docs/operations.md "Push notifications").
 * Every process follows the event bus; for each alert an event makes (server/domain/push.ts),
 * the first process to claim its key in `push_claims` sends it, so a user gets each alert once
 * however many processes run. Sends run after the event committed, outside any transaction.
 */
export interface PushOptions {
  /** Called once this process is done with an event that could make an alert (sent, or left to another process); tests wait on it. */
  onHandled?: (eventId: string) => void;
}

export function startPush(s: Services, options: PushOptions = {}): { stop(): Promise<void> } {
  const queue: { id: string; orgId: string; at: string; event: AlertEvent }[] = [];
  const subscribed = new OrgFlags(s.sql, SUBSCRIPTIONS_CHANNEL, (orgId) => hasSubscriptions(s.sql, orgId));
  void subscribed.start();
  let keys: VapidKeys | null = null;
  const sending = new Set<Promise<void>>();
  let lastPrune = 0;

  const handle = async (orgId: string, event: AlertEvent): Promise<void> => {
    // Nobody of the organization subscribed a device: nothing to decide, and no query (this
    // process remembers it until a subscription comes or goes).
    if (!(await subscribed.has(orgId))) return;
    const now = new Date();
    const conversation = await conversationForPush(s.sql, orgId, event.data.conversationId);
    for (const plan of planAlerts(event, conversation, now)) {
      if (!conversation || !(await claimAlert(s.sql, orgId, plan.key))) continue;
      const message =
        event.type === 'message.created' && plan.alert === 'message'
          ? await messageForPush(s.sql, orgId, event.data.messageId)
          : await latestCustomerMessage(s.sql, orgId, conversation.id);
      await send(orgId, plan, (lang) => pushPayload(lang, plan.alert, conversation, message), now);
    }
  };

  const send = async (orgId: string, plan: PlannedAlert, payloadIn: (lang: Language) => PushPayload, now: Date) => {
    const userIds =
      'team' in plan.to
        ? (await activeTeamMembers(s.sql, orgId, plan.to.team)).filter((u) => !('team' in plan.to && plan.to.except.includes(u)))
        : plan.to.users;
    const targets = await targetsFor(s.sql, orgId, userIds, plan.alert, {
      idleDays: s.env.SESSION_IDLE_DAYS,
      maxDays: s.env.SESSION_MAX_DAYS,
    });
    if (targets.length === 0) return;
    keys ??= await vapidKeys(s.sql, s.env);
    const signing = keys;
    const options = deliveryOptions(plan, now);
    for (const target of targets) {
      const payload = payloadIn(isLanguage(target.language) ? target.language : 'pt-BR');
      // Sends run beside the next decisions: a slow push service (up to its timeout) holds
      // one slot, not every alert after it.
      while (sending.size >= MAX_SENDING) await Promise.race(sending);
      const done: Promise<void> = deliver(orgId, target, payload, options, signing).finally(() => sending.delete(done));
      sending.add(done);
    }
  };

  const deliver = async (
    orgId: string,
    target: PushTarget,
    payload: PushPayload,
    options: ReturnType<typeof deliveryOptions>,
    signing: VapidKeys,
  ): Promise<void> => {
    try {
      const outcome = await sendPush(target, payload, { ...options, topic: topicOf(payload.tag) }, signing);
      if (outcome.result === 'sent') await recordPushSuccess(s.sql, orgId, target.id);
      else if (outcome.result === 'gone') await deleteSubscription(s.sql, orgId, target.id);
      else {
        await recordPushFailure(s.sql, orgId, target.id);
        s.log.warn(
          { part: 'push', subscription: target.id, status: outcome.status, error: outcome.error },
          'push notification not accepted',
        );
      }
    } catch (err) {
      s.log.error({ err, part: 'push', subscription: target.id }, 'push notification failed');
    }
  };

  const pump = new Pump(
    async () => {
      while (queue.length > 0) {
        const next = queue.shift()!;
        try {
          if (Date.now() - new Date(next.at).getTime() <= STALE_MS) await handle(next.orgId, next.event);
        } catch (err) {
          // One alert lost, not the follower: the next event is handled.
          s.log.error({ err, part: 'push' }, 'push notification failed');
        }
        options.onHandled?.(next.id);
      }
      if (Date.now() - lastPrune > PRUNE_EVERY_MS) {
        lastPrune = Date.now();
        await pruneClaims(s.sql, new Date(Date.now() - CLAIMS_KEPT_MS));
      }
    },
    (err) => s.log.error({ err, part: 'push' }, 'push cycle failed; the next one retries'),
  );
  const unsubscribe = s.bus.subscribe((e) => {
    const event = asAlertEvent(e);
    if (!event) return;
    if (queue.length >= MAX_QUEUED) {
      queue.shift();
      s.log.warn({ part: 'push' }, 'push queue full; the oldest alert was dropped');
    }
    queue.push({ id: e.id, orgId: e.orgId, at: e.at, event });
    pump.wake();
  });
  pump.start(POLL_MS);
  return {
    async stop() {
      unsubscribe();
      queue.length = 0;
      await pump.stop();
      await Promise.allSettled([...sending]);
      await subscribed.stop();
    },
  };
}
