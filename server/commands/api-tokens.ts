import { insertApiToken, listApiTokens, revokeApiToken, tokenByPrefix, touchApiToken, type ApiToken } from '../../db/queries/api-tokens.ts';
import { audit } from '../../db/queries/audit.ts';
import { isUniqueViolation, runTx, type Sql } from '../../db/sql.ts';
import { hashSecret, randomId, randomSecret, secretMatches } from '../auth/tokens.ts';
import {
  formatToken,
  isApiScope,
  LAST_USE_GRANULARITY_MS,
  lastUseDue,
  parseToken,
  tokenRefusal,
  type ApiScope,
} from '../domain/api-tokens.ts';
import type { Fail } from '../errors.ts';
import type { Services } from '../services/index.ts';

/** An admin acting on the organization's tokens (who, for the audit log). */
export interface TokenAdmin {
  orgId: string;
  userId: string;
  ip: string;
  fail: Fail;
}

/** A token as lists show it: never its secret or hash. */
export const tokenView = (t: ApiToken, now = new Date()) => ({
  id: t.id,
  name: t.name,
  scopes: t.scopes.filter(isApiScope),
  prefix: t.prefix,
  createdBy: t.createdBy,
  createdAt: t.createdAt.toISOString(),
  expiresAt: t.expiresAt?.toISOString() ?? null,
  lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
  revokedAt: t.revokedAt?.toISOString() ?? null,
  state: tokenRefusal(t, now) ?? ('active' as const),
});

export async function listTokens(s: Services, orgId: string) {
  const now = new Date();
  return (await listApiTokens(s.sql, orgId)).map((t) => tokenView(t, now));
}

/**
 * A new token. Its secret is in the answer and nowhere else: only its SHA-256 is stored,
 * so it cannot be shown again (a lost token is revoked and replaced).
 */
export async function createApiToken(
  s: Services,
  admin: TokenAdmin,
  input: { name: string; scopes: ApiScope[]; expiresAt: Date | null },
): Promise<{ token: ReturnType<typeof tokenView>; secret: string }> {
  if (input.expiresAt && input.expiresAt.getTime() <= Date.now()) throw admin.fail('BAD_REQUEST', 'api.expiryPast');
  const scopes = [...new Set(input.scopes)].sort();
  for (let attempt = 0; ; attempt++) {
    const prefix = randomId(12);
    const secret = randomSecret();
    try {
      return await runTx(s.sql, async (tx) => {
        const token = await insertApiToken(tx, {
          orgId: admin.orgId,
          name: input.name,
          scopes,
          prefix,
          secretHash: hashSecret(secret),
          createdBy: admin.userId,
          expiresAt: input.expiresAt,
        });
        await audit(tx, {
          orgId: admin.orgId,
          action: 'api_token_created',
          actorUserId: admin.userId,
          ip: admin.ip,
          details: { tokenId: token.id, name: token.name, prefix, scopes, expiresAt: token.expiresAt?.toISOString() ?? null },
        });
        return { token: tokenView(token), secret: formatToken(prefix, secret) };
      });
    } catch (err) {
      // 60 random bits: a prefix collision is practically impossible, but a retry costs nothing.
      if (isUniqueViolation(err) && attempt < 3) continue;
      throw err;
    }
  }
}

export async function revokeToken(s: Services, admin: TokenAdmin, tokenId: string) {
  return runTx(s.sql, async (tx) => {
    const token = await revokeApiToken(tx, admin.orgId, tokenId, admin.userId);
    // Unknown, another organization's, or already revoked: the same answer.
    if (!token) throw admin.fail('NOT_FOUND', 'error.notFound');
    await audit(tx, {
      orgId: admin.orgId,
      action: 'api_token_revoked',
      actorUserId: admin.userId,
      ip: admin.ip,
      details: { tokenId: token.id, name: token.name, prefix: token.prefix },
    });
    return tokenView(token);
  });
}

/** The token behind a request: its organization and scopes. */
export interface ApiCaller {
  tokenId: string;
  tokenName: string;
  orgId: string;
  scopes: readonly ApiScope[];
}

export type Authentication = { ok: true; caller: ApiCaller } | { ok: false; reason: 'unknown' | 'revoked' | 'expired' };

/**
 * Checks a presented token: its prefix finds the row, its secret must hash to the stored hash
 * (compared in constant time). The last use is written at most once a minute per token.
 */
export async function authenticateApiToken(sql: Sql, presented: string, now = new Date()): Promise<Authentication> {
  const parsed = parseToken(presented);
  if (!parsed) return { ok: false, reason: 'unknown' };
  const stored = await tokenByPrefix(sql, parsed.prefix);
  if (!stored || !secretMatches(parsed.secret, stored.secretHash)) return { ok: false, reason: 'unknown' };
  const refusal = tokenRefusal(stored, now);
  if (refusal) return { ok: false, reason: refusal };
  if (lastUseDue(stored.lastUsedAt, now)) await touchApiToken(sql, stored.id, LAST_USE_GRANULARITY_MS / 1000);
  return {
    ok: true,
    caller: { tokenId: stored.id, tokenName: stored.name, orgId: stored.orgId, scopes: stored.scopes.filter(isApiScope) },
  };
}
