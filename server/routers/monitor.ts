import { listAgentStates, type AgentState } from '../../db/queries/agents.ts';
import { openConversations, unknownDeliveries, type OpenConversation } from '../../db/queries/monitor.ts';
import { getOrganization } from '../../db/queries/organizations.ts';
import { hasSchedule, isWithinWorkHours, type WorkHours } from '../domain/work-hours.ts';
import { adminProcedure, router } from '../trpc.ts';
import { agentView } from './agents.ts';

const iso = (d: Date | null) => d?.toISOString() ?? null;

function conversationView(c: OpenConversation) {
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
    const [org, conversations, agents, unknown] = await Promise.all([
      getOrganization(sql, ctx.org.id),
      openConversations(sql, ctx.org.id),
      listAgentStates(sql, ctx.org.id),
      unknownDeliveries(sql, ctx.org.id),
    ]);
    return {
      conversations: conversations.map(conversationView),
      agents: agents.map((a) => {
        const view = agentView(a, now, org!);
        return {
          ...view,
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
