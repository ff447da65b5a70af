import type { Db } from '../sql.ts';

/** Who must have a second factor (db/migrations/twofactor). */
export type RequiredFor = 'nobody' | 'admins' | 'everyone';

export async function getPolicy(db: Db, orgId: string): Promise<RequiredFor> {
  const rows = await db`SELECT required_for FROM twofactor_policies WHERE org_id = ${orgId}`;
  return (rows[0]?.required_for as RequiredFor | undefined) ?? 'nobody';
}

export async function setPolicy(db: Db, orgId: string, requiredFor: RequiredFor): Promise<void> {
  await db`INSERT INTO twofactor_policies (org_id, required_for) VALUES (${orgId}, ${requiredFor})
    ON CONFLICT (org_id) DO UPDATE SET required_for = excluded.required_for, updated_at = now()`;
}

// ——— TOTP ———

export interface TotpFactor {
  secret: Uint8Array;
  confirmedAt: Date | null;
  lastUsedStep: number | null;
  createdAt: Date;
}

export async function getTotp(db: Db, orgId: string, userId: string): Promise<TotpFactor | null> {
  const rows = await db`SELECT secret, confirmed_at, last_used_step::text, created_at FROM totp_factors
    WHERE org_id = ${orgId} AND user_id = ${userId}`;
  const r = rows[0];
  if (!r) return null;
  return {
    secret: new Uint8Array(r.secret as Buffer),
    confirmedAt: r.confirmed_at as Date | null,
    lastUsedStep: r.last_used_step === null ? null : Number(r.last_used_step),
    createdAt: r.created_at as Date,
  };
}

/** A new secret being enrolled; replaces an unconfirmed one, never a confirmed one (returns false then). */
export async function startTotp(db: Db, orgId: string, userId: string, sealedSecret: Uint8Array): Promise<boolean> {
  const rows = await db`INSERT INTO totp_factors (org_id, user_id, secret) VALUES (${orgId}, ${userId}, ${Buffer.from(sealedSecret)})
    ON CONFLICT (org_id, user_id) DO UPDATE SET secret = excluded.secret, created_at = now(), last_used_step = NULL
      WHERE totp_factors.confirmed_at IS NULL
    RETURNING user_id`;
  return rows.length > 0;
}

/**
 * Spends the time step of an accepted code: true only if no code of this step (or a later one)
 * was accepted before — one conditional UPDATE, so two requests racing with the same code
 * cannot both pass. `confirm` also marks an enrolling factor confirmed.
 */
export async function useTotpStep(db: Db, orgId: string, userId: string, step: number, confirm: boolean): Promise<boolean> {
  const rows = await db`UPDATE totp_factors SET last_used_step = ${step},
      confirmed_at = CASE WHEN ${confirm} THEN coalesce(confirmed_at, now()) ELSE confirmed_at END
    WHERE org_id = ${orgId} AND user_id = ${userId}
      AND (last_used_step IS NULL OR last_used_step < ${step})
      AND (confirmed_at IS NOT NULL) = ${!confirm}
    RETURNING user_id`;
  return rows.length > 0;
}

export async function deleteTotp(db: Db, orgId: string, userId: string): Promise<boolean> {
  const rows = await db`DELETE FROM totp_factors WHERE org_id = ${orgId} AND user_id = ${userId} RETURNING user_id`;
  return rows.length > 0;
}

// ——— Recovery codes ———

export async function replaceRecoveryCodes(db: Db, orgId: string, userId: string, hashes: Uint8Array[]): Promise<void> {
  await db`DELETE FROM recovery_codes WHERE org_id = ${orgId} AND user_id = ${userId}`;
  for (const h of hashes) {
    await db`INSERT INTO recovery_codes (org_id, user_id, code_hash) VALUES (${orgId}, ${userId}, ${Buffer.from(h)})`;
  }
}

/** Uses a code once: a conditional UPDATE, so the same code cannot pass twice even at the same moment. */
export async function useRecoveryCode(db: Db, orgId: string, userId: string, hash: Uint8Array): Promise<boolean> {
  const rows = await db`UPDATE recovery_codes SET used_at = now()
    WHERE org_id = ${orgId} AND user_id = ${userId} AND code_hash = ${Buffer.from(hash)} AND used_at IS NULL RETURNING id`;
  return rows.length > 0;
}

