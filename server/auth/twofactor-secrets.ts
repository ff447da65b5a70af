import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding';
import { formatRecoveryCode, normalizeRecoveryCode } from '../domain/twofactor.ts';
import { hashSecret } from './tokens.ts';

const PLAIN = 0;
const SEALED = 1;

/**
 * The TOTP key as stored. With TWOFACTOR_ENCRYPTION_KEY set (32 bytes, base64 or hex) it is
 * sealed with AES-256-GCM, bound to its user (the additional data), so a copy of the database
 * alone cannot mint codes nor move a secret to another user. Without the key it is stored as
 * is (first byte 0), and a key set later seals every secret enrolled from then on.
 */
export function sealTotpSecret(secret: Uint8Array, owner: { orgId: string; userId: string }, key: Buffer | null): Uint8Array {
  if (!key) return Buffer.concat([Buffer.from([PLAIN]), secret]);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(`${owner.orgId}:${owner.userId}`));
  const body = Buffer.concat([cipher.update(secret), cipher.final()]);
  return Buffer.concat([Buffer.from([SEALED]), iv, cipher.getAuthTag(), body]);
}

export class SealedSecretError extends Error {}

export function openTotpSecret(stored: Uint8Array, owner: { orgId: string; userId: string }, key: Buffer | null): Uint8Array {
  const bytes = Buffer.from(stored);
  if (bytes[0] === PLAIN) return new Uint8Array(bytes.subarray(1));
  if (bytes[0] !== SEALED || !key) throw new SealedSecretError('TOTP secret sealed, and TWOFACTOR_ENCRYPTION_KEY is not set');
  const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(1, 13));
  decipher.setAAD(Buffer.from(`${owner.orgId}:${owner.userId}`));
  decipher.setAuthTag(bytes.subarray(13, 29));
  return new Uint8Array(Buffer.concat([decipher.update(bytes.subarray(29)), decipher.final()]));
}

/** TWOFACTOR_ENCRYPTION_KEY as 32 bytes (64 hex digits or base64), or null when unset. */
export function parseEncryptionKey(text: string | undefined): Buffer | null {
  if (!text) return null;
  const key = /^[0-9a-f]{64}$/i.test(text) ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64');
  if (key.length !== 32) throw new Error('TWOFACTOR_ENCRYPTION_KEY must be 32 bytes (64 hex digits or base64).');
  return key;
}

/** A new 160-bit TOTP key (RFC 4226 recommends the HMAC-SHA-1 output length). */
export function newTotpKey(): Uint8Array {
  return new Uint8Array(randomBytes(20));
}

export const RECOVERY_CODES = 10;

/**
 * Ten codes of 24 base32 characters (120 random bits each: past ASVS's 112 for a secret kept
 * with a fast hash), shown once in groups of four; only their SHA-256 is stored.
 */
export function newRecoveryCodes(): { shown: string[]; hashes: Uint8Array[] } {
  const raw = Array.from({ length: RECOVERY_CODES }, () => encodeBase32LowerCaseNoPadding(randomBytes(15)));
  return { shown: raw.map(formatRecoveryCode), hashes: raw.map(hashSecret) };
}

export function recoveryCodeHash(typed: string): Uint8Array {
  return hashSecret(normalizeRecoveryCode(typed));
}
