import { audit } from '../../../db/queries/audit.ts';
import {
  deletePasskeys,
  deleteRecoveryCodes,
  deleteSecondSteps,
  deleteTotp,
  setPolicy,
  type RequiredFor,
} from '../../../db/queries/twofactor.ts';
import { getUser } from '../../../db/queries/users.ts';
import { runTx } from '../../../db/sql.ts';
import type { Fail } from '../../errors.ts';
import type { Services } from '../../services/index.ts';

interface Actor {
  orgId: string;
  userId: string;
  ip: string;
}

/**
 * Applies at the next sign-in: sessions already open go on (see docs/admin.md). A user it
 * covers who has no factor is made to enroll one right after their password.
 */
export async function changePolicy(s: Services, actor: Actor, requiredFor: RequiredFor): Promise<void> {
  await runTx(s.sql, async (tx) => {
    await setPolicy(tx, actor.orgId, requiredFor);
    await audit(tx, {
      orgId: actor.orgId,
      action: 'twofactor_policy_changed',
      actorUserId: actor.userId,
      ip: actor.ip,
      details: { requiredFor },
    });
  });
}

/**
 * For a person who lost their phone or key: every factor, recovery code and pending second
 * step of the user goes; at their next sign-in they sign in with the password alone (or enroll
 * again, when required). Their open sessions are left alone: they were opened with the factor,
 * and an admin who suspects a takeover has "deactivate" and the password reset for that.
 * Not for oneself: one's own factors are removed from the profile, with the password.
 */
export async function resetFactors(s: Services, fail: Fail, actor: Actor, userId: string): Promise<{ totp: boolean; passkeys: number }> {
  if (userId === actor.userId) throw fail('BAD_REQUEST', 'twofactor.resetSelf');
  return runTx(s.sql, async (tx) => {
    const user = await getUser(tx, actor.orgId, userId);
    if (!user) throw fail('NOT_FOUND', 'error.notFound');
    const totp = await deleteTotp(tx, actor.orgId, userId);
    const passkeys = await deletePasskeys(tx, actor.orgId, userId);
    await deleteRecoveryCodes(tx, actor.orgId, userId);
    await deleteSecondSteps(tx, actor.orgId, userId);
    await audit(tx, {
      orgId: actor.orgId,
      action: 'twofactor_reset',
      actorUserId: actor.userId,
      subjectUserId: userId,
      email: user.email,
      ip: actor.ip,
      details: { totp, passkeys },
    });
    await s.bus.publish(tx, actor.orgId, 'user.updated', { userId });
    return { totp, passkeys };
  });
}
