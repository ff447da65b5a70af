import { z } from 'zod';
import { reportSummary } from '../commands/reports.ts';
import { summaryInput } from '../routers/reports.ts';
import { apiRouter, operation } from './trpc.ts';

const figures = z.looseObject({ received: z.number() });

export const reportsApi = apiRouter({
  summary: operation('reports:read', {
    method: 'GET',
    path: '/api/v1/reports/summary',
    tags: ['reports'],
    summary: 'Report figures of a period',
    description:
      "The same figures as the app's reports: conversations created from `from` to `to` (local days of the organization's time zone, or instants), in total and by team, channel, agent, hour, weekday and day, with dispositions, tags, ratings and service levels. At most 400 days.",
  })
    .input(summaryInput)
    .output(
      z.looseObject({
        period: z.object({ from: z.string(), to: z.string(), timeZone: z.string() }),
        totals: figures,
        byTeam: z.array(z.looseObject({ team: z.object({ id: z.string(), name: z.string() }).nullable() })),
        byChannel: z.array(z.looseObject({ channel: z.object({ id: z.string(), name: z.string() }) })),
        byAgent: z.array(z.looseObject({ agent: z.object({ id: z.string(), name: z.string() }).nullable() })),
        byDay: z.array(z.looseObject({ date: z.string() })),
      }),
    )
    // An organization token sees every team, as an administrator's report does.
    .query(async ({ ctx, input }) => {
      const summary = await reportSummary(ctx.services, ctx.fail, ctx.caller.orgId, null, input);
      return { ...summary, totals: { ...summary.totals } };
    }),
});
