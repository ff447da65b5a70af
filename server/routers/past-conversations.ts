import { z } from 'zod';
import { actorFor } from '../commands/conversations/common.ts';
import { loadTranscript, pastConversations } from '../commands/transcripts.ts';
import { authedProcedure } from '../trpc.ts';
import * as v from './schemas.ts';

const instant = z.iso.datetime({ offset: true }).transform((s) => new Date(s));

/** The History screen's filters; `from` inclusive, `to` exclusive (closing time). */
const filters = z.object({
  from: instant.optional(),
  to: instant.optional(),
  teamId: v.uuid.optional(),
  channelId: v.uuid.optional(),
  agentId: v.uuid.optional(),
  tagId: v.uuid.optional(),
  dispositionId: v.uuid.optional(),
  contactId: v.uuid.optional(),
  protocol: z.string().trim().min(1).max(40).optional(),
});

/** conversations.history and conversations.transcript (spread into the conversations router). */
export const pastConversationProcedures = {
  /** Closed conversations the caller may see (as opening one: mayView), newest closed first, keyset-paged. */
  history: authedProcedure
    .input(
      z
        .object({
          filters: filters.optional(),
          cursor: z.string().max(200).optional(),
          limit: z.number().int().min(1).max(100).default(50),
        })
        .optional(),
    )
    .query(async ({ ctx, input }) => {
      const actor = await actorFor(ctx.services.sql, ctx.user, ctx.fail, ctx.lang, ctx.ip, ctx.auth.teamIds);
      return pastConversations(ctx.services.sql, actor, { filters: input?.filters, cursor: input?.cursor, limit: input?.limit ?? 50 });
    }),
  /** Everything of one conversation, by id or by protocol number; NOT_FOUND when not visible. */
  transcript: authedProcedure
    .input(z.union([z.object({ conversationId: v.uuid }), z.object({ protocol: z.string().trim().min(1).max(40) })]))
    .query(async ({ ctx, input }) => {
      const actor = await actorFor(ctx.services.sql, ctx.user, ctx.fail, ctx.lang, ctx.ip, ctx.auth.teamIds);
      return loadTranscript(ctx.services.sql, actor, input);
    }),
};
