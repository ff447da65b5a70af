import { ORGANIZATION_COLUMNS } from './organizations.ts';
import { USER_COLUMNS } from './users.ts';
import type { Db } from '../sql.ts';

export interface SessionRow {
  id: string;
  orgId: string;
  userId: string;
  secretHash: Uint8Array;
  createdAt: Date;
  lastVerifiedAt: Date;
}

export async function insertSession(
  db: Db,
  s: { id: string; orgId: string; userId: string; secretHash: Uint8Array; ip?: string | null; userAgent?: string | null },
): Promise<void> {
  await db`INSERT INTO sessions (id, org_id, user_id, secret_hash, ip, user_agent)
    VALUES (${s.id}, ${s.orgId}, ${s.userId}, ${Buffer.from(s.secretHash)}, ${s.ip ?? null}, ${s.userAgent?.slice(0, 300) ?? null})`;
}

export async function getSession(db: Db, id: string): Promise<SessionRow | null> {
  const rows = await db`SELECT id, org_id, user_id, secret_hash, created_at, last_verified_at FROM sessions WHERE id = ${id}`;
  const r = rows[0];
  if (!r) return null;
  return {
    id: r.id as string,
    orgId: r.org_id as string,
    userId: r.user_id as string,
    secretHash: new Uint8Array(r.secret_hash as Buffer),
    createdAt: r.created_at as Date,
    lastVerifiedAt: r.last_verified_at as Date,
  };
}

export async function touchSession(db: Db, id: string): Promise<void> {
  await db`UPDATE sessions SET last_verified_at = now() WHERE id = ${id}`;
}

export async function deleteSession(db: Db, id: string): Promise<{ orgId: string; userId: string } | null> {
  const rows = await db`DELETE FROM sessions WHERE id = ${id} RETURNING org_id, user_id`;
  return rows[0] ? { orgId: rows[0].org_id as string, userId: rows[0].user_id as string } : null;
}

/** Ends every session of a user; returns the ended ids so listeners can close their sockets. */
export async function deleteUserSessions(db: Db, orgId: string, userId: string): Promise<string[]> {
  const rows = await db`DELETE FROM sessions WHERE org_id = ${orgId} AND user_id = ${userId} RETURNING id`;
  return rows.map((r) => r.id as string);
}

/** Ends the sessions past their idle or maximum age; returns whose they were (once per user). */
export async function deleteExpiredSessions(db: Db, idleDays: number, maxDays: number): Promise<{ orgId: string; userId: string }[]> {
  const rows = await db`WITH gone AS (
      DELETE FROM sessions
      WHERE last_verified_at < now() - ${idleDays}::float8 * interval '1 day'
         OR created_at < now() - ${maxDays}::float8 * interval '1 day' RETURNING org_id, user_id
    ) SELECT DISTINCT org_id, user_id FROM gone`;
  return rows.map((r) => ({ orgId: r.org_id as string, userId: r.user_id as string }));
}

export async function hasSession(db: Db, orgId: string, userId: string): Promise<boolean> {
  const rows = await db`SELECT 1 FROM sessions WHERE org_id = ${orgId} AND user_id = ${userId} LIMIT 1`;
  return rows.length > 0;
}

const SESSION_WITH_USER_SQL = (() => {
  const userCols = USER_COLUMNS.split(',')
    .map((c) => c.trim())
    .filter(Boolean)
    .map((c) => {
      const [expr, alias] = c.split(' AS ') as [string, string | undefined];
      return `u.${expr} AS u_${alias ?? expr}`;
    });
  const orgCols = ORGANIZATION_COLUMNS.split(',')
    .map((c) => c.trim())
    .filter(Boolean)
    .map((c) => `o.${c} AS o_${c}`);
  return `SELECT s.id, s.org_id, s.user_id, s.secret_hash, s.created_at, s.last_verified_at, ${userCols.join(', ')}, ${orgCols.join(', ')},
      ARRAY(SELECT m.team_id FROM team_members m WHERE m.org_id = s.org_id AND m.user_id = s.user_id ORDER BY m.team_id) AS team_ids
     FROM sessions s JOIN users u ON u.org_id = s.org_id AND u.id = s.user_id JOIN organizations o ON o.id = s.org_id
     WHERE s.id = $1`;
})();

/**
 * Everything a request needs about its session in one round trip: the session row, its user
 * and organization (prefixed columns u_… and o_…) and the user's team ids.
 */
export async function getSessionWithUser(
  db: Db,
  id: string,
): Promise<{ session: SessionRow; user: Record<string, unknown>; org: Record<string, unknown>; teamIds: string[] } | null> {
  const rows = await db.unsafe(SESSION_WITH_USER_SQL, [id], { prepare: true });
  const r = rows[0];
  if (!r) return null;
  const pick = (prefix: string) =>
    Object.fromEntries(
      Object.entries(r)
        .filter(([k]) => k.startsWith(prefix))
        .map(([k, v]) => [k.slice(prefix.length), v]),
    );
  return {
    session: {
      id: r.id as string,
      orgId: r.org_id as string,
      userId: r.user_id as string,
      secretHash: new Uint8Array(r.secret_hash as Buffer),
      createdAt: r.created_at as Date,
      lastVerifiedAt: r.last_verified_at as Date,
    },
    user: pick('u_'),
    org: pick('o_'),
    teamIds: r.team_ids as string[],
  };
}
