import type { Db } from '../sql.ts';

/** A supervisor serves as an agent and also sees the board and reports of their own teams. */
export type Role = 'admin' | 'supervisor' | 'agent';
export type AgentStatus = 'online' | 'paused' | 'offline';
export type HistoryAccess = 'own_teams' | 'all' | 'none';

export interface User {
  id: string;
  orgId: string;
  email: string;
  name: string;
  role: Role;
  status: AgentStatus;
  statusChangedAt: Date;
  language: string;
  timeZone: string | null;
  codename: string | null;
  extension: string | null;
  photoAttachmentId: string | null;
  historyAccess: HistoryAccess;
  internalChat: boolean;
  workHours: Record<string, [string, string][]>;
  soundAlerts: boolean;
  /** Active conversations this agent may hold, replacing their teams' limit (null: the team's). */
  maxConversations: number | null;
  deactivatedAt: Date | null;
  hasPassword: boolean;
  createdAt: Date;
}

// Explicit column list, shared by every user query (never the password hash).
export const USER_COLUMNS = `id, org_id, email, name, role, status, status_changed_at, language, time_zone, codename,
  extension, photo_attachment_id, history_access, internal_chat, work_hours, sound_alerts, max_conversations, deactivated_at,
  password_hash IS NOT NULL AS has_password, created_at`;

export function toUser(r: Record<string, unknown>): User {
  return {
    id: r.id as string,
    orgId: r.org_id as string,
    email: r.email as string,
    name: r.name as string,
    role: r.role as Role,
    status: r.status as AgentStatus,
    statusChangedAt: r.status_changed_at as Date,
    language: r.language as string,
    timeZone: (r.time_zone as string | null) ?? null,
    codename: (r.codename as string | null) ?? null,
    extension: (r.extension as string | null) ?? null,
    photoAttachmentId: (r.photo_attachment_id as string | null) ?? null,
    historyAccess: r.history_access as HistoryAccess,
    internalChat: r.internal_chat as boolean,
    workHours: (r.work_hours ?? {}) as User['workHours'],
    soundAlerts: r.sound_alerts as boolean,
    maxConversations: (r.max_conversations as number | null) ?? null,
    deactivatedAt: (r.deactivated_at as Date | null) ?? null,
    hasPassword: r.has_password as boolean,
    createdAt: r.created_at as Date,
  };
}

export async function getUser(db: Db, orgId: string, userId: string): Promise<User | null> {
  const rows = await db.unsafe(`SELECT ${USER_COLUMNS} FROM users WHERE org_id = $1 AND id = $2`, [orgId, userId]);
  return rows[0] ? toUser(rows[0]) : null;
}

export async function listUsers(db: Db, orgId: string): Promise<User[]> {
  const rows = await db.unsafe(`SELECT ${USER_COLUMNS} FROM users WHERE org_id = $1 ORDER BY lower(name), id`, [orgId]);
  return rows.map(toUser);
}

/** Active users with this e-mail in any organization, with their hashes, for login only. */
export async function findLoginCandidates(db: Db, email: string): Promise<{ user: User; passwordHash: string | null }[]> {
  const rows = await db.unsafe(
    `SELECT ${USER_COLUMNS}, password_hash FROM users WHERE lower(email) = lower($1) AND deactivated_at IS NULL ORDER BY created_at`,
    [email],
  );
  return rows.map((r) => ({ user: toUser(r), passwordHash: (r.password_hash as string | null) ?? null }));
}

export async function getPasswordHash(db: Db, orgId: string, userId: string): Promise<string | null> {
  const rows = await db`SELECT password_hash FROM users WHERE org_id = ${orgId} AND id = ${userId}`;
  return (rows[0]?.password_hash as string | null) ?? null;
}

export async function insertUser(
  db: Db,
  u: { orgId: string; email: string; name: string; role: Role; language?: string; passwordHash?: string | null },
): Promise<User> {
  const rows = await db.unsafe(
    `INSERT INTO users (org_id, email, name, role, language, password_hash) VALUES ($1, $2, $3, $4, $5, $6)
     RETURNING ${USER_COLUMNS}`,
    [u.orgId, u.email.trim(), u.name.trim(), u.role, u.language ?? 'pt-BR', u.passwordHash ?? null],
  );
  return toUser(rows[0]!);
}

export async function setPasswordHash(db: Db, orgId: string, userId: string, passwordHash: string): Promise<void> {
  await db`UPDATE users SET password_hash = ${passwordHash} WHERE org_id = ${orgId} AND id = ${userId}`;
}

export async function setStatus(db: Db, orgId: string, userId: string, status: AgentStatus): Promise<boolean> {
  const rows = await db`
    UPDATE users SET status = ${status}, status_changed_at = now()
    WHERE org_id = ${orgId} AND id = ${userId} AND status <> ${status} RETURNING id`;
  return rows.length > 0;
}

const UPDATABLE = {
  name: 'name',
  email: 'email',
  role: 'role',
  language: 'language',
  timeZone: 'time_zone',
  codename: 'codename',
  extension: 'extension',
  photoAttachmentId: 'photo_attachment_id',
  historyAccess: 'history_access',
  internalChat: 'internal_chat',
  workHours: 'work_hours',
  soundAlerts: 'sound_alerts',
  maxConversations: 'max_conversations',
} as const;
export type UserPatch = Partial<{ [K in keyof typeof UPDATABLE]: User[K] }>;

export async function updateUser(db: Db, orgId: string, userId: string, patch: UserPatch): Promise<User | null> {
  const sets: string[] = [];
  const values: unknown[] = [orgId, userId];
  for (const [key, column] of Object.entries(UPDATABLE)) {
    const value = patch[key as keyof UserPatch];
    if (value === undefined) continue;
    values.push(key === 'workHours' ? JSON.stringify(value) : value);
    sets.push(`${column} = $${values.length}${key === 'workHours' ? '::text::jsonb' : ''}`);
  }
  if (sets.length === 0) return getUser(db, orgId, userId);
  const rows = await db.unsafe(
    `UPDATE users SET ${sets.join(', ')} WHERE org_id = $1 AND id = $2 RETURNING ${USER_COLUMNS}`,
    values as never[],
  );
  return rows[0] ? toUser(rows[0]) : null;
}

export async function deactivateUser(db: Db, orgId: string, userId: string): Promise<void> {
  await db`UPDATE users SET deactivated_at = coalesce(deactivated_at, now()), status = 'offline', status_changed_at = now()
    WHERE org_id = ${orgId} AND id = ${userId}`;
}

export async function countActiveAdmins(db: Db, orgId: string, exceptUserId?: string): Promise<number> {
  const rows = await db`SELECT count(*)::int AS n FROM users WHERE org_id = ${orgId} AND role = 'admin'
    AND deactivated_at IS NULL AND id IS DISTINCT FROM ${exceptUserId ?? null}::uuid`;
  return rows[0]!.n as number;
}
