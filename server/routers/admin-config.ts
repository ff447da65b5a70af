import { TRPCError } from '@trpc/server';
import { z, ZodRealError } from 'zod';
import { audit } from '../../db/queries/audit.ts';
import { getChannel } from '../../db/queries/channels.ts';
import {
  cannedResponses,
  countAttachments,
  dispositions,
  insertChannel,
  listAdminChannels,
  pauseTypes,
  tags,
  templates,
  updateChannel,
  type AdminChannel,
} from '../../db/queries/config.ts';
import { countExistingTeams } from '../../db/queries/teams.ts';
import { isUniqueViolation, runTx, type Tx } from '../../db/sql.ts';
import type { MessageKey } from '../../i18n/index.ts';
import { MAX_ALLOWED_SITES, siteOrigin } from '../domain/allowed-sites.ts';
import { phoneNumberIdRefusal } from '../domain/whatsapp-env.ts';
import { adminProcedure, router, type Context } from '../trpc.ts';
import { syncTemplatesProcedure } from './template-sync.ts';
import * as v from './schemas.ts';

type AdminCtx = Context & { user: { id: string }; org: { id: string } };
type Kind = 'channels' | 'templates' | 'canned' | 'tags' | 'dispositions' | 'pauseTypes';

/**
 * Every configuration change: one transaction, NOT_FOUND for an id of another organization,
 * CONFLICT for a duplicate, an audit entry and a `config.updated` event when it commits.
 */
