import {
  endRunningPause,
  getPauseType,
  insertPause,
  listAgentStates,
  lockUserStatus,
  runningPause,
  setStatusAt,
  type AgentState,
} from '../../db/queries/agents.ts';
import { getOrganization } from '../../db/queries/organizations.ts';
import type { AgentStatus } from '../../db/queries/users.ts';
import { runTx, type Tx } from '../../db/sql.ts';
import { pauseAllowedAt, pauseEndsBy } from '../domain/pauses.ts';
import type { Fail } from '../errors.ts';
import type { Services } from '../services/index.ts';

/** The agent changing their own state. */
export interface StatusActor {
  orgId: string;
  userId: string;
  fail: Fail;
}

/**
 * Runs one status change with the agent's row locked (two tabs clicking at once change the
 * state one after the other), publishes `user.status` when it changed, and returns the
 * agent's state as the agents list shows it.
 */
async function change(
  s: Services,
  actor: StatusActor,
  fn: (tx: Tx, current: AgentStatus) => Promise<AgentStatus | null>,
): Promise<AgentState> {
  return runTx(s.sql, async (tx) => {
    const current = await lockUserStatus(tx, actor.orgId, actor.userId);
    if (!current) throw actor.fail('NOT_FOUND', 'error.notFound');
    const next = await fn(tx, current);
    if (next && next !== current) await s.bus.publish(tx, actor.orgId, 'user.status', { userId: actor.userId, status: next });
    return (await listAgentStates(tx, actor.orgId, actor.userId))[0]!;
  });
}

/** Online or offline, by the agent's choice; either ends a running pause. */
export function setAgentStatus(s: Services, actor: StatusActor, status: 'online' | 'offline', now = new Date()): Promise<AgentState> {
  return change(s, actor, async (tx) => {
    await endRunningPause(tx, actor.orgId, actor.userId, now);
    return (await setStatusAt(tx, actor.orgId, actor.userId, status, now)) ? status : null;
  });
}

/**
 * Starts a pause of an active type of the organization, no earlier than its earliest time of
 * day in the organization's time zone; it is expected to end by start + the type's maximum.
 * A paused agent is unavailable to customers (routing looks for 'online') but still
 * reachable by colleagues.
 */
export function startPause(s: Services, actor: StatusActor, pauseTypeId: string, now = new Date()): Promise<AgentState> {
  return change(s, actor, async (tx) => {
    const type = await getPauseType(tx, actor.orgId, pauseTypeId);
    if (!type?.active) throw actor.fail('NOT_FOUND', 'error.notFound');
    // One pause at a time: switching types would restart the clock of an overrun. Said
    // first, whatever the time of day (the other refusal would not help while paused).
    if (await runningPause(tx, actor.orgId, actor.userId)) throw actor.fail('CONFLICT', 'pause.alreadyPaused');
    const org = (await getOrganization(tx, actor.orgId))!;
    if (!pauseAllowedAt(type.earliestTime, now, org.timeZone)) {
      throw actor.fail('PRECONDITION_FAILED', 'pause.tooEarly', { time: type.earliestTime! });
    }
    await insertPause(tx, {
      orgId: actor.orgId,
      userId: actor.userId,
      typeId: type.id,
      startedAt: now,
      endsBy: pauseEndsBy(now, type.maxMinutes),
    });
    // The status may already read 'paused' with no pause behind it (set by hand): still one change.
    await setStatusAt(tx, actor.orgId, actor.userId, 'paused', now);
    return 'paused';
  });
}

/** Ends the running pause: back online. */
export function endPause(s: Services, actor: StatusActor, now = new Date()): Promise<AgentState> {
  return change(s, actor, async (tx) => {
    if (!(await endRunningPause(tx, actor.orgId, actor.userId, now))) throw actor.fail('PRECONDITION_FAILED', 'pause.notPaused');
    await setStatusAt(tx, actor.orgId, actor.userId, 'online', now);
    return 'online';
  });
}
