import { generateHOTP } from '@oslojs/otp';
import { describe, expect, it } from 'vitest';
import { formatRecoveryCode, looksLikeTotp, matchTotpStep, normalizeRecoveryCode, secondFactorRequired, totpStepAt } from './twofactor.ts';

const key = new Uint8Array(20).map((_, i) => i + 1);
const at = (step: number) => step * 30_000 + 12_000;

describe('TOTP steps', () => {
  it('accepts the current step and one on either side, and names which', () => {
    const now = at(1_000_000);
    expect(totpStepAt(now)).toBe(1_000_000);
    for (const step of [999_999, 1_000_000, 1_000_001]) {
      expect(matchTotpStep(key, generateHOTP(key, BigInt(step), 6), now)).toBe(step);
    }
  });

  it('refuses codes two steps away, wrong codes and malformed input', () => {
    const now = at(1_000_000);
    expect(matchTotpStep(key, generateHOTP(key, 999_998n, 6), now)).toBeNull();
    expect(matchTotpStep(key, generateHOTP(key, 1_000_002n, 6), now)).toBeNull();
    const right = generateHOTP(key, 1_000_000n, 6);
    const wrong = String((Number(right) + 1) % 1_000_000).padStart(6, '0');
    expect(matchTotpStep(key, wrong, now)).toBeNull();
    expect(matchTotpStep(key, '12345', now)).toBeNull();
    expect(matchTotpStep(key, 'abcdef', now)).toBeNull();
  });

  it('reads a code typed with a space in the middle', () => {
    const code = generateHOTP(key, 1_000_000n, 6);
    expect(matchTotpStep(key, `${code.slice(0, 3)} ${code.slice(3)}`, at(1_000_000))).toBe(1_000_000);
  });
});

describe('policy', () => {
  it('requires a factor of admins only, of everyone, or of nobody', () => {
    expect(secondFactorRequired('nobody', 'admin')).toBe(false);
    expect(secondFactorRequired('admins', 'admin')).toBe(true);
    expect(secondFactorRequired('admins', 'supervisor')).toBe(false);
    expect(secondFactorRequired('admins', 'agent')).toBe(false);
    expect(secondFactorRequired('everyone', 'agent')).toBe(true);
  });
});

describe('recovery codes', () => {
  it('are read however they are typed', () => {
    expect(formatRecoveryCode('abcdefghijkl')).toBe('abcd-efgh-ijkl');
    expect(normalizeRecoveryCode(' ABCD-efgh ijkl ')).toBe('abcdefghijkl');
    expect(looksLikeTotp('123 456')).toBe(true);
    expect(looksLikeTotp('abcd-efgh')).toBe(false);
  });
});
