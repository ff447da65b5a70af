import { audit } from '../../db/queries/audit.ts';
import { clearFailures, getLock, lockAddress, releaseAttempt, reserveAttempt, spendUnlocks } from '../../db/queries/lockout.ts';
import { findLoginCandidates, setStatus, type User } from '../../db/queries/users.ts';
import { getOrganization } from '../../db/queries/organizations.ts';
import { signInSeen } from '../../db/queries/presence.ts';
import { runTx } from '../../db/sql.ts';
import { verifyPassword } from '../auth/password.ts';
import { createSession } from '../auth/session.ts';
import { isAllowedNetwork } from '../domain/networks.ts';
import { hasSchedule, isWithinWorkHours } from '../domain/work-hours.ts';
import type { Fail } from '../errors.ts';
import type { Services } from '../services/index.ts';
import { beginSecondStep, type PendingSecondStep } from './twofactor/begin.ts';

export function emailKey(email: string): string {
  return email.trim().toLowerCase();
}

type Refusal = 'login_refused_network' | 'login_refused_hours';

/** The user whose password this is. The same e-mail may exist in several organizations; the password says which one. */
async function matchPassword(s: Services, key: string, password: string): Promise<User | null> {
  const candidates = await findLoginCandidates(s.sql, key);
  if (candidates.length === 0) await verifyPassword(null, password); // the same work for an unknown address
  for (const c of candidates) {
    if (await verifyPassword(c.passwordHash, password)) return c.user;
  }
  return null;
}

/** Why the organization refuses this user a session from here and now, if it does. */
async function refusalOf(s: Services, user: User, ip: string): Promise<Refusal | null> {
  const org = (await getOrganization(s.sql, user.orgId))!;
  if (!isAllowedNetwork(ip, org.allowedNetworks)) return 'login_refused_network';
  const zone = user.timeZone ?? org.timeZone;
  if (
    org.workHoursPolicy === 'refuse_login' &&
    user.role !== 'admin' &&
    hasSchedule(user.workHours) &&
    !isWithinWorkHours(user.workHours, new Date(), zone)
  ) {
    return 'login_refused_hours';
  }
  return null;
}

/**
 * Sign-in. Enumeration safety: the IP throttle and the per-address lock apply whether or not
 * the address exists, and the password is always checked (a dummy hash for an unknown
 * address) so the time taken says nothing. A correct password refused by the organization
 * (network allow-list, work hours) gets exactly the answer of a wrong password and counts
 * toward the lock, so the answer never confirms a password.
 *
 * Tenancy: an address may belong to users of several organizations. Only the organization
 * whose user matched the password hears about the attempt (its audit log); an attempt that
 * matched nobody goes to the operator's log only. An admin's unlock lifts the lock for their
 * own user only, and gives that user as many tries as a fresh address: wrong passwords while
 * the address stays locked use them up.
 */
export async function login(
  s: Services,
  fail: Fail,
  input: { email: string; password: string; ip: string; userAgent?: string | undefined },
): Promise<SignIn | PendingSecondStep> {
  const key = emailKey(input.email);
  if (!(await s.ipLimiter.take(input.ip))) {
    s.metrics.logins.inc({ outcome: 'ip_throttled' });
    throw fail('TOO_MANY_REQUESTS', 'auth.ipThrottled');
  }

  // The attempt counts as a failure before its password is checked, so that guesses sent all
  // at once count each other: past the lockout's attempts, the rest are not checked at all
  // (checking first and counting after let a burst of N guesses be N checks). A right password
  // takes back its own row only; a completed sign-in clears the address's failures.
  const attempt = await reserveAttempt(s.sql, { emailKey: key, ip: input.ip, windowMinutes: s.env.LOCKOUT_WINDOW_MINUTES });
  const counted = { count: attempt.count, failure: false };
  try {
    if (attempt.count > s.env.LOCKOUT_ATTEMPTS) {
      // More attempts than the lockout allows, failed or being checked: the address is locked
      // (its failures may all be in flight, and none of them counted up to exactly the limit).
      if (await lockAddress(s.sql, { emailKey: key, lockMinutes: s.env.LOCKOUT_MINUTES })) {
        s.log.info({ event: 'lockout', email: key, ip: input.ip }, 'login address locked');
      }
      s.metrics.logins.inc({ outcome: 'locked' });
      throw fail('TOO_MANY_REQUESTS', 'auth.locked');
    }
    return await checkPassword(s, fail, input, key, counted);
  } finally {
    if (!counted.failure) await releaseAttempt(s.sql, key, attempt.id);
  }
}

