import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from '@simplewebauthn/server';
import type { AuthenticationResponseJSON, AuthenticatorTransportFuture, RegistrationResponseJSON } from '@simplewebauthn/server';
import { audit } from '../../../db/queries/audit.ts';
import {
  countRecoveryCodes,
  deletePasskey,
  deleteRecoveryCodes,
  factorsOf,
  getPasskeyByCredential,
  insertChallenge,
  insertPasskey,
  listPasskeys,
  replaceRecoveryCodes,
  takeChallenge,
  usePasskey,
} from '../../../db/queries/twofactor.ts';
import type { User } from '../../../db/queries/users.ts';
import { runTx } from '../../../db/sql.ts';
import { newRecoveryCodes } from '../../auth/twofactor-secrets.ts';
import { challengeOf } from '../../auth/webauthn.ts';
import type { Fail } from '../../errors.ts';
import type { Services } from '../../services/index.ts';
import { confirmIdentity, keepsRequiredFactor } from './totp.ts';

/** A WebAuthn challenge is good this long (the browser's own timeout is a minute). */
const CHALLENGE_MINUTES = 5;
const TIMEOUT_MS = 60_000;

export interface RelyingParty {
  origin: string;
  rpID: string;
}

const asTransports = (t: string[]) => t as AuthenticatorTransportFuture[];

/** Options for navigator.credentials.create(): the challenge kept server-side, good once. */
export async function passkeyRegistrationOptions(s: Services, user: User, rp: RelyingParty, rpName: string) {
  const existing = await listPasskeys(s.sql, user.orgId, user.id);
  const options = await generateRegistrationOptions({
    rpName,
    rpID: rp.rpID,
    userName: user.email,
    userDisplayName: user.name,
    // The user's id, not their address: the authenticator keeps it (the WebAuthn user handle).
    userID: new TextEncoder().encode(user.id),
    attestationType: 'none',
    timeout: TIMEOUT_MS,
    excludeCredentials: existing.map((p) => ({ id: p.credentialId, transports: asTransports(p.transports) })),
    authenticatorSelection: { residentKey: 'preferred', userVerification: 'preferred' },
  });
  await insertChallenge(s.sql, {
    orgId: user.orgId,
    userId: user.id,
    challenge: options.challenge,
    purpose: 'register',
    minutes: CHALLENGE_MINUTES,
  });
  return options;
}

/**
 * Verifies the new credential against the challenge we handed this user (spent here, used or
 * not) and keeps it. The first factor a user adds also brings their recovery codes, shown once.
 */
export async function addPasskey(
  s: Services,
  fail: Fail,
  user: User,
  input: { name: string; response: RegistrationResponseJSON },
  rp: RelyingParty,
  ip: string,
): Promise<{ id: string; recoveryCodes: string[] | null }> {
  const challenge = challengeOf(input.response.response.clientDataJSON);
  if (!challenge || !(await takeChallenge(s.sql, { orgId: user.orgId, userId: user.id, challenge, purpose: 'register' }))) {
    throw fail('BAD_REQUEST', 'twofactor.passkeyExpired');
  }
  const verified = await verifyRegistrationResponse({
    response: input.response,
    expectedChallenge: challenge,
    expectedOrigin: rp.origin,
    expectedRPID: rp.rpID,
    requireUserVerification: false,
  }).catch(() => null);
  if (!verified?.verified) throw fail('BAD_REQUEST', 'twofactor.passkeyRefused');
  const { credential } = verified.registrationInfo;
  return runTx(s.sql, async (tx) => {
    const id = await insertPasskey(tx, {
      orgId: user.orgId,
      userId: user.id,
      credentialId: credential.id,
      publicKey: credential.publicKey,
      counter: credential.counter,
      transports: credential.transports ?? input.response.response.transports ?? [],
      name: input.name,
    });
    if (!id) throw fail('CONFLICT', 'twofactor.passkeyExists');
    let recoveryCodes: string[] | null = null;
    if ((await countRecoveryCodes(tx, user.orgId, user.id)) === 0) {
      const codes = newRecoveryCodes();
      await replaceRecoveryCodes(tx, user.orgId, user.id, codes.hashes);
      recoveryCodes = codes.shown;
    }
    await audit(tx, {
      orgId: user.orgId,
      action: 'twofactor_enrolled',
      actorUserId: user.id,
      subjectUserId: user.id,
      ip,
      details: { method: 'passkey', name: input.name },
    });
    return { id, recoveryCodes };
  });
}