export async function countRecoveryCodes(db: Db, orgId: string, userId: string): Promise<number> {
  const rows = await db`SELECT count(*)::int AS n FROM recovery_codes WHERE org_id = ${orgId} AND user_id = ${userId} AND used_at IS NULL`;
  return rows[0]!.n as number;
}

export async function deleteRecoveryCodes(db: Db, orgId: string, userId: string): Promise<void> {
  await db`DELETE FROM recovery_codes WHERE org_id = ${orgId} AND user_id = ${userId}`;
}

// ——— Passkeys ———

export interface Passkey {
  id: string;
  userId: string;
  credentialId: string;
  publicKey: Uint8Array<ArrayBuffer>;
  counter: number;
  transports: string[];
  name: string;
  createdAt: Date;
  lastUsedAt: Date | null;
}

function toPasskey(r: Record<string, unknown>): Passkey {
  return {
    id: r.id as string,
    userId: r.user_id as string,
    credentialId: r.credential_id as string,
    publicKey: new Uint8Array(r.public_key as Buffer),
    counter: Number(r.counter),
    transports: r.transports as string[],
    name: r.name as string,
    createdAt: r.created_at as Date,
    lastUsedAt: r.last_used_at as Date | null,
  };
}

export async function listPasskeys(db: Db, orgId: string, userId: string): Promise<Passkey[]> {
  const rows = await db`SELECT id, user_id, credential_id, public_key, counter::text, transports, name, created_at, last_used_at
    FROM passkeys WHERE org_id = ${orgId} AND user_id = ${userId} ORDER BY created_at, id`;
  return rows.map(toPasskey);
}

export async function getPasskeyByCredential(db: Db, orgId: string, userId: string, credentialId: string): Promise<Passkey | null> {
  const rows = await db`SELECT id, user_id, credential_id, public_key, counter::text, transports, name, created_at, last_used_at
    FROM passkeys WHERE org_id = ${orgId} AND user_id = ${userId} AND credential_id = ${credentialId}`;
  return rows[0] ? toPasskey(rows[0]) : null;
}

/** Returns false when the credential is already registered in this organization. */
export async function insertPasskey(
  db: Db,
  p: { orgId: string; userId: string; credentialId: string; publicKey: Uint8Array; counter: number; transports: string[]; name: string },
): Promise<string | null> {
  const rows = await db`INSERT INTO passkeys (org_id, user_id, credential_id, public_key, counter, transports, name)
    VALUES (${p.orgId}, ${p.userId}, ${p.credentialId}, ${Buffer.from(p.publicKey)}, ${p.counter}, ${p.transports}, ${p.name})
    ON CONFLICT (org_id, credential_id) DO NOTHING RETURNING id`;
  return (rows[0]?.id as string | undefined) ?? null;
}

/**
 * Records a use: the signature counter only moves forward (a counter that does not grow is a
 * cloned authenticator, refused before we get here; the WHERE makes a race harmless too).
 */
export async function usePasskey(db: Db, orgId: string, id: string, oldCounter: number, newCounter: number): Promise<boolean> {
  const rows = await db`UPDATE passkeys SET counter = ${newCounter}, last_used_at = now()
    WHERE org_id = ${orgId} AND id = ${id} AND counter = ${oldCounter} RETURNING id`;
  return rows.length > 0;
}

export async function deletePasskey(db: Db, orgId: string, userId: string, id: string): Promise<boolean> {
  const rows = await db`DELETE FROM passkeys WHERE org_id = ${orgId} AND user_id = ${userId} AND id = ${id} RETURNING id`;
  return rows.length > 0;
}

export async function deletePasskeys(db: Db, orgId: string, userId: string): Promise<number> {
  const rows = await db`DELETE FROM passkeys WHERE org_id = ${orgId} AND user_id = ${userId} RETURNING id`;
  return rows.length;
}

// ——— What a user has ———

export interface Factors {
  totp: boolean;
  passkeys: number;
  recoveryCodes: number;
}

export async function factorsOf(db: Db, orgId: string, userId: string): Promise<Factors> {
  const rows = await db`SELECT
      EXISTS (SELECT 1 FROM totp_factors WHERE org_id = ${orgId} AND user_id = ${userId} AND confirmed_at IS NOT NULL) AS totp,
      (SELECT count(*)::int FROM passkeys WHERE org_id = ${orgId} AND user_id = ${userId}) AS passkeys,
      (SELECT count(*)::int FROM recovery_codes WHERE org_id = ${orgId} AND user_id = ${userId} AND used_at IS NULL) AS recovery`;
  const r = rows[0]!;
  return { totp: r.totp as boolean, passkeys: r.passkeys as number, recoveryCodes: r.recovery as number };
}

