import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import { audit } from '../../../db/queries/audit.ts';
import { getLock } from '../../../db/queries/lockout.ts';
import { factorsOf, getSecondStep, takeSecondStep, useRecoveryCode, type SecondStep } from '../../../db/queries/twofactor.ts';
import { getUser, type User } from '../../../db/queries/users.ts';
import { runTx } from '../../../db/sql.ts';
import { secretMatches } from '../../auth/tokens.ts';
import { recoveryCodeHash } from '../../auth/twofactor-secrets.ts';
import { looksLikeTotp } from '../../domain/twofactor.ts';
import type { Fail } from '../../errors.ts';
import type { Services } from '../../services/index.ts';
import { countedAttempt, type AddressLock } from '../counted-attempt.ts';
import { completeSignIn, type SignIn } from '../login.ts';
import { passkeyAsserts, passkeyAuthenticationOptions, type RelyingParty } from './passkeys.ts';
import { confirmTotpEnrollment, spendTotpCode, startTotpEnrollment } from './totp.ts';

export interface StepRequest {
  /** The second step's cookie. */
  token: string | null;
  ip: string;
  userAgent?: string | undefined;
}

interface Pending {
  step: SecondStep;
  user: User;
}

/** The pending step behind a token, or null (none, expired, wrong secret, user gone). */
export async function findSecondStep(s: Services, token: string | null): Promise<Pending | null> {
  const [id, secret, extra] = (token ?? '').split('.');
  if (!id || !secret || extra !== undefined || id.length > 64 || secret.length > 128) return null;
  const step = await getSecondStep(s.sql, id);
  if (!step || !secretMatches(secret, step.secretHash)) return null;
  const user = await getUser(s.sql, step.orgId, step.userId);
  if (!user || user.deactivatedAt) return null;
  return { step, user };
}

/** What the second step offers this person (the login page asks after a reload). */
export async function secondStepState(s: Services, token: string | null) {
  const found = await findSecondStep(s, token);
  if (!found) return null;
  const factors = await factorsOf(s.sql, found.user.orgId, found.user.id);
  return {
    secondStep: found.step.purpose,
    email: found.user.email,
    methods: { totp: factors.totp, passkey: factors.passkeys > 0, recoveryCode: factors.recoveryCodes > 0 },
  };
}

/**
 * The common start of every attempt: the IP throttle, a live step of the right purpose, and
 * the address's lock (a locked address ends the step: after the lock, sign in again).
 */
async function openStep(s: Services, fail: Fail, req: StepRequest, purpose: 'verify' | 'enroll') {
  if (!(await s.ipLimiter.take(req.ip))) throw fail('TOO_MANY_REQUESTS', 'auth.ipThrottled');
  const found = await findSecondStep(s, req.token);
  if (!found) throw fail('UNAUTHORIZED', 'twofactor.stepExpired');
  if (found.step.purpose !== purpose) throw fail('BAD_REQUEST', 'twofactor.wrongStep');
  if (purpose === 'enroll') {
    // A factor added since the password (a passkey, from a session elsewhere) must be given, not
    // bypassed by enrolling an app here: this step ends, the next sign-in asks for that factor.
    const factors = await factorsOf(s.sql, found.user.orgId, found.user.id);
    if (factors.totp || factors.passkeys > 0) {
      await takeSecondStep(s.sql, found.step.id);
      throw fail('BAD_REQUEST', 'twofactor.wrongStep');
    }
  }
  const lock = await getLock(s.sql, found.step.emailKey, found.user.id);
  if (lock && !lock.liftedForUser) {
    await takeSecondStep(s.sql, found.step.id);
    throw fail('TOO_MANY_REQUESTS', 'auth.locked');
  }
  return { ...found, lock };
}

/**
 * A code or passkey is one attempt, counted exactly as a password is (commands/counted-attempt.ts);
 * a wrong one is audited as `second_factor_failed` with its method. When the address locks, the
 * pending step ends: after the lock, sign in again.
 */
