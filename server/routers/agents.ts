import { z } from 'zod';
import { activePauseTypes, listAgentStates, type AgentState } from '../../db/queries/agents.ts';
import type { Organization } from '../../db/queries/organizations.ts';
import { listTeams } from '../../db/queries/teams.ts';
import { endPause, setAgentStatus, startPause, type StatusActor } from '../commands/agents.ts';
import { isAvailable } from '../domain/availability.ts';
import type { WorkHours } from '../domain/work-hours.ts';
import { authedProcedure, router, type Context } from '../trpc.ts';
import * as v from './schemas.ts';

/** What availability needs of the organization: its time zone and whether it enforces work hours. */
export type AvailabilityOrg = Pick<Organization, 'timeZone' | 'workHoursPolicy'>;

/**
 * One agent as the agents list shows it; online / paused / offline is the server's record,
 * `connected` whether they have a device (users.connected), `available` whether customers may
 * be given to them now (server/domain/availability.ts).
 */
export function agentView(a: AgentState, now: Date, org: AvailabilityOrg) {
  return {
    id: a.id,
    name: a.name,
    codename: a.codename,
    role: a.role,
    status: a.status,
    statusChangedAt: a.statusChangedAt.toISOString(),
    connected: a.connected,
    available: isAvailable(
      {
        status: a.status,
        connected: a.connected,
        workHours: a.workHours as WorkHours,
        timeZone: a.timeZone ?? org.timeZone,
        enforceWorkHours: org.workHoursPolicy === 'refuse_login',
      },
      now,
    ),
    pause: a.pause
      ? {
          typeId: a.pause.typeId,
          name: a.pause.name,
          startedAt: a.pause.startedAt.toISOString(),
          endsBy: a.pause.endsBy.toISOString(),
          // Live, not only once the minute sweep has flagged it.
          overrun: a.pause.overrunFlaggedAt !== null || a.pause.endsBy.getTime() < now.getTime(),
        }
      : null,
    teamIds: a.teamIds,
    ratingAverage: a.ratingAverage,
    ratingCount: a.ratingCount,
    photoUrl: a.photoAttachmentId ? `/uploads/${a.photoAttachmentId}` : null,
  };
}

type AuthedCtx = Context & { user: { id: string }; org: Organization };
const actor = (ctx: AuthedCtx): StatusActor => ({ orgId: ctx.org.id, userId: ctx.user.id, fail: ctx.fail });

export const agentsRouter = router({
  /** Every active user of the organization, for the agents list and internal chat (with their teams' names). */
  list: authedProcedure.query(async ({ ctx }) => {
    const now = new Date();
    const [agents, teams] = await Promise.all([listAgentStates(ctx.services.sql, ctx.org.id), listTeams(ctx.services.sql, ctx.org.id)]);
    const teamName = new Map(teams.map((t) => [t.id, t.name]));
    return agents.map((a) => ({
      ...agentView(a, now, ctx.org),
      teams: a.teamIds.flatMap((id) => (teamName.has(id) ? [{ id, name: teamName.get(id)! }] : [])),
    }));
  }),

  /** The caller's own state (top menu: status, running pause and when it should end). */
  me: authedProcedure.query(async ({ ctx }) => {
    const [me] = await listAgentStates(ctx.services.sql, ctx.org.id, ctx.user.id);
    if (!me) throw ctx.fail('NOT_FOUND', 'error.notFound');
    return agentView(me, new Date(), ctx.org);
  }),

  /** The pause menu: the organization's active pause types. */
  pauseTypes: authedProcedure.query(async ({ ctx }) =>
    (await activePauseTypes(ctx.services.sql, ctx.org.id)).map((t) => ({
      id: t.id,
      name: t.name,
      maxMinutes: t.maxMinutes,
      earliestTime: t.earliestTime,
    })),
  ),

  setStatus: authedProcedure.input(z.object({ status: z.enum(['online', 'offline']) })).mutation(async ({ ctx, input }) => {
    const now = new Date();
    return agentView(await setAgentStatus(ctx.services, actor(ctx), input.status, now), now, ctx.org);
  }),

  startPause: authedProcedure.input(z.object({ pauseTypeId: v.uuid })).mutation(async ({ ctx, input }) => {
    const now = new Date();
    return agentView(await startPause(ctx.services, actor(ctx), input.pauseTypeId, now), now, ctx.org);
  }),

  endPause: authedProcedure.mutation(async ({ ctx }) => {
    const now = new Date();
    return agentView(await endPause(ctx.services, actor(ctx), now), now, ctx.org);
  }),
});
