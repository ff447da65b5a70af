import * as Y from 'yjs';
import type { MessageKey } from '../../i18n/index.ts';
import type { AuthoredUpdate } from '../../sync/server/room.ts';

/** What the internal-chat rule reads of one person (db/queries/chat.ts `chatParties`). */
export interface ChatPartyFacts {
  name: string;
  status: string;
  /** Not deactivated. */
  active: boolean;
  /** users.internal_chat: the admin lets this person use internal chat. */
  internalChat: boolean;
  /** Member of at least one team with teams.internal_chat. */
  inChatTeam: boolean;
}

/**
 * SPEC §7: a new chat starts only with colleagues who are online or paused (internally
 * available), and only when the caller and each of them may use internal chat (the user
 * setting) and belong to a team that allows it. The first reason found is the answer.
 */
export function chatRefusal(caller: ChatPartyFacts, others: (ChatPartyFacts | undefined)[]): { key: MessageKey; name?: string } | null {
  if (!caller.internalChat) return { key: 'chat.youMayNot' };
  if (!caller.inChatTeam) return { key: 'chat.youNoTeam' };
  for (const o of others) {
    // Unknown, deactivated or of another organization: one answer, revealing nothing.
    if (!o?.active) return { key: 'chat.unknownUser' };
    if (!o.internalChat || !o.inChatTeam) return { key: 'chat.notAllowed', name: o.name };
    if (o.status === 'offline') return { key: 'chat.offline', name: o.name };
  }
  return null;
}

/**
 * Authorship in a `chat:<roomId>` document (sync/shared/schemas.ts: a message is one Y.Map
 * inserted whole by its author): nobody may change or delete another user's items, and a
 * message's `authorId` is the writer's own, whatever the client wrote. Returns why an edit is
 * refused, or null. The owner of an item is the user its Yjs client id is bound to.
 */
export function chatUpdateRefusal(u: AuthoredUpdate): string | null {
  for (const s of u.added) {
    // Only items inside another item (a message's fields) have an ID as parent.
    if (!(s instanceof Y.Item) || !s.parent || typeof s.parent !== 'object' || !('client' in s.parent)) continue;
    const parentOwner = u.ownerOf((s.parent as Y.ID).client);
    if (parentOwner && parentOwner !== u.userId) return 'change to another user\u2019s message';
    if (s.parentSub === 'authorId' && s.content.getContent()[0] !== u.userId) return 'message signed as another user';
  }
  for (const client of u.deleted.clients.keys()) {
    const owner = u.ownerOf(client);
    if (owner && owner !== u.userId) return 'deletion of another user\u2019s message';
  }
  return null;
}
