import { z } from 'zod';
import { deleteDevice, getPushSettings, listDevices, savePushSettings, setDevicePaused, type PushDevice } from '../../db/queries/push.ts';
import { subscribePush } from '../commands/push.ts';
import { vapidKeys } from '../push/vapid.ts';
import { authedProcedure, router } from '../trpc.ts';

/** What the owner sees of a device: never the endpoint (whoever holds it can push to the device). */
function deviceView(d: PushDevice, currentEndpoint?: string) {
  return {
    id: d.id,
    label: d.label,
    userAgent: d.userAgent,
    service: d.service,
    paused: d.paused,
    createdAt: d.createdAt.toISOString(),
    lastSuccessAt: d.lastSuccessAt?.toISOString() ?? null,
    failures: d.failures,
    current: currentEndpoint !== undefined && d.endpoint === currentEndpoint,
  };
}

const endpoint = z.string().trim().url().max(2000);
const deviceId = z.object({ id: z.string().uuid() });

/**
 * Web Push (docs/operations.md "Push notifications"): each user registers their own browsers
 * and chooses which alerts reach them; every procedure works on the caller's own rows only
 * (organization and user from the session, never from input).
 */
export const pushRouter = router({
  /** The VAPID public key the browser subscribes with (applicationServerKey). */
  publicKey: authedProcedure.query(async ({ ctx }) => ({ publicKey: (await vapidKeys(ctx.services.sql, ctx.services.env)).publicKey })),

  subscribe: authedProcedure
    .input(
      z.object({
        endpoint,
        keys: z.object({ p256dh: z.string().max(200), auth: z.string().max(100) }),
        label: z.string().trim().max(80).default(''),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const userAgent = String(ctx.req?.headers['user-agent'] ?? '').slice(0, 300);
      const device = await subscribePush(ctx.services, ctx.fail, ctx.auth, { ...input, userAgent });
      return deviceView(device, input.endpoint);
    }),

  unsubscribe: authedProcedure.input(deviceId).mutation(async ({ ctx, input }) => {
    if (!(await deleteDevice(ctx.services.sql, ctx.org.id, ctx.user.id, input.id))) throw ctx.fail('NOT_FOUND', 'error.notFound');
    return { ok: true as const };
  }),

  /** `currentEndpoint`: this browser's subscription, marked `current` in the list. */
  devices: authedProcedure.input(z.object({ currentEndpoint: endpoint.optional() }).default({})).query(async ({ ctx, input }) => {
    const devices = await listDevices(ctx.services.sql, ctx.org.id, ctx.user.id);
    return devices.map((d) => deviceView(d, input.currentEndpoint));
  }),

  /** The per-device switch: a paused device keeps its subscription and receives nothing. */
  setDevice: authedProcedure.input(deviceId.extend({ paused: z.boolean() })).mutation(async ({ ctx, input }) => {
    const device = await setDevicePaused(ctx.services.sql, ctx.org.id, ctx.user.id, input.id, input.paused);
    if (!device) throw ctx.fail('NOT_FOUND', 'error.notFound');
    return deviceView(device);
  }),

  settings: authedProcedure.query(({ ctx }) => getPushSettings(ctx.services.sql, ctx.org.id, ctx.user.id)),

  updateSettings: authedProcedure
    .input(z.object({ waiting: z.boolean().optional(), message: z.boolean().optional(), offer: z.boolean().optional() }))
    .mutation(({ ctx, input }) => {
      const patch = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
      return savePushSettings(ctx.services.sql, ctx.org.id, ctx.user.id, patch);
    }),
});
