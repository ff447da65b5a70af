import { z } from 'zod';
import { listAgentStates } from '../../db/queries/agents.ts';
import { listChannels } from '../../db/queries/channels.ts';
import { listTeams } from '../../db/queries/teams.ts';
import { reportSummary } from '../commands/reports.ts';
import { router, supervisorProcedure } from '../trpc.ts';
import * as v from './schemas.ts';

const when = z.string().trim().min(10).max(40);
/** The report's period and filters (also the REST API's /reports/summary query). */
export const summaryInput = z.object({
  from: when,
  to: when,
  teamId: v.uuid.optional(),
  channelId: v.uuid.optional(),
  agentId: v.uuid.optional(),
});

export const reportsRouter = router({
  /** What the report's filters offer the caller: their teams (every team for an admin), the channels, the agents of those teams. */
  filters: supervisorProcedure.query(async ({ ctx }) => {
    const sql = ctx.services.sql;
    const scope = ctx.teamScope;
    const [teams, channels, agents] = await Promise.all([
      listTeams(sql, ctx.org.id),
      listChannels(sql, ctx.org.id),
      listAgentStates(sql, ctx.org.id),
    ]);
    const inScope = (teamId: string) => scope === null || scope.includes(teamId);
    return {
      timeZone: ctx.org.timeZone,
      teams: teams.filter((t) => inScope(t.id)).map((t) => ({ id: t.id, name: t.name })),
      channels: channels.map((c) => ({ id: c.id, name: c.name, kind: c.kind })),
      agents: agents.filter((a) => scope === null || a.teamIds.some(inScope)).map((a) => ({ id: a.id, name: a.name })),
    };
  }),
  /**
   * The figures of the conversations created in a period (dates are local days of the
   * organization's time zone; date-times are instants), in total and by team, channel, agent,
   * local hour, weekday and day, with dispositions, tags, ratings and service levels.
   * Admins: every team. Supervisors: only their teams (another team: FORBIDDEN). Agents: FORBIDDEN.
   */
  summary: supervisorProcedure
    .input(summaryInput)
    .query(({ ctx, input }) => reportSummary(ctx.services, ctx.fail, ctx.org.id, ctx.teamScope, input)),
});
