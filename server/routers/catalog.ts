import { z } from 'zod';
import { getChannel, listChannels } from '../../db/queries/channels.ts';
import { templates, visibleCanned } from '../../db/queries/config.ts';
import { teamsOfUser } from '../../db/queries/teams.ts';
import { componentsOfTemplates } from '../../db/queries/template-sync.ts';
import { translate, type Language } from '../../i18n/index.ts';
import { slotLabel, templateSlots } from '../domain/whatsapp-templates.ts';
import { authedProcedure, router } from '../trpc.ts';
import * as v from './schemas.ts';

/** What agents read of the configuration: channels, approved templates, canned responses. */

export const channelsRouter = router({
  // Never the secrets: agents only need to know where they can talk.
  list: authedProcedure.query(async ({ ctx }) =>
    (await listChannels(ctx.services.sql, ctx.org.id))
      .filter((c) => c.active)
      .map((c) => ({ id: c.id, kind: c.kind, name: c.name, receiveOnly: c.receiveOnly })),
  ),
});

function paramLabels(lang: Language, synced: { components: unknown[]; parameterFormat: 'positional' | 'named' } | undefined): string[] {
  if (!synced) return [];
  return templateSlots(synced.components, synced.parameterFormat).map((slot) => {
    const label = slotLabel(slot);
    if (!label) return '';
    return 'media' in label ? translate(lang, `templateSync.paramMedia.${label.media}`) : label.name;
  });
}

export const templatesRouter = router({
  list: authedProcedure.input(z.object({ channelId: v.uuid })).query(async ({ ctx, input }) => {
    const sql = ctx.services.sql;
    if (!(await getChannel(sql, ctx.org.id, input.channelId))) throw ctx.fail('NOT_FOUND', 'error.notFound');
    // Only what an agent can send: approved by Meta and still listed there.
    const sendable = `AND channel_id = $2 AND status = 'approved' AND removed_at IS NULL`;
    const approved = await templates.list(sql, ctx.org.id, sendable, [input.channelId]);
    const synced = await componentsOfTemplates(
      sql,
      ctx.org.id,
      approved.map((t) => t.id),
    );
    return approved.map((t) => ({
      id: t.id,
      name: t.name,
      language: t.language,
      category: t.category,
      paramCount: t.paramCount,
      body: t.body,
      // What each value is for (a named placeholder, a header's file link); '' when only its number says it.
      paramLabels: paramLabels(ctx.lang, synced.get(t.id)),
    }));
  }),
});

export const cannedRouter = router({
  list: authedProcedure.input(z.object({ query: z.string().trim().max(100).optional() }).optional()).query(async ({ ctx, input }) => {
    const teamIds = (await teamsOfUser(ctx.services.sql, ctx.org.id, ctx.user.id)).map((t) => t.id);
    const canned = await visibleCanned(ctx.services.sql, ctx.org.id, teamIds, input?.query ?? '');
    return canned.map((c) => ({
      id: c.id,
      shortcut: c.shortcut,
      title: c.title,
      body: c.body,
      attachmentIds: c.attachmentIds,
      teamId: c.teamId,
    }));
  }),
});
