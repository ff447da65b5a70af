import { getOrganization } from '../../db/queries/organizations.ts';
import { namesOf, reportFigures, reportTags, type ReportScope } from '../../db/queries/reports.ts';
import { periodDays, periodOf, shapeSummary } from '../domain/reports.ts';
import type { Fail } from '../errors.ts';
import type { Services } from '../services/index.ts';

export interface SummaryInput {
  from: string;
  to: string;
  teamId?: string;
  channelId?: string;
  agentId?: string;
}

/**
 * The figures of the conversations created in a period (reports.summary, and the REST API's
 * /reports/summary). `teamScope`: the teams the caller may see (null: every team, and
 * conversations with none); a team outside it is FORBIDDEN.
 */
export async function reportSummary(s: Services, fail: Fail, orgId: string, teamScope: readonly string[] | null, input: SummaryInput) {
  const sql = s.sql;
  if (input.teamId && teamScope && !teamScope.includes(input.teamId)) throw fail('FORBIDDEN', 'reports.notYourTeam');
  const org = (await getOrganization(sql, orgId))!;
  const period = periodOf(input.from, input.to, org.timeZone);
  if (!period) throw fail('BAD_REQUEST', 'reports.badPeriod', { days: 400 });
  const scope: ReportScope = {
    orgId,
    ...period,
    timeZone: org.timeZone,
    teamIds: input.teamId ? [input.teamId] : teamScope,
    channelId: input.channelId ?? null,
    agentId: input.agentId ?? null,
  };
  const [rows, tags] = await Promise.all([reportFigures(sql, scope), reportTags(sql, scope)]);
  const idsOf = (dim: string) => [...new Set(rows.filter((r) => r.dim === dim && r.key).map((r) => r.key!))];
  const [team, channel, agent, disposition, tag] = await Promise.all([
    namesOf(sql, orgId, 'team', idsOf('team')),
    namesOf(sql, orgId, 'channel', idsOf('channel')),
    namesOf(sql, orgId, 'agent', idsOf('agent')),
    namesOf(sql, orgId, 'disposition', idsOf('disposition')),
    namesOf(
      sql,
      orgId,
      'tag',
      tags.map((t) => t.tagId),
    ),
  ]);
  return {
    period: { from: period.start.toISOString(), to: period.end.toISOString(), timeZone: org.timeZone },
    ...shapeSummary(rows, tags, { team, channel, agent, disposition, tag }, periodDays(period.start, period.end, org.timeZone)),
  };
}
