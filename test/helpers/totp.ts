import { decodeBase32IgnorePadding } from '@oslojs/encoding';
import { generateHOTP } from '@oslojs/otp';

/** The key an authenticator app reads from the key text shown (groups of four, base32). */
export function totpKeyOf(keyText: string): Uint8Array {
  return decodeBase32IgnorePadding(keyText.replace(/\s/g, '').toUpperCase());
}

/** The code an authenticator app shows now, or `steps` 30-second steps from now. */
export function totpCode(key: Uint8Array, steps = 0): string {
  return generateHOTP(key, BigInt(Math.floor(Date.now() / 30_000) + steps), 6);
}

/** A six-digit code that is none of the codes accepted around now. */
export function wrongTotpCode(key: Uint8Array): string {
  const near = new Set([-2, -1, 0, 1, 2].map((s) => totpCode(key, s)));
  for (let n = 0; ; n++) {
    const candidate = String(n).padStart(6, '0');
    if (!near.has(candidate)) return candidate;
  }
}
