import { countFrom, getMessage, messagePage, type Message } from '../../../db/queries/messages.ts';
import type { Db } from '../../../db/sql.ts';
import type { Actor } from './common.ts';

/** A page of messages the client shows at first, and asks for by default when paging back. */
export const PAGE_SIZE = 100;
/** Jumping back to a message (`until`) loads everything down to it; past this it is refused, not streamed. */
export const MAX_JUMP = 5000;

export interface PageRequest {
  conversationId: string;
  before?: string;
  until?: string;
  limit?: number;
}

/** The seq of a message of this conversation; an id of another conversation (or organization) is refused alike. */
async function seqOf(db: Db, actor: Actor, conversationId: string, messageId: string): Promise<number> {
  const m = await getMessage(db, actor.orgId, messageId);
  if (!m || m.conversationId !== conversationId) throw actor.fail('BAD_REQUEST', 'paging.notInConversation');
  return m.seq;
}

/**
 * The page just older than `before` (none: the newest), of `limit` messages; with `until`, down to
 * and including that message however many that takes (up to MAX_JUMP). The caller has checked
 * the actor may view the conversation.
 */
export async function pageOfMessages(db: Db, actor: Actor, req: PageRequest): Promise<{ messages: Message[]; hasOlder: boolean }> {
  const beforeSeq = req.before ? await seqOf(db, actor, req.conversationId, req.before) : undefined;
  let limit = req.limit ?? PAGE_SIZE;
  if (req.until) {
    const untilSeq = await seqOf(db, actor, req.conversationId, req.until);
    const distance = await countFrom(db, actor.orgId, req.conversationId, untilSeq, beforeSeq);
    if (distance > MAX_JUMP) throw actor.fail('BAD_REQUEST', 'paging.tooFar', { max: MAX_JUMP });
    limit = Math.max(limit, distance);
  }
  return messagePage(db, actor.orgId, req.conversationId, { beforeSeq, limit });
}
