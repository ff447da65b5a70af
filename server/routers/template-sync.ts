import { z } from 'zod';
import { syncChannelTemplates } from '../commands/template-sync.ts';
import { adminProcedure } from '../trpc.ts';
import * as v from './schemas.ts';

/**
 * admin.templates.sync: "Sync with Meta" for one WhatsApp channel. Admins of the channel's
 * organization only; audited (templates_synced); answers how many templates were added,
 * updated and marked removed, or a sentence saying why Meta's list could not be read.
 */
export const syncTemplatesProcedure = adminProcedure
  .input(z.object({ channelId: v.uuid }))
  .mutation(({ ctx, input }) =>
    syncChannelTemplates(ctx.services, { orgId: ctx.org.id, userId: ctx.user.id, ip: ctx.ip, fail: ctx.fail }, input.channelId),
  );
