import { audit } from '../../db/queries/audit.ts';
import { getLock, lockAddress, releaseAttempt, reserveAttempt, spendUnlocks } from '../../db/queries/lockout.ts';
import type { User } from '../../db/queries/users.ts';
import type { MessageKey } from '../../i18n/index.ts';
import type { Fail } from '../errors.ts';
import type { Services } from '../services/index.ts';
import { emailKey } from './login.ts';

/**
 * Proof, inside a session, that the person at the keyboard is the user — their password or a
 * current code — before a change to how they sign in (a new password, a factor turned off, new
 * recovery codes, a passkey added). Counted exactly as a sign-in attempt (commands/login.ts):
 * behind the IP throttle, recorded toward the address's lock before `check` runs (proofs sent
 * all at once count each other), taken back when right. So a session left open on a desk is no
 * way to guess the password or a code: LOCKOUT_ATTEMPTS wrong proofs lock the address as wrong
 * passwords do (audited in the user's organization), and a locked address proves nothing until
 * the lock ends or an admin unlocks the user (whose tries a wrong proof then uses up).
 */
export async function proveIdentity(
  s: Services,
  fail: Fail,
  user: User,
  ip: string,
  wrong: MessageKey,
  check: () => Promise<boolean>,
): Promise<void> {
  if (!(await s.ipLimiter.take(ip))) throw fail('TOO_MANY_REQUESTS', 'auth.ipThrottled');
  const key = emailKey(user.email);
  const limits = { emailKey: key, lockMinutes: s.env.LOCKOUT_MINUTES };
  const who = { orgId: user.orgId, actorUserId: user.id, subjectUserId: user.id, email: key, ip };
  const lock = await getLock(s.sql, key, user.id);
  if (lock && !lock.liftedForUser) throw fail('TOO_MANY_REQUESTS', 'auth.locked');
  const attempt = lock ? null : await reserveAttempt(s.sql, { emailKey: key, ip, windowMinutes: s.env.LOCKOUT_WINDOW_MINUTES });
  if (attempt && attempt.count > s.env.LOCKOUT_ATTEMPTS) {
    if (await lockAddress(s.sql, limits)) await audit(s.sql, { ...who, action: 'lockout' });
    throw fail('TOO_MANY_REQUESTS', 'auth.locked');
  }
  let counted = false;
  try {
    if (await check()) return;
    counted = true;
  } finally {
    // A right proof (or one that could not be checked) takes back its own attempt only.
    if (attempt && !counted) await releaseAttempt(s.sql, key, attempt.id);
  }
  if (lock) await spendUnlocks(s.sql, key, s.env.LOCKOUT_ATTEMPTS);
  const locked = attempt !== null && attempt.count >= s.env.LOCKOUT_ATTEMPTS && (await lockAddress(s.sql, limits));
  await audit(s.sql, { ...who, action: 'identity_check_failed' });
  if (locked) await audit(s.sql, { ...who, action: 'lockout' });
  if (locked) throw fail('TOO_MANY_REQUESTS', 'auth.locked');
  throw fail('BAD_REQUEST', wrong);
}
