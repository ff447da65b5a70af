import { factorsOf, getPolicy, insertSecondStep } from '../../../db/queries/twofactor.ts';
import type { User } from '../../../db/queries/users.ts';
import type { Db } from '../../../db/sql.ts';
import { hashSecret, randomId, randomSecret } from '../../auth/tokens.ts';
import { secondFactorRequired } from '../../domain/twofactor.ts';

/** How long the second step waits for the code, the passkey or the enrollment. */
export const SECOND_STEP_MINUTES = 10;

/** A right password that is not yet a session: the second step's token goes in its own cookie. */
export interface PendingSecondStep {
  user: User;
  /** 'verify': the user has a factor; 'enroll': the organization requires one and the user has none. */
  secondStep: 'verify' | 'enroll';
  stepToken: string;
}

export function isPending(r: object): r is PendingSecondStep {
  return 'stepToken' in r;
}

/**
 * After a right password (or a password link): null when the user goes straight to a session,
 * else a pending second step bound to this user and address. A factor being enrolled (not yet
 * confirmed) is no factor.
 */
export async function beginSecondStep(
  db: Db,
  user: User,
  attempt: { emailKey: string; ip: string; userAgent?: string | undefined },
): Promise<PendingSecondStep | null> {
  const factors = await factorsOf(db, user.orgId, user.id);
  const hasFactor = factors.totp || factors.passkeys > 0;
  if (!hasFactor && !secondFactorRequired(await getPolicy(db, user.orgId), user.role)) return null;
  const id = randomId(24);
  const secret = randomSecret();
  const purpose = hasFactor ? 'verify' : 'enroll';
  await insertSecondStep(db, {
    id,
    orgId: user.orgId,
    userId: user.id,
    secretHash: hashSecret(secret),
    purpose,
    emailKey: attempt.emailKey,
    ip: attempt.ip,
    userAgent: attempt.userAgent ?? null,
    minutes: SECOND_STEP_MINUTES,
  });
  return { user, secondStep: purpose, stepToken: `${id}.${secret}` };
}