/**
 * The password of an attempt already counted (`counted.count`: the failures of the address's
 * window with this one). Answers a sign-in, or throws; sets `counted.failure` when the attempt
 * stays counted (a wrong password, or a right one the organization refuses).
 */
async function checkPassword(
  s: Services,
  fail: Fail,
  input: { email: string; password: string; ip: string; userAgent?: string | undefined },
  key: string,
  counted: { count: number; failure: boolean },
): Promise<SignIn | PendingSecondStep> {
  const match = await matchPassword(s, key, input.password);
  const lock = await getLock(s.sql, key, match?.id ?? null);
  if (lock && !lock.liftedForUser) {
    // A wrong password uses up the tries of users the lock was lifted for (another user's
    // right password is no guess at theirs).
    if (!match) await spendUnlocks(s.sql, key, s.env.LOCKOUT_ATTEMPTS);
    s.metrics.logins.inc({ outcome: 'locked' });
    throw fail('TOO_MANY_REQUESTS', 'auth.locked');
  }

  const refusal = match ? await refusalOf(s, match, input.ip) : null;
  if (match && !refusal) {
    const attempt = { emailKey: key, ip: input.ip, userAgent: input.userAgent };
    // A second factor (or the duty to enroll one) makes the right password a pending step, not
    // a session; the failures are cleared only when that step passes (commands/twofactor/).
    const pending = await beginSecondStep(s.sql, match, attempt);
    if (pending) {
      s.metrics.logins.inc({ outcome: 'second_step' });
      return pending;
    }
    return completeSignIn(s, match, attempt);
  }

  // A wrong password, or a right one refused: one answer for both. While the address is
  // locked (we get here only for a user whose lock was lifted) a wrong password would say
  // "locked" and use up the unlock's tries, so a refusal does the same (and is not counted).
  if (lock) await spendUnlocks(s.sql, key, s.env.LOCKOUT_ATTEMPTS);
  counted.failure = !lock;
  const locked =
    !lock && counted.count >= s.env.LOCKOUT_ATTEMPTS && (await lockAddress(s.sql, { emailKey: key, lockMinutes: s.env.LOCKOUT_MINUTES }));
  if (match && refusal) {
    await audit(s.sql, { orgId: match.orgId, action: refusal, subjectUserId: match.id, email: key, ip: input.ip });
    if (locked) await audit(s.sql, { orgId: match.orgId, action: 'lockout', subjectUserId: match.id, email: key, ip: input.ip });
  } else {
    // Nobody's password: no organization may see the attempt (the address may be theirs and
    // another's), so it goes to the operator's log.
    s.log.info({ event: locked ? 'lockout' : 'login_failed', email: key, ip: input.ip }, locked ? 'login address locked' : 'login failed');
  }
  const outcome = locked
    ? 'locked'
    : refusal === 'login_refused_network'
      ? 'refused_network'
      : refusal === 'login_refused_hours'
        ? 'refused_hours'
        : 'failed';
  s.metrics.logins.inc({ outcome });
  if (lock || locked) throw fail('TOO_MANY_REQUESTS', 'auth.locked');
  throw fail('UNAUTHORIZED', 'auth.invalidCredentials');
}

export interface SignIn {
  user: User;
  token: string;
  sessionId: string;
}

/**
 * The end of a sign-in (after the password, and the second step when there is one): the
 * address's failures cleared, a session, the audit row, the agent online.
 */
export async function completeSignIn(
  s: Services,
  user: User,
  attempt: { emailKey: string; ip: string; userAgent?: string | undefined },
  details: Record<string, unknown> = {},
): Promise<SignIn> {
  const key = attempt.emailKey;
  const session = await runTx(s.sql, async (tx) => {
    await clearFailures(tx, key);
    const created = await createSession(tx, { orgId: user.orgId, userId: user.id, ip: attempt.ip, userAgent: attempt.userAgent });
    await audit(tx, {
      orgId: user.orgId,
      action: 'login',
      subjectUserId: user.id,
      actorUserId: user.id,
      email: key,
      ip: attempt.ip,
      details,
    });
    if (await setStatus(tx, user.orgId, user.id, 'online')) {
      await s.bus.publish(tx, user.orgId, 'user.status', { userId: user.id, status: 'online' });
    }
    // A device just seen: available for the grace period before the browser's stream opens.
    if (await signInSeen(tx, user.orgId, user.id)) {
      await s.bus.publish(tx, user.orgId, 'user.presence', { userId: user.id, connected: true });
    }
    return created;
  });
  s.metrics.logins.inc({ outcome: 'ok' });
  return { user: { ...user, status: 'online' }, ...session };
}