async function attempt(
  s: Services,
  fail: Fail,
  p: Pending & { lock: AddressLock },
  req: StepRequest,
  method: string,
  check: () => Promise<boolean>,
): Promise<void> {
  const r = await countedAttempt(
    s,
    {
      user: p.user,
      emailKey: p.step.emailKey,
      ip: req.ip,
      lock: p.lock,
      failure: { action: 'second_factor_failed', details: { method } },
      takeBackWhenRight: false,
    },
    check,
  );
  if (r.outcome === 'right') return;
  if (r.checked) s.metrics.logins.inc({ outcome: r.newLock ? 'locked' : 'second_step_failed' });
  // While the address is locked (the lock lifted for this user), a wrong one says "locked", as a
  // wrong password does at sign-in.
  if (r.outcome === 'locked' || p.lock) {
    await takeSecondStep(s.sql, p.step.id);
    throw fail('TOO_MANY_REQUESTS', 'auth.locked');
  }
  throw fail(
    'UNAUTHORIZED',
    method === 'passkey' ? 'twofactor.passkeyRefused' : method === 'recovery' ? 'twofactor.wrongRecoveryCode' : 'twofactor.wrongCode',
  );
}

/** The step is spent once: whoever takes it gets the session (`taken`: the caller took it already). */
async function finish(s: Services, fail: Fail, p: Pending, req: StepRequest, method: string, taken = false): Promise<SignIn> {
  if (!taken && !(await takeSecondStep(s.sql, p.step.id))) throw fail('UNAUTHORIZED', 'twofactor.stepExpired');
  return completeSignIn(s, p.user, { emailKey: p.step.emailKey, ip: req.ip, userAgent: req.userAgent }, { secondFactor: method });
}

/** A code from the authenticator app, or a recovery code (used up). */
export async function verifySecondStepCode(s: Services, fail: Fail, req: StepRequest, code: string): Promise<SignIn> {
  const p = await openStep(s, fail, req, 'verify');
  const method = looksLikeTotp(code) ? 'totp' : 'recovery';
  // The code is spent and the step taken together: of two submits of one step at once (two
  // recovery codes), the one that loses the step spends nothing.
  await attempt(s, fail, p, req, method, () =>
    runTx(s.sql, async (tx) => {
      const ok =
        method === 'totp'
          ? await spendTotpCode(s, tx, p.user, code)
          : await useRecoveryCode(tx, p.user.orgId, p.user.id, recoveryCodeHash(code));
      if (!ok) return false;
      if (!(await takeSecondStep(tx, p.step.id))) throw fail('UNAUTHORIZED', 'twofactor.stepExpired');
      if (method === 'recovery') {
        await audit(tx, {
          orgId: p.user.orgId,
          action: 'recovery_code_used',
          actorUserId: p.user.id,
          subjectUserId: p.user.id,
          ip: req.ip,
        });
      }
      return true;
    }),
  );
  return finish(s, fail, p, req, method, true);
}

export async function secondStepPasskeyOptions(s: Services, fail: Fail, req: StepRequest, rp: RelyingParty) {
  const p = await openStep(s, fail, req, 'verify');
  return passkeyAuthenticationOptions(s, fail, p.user, rp);
}

export async function verifySecondStepPasskey(
  s: Services,
  fail: Fail,
  req: StepRequest,
  response: AuthenticationResponseJSON,
  rp: RelyingParty,
): Promise<SignIn> {
  const p = await openStep(s, fail, req, 'verify');
  await attempt(s, fail, p, req, 'passkey', () => passkeyAsserts(s, p.user, response, rp));
  return finish(s, fail, p, req, 'passkey');
}

/** Required to have a factor and has none: the only thing this step allows is enrolling one. */
export async function startForcedEnrollment(s: Services, fail: Fail, req: StepRequest) {
  const p = await openStep(s, fail, req, 'enroll');
  return startTotpEnrollment(s, fail, p.user);
}

export async function confirmForcedEnrollment(
  s: Services,
  fail: Fail,
  req: StepRequest,
  code: string,
): Promise<SignIn & { recoveryCodes: string[] }> {
  const p = await openStep(s, fail, req, 'enroll');
  const { recoveryCodes } = await confirmTotpEnrollment(s, fail, p.user, code, req.ip);
  return { ...(await finish(s, fail, p, req, 'totp')), recoveryCodes };
}

/** "Sign out" from the second step: the step is dropped. */
export async function cancelSecondStep(s: Services, token: string | null): Promise<void> {
  const found = await findSecondStep(s, token);
  if (found) await takeSecondStep(s.sql, found.step.id);
}
