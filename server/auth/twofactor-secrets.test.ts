import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { newRecoveryCodes, openTotpSecret, parseEncryptionKey, recoveryCodeHash, sealTotpSecret } from './twofactor-secrets.ts';

const owner = { orgId: '00000000-0000-4000-8000-000000000001', userId: '00000000-0000-4000-8000-000000000002' };

describe('TOTP secrets at rest', () => {
  it('are sealed with the key, bound to their user', () => {
    const key = randomBytes(32);
    const secret = new Uint8Array(randomBytes(20));
    const sealed = sealTotpSecret(secret, owner, key);
    expect(sealed[0]).toBe(1);
    expect(Buffer.from(sealed).includes(Buffer.from(secret))).toBe(false);
    expect(openTotpSecret(sealed, owner, key)).toEqual(secret);
    expect(() => openTotpSecret(sealed, { ...owner, userId: '00000000-0000-4000-8000-000000000003' }, key)).toThrow();
    expect(() => openTotpSecret(sealed, owner, randomBytes(32))).toThrow();
    expect(() => openTotpSecret(sealed, owner, null)).toThrow(/TWOFACTOR_ENCRYPTION_KEY/);
  });

  it('are kept as they are without a key, and still read once a key is set', () => {
    const secret = new Uint8Array(randomBytes(20));
    const plain = sealTotpSecret(secret, owner, null);
    expect(plain[0]).toBe(0);
    expect(openTotpSecret(plain, owner, null)).toEqual(secret);
    expect(openTotpSecret(plain, owner, randomBytes(32))).toEqual(secret);
  });

  it('reads the key as hex or base64, and refuses another length', () => {
    const key = randomBytes(32);
    expect(parseEncryptionKey(key.toString('hex'))).toEqual(key);
    expect(parseEncryptionKey(key.toString('base64'))).toEqual(key);
    expect(parseEncryptionKey(undefined)).toBeNull();
    expect(() => parseEncryptionKey(randomBytes(16).toString('base64'))).toThrow();
  });
});

describe('recovery codes', () => {
  it('are ten, distinct, and hashed as typed in any form', () => {
    const { shown, hashes } = newRecoveryCodes();
    expect(shown).toHaveLength(10);
    expect(new Set(shown).size).toBe(10);
    expect(Buffer.from(recoveryCodeHash(shown[0]!.toUpperCase()))).toEqual(Buffer.from(hashes[0]!));
  });
});
