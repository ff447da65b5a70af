import { listAgentStates, type AgentState } from '../../db/queries/agents.ts';
import { openConversations, unknownDeliveries, type OpenConversation } from '../../db/queries/monitor.ts';
import { getOrganization } from '../../db/queries/organizations.ts';
import { listTeams } from '../../db/queries/teams.ts';
import { isOpen } from '../domain/business-hours.ts';
import type { SlaTeam } from '../domain/sla.ts';
import { slaTeamOf, slaView } from '../floor/sla.ts';
import { hasSchedule, isWithinWorkHours, type WorkHours } from '../domain/work-hours.ts';
import { router, supervisorProcedure } from '../trpc.ts';
import { agentView } from './agents.ts';

const iso = (d: Date | null) => d?.toISOString() ?? null;

function conversationView(c: OpenConversation, teams: Map<string, SlaTeam>, now: Date) {
  return {
    id: c.id,
    protocol: c.protocol,
    status: c.status,
    team: c.team,
    channel: c.channel,
    contact: c.contact,
    assignee: c.assignee,
    targetUser: c.targetUser,
    // In the bot menu since it started; in a queue since it was queued; served: not waiting.
    waitingSince: iso(c.status === 'waiting' ? (c.queuedAt ?? c.createdAt) : c.status === 'bot' ? c.createdAt : null),
    claimedAt: iso(c.claimedAt),
    createdAt: iso(c.createdAt),
    lastActivityAt: iso(c.lastActivityAt),
    autoCloseAt: iso(c.autoCloseAt),
    offeredTo: c.offeredTo,
    pending: c.pendingSince ? { since: c.pendingSince.toISOString(), until: iso(c.pendingUntil) } : null,
    sla: slaView({ ...c, teamId: c.team?.id ?? null }, teams, now),
  };
}

/** An agent expected online now (inside their work hours, in their or the organization's zone) who is offline. */
function isAbsent(a: AgentState, now: Date, orgTimeZone: string): boolean {
  const hours = a.workHours as WorkHours;
  return a.status === 'offline' && hasSchedule(hours) && isWithinWorkHours(hours, now, a.timeZone ?? orgTimeZone);
}

export const monitorRouter = router({
  /**
   * The live board: every open conversation and every agent's state (the client refetches on
   * events). A supervisor's board holds only their teams: their conversations, and the agents
   * who belong to one of them.
   */
  overview: supervisorProcedure.query(async ({ ctx }) => {
    const sql = ctx.services.sql;
    const now = new Date();
    const scope = ctx.teamScope;
    const inScope = (teamId: string | null | undefined) => scope === null || (!!teamId && scope.includes(teamId));
    const [org, allConversations, allAgents, unknown, allTeams] = await Promise.all([
      getOrganization(sql, ctx.org.id),
      openConversations(sql, ctx.org.id),
      listAgentStates(sql, ctx.org.id),
      unknownDeliveries(sql, ctx.org.id, 200, scope),
      listTeams(sql, ctx.org.id),
    ]);
    const agents = allAgents.filter((a) => scope === null || a.teamIds.some(inScope));
    const teams = allTeams.filter((t) => inScope(t.id));
    const slas = new Map(allTeams.map((t) => [t.id, slaTeamOf(t, org!.timeZone)]));
    // An agent's load counts every conversation they serve, in the scope or not.
    const allViews = allConversations.map((c) => conversationView(c, slas, now));
    const views = allViews.filter((c) => inScope(c.team?.id));
    // An agent's limit may come from a team outside the scope: every team counts.
    const limits = new Map(allTeams.map((t) => [t.id, t.maxPerAgent]));
    return {
      conversations: views,
      // Each team: routing, open now (business hours), what waits, what is offered, what is past its service level.
      teams: teams.map((t) => {
        const mine = views.filter((c) => c.team?.id === t.id);
        return {
          id: t.id,
          name: t.name,
          routing: t.routing,
          open: isOpen(t.businessHours, now, org!.timeZone),
          waiting: mine.filter((c) => c.status === 'waiting').length,
          offered: mine.filter((c) => c.offeredTo !== null).length,
          breached: mine.filter((c) => c.sla?.breached).length,
        };
      }),
      agents: agents.map((a) => {
        const view = agentView(a, now, org!);
        const serving = allViews.filter((c) => c.status === 'active' && c.assignee?.id === a.id);
        // The limit routing and claims apply: the agent's own, else the strictest of their teams' (null: none).
        const teamLimits = a.teamIds.map((id) => limits.get(id) ?? null).filter((l): l is number => l !== null);
        return {
          ...view,
          active: serving.filter((c) => !c.pending).length,
          pending: serving.filter((c) => c.pending).length,
          offered: allViews.filter((c) => c.offeredTo?.id === a.id).length,
          capacity: a.maxConversations ?? (teamLimits.length > 0 ? Math.min(...teamLimits) : null),
          breached: serving.filter((c) => c.sla?.breached).length,
          workHours: a.workHours,
          timeZone: a.timeZone ?? org!.timeZone,
          absent: isAbsent(a, now, org!.timeZone),
          pauseOverrun: view.pause?.overrun ?? false,
        };
      }),
      // "May not have been delivered": the agent and the admin decide whether to write again.
      unknownDeliveries: unknown.map((u) => ({ ...u, createdAt: u.createdAt.toISOString() })),
    };
  }),
});
