import { audit } from '../../db/queries/audit.ts';
import { clearFailures, getLock, recordFailure } from '../../db/queries/lockout.ts';
import { findLoginCandidates, setStatus, type User } from '../../db/queries/users.ts';
import { getOrganization } from '../../db/queries/organizations.ts';
import { runTx } from '../../db/sql.ts';
import { verifyPassword } from '../auth/password.ts';
import { createSession } from '../auth/session.ts';
import { isAllowedNetwork } from '../domain/networks.ts';
import { hasSchedule, isWithinWorkHours } from '../domain/work-hours.ts';
import type { Fail } from '../errors.ts';
import type { Services } from '../services/index.ts';

export function emailKey(email: string): string {
  return email.trim().toLowerCase();
}

/**
 * Sign-in. Order matters for enumeration safety: the IP throttle and the per-address lock
 * apply whether or not the address exists; the password is checked (or a dummy hash, for an
 * unknown address) before anything that depends on the account; network and work-hour
 * refusals come only after a correct password, with the lockout's sentence, and are audited.
 */
export async function login(
  s: Services,
  fail: Fail,
  input: { email: string; password: string; ip: string; userAgent?: string | undefined },
): Promise<{ user: User; token: string; sessionId: string }> {
  const key = emailKey(input.email);
  if (!(await s.ipLimiter.take(input.ip))) {
    s.metrics.logins.inc({ outcome: 'ip_throttled' });
    throw fail('TOO_MANY_REQUESTS', 'auth.ipThrottled');
  }
  if (await getLock(s.sql, key)) {
    s.metrics.logins.inc({ outcome: 'locked' });
    throw fail('TOO_MANY_REQUESTS', 'auth.locked');
  }

  const candidates = await findLoginCandidates(s.sql, key);
  let match: User | null = null;
  if (candidates.length === 0) {
    await verifyPassword(null, input.password);
  } else {
    // The same e-mail may exist in several organizations; the password says which one.
    for (const c of candidates) {
      if (await verifyPassword(c.passwordHash, input.password)) {
        match = c.user;
        break;
      }
    }
  }

  if (!match) {
    const locked = await recordFailure(s.sql, {
      emailKey: key,
      ip: input.ip,
      attempts: s.env.LOCKOUT_ATTEMPTS,
      windowMinutes: s.env.LOCKOUT_WINDOW_MINUTES,
      lockMinutes: s.env.LOCKOUT_MINUTES,
    });
    for (const c of candidates) {
      await audit(s.sql, { orgId: c.user.orgId, action: locked ? 'lockout' : 'login_failed', subjectUserId: c.user.id, email: key, ip: input.ip });
    }
    s.metrics.logins.inc({ outcome: locked ? 'locked' : 'failed' });
    if (locked) throw fail('TOO_MANY_REQUESTS', 'auth.locked');
    throw fail('UNAUTHORIZED', 'auth.invalidCredentials');
  }

  const org = (await getOrganization(s.sql, match.orgId))!;
  if (!isAllowedNetwork(input.ip, org.allowedNetworks)) {
    await audit(s.sql, { orgId: org.id, action: 'login_refused_network', subjectUserId: match.id, email: key, ip: input.ip });
    s.metrics.logins.inc({ outcome: 'refused_network' });
    throw fail('FORBIDDEN', 'auth.locked');
  }
  const zone = match.timeZone ?? org.timeZone;
  if (
    org.workHoursPolicy === 'refuse_login' &&
    match.role !== 'admin' &&
    hasSchedule(match.workHours) &&
    !isWithinWorkHours(match.workHours, new Date(), zone)
  ) {
    await audit(s.sql, { orgId: org.id, action: 'login_refused_hours', subjectUserId: match.id, email: key, ip: input.ip });
    s.metrics.logins.inc({ outcome: 'refused_hours' });
    throw fail('FORBIDDEN', 'auth.locked');
  }

  const user = match;
  const session = await runTx(s.sql, async (tx) => {
    await clearFailures(tx, key);
    const created = await createSession(tx, { orgId: user.orgId, userId: user.id, ip: input.ip, userAgent: input.userAgent });
    await audit(tx, { orgId: user.orgId, action: 'login', subjectUserId: user.id, actorUserId: user.id, email: key, ip: input.ip });
    if (await setStatus(tx, user.orgId, user.id, 'online')) {
      await s.bus.publish(tx, user.orgId, 'user.status', { userId: user.id, status: 'online' });
    }
    return created;
  });
  s.metrics.logins.inc({ outcome: 'ok' });
  return { user: { ...user, status: 'online' }, ...session };
}
