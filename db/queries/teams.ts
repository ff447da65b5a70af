import type { Db } from '../sql.ts';

export interface Team {
  id: string;
  orgId: string;
  name: string;
  queueTimeoutMinutes: number;
  dispositionRequired: boolean;
  internalChat: boolean;
  tagsAllowed: boolean;
  queueMode: 'shared' | 'targeted';
  /** Active conversations an agent may hold when claiming this team's (null: no limit). */
  maxPerAgent: number | null;
}

const COLUMNS = `id, org_id, name, queue_timeout_minutes, disposition_required, internal_chat, tags_allowed, queue_mode, max_per_agent`;

function toTeam(r: Record<string, unknown>): Team {
  return {
    id: r.id as string,
    orgId: r.org_id as string,
    name: r.name as string,
    queueTimeoutMinutes: r.queue_timeout_minutes as number,
    dispositionRequired: r.disposition_required as boolean,
    internalChat: r.internal_chat as boolean,
    tagsAllowed: r.tags_allowed as boolean,
    queueMode: r.queue_mode as Team['queueMode'],
    maxPerAgent: (r.max_per_agent as number | null) ?? null,
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
    `SELECT ${COLUMNS.split(', ')
      .map((c) => `t.${c}`)
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
    `INSERT INTO teams (org_id, name, queue_timeout_minutes, disposition_required, internal_chat, tags_allowed, queue_mode, max_per_agent)
     VALUES ($1, $2, coalesce($3, 1440), coalesce($4, false), coalesce($5, true), coalesce($6, true), coalesce($7, 'shared'), $8)
     RETURNING ${COLUMNS}`,
    [
      orgId,
      t.name.trim(),
      t.queueTimeoutMinutes ?? null,
      t.dispositionRequired ?? null,
      t.internalChat ?? null,
      t.tagsAllowed ?? null,
      t.queueMode ?? null,
      t.maxPerAgent ?? null,
    ],
  );
  return toTeam(rows[0]!);
}

export async function updateTeam(db: Db, orgId: string, teamId: string, t: Partial<TeamInput>): Promise<Team | null> {
  const rows = await db.unsafe(
    `UPDATE teams SET name = coalesce($3, name), queue_timeout_minutes = coalesce($4, queue_timeout_minutes),
       disposition_required = coalesce($5, disposition_required), internal_chat = coalesce($6, internal_chat),
       tags_allowed = coalesce($7, tags_allowed), queue_mode = coalesce($8, queue_mode),
       max_per_agent = CASE WHEN $9 THEN $10::int ELSE max_per_agent END
     WHERE org_id = $1 AND id = $2 RETURNING ${COLUMNS}`,
    [
      orgId,
      teamId,
      t.name?.trim() ?? null,
      t.queueTimeoutMinutes ?? null,
      t.dispositionRequired ?? null,
      t.internalChat ?? null,
      t.tagsAllowed ?? null,
      t.queueMode ?? null,
      // null is a value here (no limit): only an absent field leaves it as it is.
      t.maxPerAgent !== undefined,
      t.maxPerAgent ?? null,
    ],
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

/** Whether someone in the team could take a conversation now (online, not deactivated). */
export async function teamHasAvailableAgent(db: Db, orgId: string, teamId: string): Promise<boolean> {
  const rows = await db`SELECT 1 FROM team_members m JOIN users u ON u.org_id = m.org_id AND u.id = m.user_id
    WHERE m.org_id = ${orgId} AND m.team_id = ${teamId} AND u.status = 'online' AND u.deactivated_at IS NULL LIMIT 1`;
  return rows.length > 0;
}
