import { toOrganization, type Organization } from '../../db/queries/organizations.ts';
import { endRunningPause, lockUserStatus, setStatusAt } from '../../db/queries/agents.ts';
import {
  deleteSession,
  deleteUserSessions,
  getSessionWithUser,
  hasSession,
  insertSession,
  touchSession,
} from '../../db/queries/sessions.ts';
import { toUser, type User } from '../../db/queries/users.ts';
import { runTx, type Db, type Sql } from '../../db/sql.ts';
import type { EventBus } from '../events/bus.ts';
import { forgetSession, forgetUser, sessionCacheOf, type SessionEntry } from './session-cache.ts';
import { hashSecret, randomId, randomSecret, secretMatches } from './tokens.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export interface SessionPolicy {
  idleDays: number;
  maxDays: number;
}

export interface Authenticated {
  sessionId: string;
  user: User;
  organization: Organization;
  /** The user's teams (as the permission rules need them: member of the conversation's team). */
  teamIds: readonly string[];
}

/** Token "<id>.<secret>" (lucia-auth.com guide): 120-bit id, 256-bit secret, only its hash stored. */
export async function createSession(
  db: Db,
  s: { orgId: string; userId: string; ip?: string | null; userAgent?: string | null },
): Promise<{ token: string; sessionId: string }> {
  const id = randomId(24);
  const secret = randomSecret();
  await insertSession(db, { id, orgId: s.orgId, userId: s.userId, secretHash: hashSecret(secret), ip: s.ip, userAgent: s.userAgent });
  return { token: `${id}.${secret}`, sessionId: id };
}

export function sessionIsFresh(s: { createdAt: Date; lastVerifiedAt: Date }, policy: SessionPolicy, now = Date.now()): boolean {
  return now - s.lastVerifiedAt.getTime() < policy.idleDays * DAY && now - s.createdAt.getTime() < policy.maxDays * DAY;
}

/**
 * Validates a token; refreshes "last verified" at most hourly; ends stale sessions (an agent
 * whose last session that was goes offline, announced on `bus`). The session, its user,
 * organization and teams come from this process's cache (server/auth/session-cache.ts) when
 * there; the secret is checked against the stored hash on every request.
 */
export async function validateSessionToken(
  db: Sql,
  token: string,
  policy: SessionPolicy,
  bus: EventBus | null = null,
): Promise<Authenticated | null> {
  const [id, secret, extra] = token.split('.');
  if (!id || !secret || extra !== undefined || id.length > 64 || secret.length > 128) return null;
  const cache = sessionCacheOf(db);
  let found: SessionEntry | null | undefined = cache.get(id);
  if (!found) {
    const mark = cache.mark();
    const row = await getSessionWithUser(db, id);
    if (!row || !secretMatches(secret, row.session.secretHash)) return null;
    found = { session: row.session, user: toUser(row.user), organization: toOrganization(row.org), teamIds: row.teamIds };
    cache.set(id, found, mark);
  } else if (!secretMatches(secret, found.session.secretHash)) return null;
  const { session, user } = found;
  if (!sessionIsFresh(session, policy)) {
    forgetSession(id);
    if (await deleteSession(db, id)) await offlineWithoutSession(db, bus, session.orgId, session.userId);
    return null;
  }
  if (user.deactivatedAt) {
    forgetSession(id);
    await deleteSession(db, id);
    return null;
  }
  if (Date.now() - session.lastVerifiedAt.getTime() > HOUR) {
    await touchSession(db, id);
    cache.touched(id, new Date());
  }
  return { sessionId: id, user, organization: found.organization, teamIds: found.teamIds };
}

/** Ends one session and tells the other parts (event streams, sync sockets). */
export async function endSession(db: Db, bus: EventBus, sessionId: string): Promise<void> {
  // Every process forgets it when the deletion commits (a trigger notifies); this one at once.
  forgetSession(sessionId);
  const ended = await deleteSession(db, sessionId);
  if (ended) await bus.publish(db, ended.orgId, 'session.ended', { sessionId, userId: ended.userId });
}

/** Password change/reset and deactivation end every session of the user. */
export async function endAllSessions(db: Db, bus: EventBus, orgId: string, userId: string): Promise<void> {
  forgetUser(userId);
  await deleteUserSessions(db, orgId, userId);
  await bus.publish(db, orgId, 'user.sessions_revoked', { userId });
}

/**
 * A session expired: an agent left with no session is offline (a running pause ends, as when
 * they choose offline), announced with `user.status` when a bus is given. Under the user's row
 * lock, taken before the sessions are counted: a sign-in at the same moment (which writes its
 * session, then the status) is either seen here or sets the status after us.
 */
export async function offlineWithoutSession(
  sql: Sql,
  bus: EventBus | null,
  orgId: string,
  userId: string,
  now = new Date(),
): Promise<boolean> {
  return runTx(sql, async (tx) => {
    const status = await lockUserStatus(tx, orgId, userId);
    if (status === null || status === 'offline' || (await hasSession(tx, orgId, userId))) return false;
    await endRunningPause(tx, orgId, userId, now);
    await setStatusAt(tx, orgId, userId, 'offline', now);
    await bus?.publish(tx, orgId, 'user.status', { userId, status: 'offline' });
    return true;
  });
}
