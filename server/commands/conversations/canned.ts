import { attachmentFacts } from '../../../db/queries/conversation-views.ts';
import { cannedResponses } from '../../../db/queries/config.ts';
import { getContact } from '../../../db/queries/contacts.ts';
import type { Conversation } from '../../../db/queries/conversations.ts';
import { getOrganization } from '../../../db/queries/organizations.ts';
import type { Db } from '../../../db/sql.ts';
import { mayView, mayWrite } from '../../domain/conversation-access.ts';
import { fillCanned } from '../../domain/messages.ts';
import { loadVisible, type Actor } from './common.ts';

/**
 * A canned response as this agent sends it in this conversation: its variables filled
 * ({contact.name}, {agent.name}, {protocol}…) and its files. NOT_FOUND unless the agent may
 * use it (the organization's, or one of the agent's teams').
 */
export async function cannedFor(db: Db, actor: Actor, conversation: Conversation, cannedId: string, orgName: string) {
  const canned = await cannedResponses.get(db, actor.orgId, cannedId);
  if (!canned || (canned.teamId && !actor.teamIds.includes(canned.teamId))) throw actor.fail('NOT_FOUND', 'error.notFound');
  const contact = (await getContact(db, actor.orgId, conversation.contactId))!;
  const text = fillCanned(canned.body, {
    'contact.name': contact.name,
    'contact.first_name': contact.name.split(' ')[0] ?? '',
    'agent.name': actor.name,
    'agent.codename': actor.codename ?? actor.name,
    protocol: conversation.protocol,
    'org.name': orgName,
  });
  return { text, attachmentIds: canned.attachmentIds ?? [] };
}

/**
 * For the composer: the canned response filled for this conversation, for the agent to read
 * and edit before sending (as text and attachments, through conversations.send). Who may
 * write decides, as for sending; the window is checked when it is sent.
 */
export async function fillCannedResponse(db: Db, actor: Actor, input: { conversationId: string; cannedId: string }) {
  const { conversation, facts } = await loadVisible(db, actor, input.conversationId, mayView);
  if (conversation.status === 'closed') throw actor.fail('PRECONDITION_FAILED', 'conv.closed');
  if (!mayWrite(facts, actor)) throw actor.fail('FORBIDDEN', 'conv.notParticipant');
  const org = (await getOrganization(db, actor.orgId))!;
  const { text, attachmentIds } = await cannedFor(db, actor, conversation, input.cannedId, org.name);
  const files = await attachmentFacts(db, actor.orgId, attachmentIds);
  return {
    text,
    attachments: attachmentIds.filter((id) => files.has(id)).map((id) => ({ id, ...files.get(id)! })),
  };
}