export async function removePasskey(
  s: Services,
  fail: Fail,
  user: User,
  input: { passkeyId: string; password: string },
  ip: string,
): Promise<void> {
  // Someone else's passkey (or none) is "not found" before the password is even looked at.
  if (!(await listPasskeys(s.sql, user.orgId, user.id)).some((p) => p.id === input.passkeyId)) throw fail('NOT_FOUND', 'error.notFound');
  await confirmIdentity(s, fail, user, { password: input.password }, ip);
  await runTx(s.sql, async (tx) => {
    if (!(await deletePasskey(tx, user.orgId, user.id, input.passkeyId))) throw fail('NOT_FOUND', 'error.notFound');
    const left = await factorsOf(tx, user.orgId, user.id);
    await keepsRequiredFactor(tx, fail, user, left);
    if (!left.totp && left.passkeys === 0) await deleteRecoveryCodes(tx, user.orgId, user.id);
    await audit(tx, {
      orgId: user.orgId,
      action: 'twofactor_disabled',
      actorUserId: user.id,
      subjectUserId: user.id,
      ip,
      details: { method: 'passkey', passkeyId: input.passkeyId },
    });
  });
}

/** Options for navigator.credentials.get() at the second step: this user's passkeys only. */
export async function passkeyAuthenticationOptions(s: Services, fail: Fail, user: User, rp: RelyingParty) {
  const passkeys = await listPasskeys(s.sql, user.orgId, user.id);
  if (passkeys.length === 0) throw fail('BAD_REQUEST', 'twofactor.noPasskey');
  const options = await generateAuthenticationOptions({
    rpID: rp.rpID,
    timeout: TIMEOUT_MS,
    userVerification: 'preferred',
    allowCredentials: passkeys.map((p) => ({ id: p.credentialId, transports: asTransports(p.transports) })),
  });
  await insertChallenge(s.sql, {
    orgId: user.orgId,
    userId: user.id,
    challenge: options.challenge,
    purpose: 'authenticate',
    minutes: CHALLENGE_MINUTES,
  });
  return options;
}

/**
 * Whether the assertion is one of the user's passkeys signing a challenge we handed this user
 * (spent here). The signature counter must grow when the authenticator keeps one (a counter
 * that does not is a cloned key: @simplewebauthn refuses it) and is stored conditionally.
 */
export async function passkeyAsserts(s: Services, user: User, response: AuthenticationResponseJSON, rp: RelyingParty): Promise<boolean> {
  const challenge = challengeOf(response.response.clientDataJSON);
  if (!challenge || !(await takeChallenge(s.sql, { orgId: user.orgId, userId: user.id, challenge, purpose: 'authenticate' }))) return false;
  const passkey = await getPasskeyByCredential(s.sql, user.orgId, user.id, response.id);
  if (!passkey) return false;
  const result = await verifyAuthenticationResponse({
    response,
    expectedChallenge: challenge,
    expectedOrigin: rp.origin,
    expectedRPID: rp.rpID,
    credential: {
      id: passkey.credentialId,
      publicKey: passkey.publicKey,
      counter: passkey.counter,
      transports: asTransports(passkey.transports),
    },
    requireUserVerification: false,
  }).catch(() => null);
  if (!result?.verified) return false;
  return usePasskey(s.sql, user.orgId, passkey.id, passkey.counter, result.authenticationInfo.newCounter);
}
