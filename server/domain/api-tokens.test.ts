import { describe, expect, it } from 'vitest';
import { bearerOf, formatToken, isApiScope, lastUseDue, parseToken, tokenRefusal } from './api-tokens.ts';

const secret = `${'A'.repeat(20)}_-${'b'.repeat(21)}`;

describe('API token rules', () => {
  it('formats and parses a token, secret underscores included', () => {
    const token = formatToken('abcdefgh2345', secret);
    expect(token).toBe(`atd_abcdefgh2345_${secret}`);
    expect(parseToken(token)).toEqual({ prefix: 'abcdefgh2345', secret });
    expect(parseToken(` ${token} `)).toEqual({ prefix: 'abcdefgh2345', secret });
  });

  it('refuses what is not a token', () => {
    expect(parseToken('atd_abcdefgh2345_short')).toBeNull();
    expect(parseToken(`xyz_abcdefgh2345_${secret}`)).toBeNull();
    expect(parseToken(`atd_ABCDEFGH2345_${secret}`)).toBeNull();
    expect(parseToken(`atd_abcdefgh2345_${secret}x`)).toBeNull();
    expect(() => formatToken('bad_prefix!!', secret)).toThrow();
  });

  it('reads a bearer header, and nothing else', () => {
    expect(bearerOf('Bearer abc')).toBe('abc');
    expect(bearerOf('bearer  abc ')).toBe('abc');
    expect(bearerOf('Basic abc')).toBeNull();
    expect(bearerOf('Bearer a b')).toBeNull();
    expect(bearerOf(undefined)).toBeNull();
  });

  it('knows the scopes', () => {
    expect(isApiScope('contacts:read')).toBe(true);
    expect(isApiScope('admin')).toBe(false);
  });

  it('says why a token stopped working', () => {
    const now = new Date('2026-06-01T12:00:00Z');
    expect(tokenRefusal({ revokedAt: null, expiresAt: null }, now)).toBeNull();
    expect(tokenRefusal({ revokedAt: null, expiresAt: new Date('2026-06-01T12:00:01Z') }, now)).toBeNull();
    expect(tokenRefusal({ revokedAt: null, expiresAt: now }, now)).toBe('expired');
    expect(tokenRefusal({ revokedAt: now, expiresAt: null }, now)).toBe('revoked');
  });

  it('writes the last use at most once a minute', () => {
    const now = new Date('2026-06-01T12:00:00Z');
    expect(lastUseDue(null, now)).toBe(true);
    expect(lastUseDue(new Date('2026-06-01T11:59:30Z'), now)).toBe(false);
    expect(lastUseDue(new Date('2026-06-01T11:59:00Z'), now)).toBe(true);
  });
});
