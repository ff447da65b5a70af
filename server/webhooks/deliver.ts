import {
  endpointFailed,
  endpointSucceeded,
  getEndpoint,
  settleAttempt,
  type WebhookDelivery,
  type WebhookEndpoint,
} from '../../db/queries/webhooks.ts';
import { runTx } from '../../db/sql.ts';
import { retryDelayMs, shouldDisable, signatureHeader, TEST_EVENT } from '../domain/webhooks.ts';
import type { Services } from '../services/index.ts';
import { disableForFailure } from './disable.ts';
import { checkTarget, postTo, type PostResult } from './target.ts';

/** The secrets that sign now: the current one, and the one before a rotation during its overlap. */
export function signingSecrets(e: WebhookEndpoint, now: Date): string[] {
  const previous = e.previousSecret && e.previousSecretUntil && e.previousSecretUntil > now ? [e.previousSecret] : [];
  return [e.secret, ...previous];
}

/**
 * One attempt of a leased delivery: the target checked again (its DNS may have changed since
 * registration), the body signed with the attempt's time, sent with the delivery's id for the
 * receiver's dedupe. A 2xx delivers it; anything else is retried on the schedule.
 */
export async function attemptDelivery(s: Services, d: WebhookDelivery): Promise<PostResult & { delivered: boolean }> {
  const endpoint = await getEndpoint(s.sql, d.orgId, d.endpointId);
  if (!endpoint) return { delivered: false, statusCode: null, excerpt: 'atende:removed' };
  const body = JSON.stringify(d.payload);
  const target = await checkTarget(endpoint.url, s.env.WEBHOOK_ALLOW_PRIVATE === true);
  let result: PostResult;
  if ('refused' in target) result = { statusCode: null, excerpt: `atende:refused:${target.refused}` };
  else {
    const now = new Date();
    const timestamp = Math.floor(now.getTime() / 1000);
    result = await postTo(
      target,
      body,
      {
        'user-agent': 'Atende-Webhooks/1',
        'atende-delivery': d.id,
        'atende-event': d.eventType,
        'atende-signature': signatureHeader(signingSecrets(endpoint, now), timestamp, body),
      },
      s.env.WEBHOOK_TIMEOUT_SECONDS * 1000,
    );
  }
  const delivered = result.statusCode !== null && result.statusCode >= 200 && result.statusCode < 300;
  await settle(s, d, endpoint, delivered, result);
  return { ...result, delivered };
}

async function settle(s: Services, d: WebhookDelivery, endpoint: WebhookEndpoint, delivered: boolean, r: PostResult): Promise<void> {
  const error = delivered ? null : r.excerpt.slice(0, 500) || `HTTP ${r.statusCode}`;
  const excerpt = delivered ? r.excerpt.slice(0, 500) || null : error;
  if (d.eventType === TEST_EVENT) {
    // The admin's test: one attempt, no retries, and the endpoint's record is left alone.
    await settleAttempt(s.sql, d.id, { status: delivered ? 'delivered' : 'failed', statusCode: r.statusCode, error: excerpt });
    return;
  }
  if (delivered) {
    await runTx(s.sql, async (tx) => {
      await settleAttempt(tx, d.id, { status: 'delivered', statusCode: r.statusCode, error: excerpt });
      await endpointSucceeded(tx, d.orgId, d.endpointId);
    });
    return;
  }
  const wait = retryDelayMs(d.attempts);
  await runTx(s.sql, async (tx) => {
    await settleAttempt(tx, d.id, {
      status: wait === null ? 'failed' : 'pending',
      statusCode: r.statusCode,
      error,
      ...(wait === null ? {} : { retryInMs: wait }),
    });
    const counted = await endpointFailed(tx, d.orgId, d.endpointId);
    if (counted?.active && shouldDisable(counted.failingSince, counted.consecutiveFailures, new Date())) {
      await disableForFailure(s, tx, counted);
    }
  });
  s.log.info(
    { part: 'webhooks', deliveryId: d.id, endpoint: endpoint.id, statusCode: r.statusCode, attempts: d.attempts },
    'webhook attempt failed',
  );
}
