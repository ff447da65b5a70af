import { listAgentStates, type AgentState } from '../../db/queries/agents.ts';
import { openConversations, unknownDeliveries, type OpenConversation } from '../../db/queries/monitor.ts';
import { getOrganization } from '../../db/queries/organizations.ts';
import { listTeams } from '../../db/queries/teams.ts';
import { isOpen } from '../domain/business-hours.ts';
import type { SlaTeam } from '../domain/sla.ts';
import { slaTeamOf, slaView } from '../floor/sla.ts';
import { hasSchedule, isWithinWorkHours, type WorkHours } from '../domain/work-hours.ts';
import { adminProcedure, router } from '../trpc.ts';
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
  /** The live board: every open conversation and every agent's state (the client refetches on events). */
  overview: adminProcedure.query(async ({ ctx }) => {
    const sql = ctx.services.sql;
    const now = new Date();
    const [org, conversations, agents, unknown, teams] = await Promise.all([
      getOrganization(sql, ctx.org.id),
      openConversations(sql, ctx.org.id),
      listAgentStates(sql, ctx.org.id),
      unknownDeliveries(sql, ctx.org.id),
      listTeams(sql, ctx.org.id),
    ]);
    const slas = new Map(teams.map((t) => [t.id, slaTeamOf(t, org!.timeZone)]));
    const views = conversations.map((c) => conversationView(c, slas, now));
    const limits = new Map(teams.map((t) => [t.id, t.maxPerAgent]));
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
        const serving = views.filter((c) => c.status === 'active' && c.assignee?.id === a.id);
        // The limit routing and claims apply: the agent's own, else the strictest of their teams' (null: none).
        const teamLimits = a.teamIds.map((id) => limits.get(id) ?? null).filter((l): l is number => l !== null);
        return {
          ...view,
          active: serving.filter((c) => !c.pending).length,
          pending: serving.filter((c) => c.pending).length,
          offered: views.filter((c) => c.offeredTo?.id === a.id).length,
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
