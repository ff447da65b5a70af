import { getConversation } from '../../db/queries/conversations.ts';
import { getUser } from '../../db/queries/users.ts';
import { mayView } from '../domain/conversation-access.ts';
import { actorFor, factsOf } from '../commands/conversations/common.ts';
import { errorsFor } from '../errors.ts';
import { registerAttachmentAccess, type AttachmentAccessRule } from '../http/uploads.ts';

let registered = false;

/** A message's file is served to whoever may see a conversation it was sent or received in. */
export const messageAttachmentRule: AttachmentAccessRule = async (a, auth, s) => {
  const rows = await s.sql`SELECT DISTINCT conversation_id FROM messages WHERE org_id = ${a.orgId} AND attachment_id = ${a.id}`;
  const user = await getUser(s.sql, auth.organization.id, auth.user.id);
  if (!user) return false;
  const actor = await actorFor(s.sql, user, errorsFor('en'), 'en');
  for (const r of rows) {
    const c = await getConversation(s.sql, a.orgId, r.conversation_id as string);
    if (c && mayView(await factsOf(s.sql, c), actor)) return true;
  }
  return false;
};

export function registerMessageAttachmentAccess(): void {
  if (registered) return;
  registered = true;
  registerAttachmentAccess('message', messageAttachmentRule);
}