async function change<T extends { id: string }>(
  ctx: AdminCtx,
  kind: Kind,
  fn: (tx: Tx) => Promise<T | null>,
  conflict: MessageKey | (() => Error) = 'config.nameTaken',
): Promise<T> {
  const s = ctx.services;
  try {
    return await runTx(s.sql, async (tx) => {
      const result = await fn(tx);
      if (!result) throw ctx.fail('NOT_FOUND', 'error.notFound');
      await audit(tx, {
        orgId: ctx.org.id,
        action: 'config_changed',
        actorUserId: ctx.user.id,
        ip: ctx.ip,
        details: { kind, id: result.id },
      });
      await s.bus.publish(tx, ctx.org.id, 'config.updated', { kind, id: result.id });
      return result;
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw typeof conflict === 'function' ? conflict() : ctx.fail('CONFLICT', conflict);
    throw err;
  }
}

const removal = (table: { remove: (tx: Tx, orgId: string, id: string) => Promise<string | null> }, kind: Kind) =>
  adminProcedure.input(z.object({ id: v.uuid })).mutation(async ({ ctx, input }) => {
    const done = await change(ctx, kind, async (tx) => {
      const outcome = await table.remove(tx, ctx.org.id, input.id);
      return outcome ? { id: input.id, outcome } : null;
    });
    return { ok: true as const, deactivated: done.outcome === 'deactivated' };
  });

async function checkTeams(tx: Tx, ctx: AdminCtx, teamIds: (string | null | undefined)[]) {
  const ids = [...new Set(teamIds.filter((t): t is string => !!t))];
  if ((await countExistingTeams(tx, ctx.org.id, ids)) !== ids.length) throw ctx.fail('BAD_REQUEST', 'user.unknownTeam');
}

// ---- Channels: secrets are write-only; the list says whether each one is set.
const blankToNull = (s: string | null) => (s === '' ? null : s);
const secret = z.string().trim().max(2000).nullable().transform(blankToNull);
const botText = z.string().trim().max(2000);
const channelSettings = {
  name: v.name,
  active: z.boolean(),
  receiveOnly: z.boolean(),
  phoneNumberId: z
    .string()
    .trim()
    .regex(/^[0-9]{0,32}$/, 'config.phoneNumberIdInvalid')
    .nullable()
    .transform(blankToNull),
  appSecret: secret,
  verifyToken: secret,
  accessToken: secret,
  botGreeting: botText,
  botOptions: z
    .array(z.object({ key: z.string().trim().min(1).max(10), label: z.string().trim().min(1).max(80), teamId: v.uuid }))
    .max(20)
    .refine((o) => new Set(o.map((x) => x.key.toLowerCase())).size === o.length, 'Each option needs its own key.'),
  botInvalidMessage: botText,
  noOneAvailableMessage: botText,
  /** Web chat: the sites that may embed the widget (checked by sitesOf); empty = any site. */
  allowedSites: z.array(z.string().max(300)).max(MAX_ALLOWED_SITES),
  /** WhatsApp: the Business Account whose templates "Sync with Meta" fetches (template-sync.ts). */
  wabaId: z
    .string()
    .trim()
    .regex(/^[0-9]{0,32}$/, 'templateSync.wabaIdInvalid')
    .nullable()
    .transform(blankToNull),
};
const WHATSAPP_ONLY = ['phoneNumberId', 'appSecret', 'verifyToken', 'accessToken', 'wabaId'] as const;

/**
 * A number another organization's channel has (the index is global: webhooks route by it) or
 * the environment's reserved one gets exactly the answer of a malformed id, field error
 * included, so creating a channel does not reveal that another organization serves a number.
 */
const invalidPhoneNumberId = () =>
  new TRPCError({
    code: 'BAD_REQUEST',
    cause: new ZodRealError([{ code: 'custom', path: ['phoneNumberId'], message: 'config.phoneNumberIdInvalid', input: undefined }]),
  });

function checkPhoneNumberId(
  ctx: AdminCtx,
  channel: { envManaged: boolean; phoneNumberId: string | null } | null,
  next: string | null | undefined,
): void {
  const refusal = phoneNumberIdRefusal(channel, next, ctx.services.env.WHATSAPP_PHONE_NUMBER_ID);
  if (refusal === 'envChannelNumber') throw ctx.fail('BAD_REQUEST', 'config.envChannelNumber');
  if (refusal === 'invalid') throw invalidPhoneNumberId();
}

/** Each site as the browser writes its origin (https://shop.example.com); refuses naming the first that is not one. */
function sitesOf(ctx: AdminCtx, sites: string[] | undefined): string[] | undefined {
  if (sites === undefined) return undefined;
  const origins = sites.map((site) => {
    const origin = siteOrigin(site);
    if (!origin) throw ctx.fail('BAD_REQUEST', 'admin.channels.badSite', { value: site.trim() });
    return origin;
  });
  return [...new Set(origins)];
}

function channelView(ctx: AdminCtx, c: AdminChannel) {
  const { orgId: _org, ...rest } = c;
  return {
    ...rest,
    // The environment's channel is the one Meta calls at /webhooks/whatsapp (with the environment's secrets).
    webhookPath: c.kind === 'whatsapp' ? (c.envManaged ? '/webhooks/whatsapp' : `/webhooks/whatsapp/${c.id}`) : null,
    embedSnippet:
      c.kind === 'webchat' ? `<script src="${ctx.services.env.APP_ORIGIN}/widget/embed.js" data-channel="${c.id}" async></script>` : null,
  };
}

const channelsRouter = router({
  list: adminProcedure.query(async ({ ctx }) => (await listAdminChannels(ctx.services.sql, ctx.org.id)).map((c) => channelView(ctx, c))),
  create: adminProcedure
    .input(
      z
        .object({ kind: z.enum(['whatsapp', 'webchat']), ...channelSettings })
        .partial()
        .required({ kind: true, name: true }),
    )
    .mutation(async ({ ctx, input }) => {
      const settings = { ...input, allowedSites: input.kind === 'webchat' ? sitesOf(ctx, input.allowedSites) : undefined };
      if (input.kind !== 'whatsapp') for (const key of WHATSAPP_ONLY) delete settings[key];
      checkPhoneNumberId(ctx, null, settings.phoneNumberId);
      const created = await change(
        ctx,
        'channels',
        async (tx) => {
          await checkTeams(
            tx,
            ctx,
            (input.botOptions ?? []).map((o) => o.teamId),
          );
          return insertChannel(tx, ctx.org.id, settings);
        },
        invalidPhoneNumberId,
      );
      return channelView(ctx, created);
    }),
  update: adminProcedure
    .input(
      z
        .object({ id: v.uuid, ...channelSettings })
        .partial()
        .required({ id: true }),
    )
    .mutation(async ({ ctx, input }) => {
      const { id, ...rest } = input;
      const patch = { ...rest, allowedSites: sitesOf(ctx, rest.allowedSites) };
      const updated = await change(
        ctx,
        'channels',
        async (tx) => {
          const channel = await getChannel(tx, ctx.org.id, id);
          if (!channel) return null;
          if (channel.kind !== 'whatsapp') for (const key of WHATSAPP_ONLY) delete patch[key];
          checkPhoneNumberId(ctx, channel, patch.phoneNumberId);
          if (channel.kind !== 'webchat') delete patch.allowedSites;
          await checkTeams(
            tx,
            ctx,
            (patch.botOptions ?? []).map((o) => o.teamId),
          );
          return updateChannel(tx, ctx.org.id, id, patch);
        },
        invalidPhoneNumberId,
      );
      return channelView(ctx, updated);
    }),
});

// ---- WhatsApp templates: {{1}}..{{n}} placeholders, numbered without gaps.
const templateFields = {
  name: z
    .string()
    .trim()
    .regex(/^[a-z0-9_]{1,512}$/, 'validation.templateName'),
  language: z
    .string()
    .trim()
    .regex(/^[a-z]{2,3}(_[A-Z]{2})?$/, 'A language code such as pt_BR or en_US.'),
  category: z.enum(['utility', 'marketing', 'authentication']),
  status: z.enum(['approved', 'pending', 'rejected', 'paused', 'disabled']),
  body: z.string().trim().min(1).max(1024),
};

function paramCount(ctx: AdminCtx, body: string): number {
  const numbers = new Set([...body.matchAll(/\{\{\s*(\d+)\s*\}\}/g)].map((m) => Number(m[1])));
  const highest = Math.max(0, ...numbers);
  if (numbers.size !== highest) throw ctx.fail('BAD_REQUEST', 'config.templatePlaceholders');
  return highest;
}

async function whatsappChannel(tx: Tx, ctx: AdminCtx, channelId: string) {
  const channel = await getChannel(tx, ctx.org.id, channelId);
  if (!channel) throw ctx.fail('NOT_FOUND', 'error.notFound');
  if (channel.kind !== 'whatsapp') throw ctx.fail('BAD_REQUEST', 'conv.templateOnlyWhatsapp');
}

const templatesRouter = router({
  list: adminProcedure
    .input(z.object({ channelId: v.uuid.optional() }).optional())
    .query(({ ctx, input }) =>
      input?.channelId
        ? templates.list(ctx.services.sql, ctx.org.id, 'AND channel_id = $2', [input.channelId])
        : templates.list(ctx.services.sql, ctx.org.id),
    ),
  create: adminProcedure
    .input(z.object({ channelId: v.uuid, ...templateFields }).partial({ category: true, status: true }))
    .mutation(({ ctx, input }) =>
      change(ctx, 'templates', async (tx) => {
        await whatsappChannel(tx, ctx, input.channelId);
        return templates.insert(tx, ctx.org.id, { ...input, paramCount: paramCount(ctx, input.body) });
      }),
    ),
  update: adminProcedure
    .input(
      z
        .object({ id: v.uuid, ...templateFields })
        .partial()
        .required({ id: true }),
    )
    .mutation(({ ctx, input }) => {
      const { id, ...patch } = input;
      const count = patch.body === undefined ? undefined : paramCount(ctx, patch.body);
      return change(ctx, 'templates', async (tx) => {
        // A synced template's content and status are Meta's: the next sync would undo an edit.
        if ((await templates.get(tx, ctx.org.id, id))?.source === 'meta')
          throw ctx.fail('PRECONDITION_FAILED', 'templateSync.managedByMeta');
        return templates.update(tx, ctx.org.id, id, { ...patch, paramCount: count });
      });
    }),
  // A template already sent stays for the history, disabled.
  delete: removal(templates, 'templates'),
  sync: syncTemplatesProcedure,
});

// ---- Canned responses: the organization's, or one team's; files are this organization's uploads.
const cannedFields = {
  shortcut: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[a-z0-9_-]{1,40}$/, 'validation.shortcut'),
  title: z.string().trim().min(1).max(120),
  body: z.string().trim().min(1).max(4000),
  attachmentIds: z.array(v.uuid).max(10),
  teamId: v.uuid.nullable(),
};

async function checkCannedRefs(tx: Tx, ctx: AdminCtx, input: { attachmentIds?: string[]; teamId?: string | null }) {
  await checkTeams(tx, ctx, [input.teamId]);
  const files = [...new Set(input.attachmentIds ?? [])];
  // Files uploaded for canned responses (purpose 'canned'): those every agent may read and send.
  if ((await countAttachments(tx, ctx.org.id, files, 'canned')) !== files.length) throw ctx.fail('BAD_REQUEST', 'config.unknownAttachment');
}

const cannedRouter = router({
  list: adminProcedure.query(({ ctx }) => cannedResponses.list(ctx.services.sql, ctx.org.id)),
  create: adminProcedure.input(z.object(cannedFields).partial({ attachmentIds: true, teamId: true })).mutation(({ ctx, input }) =>
    change(
      ctx,
      'canned',
      async (tx) => {
        await checkCannedRefs(tx, ctx, input);
        return cannedResponses.insert(tx, ctx.org.id, input);
      },
      'config.shortcutTaken',
    ),
  ),
  update: adminProcedure
    .input(
      z
        .object({ id: v.uuid, ...cannedFields })
        .partial()
        .required({ id: true }),
    )
    .mutation(({ ctx, input }) => {
      const { id, ...patch } = input;
      return change(
        ctx,
        'canned',
        async (tx) => {
          await checkCannedRefs(tx, ctx, patch);
          return cannedResponses.update(tx, ctx.org.id, id, patch);
        },
        'config.shortcutTaken',
      );
    }),
  delete: removal(cannedResponses, 'canned'),
});

// ---- Tags, dispositions, pause types.
const tagFields = {
  name: z.string().trim().min(1).max(60),
  color: z.string().regex(/^#[0-9a-fA-F]{6}$/, 'validation.colour'),
  active: z.boolean(),
};
const dispositionFields = { name: z.string().trim().min(1).max(80), active: z.boolean() };
const pauseTypeFields = {
  name: z.string().trim().min(1).max(60),
  maxMinutes: z
    .number()
    .int()
    .min(1)
    .max(24 * 60),
  earliestTime: z
    .string()
    .regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$/, 'Use a time like 11:30.')
    .nullable(),
  active: z.boolean(),
};

const tagsRouter = router({
  list: adminProcedure.query(({ ctx }) => tags.list(ctx.services.sql, ctx.org.id)),
  create: adminProcedure
    .input(z.object(tagFields).partial({ color: true, active: true }))
    .mutation(({ ctx, input }) => change(ctx, 'tags', (tx) => tags.insert(tx, ctx.org.id, input))),
  update: adminProcedure
    .input(
      z
        .object({ id: v.uuid, ...tagFields })
        .partial()
        .required({ id: true }),
    )
    .mutation(({ ctx, input }) => change(ctx, 'tags', (tx) => tags.update(tx, ctx.org.id, input.id, input))),
  // One already given to a conversation stays on it for the history, inactive.
  delete: removal(tags, 'tags'),
});

const dispositionsRouter = router({
  list: adminProcedure.query(({ ctx }) => dispositions.list(ctx.services.sql, ctx.org.id)),
  create: adminProcedure
    .input(z.object(dispositionFields).partial({ active: true }))
    .mutation(({ ctx, input }) => change(ctx, 'dispositions', (tx) => dispositions.insert(tx, ctx.org.id, input))),
  update: adminProcedure
    .input(
      z
        .object({ id: v.uuid, ...dispositionFields })
        .partial()
        .required({ id: true }),
    )
    .mutation(({ ctx, input }) => change(ctx, 'dispositions', (tx) => dispositions.update(tx, ctx.org.id, input.id, input))),
  // One already given to a conversation stays for the history, inactive.
  delete: removal(dispositions, 'dispositions'),
});

const pauseTypesRouter = router({
  list: adminProcedure.query(({ ctx }) => pauseTypes.list(ctx.services.sql, ctx.org.id)),
  create: adminProcedure
    .input(z.object(pauseTypeFields).partial({ earliestTime: true, active: true }))
    .mutation(({ ctx, input }) => change(ctx, 'pauseTypes', (tx) => pauseTypes.insert(tx, ctx.org.id, input))),
  update: adminProcedure
    .input(
      z
        .object({ id: v.uuid, ...pauseTypeFields })
        .partial()
        .required({ id: true }),
    )
    .mutation(({ ctx, input }) => change(ctx, 'pauseTypes', (tx) => pauseTypes.update(tx, ctx.org.id, input.id, input))),
  delete: removal(pauseTypes, 'pauseTypes'),
});

/** Mounted under `admin` (server/routers/admin.ts). */
export const adminConfigRouters = {
  channels: channelsRouter,
  templates: templatesRouter,
  canned: cannedRouter,
  tags: tagsRouter,
  dispositions: dispositionsRouter,
  pauseTypes: pauseTypesRouter,
};
