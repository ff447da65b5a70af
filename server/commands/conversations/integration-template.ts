import { earlierTemplateSend, recordTemplateSend } from '../../../db/queries/api-tokens.ts';
import { getChannel } from '../../../db/queries/channels.ts';
import { getContact } from '../../../db/queries/contacts.ts';
import {
  getConversation,
  insertConversation,
  nextProtocol,
  openConversationFor,
  type Conversation,
} from '../../../db/queries/conversations.ts';
import { getMessage, type Message } from '../../../db/queries/messages.ts';
import { getOrganization } from '../../../db/queries/organizations.ts';
import { getTeam } from '../../../db/queries/teams.ts';
import { isUniqueViolation, runTx } from '../../../db/sql.ts';
import { AppError } from '../../errors.ts';
import type { Services } from '../../services/index.ts';
import { publishConversation, type Actor } from './common.ts';
import { createOutbound } from './outbound.ts';
import { approvedTemplate } from './send.ts';

export interface IntegrationTemplateInput {
  contactId: string;
  channelId: string;
  templateId: string;
  params: string[];
  /** The team whose queue gets the conversation, so the customer's reply reaches a person. */
  teamId: string;
  /** The same id from the same token answers the first send again (a retry sends nothing). */
  clientMessageId?: string | undefined;
}

type Sent = { conversation: Conversation; message: Message };

async function earlier(s: Services, actor: Actor, tokenId: string, clientMessageId: string | undefined): Promise<Sent | null> {
  if (!clientMessageId) return null;
  const messageId = await earlierTemplateSend(s.sql, actor.orgId, tokenId, clientMessageId);
  const message = messageId ? await getMessage(s.sql, actor.orgId, messageId) : null;
  if (!message) return null;
  return { message, conversation: (await getConversation(s.sql, actor.orgId, message.conversationId))! };
}

/**
 * An integration (a REST API token with `templates:send`) sends an approved WhatsApp template to
 * a contact. It follows the app's rules for starting a conversation — an active channel that
 * sends, a contact with a number, an approved template with every parameter, no conversation
 * already open with the contact on that channel — but an integration serves nobody: the new
 * conversation waits in the team's queue (an agent claims it, or the customer's reply finds
 * it there), and the message is recorded as the integration's (outbound.ts), not a person's.
 */
export async function sendTemplateAsIntegration(s: Services, actor: Actor, input: IntegrationTemplateInput): Promise<Sent> {
  const integration = actor.integration;
  if (!integration) throw new Error('sendTemplateAsIntegration is for integrations only');
  const replay = await earlier(s, actor, integration.tokenId, input.clientMessageId);
  if (replay) return replay;
  try {
    return await runTx(s.sql, async (tx) => {
      const [contact, channel, team] = await Promise.all([
        getContact(tx, actor.orgId, input.contactId),
        getChannel(tx, actor.orgId, input.channelId),
        getTeam(tx, actor.orgId, input.teamId),
      ]);
      if (!contact || !channel?.active || !team) throw actor.fail('NOT_FOUND', 'error.notFound');
      if (channel.kind !== 'whatsapp') throw actor.fail('BAD_REQUEST', 'conv.templateOnlyWhatsapp');
      if (channel.receiveOnly) throw actor.fail('FORBIDDEN', 'conv.receiveOnly');
      if (!contact.whatsapp) throw actor.fail('PRECONDITION_FAILED', 'conv.noWhatsapp');
      const template = await approvedTemplate(tx, actor, channel.id, input.templateId, input.params);
      if (await openConversationFor(tx, actor.orgId, contact.id, channel.id)) throw actor.fail('CONFLICT', 'api.contactBusy');
      const org = (await getOrganization(tx, actor.orgId))!;
      const opened = await insertConversation(tx, {
        orgId: actor.orgId,
        protocol: await nextProtocol(tx, actor.orgId, org.timeZone),
        contactId: contact.id,
        channelId: channel.id,
        status: 'waiting',
        teamId: team.id,
      });
      const { message, conversation } = await createOutbound(s, tx, actor, {
        conversation: opened,
        channel,
        kind: 'template',
        text: template.text,
        templateId: template.id,
        templateParams: input.params,
        clientMessageId: null,
      });
      if (input.clientMessageId) {
        await recordTemplateSend(tx, {
          orgId: actor.orgId,
          tokenId: integration.tokenId,
          clientMessageId: input.clientMessageId,
          messageId: message.id,
        });
      }
      await publishConversation(s, tx, conversation, 'queue.changed');
      return { conversation, message };
    });
  } catch (err) {
    const busy = err instanceof AppError && err.reason === 'api.contactBusy';
    if (!busy && !isUniqueViolation(err)) throw err;
    // The same send twice at once: the loser answers the winner's message. Otherwise a
    // conversation opened meanwhile (the customer wrote, an agent started one): the one-open index decided.
    const winner = await earlier(s, actor, integration.tokenId, input.clientMessageId);
    if (winner) return winner;
    throw busy ? err : actor.fail('CONFLICT', 'api.contactBusy');
  }
}
