/**
 * API tokens (issue 16): what a token may do, the shape of its secret, and whether it still
 * works. Pure rules; the commands in server/commands/api-tokens.ts do the I/O.
 */

/** Every scope a token can hold; each REST operation needs exactly one. */
export const API_SCOPES = ['contacts:read', 'contacts:write', 'conversations:read', 'templates:send', 'reports:read'] as const;
export type ApiScope = (typeof API_SCOPES)[number];

export const isApiScope = (s: string): s is ApiScope => (API_SCOPES as readonly string[]).includes(s);

/** The visible part of a token: 12 base32 characters (60 bits), shown in lists to tell tokens apart. */
const PREFIX = /^[a-z2-7]{12}$/;
/** `atd_<prefix>_<secret>`: the secret is 32 random bytes in base64url (43 characters; it may contain `_`). */
const TOKEN = /^atd_([a-z2-7]{12})_([A-Za-z0-9_-]{43})$/;

export function formatToken(prefix: string, secret: string): string {
  if (!PREFIX.test(prefix)) throw new Error('malformed token prefix');
  return `atd_${prefix}_${secret}`;
}

/** The prefix and secret of a presented token, or null when it is not one of ours. */
export function parseToken(value: string): { prefix: string; secret: string } | null {
  const m = TOKEN.exec(value.trim());
  return m ? { prefix: m[1]!, secret: m[2]! } : null;
}

/** The token of an `Authorization: Bearer …` header (the scheme is case-insensitive, RFC 6750). */
export function bearerOf(header: string | undefined): string | null {
  const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header ?? '');
  return m ? m[1]! : null;
}

export interface TokenState {
  revokedAt: Date | null;
  expiresAt: Date | null;
}

/** Why a stored token no longer works, or null when it does. */
export function tokenRefusal(t: TokenState, now: Date): 'revoked' | 'expired' | null {
  if (t.revokedAt) return 'revoked';
  if (t.expiresAt && t.expiresAt.getTime() <= now.getTime()) return 'expired';
  return null;
}

/** last_used_at is written at most this often per token: a busy integration must not mean a write per request. */
export const LAST_USE_GRANULARITY_MS = 60_000;

export function lastUseDue(lastUsedAt: Date | null, now: Date): boolean {
  return !lastUsedAt || now.getTime() - lastUsedAt.getTime() >= LAST_USE_GRANULARITY_MS;
}
