import type { Db } from '../sql.ts';

export interface Team {
  id: string;
  orgId: string;
  name: string;
  queueTimeoutMinutes: number;
  dispositionRequired: boolean;
  internalChat: boolean;
  tagsAllowed: boolean;
  /** 'pull': agents claim from the queue; 'auto': the server offers each conversation to one agent. */
  routing: 'pull' | 'auto';
  /** Active conversations an agent may hold when claiming this team's (null: no limit). */
  maxPerAgent: number | null;
  /** How long an offer waits for the agent's accept (auto routing). */
  acceptTimeoutSeconds: number;
  /** A customer message unanswered this long returns the conversation to the queue (null: off). */
  noAnswerMinutes: number | null;
  /** The serving agent without a device this long returns it to the queue (null: off). */
  absentMinutes: number | null;
  /** Whether conversations waiting on the customer count toward the agent's capacity. */
  pendingCounts: boolean;
  /** Weekly schedule (organization's time zone; empty = always open) and closed local dates. */
  businessHours: { schedule: Record<string, [string, string][]>; holidays: string[] };
  /** Told to a customer who arrives while the team is closed (null: the standard sentence). */
  outOfHoursMessage: string | null;
  /** Outside business hours a new conversation waits for opening, or is closed. */
  outOfHoursAction: 'wait' | 'close';
  slaFirstResponseMinutes: number | null;
  slaNextResponseMinutes: number | null;
  /** The service-level clock runs only inside business hours. */
  slaBusinessHours: boolean;
}

const COLUMNS = `id, org_id, name, queue_timeout_minutes, disposition_required, internal_chat, tags_allowed, routing, max_per_agent, accept_timeout_seconds,
  no_answer_minutes, absent_minutes, pending_counts, business_hours, holidays::text[] AS holidays, out_of_hours_message,
  out_of_hours_action, sla_first_response_minutes, sla_next_response_minutes, sla_business_hours`;

function toTeam(r: Record<string, unknown>): Team {
  return {
    id: r.id as string,
    orgId: r.org_id as string,
    name: r.name as string,
    queueTimeoutMinutes: r.queue_timeout_minutes as number,
    dispositionRequired: r.disposition_required as boolean,
    internalChat: r.internal_chat as boolean,
    tagsAllowed: r.tags_allowed as boolean,
    routing: r.routing as Team['routing'],
    maxPerAgent: (r.max_per_agent as number | null) ?? null,
    acceptTimeoutSeconds: r.accept_timeout_seconds as number,
    noAnswerMinutes: (r.no_answer_minutes as number | null) ?? null,
    absentMinutes: (r.absent_minutes as number | null) ?? null,
    pendingCounts: r.pending_counts as boolean,
    businessHours: {
      schedule: (r.business_hours ?? {}) as Team['businessHours']['schedule'],
      holidays: (r.holidays as string[] | null) ?? [],
    },
    outOfHoursMessage: (r.out_of_hours_message as string | null) ?? null,
    outOfHoursAction: r.out_of_hours_action as Team['outOfHoursAction'],
    slaFirstResponseMinutes: (r.sla_first_response_minutes as number | null) ?? null,
    slaNextResponseMinutes: (r.sla_next_response_minutes as number | null) ?? null,
    slaBusinessHours: r.sla_business_hours as boolean,
  };
}

export async function listTeams(db: Db, orgId: string): Promise<Team[]> {
  const rows = await db.unsafe(`SELECT ${COLUMNS} FROM teams WHERE org_id = $1 ORDER BY lower(name)`, [orgId]);
  return rows.map(toTeam);
}

export async function getTeam(db: Db, orgId: string, teamId: string): Promise<Team | null> {
  const rows = await db.unsafe(`SELECT ${COLUMNS} FROM teams WHERE org_id = $1 AND id = $2`, [orgId, teamId]);
  return rows[0] ? toTeam(rows[0]) : null;
}

