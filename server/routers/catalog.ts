import { z } from 'zod';
import { getChannel, listChannels } from '../../db/queries/channels.ts';
import { templates, visibleCanned } from '../../db/queries/config.ts';
import { teamsOfUser } from '../../db/queries/teams.ts';
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

export const templatesRouter = router({
  list: authedProcedure.input(z.object({ channelId: v.uuid })).query(async ({ ctx, input }) => {
    const sql = ctx.services.sql;
    if (!(await getChannel(sql, ctx.org.id, input.channelId))) throw ctx.fail('NOT_FOUND', 'error.notFound');
    const approved = await templates.list(sql, ctx.org.id, `AND channel_id = $2 AND status = 'approved'`, [input.channelId]);
    return approved.map((t) => ({
      id: t.id,
      name: t.name,
      language: t.language,
      category: t.category,
      paramCount: t.paramCount,
      body: t.body,
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
