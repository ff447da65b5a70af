import { getLock } from '../../db/queries/lockout.ts';
import type { User } from '../../db/queries/users.ts';
import type { MessageKey } from '../../i18n/index.ts';
import type { Fail } from '../errors.ts';
import type { Services } from '../services/index.ts';
import { countedAttempt } from './counted-attempt.ts';
import { emailKey } from './login.ts';

/**
 * Proof, inside a session, that the person at the keyboard is the user — their password or a
 * current code — before a change to how they sign in (a new password, a factor turned off, new
 * recovery codes, a passkey added). Behind the IP throttle, and counted exactly as a sign-in
 * attempt (commands/counted-attempt.ts), taken back when right. So a session left open on a desk is no
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
  const lock = await getLock(s.sql, key, user.id);
  if (lock && !lock.liftedForUser) throw fail('TOO_MANY_REQUESTS', 'auth.locked');
  const r = await countedAttempt(
    s,
    { user, emailKey: key, ip, lock, failure: { action: 'identity_check_failed', actorUserId: user.id }, takeBackWhenRight: true },
    check,
  );
  if (r.outcome === 'locked') throw fail('TOO_MANY_REQUESTS', 'auth.locked');
  if (r.outcome === 'wrong') throw fail('BAD_REQUEST', wrong);
}