export async function teamsOfUser(db: Db, orgId: string, userId: string): Promise<Team[]> {
  const rows = await db.unsafe(
    `SELECT ${COLUMNS.split(',')
      .map((c) => `t.${c.trim()}`)
      .join(', ')} FROM teams t
     JOIN team_members m ON m.org_id = t.org_id AND m.team_id = t.id
     WHERE t.org_id = $1 AND m.user_id = $2 ORDER BY lower(t.name)`,
    [orgId, userId],
  );
  return rows.map(toTeam);
}

export async function membersOfTeams(db: Db, orgId: string): Promise<{ teamId: string; userId: string }[]> {
  const rows = await db`SELECT team_id, user_id FROM team_members WHERE org_id = ${orgId}`;
  return rows.map((r) => ({ teamId: r.team_id as string, userId: r.user_id as string }));
}

export type TeamInput = Omit<Team, 'id' | 'orgId'>;

export async function insertTeam(db: Db, orgId: string, t: Partial<TeamInput> & { name: string }): Promise<Team> {
  const rows = await db.unsafe(
    `INSERT INTO teams (org_id, name, queue_timeout_minutes, disposition_required, internal_chat, tags_allowed, routing, max_per_agent,
       accept_timeout_seconds, no_answer_minutes, absent_minutes, pending_counts, business_hours, holidays, out_of_hours_message,
       out_of_hours_action, sla_first_response_minutes, sla_next_response_minutes, sla_business_hours)
     VALUES ($1, $2, coalesce($3, 1440), coalesce($4, false), coalesce($5, true), coalesce($6, true), coalesce($7, 'pull'), $8, coalesce($9, 60),
       $10, $11, coalesce($12, false), coalesce($13::text::jsonb, '{}'), coalesce($14::date[], '{}'), $15, coalesce($16, 'wait'), $17, $18,
       coalesce($19, true))
     RETURNING ${COLUMNS}`,
    [
      orgId,
      t.name.trim(),
      t.queueTimeoutMinutes ?? null,
      t.dispositionRequired ?? null,
      t.internalChat ?? null,
      t.tagsAllowed ?? null,
      t.routing ?? null,
      t.maxPerAgent ?? null,
      t.acceptTimeoutSeconds ?? null,
      t.noAnswerMinutes ?? null,
      t.absentMinutes ?? null,
      t.pendingCounts ?? null,
      t.businessHours ? JSON.stringify(t.businessHours.schedule) : null,
      t.businessHours?.holidays ?? null,
      t.outOfHoursMessage?.trim() || null,
      t.outOfHoursAction ?? null,
      t.slaFirstResponseMinutes ?? null,
      t.slaNextResponseMinutes ?? null,
      t.slaBusinessHours ?? null,
    ] as never[],
  );
  return toTeam(rows[0]!);
}

export async function updateTeam(db: Db, orgId: string, teamId: string, t: Partial<TeamInput>): Promise<Team | null> {
  const rows = await db.unsafe(
    `UPDATE teams SET name = coalesce($3, name), queue_timeout_minutes = coalesce($4, queue_timeout_minutes),
       disposition_required = coalesce($5, disposition_required), internal_chat = coalesce($6, internal_chat),
       tags_allowed = coalesce($7, tags_allowed), routing = coalesce($8, routing),
       max_per_agent = CASE WHEN $9 THEN $10::int ELSE max_per_agent END, accept_timeout_seconds = coalesce($11, accept_timeout_seconds),
       no_answer_minutes = CASE WHEN $12 THEN $13::int ELSE no_answer_minutes END,
       absent_minutes = CASE WHEN $14 THEN $15::int ELSE absent_minutes END, pending_counts = coalesce($16, pending_counts),
       business_hours = coalesce($17::text::jsonb, business_hours), holidays = coalesce($18::date[], holidays),
       out_of_hours_message = CASE WHEN $19 THEN $20 ELSE out_of_hours_message END, out_of_hours_action = coalesce($21, out_of_hours_action),
       sla_first_response_minutes = CASE WHEN $22 THEN $23::int ELSE sla_first_response_minutes END,
       sla_next_response_minutes = CASE WHEN $24 THEN $25::int ELSE sla_next_response_minutes END,
       sla_business_hours = coalesce($26, sla_business_hours)
     WHERE org_id = $1 AND id = $2 RETURNING ${COLUMNS}`,
    [
      orgId,
      teamId,
      t.name?.trim() ?? null,
      t.queueTimeoutMinutes ?? null,
      t.dispositionRequired ?? null,
      t.internalChat ?? null,
      t.tagsAllowed ?? null,
      t.routing ?? null,
      // null is a value here (no limit): only an absent field leaves it as it is.
      t.maxPerAgent !== undefined,
      t.maxPerAgent ?? null,
      t.acceptTimeoutSeconds ?? null,
      t.noAnswerMinutes !== undefined,
      t.noAnswerMinutes ?? null,
      t.absentMinutes !== undefined,
      t.absentMinutes ?? null,
      t.pendingCounts ?? null,
      t.businessHours ? JSON.stringify(t.businessHours.schedule) : null,
      t.businessHours?.holidays ?? null,
      t.outOfHoursMessage !== undefined,
      t.outOfHoursMessage?.trim() || null,
      t.outOfHoursAction ?? null,
      t.slaFirstResponseMinutes !== undefined,
      t.slaFirstResponseMinutes ?? null,
      t.slaNextResponseMinutes !== undefined,
      t.slaNextResponseMinutes ?? null,
      t.slaBusinessHours ?? null,
    ] as never[],
  );
  return rows[0] ? toTeam(rows[0]) : null;
}

