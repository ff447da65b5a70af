import { getConversation } from '../../db/queries/conversations.ts';
import { conversationsWithAttachment } from '../../db/queries/messages.ts';
import { getUser } from '../../db/queries/users.ts';
import { mayView } from '../domain/conversation-access.ts';
import { actorFor, factsOf } from '../commands/conversations/common.ts';
import { errorsFor } from '../errors.ts';
import type { AttachmentAccessRule } from '../http/uploads.ts';

/** A message's file is served to whoever may see a conversation it was sent or received in. */
export const messageAttachmentRule: AttachmentAccessRule = async (a, auth, s) => {
  const conversationIds = await conversationsWithAttachment(s.sql, a.orgId, a.id);
  const user = await getUser(s.sql, auth.organization.id, auth.user.id);
  if (!user) return false;
  const actor = await actorFor(s.sql, user, errorsFor('en'), 'en');
  for (const id of conversationIds) {
    const c = await getConversation(s.sql, a.orgId, id);
    if (c && mayView(await factsOf(s.sql, c), actor)) return true;
  }
  return false;
};
