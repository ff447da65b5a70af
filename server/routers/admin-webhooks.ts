import { z } from 'zod';
import { getEndpoint, listDeliveries, listEndpoints, type WebhookDelivery, type WebhookEndpoint } from '../../db/queries/webhooks.ts';
import {
  changeEndpoint,
  createEndpoint,
  redeliver,
  removeEndpoint,
  rotateEndpointSecret,
  sendTestEvent,
  type WebhookActor,
} from '../commands/webhooks.ts';
import { WEBHOOK_EVENTS } from '../domain/webhooks.ts';
import type { Language } from '../../i18n/index.ts';
import { adminProcedure, router, type Context } from '../trpc.ts';
import { problemText } from '../webhooks/problems.ts';
import * as v from './schemas.ts';

type AdminCtx = Context & { user: { id: string }; org: { id: string } };
const actor = (ctx: AdminCtx): WebhookActor => ({ orgId: ctx.org.id, userId: ctx.user.id, ip: ctx.ip, fail: ctx.fail });

const url = z.string().trim().min(1, 'validation.required').max(2000);
const events = z
  .array(z.enum(WEBHOOK_EVENTS))
  .min(1, 'webhooks.noEvents')
  .max(WEBHOOK_EVENTS.length)
  .transform((list) => [...new Set(list)]);

/** An endpoint as its admins see it: the secret included (they configure the receiver with it). */
const endpointView = (e: WebhookEndpoint) => ({
  id: e.id,
  url: e.url,
  description: e.description,
  events: e.events,
  secret: e.secret,
  previousSecretUntil: e.previousSecretUntil,
  active: e.active,
  disabledAt: e.disabledAt,
  disabledReason: e.disabledReason,
  consecutiveFailures: e.consecutiveFailures,
  failingSince: e.failingSince,
  createdAt: e.createdAt,
});

const deliveryView = (lang: Language, d: WebhookDelivery) => ({
  id: d.id,
  seq: d.seq,
  eventKey: d.eventKey,
  eventType: d.eventType,
  conversationId: d.conversationId,
  status: d.status,
  attempts: d.attempts,
  nextAttemptAt: d.status === 'pending' ? d.nextAttemptAt : null,
  lastAttemptAt: d.lastAttemptAt,
  lastStatusCode: d.lastStatusCode,
  lastError: problemText(lang, d.lastError),
  redeliveryOf: d.redeliveryOf,
  createdAt: d.createdAt,
  deliveredAt: d.deliveredAt,
});

/** admin.webhooks.*: outgoing webhook endpoints (docs/integrations.md "Outgoing webhooks"); admins only, audited. */
export const adminWebhooksRouter = router({
  list: adminProcedure.query(async ({ ctx }) => (await listEndpoints(ctx.services.sql, ctx.org.id)).map(endpointView)),
  events: adminProcedure.query(() => [...WEBHOOK_EVENTS]),
  create: adminProcedure
    .input(z.object({ url, description: z.string().trim().max(200).default(''), events }))
    .mutation(async ({ ctx, input }) => endpointView(await createEndpoint(ctx.services, actor(ctx), input))),
  update: adminProcedure
    .input(
      z.object({
        id: v.uuid,
        url: url.optional(),
        description: z.string().trim().max(200).optional(),
        events: events.optional(),
        active: z.boolean().optional(),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const { id, ...patch } = input;
      return endpointView(await changeEndpoint(ctx.services, actor(ctx), id, patch));
    }),
  remove: adminProcedure.input(z.object({ id: v.uuid })).mutation(async ({ ctx, input }) => {
    await removeEndpoint(ctx.services, actor(ctx), input.id);
    return { ok: true as const };
  }),
  rotateSecret: adminProcedure
    .input(z.object({ id: v.uuid }))
    .mutation(async ({ ctx, input }) => endpointView(await rotateEndpointSecret(ctx.services, actor(ctx), input.id))),
  deliveries: adminProcedure
    .input(
      z.object({
        endpointId: v.uuid,
        limit: z.number().int().min(1).max(200).default(50),
        beforeSeq: z.string().regex(/^\d+$/).optional(),
      }),
    )
    .query(async ({ ctx, input }) => {
      if (!(await getEndpoint(ctx.services.sql, ctx.org.id, input.endpointId))) throw ctx.fail('NOT_FOUND', 'error.notFound');
      return (await listDeliveries(ctx.services.sql, ctx.org.id, input.endpointId, input.limit, input.beforeSeq)).map((d) =>
        deliveryView(ctx.lang, d),
      );
    }),
  redeliver: adminProcedure
    .input(z.object({ deliveryId: v.uuid }))
    .mutation(async ({ ctx, input }) => deliveryView(ctx.lang, await redeliver(ctx.services, actor(ctx), input.deliveryId))),
  test: adminProcedure.input(z.object({ id: v.uuid })).mutation(async ({ ctx, input }) => {
    const r = await sendTestEvent(ctx.services, actor(ctx), input.id);
    return { ...r, excerpt: problemText(ctx.lang, r.excerpt) ?? '' };
  }),
});