/** Replaces a user's teams; the composite foreign key refuses a team of another organization. */
export async function setUserTeams(db: Db, orgId: string, userId: string, teamIds: string[]): Promise<void> {
  await db`DELETE FROM team_members WHERE org_id = ${orgId} AND user_id = ${userId}`;
  for (const teamId of new Set(teamIds)) {
    await db`INSERT INTO team_members (org_id, team_id, user_id) VALUES (${orgId}, ${teamId}, ${userId})`;
  }
}

export async function setTeamMembers(db: Db, orgId: string, teamId: string, userIds: string[]): Promise<void> {
  await db`DELETE FROM team_members WHERE org_id = ${orgId} AND team_id = ${teamId}`;
  for (const userId of new Set(userIds)) {
    await db`INSERT INTO team_members (org_id, team_id, user_id) VALUES (${orgId}, ${teamId}, ${userId})`;
  }
}

export async function countExistingTeams(db: Db, orgId: string, teamIds: string[]): Promise<number> {
  if (teamIds.length === 0) return 0;
  const rows = await db`SELECT count(*)::int AS n FROM teams WHERE org_id = ${orgId} AND id = ANY(${teamIds}::uuid[])`;
  return rows[0]!.n as number;
}

export async function deleteTeam(db: Db, orgId: string, teamId: string): Promise<boolean> {
  const rows = await db`DELETE FROM teams WHERE org_id = ${orgId} AND id = ${teamId} RETURNING id`;
  return rows.length > 0;
}

/**
 * The team's members who may be available (online, connected, active), with what the
 * availability rule still needs to decide (server/domain/availability.ts): their work hours,
 * time zone (theirs, else the organization's) and whether the organization enforces hours.
 */
export async function teamAvailabilityFacts(
  db: Db,
  orgId: string,
  teamId: string,
): Promise<
  {
    status: 'online';
    connected: true;
    workHours: Record<string, [string, string][]>;
    timeZone: string;
    enforceWorkHours: boolean;
  }[]
> {
  const rows = await db`SELECT u.work_hours, coalesce(u.time_zone, o.time_zone) AS time_zone, o.work_hours_policy
    FROM team_members m JOIN users u ON u.org_id = m.org_id AND u.id = m.user_id JOIN organizations o ON o.id = m.org_id
    WHERE m.org_id = ${orgId} AND m.team_id = ${teamId} AND u.status = 'online' AND u.connected AND u.deactivated_at IS NULL`;
  return rows.map((r) => ({
    status: 'online',
    connected: true,
    workHours: (r.work_hours ?? {}) as Record<string, [string, string][]>,
    timeZone: r.time_zone as string,
    enforceWorkHours: r.work_hours_policy === 'refuse_login',
  }));
}
