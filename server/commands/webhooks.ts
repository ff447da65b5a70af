import { randomBytes, randomUUID } from 'node:crypto';
import { audit } from '../../db/queries/audit.ts';
import {
  cursorForActivation,
  deleteEndpoint,
  getDelivery,
  getEndpoint,
  insertEndpoint,
  insertTestDelivery,
  listEndpoints,
  queueRedelivery,
  rotateSecret,
  updateEndpoint,
  type WebhookDelivery,
  type WebhookEndpoint,
} from '../../db/queries/webhooks.ts';
import { runTx, type Tx } from '../../db/sql.ts';
import type { Fail } from '../errors.ts';
import { TEST_EVENT } from '../domain/webhooks.ts';
import type { Services } from '../services/index.ts';
import { attemptDelivery } from '../webhooks/deliver.ts';
import { checkTarget } from '../webhooks/target.ts';

/** Who acts: an admin of the organization (routers/admin-webhooks.ts). */
export interface WebhookActor {
  orgId: string;
  userId: string;
  ip: string;
  fail: Fail;
}

export const MAX_ENDPOINTS = 20;
/** How long the secret before a rotation keeps signing beside the new one. */
export const ROTATION_OVERLAP_HOURS = 24;

const newSecret = () => `whsec_${randomBytes(32).toString('base64url')}`;

/** The URL must lead to a public address now (checked again before every attempt). */
async function checkUrl(s: Services, a: WebhookActor, url: string): Promise<void> {
  const target = await checkTarget(url, s.env.WEBHOOK_ALLOW_PRIVATE === true);
  if ('refused' in target) throw a.fail('BAD_REQUEST', `webhooks.${target.refused}`);
}

async function audited(tx: Tx, a: WebhookActor, action: string, details: Record<string, unknown>): Promise<void> {
  await audit(tx, { orgId: a.orgId, action, actorUserId: a.userId, ip: a.ip, details });
}

export async function createEndpoint(
  s: Services,
  a: WebhookActor,
  input: { url: string; description: string; events: string[] },
): Promise<WebhookEndpoint> {
  await checkUrl(s, a, input.url);
  return runTx(s.sql, async (tx) => {
    // Counted under the organization's lock-free rule: a race may add one more, never many.
    if ((await listEndpoints(tx, a.orgId)).length >= MAX_ENDPOINTS)
      throw a.fail('PRECONDITION_FAILED', 'webhooks.tooMany', { max: MAX_ENDPOINTS });
    const endpoint = await insertEndpoint(tx, { orgId: a.orgId, ...input, secret: newSecret(), createdBy: a.userId });
    await audited(tx, a, 'webhook_created', { endpointId: endpoint.id, url: endpoint.url, events: endpoint.events });
    return endpoint;
  });
}

export async function changeEndpoint(
  s: Services,
  a: WebhookActor,
  id: string,
  patch: { url?: string | undefined; description?: string | undefined; events?: string[] | undefined; active?: boolean | undefined },
): Promise<WebhookEndpoint> {
  if (patch.url !== undefined) await checkUrl(s, a, patch.url);
  return runTx(s.sql, async (tx) => {
    if (patch.active === true) {
      const before = await getEndpoint(tx, a.orgId, id);
      if (!before) throw a.fail('NOT_FOUND', 'error.notFound');
      // Enabled again: it gets events from now on, not those of the time it was off.
      if (!before.active) await cursorForActivation(tx, a.orgId, id);
    }
    const endpoint = await updateEndpoint(tx, a.orgId, id, patch);
    if (!endpoint) throw a.fail('NOT_FOUND', 'error.notFound');
    await audited(tx, a, 'webhook_updated', { endpointId: id, fields: Object.keys(patch), active: endpoint.active });
    return endpoint;
  });
}

export async function removeEndpoint(s: Services, a: WebhookActor, id: string): Promise<void> {
  await runTx(s.sql, async (tx) => {
    const endpoint = await getEndpoint(tx, a.orgId, id);
    if (!endpoint || !(await deleteEndpoint(tx, a.orgId, id))) throw a.fail('NOT_FOUND', 'error.notFound');
    await audited(tx, a, 'webhook_removed', { endpointId: id, url: endpoint.url });
  });
}

export async function rotateEndpointSecret(s: Services, a: WebhookActor, id: string): Promise<WebhookEndpoint> {
  return runTx(s.sql, async (tx) => {
    const endpoint = await rotateSecret(tx, a.orgId, id, newSecret(), ROTATION_OVERLAP_HOURS);
    if (!endpoint) throw a.fail('NOT_FOUND', 'error.notFound');
    await audited(tx, a, 'webhook_secret_rotated', { endpointId: id });
    return endpoint;
  });
}

/** Sends a delivery's body again as a new delivery (due now, after earlier ones of its conversation). */
export async function redeliver(s: Services, a: WebhookActor, deliveryId: string): Promise<WebhookDelivery> {
  const queued = await runTx(s.sql, async (tx) => {
    const delivery = await getDelivery(tx, a.orgId, deliveryId);
    if (!delivery) throw a.fail('NOT_FOUND', 'error.notFound');
    const endpoint = await getEndpoint(tx, a.orgId, delivery.endpointId);
    if (!endpoint) throw a.fail('NOT_FOUND', 'error.notFound');
    if (!endpoint.active) throw a.fail('PRECONDITION_FAILED', 'webhooks.endpointDisabled');
    const again = await queueRedelivery(tx, delivery);
    await audited(tx, a, 'webhook_redelivered', { endpointId: endpoint.id, deliveryId, newDeliveryId: again.id });
    return again;
  });
  s.webhooks?.wake();
  return queued;
}

/**
 * The "Send test event" button: one signed `webhook.test` sent now, its answer returned and
 * kept in the delivery log; no retries, and the endpoint's failure count is left alone.
 */
export async function sendTestEvent(
  s: Services,
  a: WebhookActor,
  id: string,
): Promise<{ deliveryId: string; delivered: boolean; statusCode: number | null; excerpt: string }> {
  const endpoint = await getEndpoint(s.sql, a.orgId, id);
  if (!endpoint) throw a.fail('NOT_FOUND', 'error.notFound');
  const key = randomUUID();
  const delivery = await runTx(s.sql, async (tx) => {
    const d = await insertTestDelivery(
      tx,
      {
        orgId: a.orgId,
        endpointId: id,
        eventKey: key,
        eventId: null,
        eventType: TEST_EVENT,
        conversationId: null,
        payload: {
          id: key,
          type: TEST_EVENT,
          occurredAt: new Date().toISOString(),
          organizationId: a.orgId,
          data: { endpointId: id, message: 'A test event sent from the Atende admin screen.' },
        },
      },
      (s.env.WEBHOOK_TIMEOUT_SECONDS + 30) * 1000,
    );
    await audited(tx, a, 'webhook_test_sent', { endpointId: id, deliveryId: d.id });
    return d;
  });
  const r = await attemptDelivery(s, delivery);
  return { deliveryId: delivery.id, delivered: r.delivered, statusCode: r.statusCode, excerpt: r.excerpt.slice(0, 500) };
}
