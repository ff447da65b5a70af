import { z } from 'zod';
import { listAgentStates } from '../../db/queries/agents.ts';
import { listChannels } from '../../db/queries/channels.ts';
import { getOrganization } from '../../db/queries/organizations.ts';
import { listTeams } from '../../db/queries/teams.ts';
import { namesOf, reportFigures, reportTags, type ReportScope } from '../../db/queries/reports.ts';
import { periodDays, periodOf, shapeSummary } from '../domain/reports.ts';
import { router, supervisorProcedure } from '../trpc.ts';
import * as v from './schemas.ts';

const when = z.string().trim().min(10).max(40);

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
    .input(z.object({ from: when, to: when, teamId: v.uuid.optional(), channelId: v.uuid.optional(), agentId: v.uuid.optional() }))
    .query(async ({ ctx, input }) => {
      const sql = ctx.services.sql;
      if (input.teamId && ctx.teamScope && !ctx.teamScope.includes(input.teamId)) throw ctx.fail('FORBIDDEN', 'reports.notYourTeam');
      const org = (await getOrganization(sql, ctx.org.id))!;
      const period = periodOf(input.from, input.to, org.timeZone);
      if (!period) throw ctx.fail('BAD_REQUEST', 'reports.badPeriod', { days: 400 });
      const scope: ReportScope = {
        orgId: ctx.org.id,
        ...period,
        timeZone: org.timeZone,
        teamIds: input.teamId ? [input.teamId] : ctx.teamScope,
        channelId: input.channelId ?? null,
        agentId: input.agentId ?? null,
      };
      const [rows, tags] = await Promise.all([reportFigures(sql, scope), reportTags(sql, scope)]);
      const idsOf = (dim: string) => [...new Set(rows.filter((r) => r.dim === dim && r.key).map((r) => r.key!))];
      const [team, channel, agent, disposition, tag] = await Promise.all([
        namesOf(sql, ctx.org.id, 'team', idsOf('team')),
        namesOf(sql, ctx.org.id, 'channel', idsOf('channel')),
        namesOf(sql, ctx.org.id, 'agent', idsOf('agent')),
        namesOf(sql, ctx.org.id, 'disposition', idsOf('disposition')),
        namesOf(
          sql,
          ctx.org.id,
          'tag',
          tags.map((t) => t.tagId),
        ),
      ]);
      return {
        period: { from: period.start.toISOString(), to: period.end.toISOString(), timeZone: org.timeZone },
        ...shapeSummary(rows, tags, { team, channel, agent, disposition, tag }, periodDays(period.start, period.end, org.timeZone)),
      };
    }),
});
