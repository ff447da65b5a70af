import type { Db } from '../sql.ts';

export interface ApiToken {
  id: string;
  orgId: string;
  name: string;
  scopes: string[];
  prefix: string;
  createdBy: { id: string; name: string } | null;
  createdAt: Date;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

/** What authentication needs: the stored hash, never sent anywhere else. */
export interface StoredToken extends Omit<ApiToken, 'createdBy'> {
  secretHash: Uint8Array;
}

const toToken = (r: Record<string, unknown>): ApiToken => ({
  id: r.id as string,
  orgId: r.org_id as string,
  name: r.name as string,
  scopes: r.scopes as string[],
  prefix: r.prefix as string,
  createdBy: r.created_by ? { id: r.created_by as string, name: (r.creator_name as string | null) ?? '?' } : null,
  createdAt: r.created_at as Date,
  expiresAt: (r.expires_at as Date | null) ?? null,
  lastUsedAt: (r.last_used_at as Date | null) ?? null,
  revokedAt: (r.revoked_at as Date | null) ?? null,
});

const RETURNED = `id, org_id, name, scopes, prefix, created_by, created_at, expires_at, last_used_at, revoked_at,
  (SELECT u.name FROM users u WHERE u.org_id = api_tokens.org_id AND u.id = api_tokens.created_by) AS creator_name`;

export async function insertApiToken(
  db: Db,
  t: { orgId: string; name: string; scopes: string[]; prefix: string; secretHash: Uint8Array; createdBy: string; expiresAt: Date | null },
): Promise<ApiToken> {
  const [row] = await db`
    INSERT INTO api_tokens (org_id, name, scopes, prefix, secret_hash, created_by, expires_at)
    VALUES (${t.orgId}, ${t.name}, ${t.scopes}::text[], ${t.prefix}, ${Buffer.from(t.secretHash)}, ${t.createdBy}, ${t.expiresAt})
    RETURNING ${db.unsafe(RETURNED)}`;
  return toToken(row!);
}

/** The organization's tokens, newest first (revoked ones too: the list is also their history). */
export async function listApiTokens(db: Db, orgId: string): Promise<ApiToken[]> {
  const rows = await db`
    SELECT t.id, t.org_id, t.name, t.scopes, t.prefix, t.created_by, u.name AS creator_name, t.created_at, t.expires_at,
      t.last_used_at, t.revoked_at
    FROM api_tokens t LEFT JOIN users u ON u.org_id = t.org_id AND u.id = t.created_by
    WHERE t.org_id = ${orgId} ORDER BY t.created_at DESC, t.id LIMIT 500`;
  return rows.map(toToken);
}

/** The token a request presents, by its prefix (any organization: the token decides which). */
export async function tokenByPrefix(db: Db, prefix: string): Promise<StoredToken | null> {
  const [r] = await db`
    SELECT id, org_id, name, scopes, prefix, secret_hash, created_at, expires_at, last_used_at, revoked_at
    FROM api_tokens WHERE prefix = ${prefix}`;
  if (!r) return null;
  const { createdBy: _, ...token } = toToken(r);
  return { ...token, secretHash: new Uint8Array(r.secret_hash as Buffer) };
}

/** Revokes a live token of the organization; null when there is none (unknown, another organization's, or already revoked). */
export async function revokeApiToken(db: Db, orgId: string, id: string, by: string): Promise<ApiToken | null> {
  const [row] = await db`
    UPDATE api_tokens SET revoked_at = now(), revoked_by = ${by}
    WHERE org_id = ${orgId} AND id = ${id} AND revoked_at IS NULL
    RETURNING ${db.unsafe(RETURNED)}`;
  return row ? toToken(row) : null;
}

/**
 * Marks the token used now, unless another request (of any process) did in the last
 * `granularitySeconds`: concurrent requests write once.
 */
export async function touchApiToken(db: Db, id: string, granularitySeconds: number): Promise<void> {
  await db`UPDATE api_tokens SET last_used_at = now()
    WHERE id = ${id} AND (last_used_at IS NULL OR last_used_at <= now() - make_interval(secs => ${granularitySeconds}))`;
}

/** The message a token's earlier template send with this `clientMessageId` created, if any. */
export async function earlierTemplateSend(db: Db, orgId: string, tokenId: string, clientMessageId: string): Promise<string | null> {
  const [row] = await db`SELECT message_id FROM api_template_sends
    WHERE org_id = ${orgId} AND token_id = ${tokenId} AND client_message_id = ${clientMessageId}`;
  return (row?.message_id as string | undefined) ?? null;
}

export async function recordTemplateSend(
  db: Db,
  s: { orgId: string; tokenId: string; clientMessageId: string; messageId: string },
): Promise<void> {
  await db`INSERT INTO api_template_sends (org_id, token_id, client_message_id, message_id)
    VALUES (${s.orgId}, ${s.tokenId}, ${s.clientMessageId}, ${s.messageId})`;
}
