import type { Channel } from '../../../db/queries/channels.ts';
import { insertVisitor, renameVisitor, visitorByTokenHash, type Visitor } from '../../../db/queries/webchat.ts';
import type { Db } from '../../../db/sql.ts';
import { hashSecret, randomSecret } from '../../auth/tokens.ts';

export type { Visitor };

/** 32 random bytes, base64url without padding. */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/**
 * The visitor a token names (its channel still an active web chat), or null. A token unused
 * for longer than `ttlDays` (WEBCHAT_VISITOR_TTL_DAYS) is refused: the widget then starts a
 * new visitor. The old visitor's contact and conversations stay, as any contact's do.
 */
export async function authenticateVisitor(db: Db, token: string | null, ttlDays: number): Promise<Visitor | null> {
  if (!token || !TOKEN_SHAPE.test(token)) return null;
  return visitorByTokenHash(db, hashSecret(token), ttlDays);
}

/**
 * A session for the widget. A token the browser already holds for this channel (and has
 * not let expire) keeps its visitor (and may give them a name); otherwise a new visitor with a new 256-bit token,
 * of which only the hash is stored.
 */
export async function openVisitorSession(
  db: Db,
  channel: Channel,
  name: string | null,
  heldToken: string | null,
  ttlDays: number,
): Promise<{ token: string; visitor: Visitor; created: boolean }> {
  const held = await authenticateVisitor(db, heldToken, ttlDays);
  if (held && heldToken && held.channelId === channel.id && held.orgId === channel.orgId) {
    if (name && name !== held.name) await renameVisitor(db, held, name);
    return { token: heldToken, visitor: { ...held, name: name || held.name }, created: false };
  }
  const token = randomSecret();
  const visitor = await insertVisitor(db, { orgId: channel.orgId, channelId: channel.id, tokenHash: hashSecret(token), name: name ?? '' });
  return { token, visitor, created: true };
}