/** The organization's users with what second factors they have (the security screen). */
export async function factorsOfUsers(db: Db, orgId: string) {
  const rows = await db`SELECT u.id, u.name, u.email, u.role,
      EXISTS (SELECT 1 FROM totp_factors t WHERE t.org_id = u.org_id AND t.user_id = u.id AND t.confirmed_at IS NOT NULL) AS totp,
      (SELECT count(*)::int FROM passkeys p WHERE p.org_id = u.org_id AND p.user_id = u.id) AS passkeys
    FROM users u WHERE u.org_id = ${orgId} AND u.deactivated_at IS NULL ORDER BY lower(u.name), u.id`;
  return rows.map((r) => ({
    id: r.id as string,
    name: r.name as string,
    email: r.email as string,
    role: r.role as string,
    totp: r.totp as boolean,
    passkeys: r.passkeys as number,
  }));
}

// ——— The pending second step ———

export interface SecondStep {
  id: string;
  orgId: string;
  userId: string;
  secretHash: Uint8Array;
  purpose: 'verify' | 'enroll';
  emailKey: string;
  ip: string | null;
  userAgent: string | null;
}

export async function insertSecondStep(
  db: Db,
  s: Omit<SecondStep, 'secretHash'> & { secretHash: Uint8Array; minutes: number },
): Promise<void> {
  await db`INSERT INTO second_steps (id, org_id, user_id, secret_hash, purpose, email_key, ip, user_agent, expires_at)
    VALUES (${s.id}, ${s.orgId}, ${s.userId}, ${Buffer.from(s.secretHash)}, ${s.purpose}, ${s.emailKey}, ${s.ip},
            ${s.userAgent?.slice(0, 300) ?? null}, now() + ${s.minutes}::int * interval '1 minute')`;
}

function toSecondStep(r: Record<string, unknown>): SecondStep {
  return {
    id: r.id as string,
    orgId: r.org_id as string,
    userId: r.user_id as string,
    secretHash: new Uint8Array(r.secret_hash as Buffer),
    purpose: r.purpose as 'verify' | 'enroll',
    emailKey: r.email_key as string,
    ip: r.ip as string | null,
    userAgent: r.user_agent as string | null,
  };
}

/** An unexpired second step. */
export async function getSecondStep(db: Db, id: string): Promise<SecondStep | null> {
  const rows = await db`SELECT id, org_id, user_id, secret_hash, purpose, email_key, ip, user_agent FROM second_steps
    WHERE id = ${id} AND expires_at > now()`;
  return rows[0] ? toSecondStep(rows[0]) : null;
}

/** Takes the step (once: whoever deletes the row finishes the sign-in). */
export async function takeSecondStep(db: Db, id: string): Promise<boolean> {
  const rows = await db`DELETE FROM second_steps WHERE id = ${id} AND expires_at > now() RETURNING id`;
  return rows.length > 0;
}

export async function deleteSecondSteps(db: Db, orgId: string, userId: string): Promise<void> {
  await db`DELETE FROM second_steps WHERE org_id = ${orgId} AND user_id = ${userId}`;
}

// ——— WebAuthn challenges ———

export async function insertChallenge(
  db: Db,
  c: { orgId: string; userId: string; challenge: string; purpose: 'register' | 'authenticate'; minutes: number },
): Promise<void> {
  await db`INSERT INTO webauthn_challenges (org_id, challenge, user_id, purpose, expires_at)
    VALUES (${c.orgId}, ${c.challenge}, ${c.userId}, ${c.purpose}, now() + ${c.minutes}::int * interval '1 minute')`;
}

/** Takes a challenge handed to this user for this purpose, once, if not expired. */
export async function takeChallenge(
  db: Db,
  c: { orgId: string; userId: string; challenge: string; purpose: 'register' | 'authenticate' },
): Promise<boolean> {
  const rows = await db`DELETE FROM webauthn_challenges
    WHERE org_id = ${c.orgId} AND challenge = ${c.challenge} AND user_id = ${c.userId} AND purpose = ${c.purpose}
    RETURNING expires_at > now() AS fresh`;
  return rows[0]?.fresh === true;
}

export async function pruneTwoFactor(db: Db): Promise<void> {
  await db`DELETE FROM second_steps WHERE expires_at < now()`;
  await db`DELETE FROM webauthn_challenges WHERE expires_at < now()`;
}
