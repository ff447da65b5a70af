import { describe, expect, it } from 'vitest';
import { checkPasswordPolicy } from './password-policy.ts';
import { isAllowedNetwork, parseNetwork } from './networks.ts';
import { isWithinWorkHours, localClock } from './work-hours.ts';

describe('password policy', () => {
  it('wants 8 to 128 characters, no composition rules, and no common password', () => {
    expect(checkPasswordPolicy('short')?.key).toBe('auth.passwordTooShort');
    expect(checkPasswordPolicy('a'.repeat(129))?.key).toBe('auth.passwordTooLong');
    expect(checkPasswordPolicy('a'.repeat(64))).toBeNull();
    expect(checkPasswordPolicy('Password123')?.key).toBe('auth.passwordCommon');
    expect(checkPasswordPolicy('correct horse battery')).toBeNull();
    // Length counts characters, not bytes.
    expect(checkPasswordPolicy('çãõéíóúà')).toBeNull();
  });
});

describe('network allow-list', () => {
  it('allows everyone when empty and matches IPv4, IPv6 and mapped addresses', () => {
    expect(isAllowedNetwork('198.51.100.7', [])).toBe(true);
    expect(isAllowedNetwork('198.51.100.7', ['198.51.100.0/24'])).toBe(true);
    expect(isAllowedNetwork('::ffff:198.51.100.7', ['198.51.100.0/24'])).toBe(true);
    expect(isAllowedNetwork('198.51.101.7', ['198.51.100.0/24'])).toBe(false);
    expect(isAllowedNetwork('2001:db8::1', ['2001:db8::/32'])).toBe(true);
    expect(isAllowedNetwork('2001:db9::1', ['2001:db8::/32', '10.0.0.0/8'])).toBe(false);
    expect(isAllowedNetwork('10.1.2.3', ['10.1.2.3'])).toBe(true);
    expect(isAllowedNetwork(undefined, ['10.0.0.0/8'])).toBe(false);
    expect(parseNetwork('nope')).toBeNull();
    expect(parseNetwork('10.0.0.0/33')).toBeNull();
  });
});

describe('work hours', () => {
  // 2026-11-26 is a Thursday; 12:30 UTC is 09:30 in São Paulo.
  const at = new Date('2026-11-26T12:30:00Z');
  it('reads the local clock of a time zone', () => {
    expect(localClock(at, 'America/Sao_Paulo')).toEqual({ day: 'thu', time: '09:30' });
    expect(localClock(at, 'Asia/Tokyo')).toEqual({ day: 'thu', time: '21:30' });
  });
  it('is inside when no schedule is set or the time falls in an interval', () => {
    expect(isWithinWorkHours({}, at, 'America/Sao_Paulo')).toBe(true);
    expect(isWithinWorkHours({ thu: [['08:00', '12:00']] }, at, 'America/Sao_Paulo')).toBe(true);
    expect(isWithinWorkHours({ thu: [['10:00', '12:00']] }, at, 'America/Sao_Paulo')).toBe(false);
    expect(isWithinWorkHours({ fri: [['00:00', '23:59']] }, at, 'America/Sao_Paulo')).toBe(false);
    expect(isWithinWorkHours({ thu: [['08:00', '09:30']] }, at, 'America/Sao_Paulo')).toBe(false);
  });
});
