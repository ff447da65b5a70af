import type { Db } from '../sql.ts';

export type AuditAction =
  | 'login'
  | 'login_failed'
  | 'lockout'
  | 'unlock'
  | 'login_refused_network'
  | 'login_refused_hours'
  | 'logout'
  | 'password_reset_requested'
  | 'password_reset'
  | 'password_changed'
  | 'invitation_sent'
  | 'invitation_accepted'
  | 'user_updated'
  | 'user_deactivated'
  | 'organization_updated'
  | 'organization_created'
  | (string & {});

export interface AuditEntry {
  orgId: string;
  action: AuditAction;
  actorUserId?: string | null;
  subjectUserId?: string | null;
  email?: string | null;
  ip?: string | null;
  details?: Record<string, unknown>;
}

export async function audit(db: Db, e: AuditEntry): Promise<void> {
  await db`INSERT INTO audit_log (org_id, action, actor_user_id, subject_user_id, email, ip, details)
    VALUES (${e.orgId}, ${e.action}, ${e.actorUserId ?? null}, ${e.subjectUserId ?? null}, ${e.email ?? null},
            ${e.ip ?? null}, ${db.json((e.details ?? {}) as never)})`;
}

export interface AuditFilters {
  /** Who did it (actor_user_id). */
  actorUserId?: string;
  action?: string;
  /** When: from inclusive, to exclusive. */
  from?: Date;
  to?: Date;
}

/** Newest first, `limit` entries older than `beforeId` (keyset on the id), narrowed by `f`. */
export async function listAudit(db: Db, orgId: string, limit: number, beforeId?: string, f: AuditFilters = {}) {
  const rows = await db`SELECT id::text, at, action, actor_user_id, subject_user_id, email, ip, details FROM audit_log
    WHERE org_id = ${orgId} AND (${beforeId ?? null}::bigint IS NULL OR id < ${beforeId ?? null}::bigint)
      ${f.actorUserId ? db`AND actor_user_id = ${f.actorUserId}` : db``}
      ${f.action ? db`AND action = ${f.action}` : db``}
      ${f.from ? db`AND at >= ${f.from}` : db``}
      ${f.to ? db`AND at < ${f.to}` : db``}
    ORDER BY audit_log.id DESC LIMIT ${limit}`;
  return rows.map((r) => ({
    id: r.id as string,
    at: r.at as Date,
    action: r.action as string,
    actorUserId: r.actor_user_id as string | null,
    subjectUserId: r.subject_user_id as string | null,
    email: r.email as string | null,
    ip: r.ip as string | null,
    details: r.details as Record<string, unknown>,
  }));
}
