import type { AgentStatus, Role } from './users.ts';
import type { Db } from '../sql.ts';

export interface PauseType {
  id: string;
  name: string;
  maxMinutes: number;
  earliestTime: string | null;
  active: boolean;
}

export interface RunningPause {
  id: string;
  typeId: string;
  name: string;
  startedAt: Date;
  endsBy: Date;
  overrunFlaggedAt: Date | null;
}

/** One agent's state as colleagues and the monitoring board see it. */
export interface AgentState {
  id: string;
  name: string;
  codename: string | null;
  role: Role;
  status: AgentStatus;
  statusChangedAt: Date;
  /** A live device now, or the last one lost less than the organization's grace ago (users.connected). */
  connected: boolean;
  photoAttachmentId: string | null;
  timeZone: string | null;
  workHours: Record<string, [string, string][]>;
  teamIds: string[];
  pause: RunningPause | null;
  ratingAverage: number | null;
  ratingCount: number;
  /** The agent's own capacity (null: the team's). */
  maxConversations: number | null;
}

const PAUSE_TYPE_COLUMNS = `id, name, max_minutes, earliest_time, active`;

function toPauseType(r: Record<string, unknown>): PauseType {
  return {
    id: r.id as string,
    name: r.name as string,
    maxMinutes: r.max_minutes as number,
    earliestTime: (r.earliest_time as string | null) ?? null,
    active: r.active as boolean,
  };
}

export async function getPauseType(db: Db, orgId: string, id: string): Promise<PauseType | null> {
  const rows = await db.unsafe(`SELECT ${PAUSE_TYPE_COLUMNS} FROM pause_types WHERE org_id = $1 AND id = $2`, [orgId, id]);
  return rows[0] ? toPauseType(rows[0]) : null;
}

export async function activePauseTypes(db: Db, orgId: string): Promise<PauseType[]> {
  const rows = await db.unsafe(`SELECT ${PAUSE_TYPE_COLUMNS} FROM pause_types WHERE org_id = $1 AND active ORDER BY lower(name), id`, [
    orgId,
  ]);
  return rows.map(toPauseType);
}

/** Locks the user's row: status changes of one agent happen one at a time. */
export async function lockUserStatus(db: Db, orgId: string, userId: string): Promise<AgentStatus | null> {
  const rows = await db`SELECT status FROM users WHERE org_id = ${orgId} AND id = ${userId} AND deactivated_at IS NULL FOR UPDATE`;
  return (rows[0]?.status as AgentStatus | undefined) ?? null;
}

export async function runningPause(db: Db, orgId: string, userId: string): Promise<RunningPause | null> {
  const rows = await db`
    SELECT p.id, p.pause_type_id, t.name, p.started_at, p.ends_by, p.overrun_flagged_at
    FROM agent_pauses p JOIN pause_types t ON t.org_id = p.org_id AND t.id = p.pause_type_id
    WHERE p.org_id = ${orgId} AND p.user_id = ${userId} AND p.ended_at IS NULL`;
  const r = rows[0];
  return r
    ? {
        id: r.id,
        typeId: r.pause_type_id,
        name: r.name,
        startedAt: r.started_at,
        endsBy: r.ends_by,
        overrunFlaggedAt: r.overrun_flagged_at ?? null,
      }
    : null;
}

export async function insertPause(
  db: Db,
  p: { orgId: string; userId: string; typeId: string; startedAt: Date; endsBy: Date },
): Promise<string> {
  const rows = await db`
    INSERT INTO agent_pauses (org_id, user_id, pause_type_id, started_at, ends_by)
    VALUES (${p.orgId}, ${p.userId}, ${p.typeId}, ${p.startedAt}, ${p.endsBy}) RETURNING id`;
  return rows[0]!.id as string;
}

export async function endRunningPause(db: Db, orgId: string, userId: string, at: Date): Promise<boolean> {
  const rows = await db`UPDATE agent_pauses SET ended_at = ${at}
    WHERE org_id = ${orgId} AND user_id = ${userId} AND ended_at IS NULL RETURNING id`;
  return rows.length > 0;
}

/** Sets the status at a given instant; false when it already was that status. */
export async function setStatusAt(db: Db, orgId: string, userId: string, status: AgentStatus, at: Date): Promise<boolean> {
  const rows = await db`UPDATE users SET status = ${status}, status_changed_at = ${at}
    WHERE org_id = ${orgId} AND id = ${userId} AND status <> ${status} RETURNING id`;
  return rows.length > 0;
}

/**
 * Every active user of the organization with their running pause, teams and rating. The
 * rating counts the conversations the agent served (served_by; closed ones have no assignee).
 */
export async function listAgentStates(db: Db, orgId: string, userId?: string): Promise<AgentState[]> {
  const rows = await db`
    SELECT u.id, u.name, u.codename, u.role, u.status, u.status_changed_at, u.connected, u.photo_attachment_id, u.time_zone, u.work_hours, u.max_conversations,
      coalesce((SELECT json_agg(m.team_id ORDER BY m.team_id) FROM team_members m WHERE m.org_id = u.org_id AND m.user_id = u.id), '[]') AS team_ids,
      p.id AS pause_id, p.pause_type_id, t.name AS pause_name, p.started_at, p.ends_by, p.overrun_flagged_at,
      r.rating_average, r.rating_count
    FROM users u
    LEFT JOIN agent_pauses p ON p.org_id = u.org_id AND p.user_id = u.id AND p.ended_at IS NULL
    LEFT JOIN pause_types t ON t.org_id = p.org_id AND t.id = p.pause_type_id
    LEFT JOIN LATERAL (
      SELECT round(avg(c.rating), 2)::float8 AS rating_average, count(*)::int AS rating_count
      FROM conversations c WHERE c.org_id = u.org_id AND c.served_by = u.id AND c.rating IS NOT NULL
    ) r ON true
    WHERE u.org_id = ${orgId} AND u.deactivated_at IS NULL AND (${userId ?? null}::uuid IS NULL OR u.id = ${userId ?? null}::uuid)
    ORDER BY lower(u.name), u.id`;
  return rows.map((r) => ({
    id: r.id as string,
    name: r.name as string,
    codename: (r.codename as string | null) ?? null,
    role: r.role as Role,
    status: r.status as AgentStatus,
    statusChangedAt: r.status_changed_at as Date,
    connected: r.connected as boolean,
    photoAttachmentId: (r.photo_attachment_id as string | null) ?? null,
    timeZone: (r.time_zone as string | null) ?? null,
    workHours: (r.work_hours ?? {}) as AgentState['workHours'],
    teamIds: r.team_ids as string[],
    pause: r.pause_id
      ? {
          id: r.pause_id as string,
          typeId: r.pause_type_id as string,
          name: r.pause_name as string,
          startedAt: r.started_at as Date,
          endsBy: r.ends_by as Date,
          overrunFlaggedAt: (r.overrun_flagged_at as Date | null) ?? null,
        }
      : null,
    ratingAverage: (r.rating_average as number | null) ?? null,
    ratingCount: r.rating_count as number,
    maxConversations: (r.max_conversations as number | null) ?? null,
  }));
}
