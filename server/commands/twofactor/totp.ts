import { createTOTPKeyURI } from '@oslojs/otp';
import { encodeBase32NoPadding } from '@oslojs/encoding';
import { audit } from '../../../db/queries/audit.ts';
import {
  deleteRecoveryCodes,
  deleteTotp,
  factorsOf,
  getPolicy,
  getTotp,
  replaceRecoveryCodes,
  startTotp,
  useTotpStep,
} from '../../../db/queries/twofactor.ts';
import { getPasswordHash, type User } from '../../../db/queries/users.ts';
import { runTx, type Db } from '../../../db/sql.ts';
import { verifyPassword } from '../../auth/password.ts';
import { newRecoveryCodes, newTotpKey, openTotpSecret, parseEncryptionKey, sealTotpSecret } from '../../auth/twofactor-secrets.ts';
import { matchTotpStep, secondFactorRequired, TOTP_DIGITS, TOTP_PERIOD_SECONDS } from '../../domain/twofactor.ts';
import type { Fail } from '../../errors.ts';
import type { Services } from '../../services/index.ts';
import { proveIdentity } from '../prove-identity.ts';

const ISSUER = 'Atende';

const keyOf = (s: Services) => parseEncryptionKey(s.env.TWOFACTOR_ENCRYPTION_KEY);
const owner = (user: User) => ({ orgId: user.orgId, userId: user.id });

/**
 * Whether `code` is a current code of the user's confirmed authenticator app, spending its time
 * step (the same code, or an older one, is refused afterwards).
 */
export async function spendTotpCode(s: Services, db: Db, user: User, code: string): Promise<boolean> {
  const factor = await getTotp(db, user.orgId, user.id);
  if (!factor?.confirmedAt) return false;
  const step = matchTotpStep(openTotpSecret(factor.secret, owner(user), keyOf(s)), code, Date.now());
  return step !== null && (await useTotpStep(db, user.orgId, user.id, step, false));
}

/** A new secret for the authenticator app: the otpauth:// URI (QR code) and the key to type by hand. */
export async function startTotpEnrollment(s: Services, fail: Fail, user: User): Promise<{ uri: string; key: string }> {
  const key = newTotpKey();
  if (!(await startTotp(s.sql, user.orgId, user.id, sealTotpSecret(key, owner(user), keyOf(s))))) {
    throw fail('CONFLICT', 'twofactor.alreadyEnrolled');
  }
  const text = encodeBase32NoPadding(key);
  return {
    uri: createTOTPKeyURI(ISSUER, user.email, key, TOTP_PERIOD_SECONDS, TOTP_DIGITS),
    key: text.match(/.{1,4}/g)!.join(' '),
  };
}

/**
 * The first code from the app confirms the enrollment; ten recovery codes are made then and
 * returned once (only their hashes stay).
 */
export async function confirmTotpEnrollment(
  s: Services,
  fail: Fail,
  user: User,
  code: string,
  ip: string,
): Promise<{ recoveryCodes: string[] }> {
  const factor = await getTotp(s.sql, user.orgId, user.id);
  if (!factor || factor.confirmedAt) throw fail('BAD_REQUEST', 'twofactor.noEnrollment');
  const step = matchTotpStep(openTotpSecret(factor.secret, owner(user), keyOf(s)), code, Date.now());
  if (step === null) throw fail('BAD_REQUEST', 'twofactor.wrongCode');
  return runTx(s.sql, async (tx) => {
    if (!(await useTotpStep(tx, user.orgId, user.id, step, true))) throw fail('BAD_REQUEST', 'twofactor.wrongCode');
    const codes = newRecoveryCodes();
    await replaceRecoveryCodes(tx, user.orgId, user.id, codes.hashes);
    await audit(tx, {
      orgId: user.orgId,
      action: 'twofactor_enrolled',
      actorUserId: user.id,
      subjectUserId: user.id,
      ip,
      details: { method: 'totp' },
    });
    return { recoveryCodes: codes.shown };
  });
}

/**
 * Proof that the person at the keyboard is the user: their password, or a current code,
 * counted as a sign-in attempt is (commands/prove-identity.ts).
 */
export async function confirmIdentity(
  s: Services,
  fail: Fail,
  user: User,
  proof: { password?: string | undefined; code?: string | undefined },
  ip: string,
) {
  await proveIdentity(s, fail, user, ip, 'twofactor.wrongConfirmation', async () =>
    proof.password
      ? verifyPassword(await getPasswordHash(s.sql, user.orgId, user.id), proof.password)
      : proof.code
        ? spendTotpCode(s, s.sql, user, proof.code)
        : false,
  );
}

/** Refuses to remove the user's last factor when the organization requires one of them. */
export async function keepsRequiredFactor(db: Db, fail: Fail, user: User, remaining: { totp: boolean; passkeys: number }) {
  if (remaining.totp || remaining.passkeys > 0) return;
  if (secondFactorRequired(await getPolicy(db, user.orgId), user.role))
    throw fail('PRECONDITION_FAILED', 'twofactor.requiredByOrganization');
}

export async function disableTotp(
  s: Services,
  fail: Fail,
  user: User,
  proof: { password?: string | undefined; code?: string | undefined },
  ip: string,
): Promise<void> {
  await confirmIdentity(s, fail, user, proof, ip);
  await runTx(s.sql, async (tx) => {
    const factors = await factorsOf(tx, user.orgId, user.id);
    await keepsRequiredFactor(tx, fail, user, { totp: false, passkeys: factors.passkeys });
    if (!(await deleteTotp(tx, user.orgId, user.id))) throw fail('NOT_FOUND', 'twofactor.noFactor');
    // Recovery codes stand in for a factor; with none left they would be a factor of their own.
    if (factors.passkeys === 0) await deleteRecoveryCodes(tx, user.orgId, user.id);
    await audit(tx, {
      orgId: user.orgId,
      action: 'twofactor_disabled',
      actorUserId: user.id,
      subjectUserId: user.id,
      ip,
      details: { method: 'totp' },
    });
  });
}

export async function regenerateRecoveryCodes(
  s: Services,
  fail: Fail,
  user: User,
  proof: { password?: string | undefined; code?: string | undefined },
  ip: string,
): Promise<{ recoveryCodes: string[] }> {
  await confirmIdentity(s, fail, user, proof, ip);
  const factors = await factorsOf(s.sql, user.orgId, user.id);
  if (!factors.totp && factors.passkeys === 0) throw fail('PRECONDITION_FAILED', 'twofactor.noFactor');
  return runTx(s.sql, async (tx) => {
    const codes = newRecoveryCodes();
    await replaceRecoveryCodes(tx, user.orgId, user.id, codes.hashes);
    await audit(tx, { orgId: user.orgId, action: 'recovery_codes_regenerated', actorUserId: user.id, subjectUserId: user.id, ip });
    return { recoveryCodes: codes.shown };
  });
}
