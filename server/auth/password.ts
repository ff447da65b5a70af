import { hash, verify } from '@node-rs/argon2';
import { checkPasswordPolicy } from '../domain/password-policy.ts';

export { checkPasswordPolicy };

// OWASP ASVS 5: argon2id, m = 19456 KiB, t = 2, p = 1.
const OPTIONS = { algorithm: 2 /* Algorithm.Argon2id (a const enum) */, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password.normalize('NFC'), OPTIONS);
}

// Verified against when the e-mail is unknown, so the answer takes as long as for a real one.
let dummyHash: Promise<string> | undefined;

export async function verifyPassword(storedHash: string | null | undefined, password: string): Promise<boolean> {
  if (!storedHash) {
    dummyHash ??= hashPassword('atende-timing-equalizer');
    await verify(await dummyHash, password.normalize('NFC')).catch(() => false);
    return false;
  }
  return verify(storedHash, password.normalize('NFC')).catch(() => false);
}
