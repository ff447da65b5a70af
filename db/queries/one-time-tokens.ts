import type { Db } from '../sql.ts';

export type TokenKind = 'invite' | 'reset';

export interface OneTimeToken {
  id: string;
  orgId: string;
  kind: TokenKind;
  userId: string;
  expiresAt: Date;
  usedAt: Date | null;
}

function toToken(r: Record<string, unknown>): OneTimeToken {
  return {
    id: r.id as string,
    orgId: r.org_id as string,
    kind: r.kind as TokenKind,
    userId: r.user_id as string,
    expiresAt: r.expires_at as Date,
    usedAt: (r.used_at as Date | null) ?? null,
  };
}

export async function insertOneTimeToken(
  db: Db,
  t: { orgId: string; kind: TokenKind; userId: string; secretHash: Uint8Array; ttlMinutes: number },
): Promise<void> {
  // A new link replaces the user's earlier unused links of the same kind.
  await db`UPDATE one_time_tokens SET used_at = now()
    WHERE org_id = ${t.orgId} AND user_id = ${t.userId} AND kind = ${t.kind} AND used_at IS NULL`;
  await db`INSERT INTO one_time_tokens (org_id, kind, user_id, secret_hash, expires_at)
    VALUES (${t.orgId}, ${t.kind}, ${t.userId}, ${Buffer.from(t.secretHash)}, now() + ${t.ttlMinutes}::int * interval '1 minute')`;
}

export async function findOneTimeToken(db: Db, secretHash: Uint8Array): Promise<OneTimeToken | null> {
  const rows = await db`SELECT id, org_id, kind, user_id, expires_at, used_at FROM one_time_tokens
    WHERE secret_hash = ${Buffer.from(secretHash)}`;
  return rows[0] ? toToken(rows[0]) : null;
}

/** Marks a link used; only one caller can win, so a link works exactly once. */
export async function consumeOneTimeToken(db: Db, secretHash: Uint8Array): Promise<OneTimeToken | null> {
  const rows = await db`UPDATE one_time_tokens SET used_at = now()
    WHERE secret_hash = ${Buffer.from(secretHash)} AND used_at IS NULL AND expires_at > now()
    RETURNING id, org_id, kind, user_id, expires_at, used_at`;
  return rows[0] ? toToken(rows[0]) : null;
}

export async function insertSetupToken(db: Db, secretHash: Uint8Array): Promise<void> {
  await db`UPDATE setup_tokens SET used_at = now() WHERE used_at IS NULL`;
  await db`INSERT INTO setup_tokens (secret_hash) VALUES (${Buffer.from(secretHash)})`;
}

export async function consumeSetupToken(db: Db, secretHash: Uint8Array): Promise<boolean> {
  const rows = await db`UPDATE setup_tokens SET used_at = now()
    WHERE secret_hash = ${Buffer.from(secretHash)} AND used_at IS NULL RETURNING id`;
  return rows.length > 0;
}

export async function setupTokenValid(db: Db, secretHash: Uint8Array): Promise<boolean> {
  const rows = await db`SELECT 1 FROM setup_tokens WHERE secret_hash = ${Buffer.from(secretHash)} AND used_at IS NULL`;
  return rows.length > 0;
}

/** Serializes concurrent setups (held to the end of the transaction): exactly one creates the organization. */
export async function lockSetupTokens(db: Db): Promise<void> {
  await db`LOCK TABLE setup_tokens IN EXCLUSIVE MODE`;
}
