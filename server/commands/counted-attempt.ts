import { audit } from '../../db/queries/audit.ts';
import { getLock, lockAddress, releaseAttempt, reserveAttempt, spendUnlocks } from '../../db/queries/lockout.ts';
import type { User } from '../../db/queries/users.ts';
import type { Services } from '../services/index.ts';

export type AddressLock = Awaited<ReturnType<typeof getLock>>;

/** Whether the try was right; `checked`: its check ran (else the lock refused it unchecked); `newLock`: it locked the address. */
export interface AttemptResult {
  outcome: 'right' | 'wrong' | 'locked';
  checked: boolean;
  newLock: boolean;
}

/**
 * One try at a secret of `user` after the password's own step — a code, a passkey, a password
 * asked again inside a session — counted exactly as a password is at sign-in
 * (commands/login.ts): toward the address's lock, or against the tries an admin's unlock gave.
 * The try is recorded before `check` runs, so tries sent all at once are judged no more often
 * than the same tries one after another: once the window is full, the rest are refused
 * unchecked. `lock` is the address's lock as the caller read it (lifted for this user, or
 * none); a lock made meanwhile is read after the try is counted. A wrong try is audited in the
 * user's organization as `failure`, and `lockout` when it locks the address. With
 * `takeBackWhenRight`, a right try (or one whose check failed) takes back its own count.
 */
export async function countedAttempt(
  s: Services,
  a: {
    user: User;
    emailKey: string;
    ip: string;
    lock: AddressLock;
    failure: { action: string; actorUserId?: string; details?: Record<string, unknown> };
    takeBackWhenRight: boolean;
  },
  check: () => Promise<boolean>,
): Promise<AttemptResult> {
  const key = a.emailKey;
  const limits = { emailKey: key, lockMinutes: s.env.LOCKOUT_MINUTES };
  const who = { orgId: a.user.orgId, actorUserId: a.failure.actorUserId, subjectUserId: a.user.id, email: key, ip: a.ip };
  let counted: { id: string; count: number } | null = null;
  if (!a.lock) {
    counted = await reserveAttempt(s.sql, { emailKey: key, ip: a.ip, windowMinutes: s.env.LOCKOUT_WINDOW_MINUTES });
    // A lock made meanwhile also spent the failures counted before it: it is read after ours.
    const lock = await getLock(s.sql, key, a.user.id);
    if (counted.count > s.env.LOCKOUT_ATTEMPTS || (lock && !lock.liftedForUser)) {
      const newLock = !lock && (await lockAddress(s.sql, limits));
      if (newLock) await audit(s.sql, { ...who, action: 'lockout' });
      return { outcome: 'locked', checked: false, newLock };
    }
  }
  let wrong = false;
  try {
    wrong = !(await check());
  } finally {
    if (counted && a.takeBackWhenRight && !wrong) await releaseAttempt(s.sql, key, counted.id);
  }
  if (!wrong) return { outcome: 'right', checked: true, newLock: false };
  if (a.lock) await spendUnlocks(s.sql, key, s.env.LOCKOUT_ATTEMPTS);
  const full = counted !== null && counted.count >= s.env.LOCKOUT_ATTEMPTS;
  const newLock = full && (await lockAddress(s.sql, limits));
  await audit(s.sql, { ...who, action: a.failure.action, ...(a.failure.details ? { details: a.failure.details } : {}) });
  if (newLock) await audit(s.sql, { ...who, action: 'lockout' });
  return { outcome: full ? 'locked' : 'wrong', checked: true, newLock };
}
