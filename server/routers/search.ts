import { z } from 'zod';
import { searchMessagesFor } from '../commands/search.ts';
import { authedProcedure, router } from '../trpc.ts';
import * as v from './schemas.ts';

const DAY = /^\d{4}-\d{2}-\d{2}$/;
/** An ISO date ("2026-12-07", a UTC day) or date-time ("2026-12-07T03:00:00.000Z"). */
const isoDate = z
  .string()
  .trim()
  .max(40)
  .refine((s) => /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(s) && !Number.isNaN(Date.parse(s)), 'validation.invalid');

export const searchRouter = router({
  /**
   * Full-text search (docs/search.md). `from` includes, `to` excludes its instant; a `to` given
   * as a day includes that whole day. Filters about conversations leave contact notes out.
   */
  messages: authedProcedure
    .input(
      z.object({
        query: z.string().trim().min(1).max(200),
        limit: z.number().int().min(1).max(100).default(30),
        filters: z
          .object({
            from: isoDate.optional(),
            to: isoDate.optional(),
            teamId: v.uuid.optional(),
            channelId: v.uuid.optional(),
            agentId: v.uuid.optional(),
            tagId: v.uuid.optional(),
            dispositionId: v.uuid.optional(),
          })
          .default({}),
      }),
    )
    .query(({ ctx, input }) => {
      const { from, to, ...ids } = input.filters;
      const end = to ? new Date(Date.parse(to) + (DAY.test(to) ? 86_400_000 : 0)) : undefined;
      return searchMessagesFor(
        ctx.services,
        {
          orgId: ctx.org.id,
          id: ctx.user.id,
          role: ctx.user.role,
          teamIds: ctx.auth.teamIds,
          historyAccess: ctx.user.historyAccess,
          deactivated: ctx.user.deactivatedAt !== null,
          fail: ctx.fail,
        },
        { query: input.query, limit: input.limit, filters: { ...ids, from: from ? new Date(from) : undefined, to: end } },
      );
    }),
});
