import { getAttachment } from '../../../db/queries/attachments.ts';
import { getContact } from '../../../db/queries/contacts.ts';
import { templates } from '../../../db/queries/config.ts';
import {
  getConversation,
  lockAgentLoad,
  nextProtocol,
  openConversationFor,
  openServedConversation,
  type Conversation,
} from '../../../db/queries/conversations.ts';
import { getChannel } from '../../../db/queries/channels.ts';
import type { Message } from '../../../db/queries/messages.ts';
import { getOrganization } from '../../../db/queries/organizations.ts';
import { getUser } from '../../../db/queries/users.ts';
import { isUniqueViolation, runTx, type Tx } from '../../../db/sql.ts';
import { capacityRefusal } from '../../domain/capacity.ts';
import { mayClaim, mayView, mayWrite } from '../../domain/conversation-access.ts';
import type { Services } from '../../services/index.ts';
import { fillTemplate } from '../../domain/messages.ts';
import { checkTemplateSendable } from '../template-send.ts';
import { cannedFor } from './canned.ts';
import { claimInTx } from './claim.ts';
import { channelOf, loadVisible, publishConversation, type Actor } from './common.ts';
import { assertWindowOpen, createOutbound, previousAnswer, rememberRefusal } from './outbound.ts';

/** Runs a send under the idempotency rule: replays the first answer, remembers a refusal. */
async function idempotent(s: Services, actor: Actor, clientMessageId: string | undefined, run: () => Promise<Message>): Promise<Message> {
  if (clientMessageId) {
    const earlier = await previousAnswer(s.sql, actor, clientMessageId);
    if (earlier) return earlier;
  }
  try {
    return await run();
  } catch (err) {
    if (clientMessageId) {
      // Two tabs sending the same draft at once: the loser returns the winner's message.
      if (isUniqueViolation(err)) {
        const winner = await previousAnswer(s.sql, actor, clientMessageId);
        if (winner) return winner;
      }
      await rememberRefusal(s.sql, actor, clientMessageId, err);
    }
    throw err;
  }
}

async function checkAttachment(tx: Tx, actor: Actor, attachmentId: string | null | undefined): Promise<void> {
  if (!attachmentId) return;
  const a = await getAttachment(tx, actor.orgId, attachmentId);
  if (!a || (a.uploadedBy !== actor.id && a.purpose !== 'canned')) throw actor.fail('NOT_FOUND', 'error.notFound');
}

export interface SendInput {
  conversationId: string;
  text: string;
  clientMessageId?: string;
  attachmentId?: string | null;
}

/** Free-form text or an attachment: the serving agent or an invited colleague, inside the window. */
export function sendMessage(s: Services, actor: Actor, input: SendInput): Promise<Message> {
  return idempotent(s, actor, input.clientMessageId, () =>
    runTx(s.sql, async (tx) => {
      const { conversation, channel } = await writable(tx, actor, input.conversationId);
      if (!input.text.trim() && !input.attachmentId) throw actor.fail('BAD_REQUEST', 'conv.emptyMessage');
      await checkAttachment(tx, actor, input.attachmentId);
      const kind = input.attachmentId ? 'attachment' : 'text';
      const { message } = await createOutbound(s, tx, actor, {
        conversation,
        channel,
        kind,
        text: input.text.trim(),
        attachmentId: input.attachmentId ?? null,
        clientMessageId: input.clientMessageId ?? null,
      });
      return message;
    }),
  );
}

/** The rules every free-form send passes: visible, open, mine to write, window open. */
async function writable(tx: Tx, actor: Actor, conversationId: string) {
  const { conversation, facts } = await loadVisible(tx, actor, conversationId, mayView, true);
  if (conversation.status === 'closed') throw actor.fail('PRECONDITION_FAILED', 'conv.closed');
  if (!mayWrite(facts, actor)) throw actor.fail('FORBIDDEN', 'conv.notParticipant');
  const channel = await channelOf(tx, conversation);
  const org = (await getOrganization(tx, actor.orgId))!;
  await assertWindowOpen(tx, actor, conversation, channel, org.timeZone);
  return { conversation, channel, org };
}

/**
 * A canned response: its variables filled in ({contact.name}, {agent.name}, {protocol}…),
 * the text with its first file, then one message per further file — under the same rules.
 */
export function sendCanned(
  s: Services,
  actor: Actor,
  input: { conversationId: string; cannedId: string; clientMessageId?: string },
): Promise<Message> {
  return idempotent(s, actor, input.clientMessageId, () =>
    runTx(s.sql, async (tx) => {
      const { conversation, channel, org } = await writable(tx, actor, input.conversationId);
      const { text, attachmentIds: files } = await cannedFor(tx, actor, conversation, input.cannedId, org.name);
      const first = await createOutbound(s, tx, actor, {
        conversation,
        channel,
        kind: files[0] ? 'attachment' : 'text',
        text,
        attachmentId: files[0] ?? null,
        clientMessageId: input.clientMessageId ?? null,
      });
      for (const [i, file] of files.slice(1).entries()) {
        await createOutbound(s, tx, actor, {
          conversation,
          channel,
          kind: 'attachment',
          text: '',
          attachmentId: file,
          clientMessageId: input.clientMessageId ? `${input.clientMessageId}#${i + 2}` : null,
        });
      }
      return first.message;
    }),
  );
}

/** An approved template of the channel with its parameters filled in (also the REST API's send: integration-template.ts). */
export async function approvedTemplate(tx: Tx, actor: Actor, channelId: string, templateId: string, params: string[]) {
  const t = await templates.get(tx, actor.orgId, templateId);
  if (!t || t.channelId !== channelId) throw actor.fail('PRECONDITION_FAILED', 'conv.templateNotApproved');
  // Paused, rejected, pending or gone at Meta: a sentence that says which (template-send.ts).
  await checkTemplateSendable(tx, actor, t, params);
  if (params.length !== t.paramCount || params.some((p) => !p.trim())) {
    throw actor.fail('BAD_REQUEST', 'conv.templateParams', { count: t.paramCount, given: params.filter((p) => p.trim()).length });
  }
  return { id: t.id, text: fillTemplate(t.body, params) };
}

export interface TemplateInput {
  conversationId: string;
  templateId: string;
  params: string[];
  clientMessageId?: string;
}

/** A template: allowed outside the window; from Waiting it claims under the claim rule. */
export function sendTemplate(s: Services, actor: Actor, input: TemplateInput): Promise<Message> {
  return idempotent(s, actor, input.clientMessageId, () =>
    runTx(s.sql, async (tx) => {
      let { conversation, facts } = await loadVisible(tx, actor, input.conversationId, mayView);
      // Who may write is decided before anything about the template is said.
      if (conversation.status === 'closed') throw actor.fail('PRECONDITION_FAILED', 'conv.closed');
      if (conversation.status !== 'waiting' && !mayWrite(facts, actor)) {
        // A template sent from Waiting that lost the race to a claim: say who took it.
        if (conversation.status === 'active' && conversation.teamId && actor.teamIds.includes(conversation.teamId)) {
          const taker = conversation.assigneeId ? await getUser(tx, actor.orgId, conversation.assigneeId) : null;
          throw actor.fail('CONFLICT', 'conv.alreadyTaken', { name: taker?.name ?? '?' });
        }
        throw actor.fail('FORBIDDEN', 'conv.notParticipant');
      }
      if (conversation.status === 'waiting' && !mayClaim(facts, actor)) throw actor.fail('FORBIDDEN', 'conv.notYourQueue');
      const channel = await channelOf(tx, conversation);
      if (channel.kind !== 'whatsapp') throw actor.fail('BAD_REQUEST', 'conv.templateOnlyWhatsapp');
      const template = await approvedTemplate(tx, actor, channel.id, input.templateId, input.params);
      if (conversation.status === 'waiting') conversation = await claimInTx(s, tx, actor, conversation.id);
      const { message } = await createOutbound(s, tx, actor, {
        conversation,
        channel,
        kind: 'template',
        text: template.text,
        templateId: template.id,
        templateParams: input.params,
        clientMessageId: input.clientMessageId ?? null,
      });
      return message;
    }),
  );
}

export interface StartInput {
  contactId: string;
  teamId: string;
  channelId: string;
  templateId?: string;
  params?: string[];
  text?: string;
  clientMessageId?: string;
}

/** Why a contact cannot get a new conversation on this channel now (SPEC §6). */
async function busyReason(tx: Tx, actor: Actor, open: Conversation): Promise<never> {
  if (open.status === 'bot') throw actor.fail('FORBIDDEN', 'conv.busyBot');
  if (open.status === 'waiting') throw actor.fail('FORBIDDEN', 'conv.busyWaiting');
  const who = open.assigneeId ? await getUser(tx, actor.orgId, open.assigneeId) : null;
  throw actor.fail('FORBIDDEN', 'conv.busyServed', { name: who?.name ?? '?' });
}

/** Agent-initiated: one of my teams, a channel that sends, a template on WhatsApp. */
export async function startConversation(s: Services, actor: Actor, input: StartInput): Promise<Conversation> {
  const run = () =>
    runTx(s.sql, async (tx) => {
      if (!actor.teamIds.includes(input.teamId)) throw actor.fail('FORBIDDEN', 'conv.notTeamMember');
      const [contact, channel] = await Promise.all([
        getContact(tx, actor.orgId, input.contactId),
        getChannel(tx, actor.orgId, input.channelId),
      ]);
      if (!contact || !channel?.active) throw actor.fail('NOT_FOUND', 'error.notFound');
      if (channel.receiveOnly) throw actor.fail('FORBIDDEN', 'conv.receiveOnly');
      if (channel.kind === 'whatsapp') {
        if (!contact.whatsapp) throw actor.fail('PRECONDITION_FAILED', 'conv.noWhatsapp');
        if (!input.templateId) throw actor.fail('PRECONDITION_FAILED', 'conv.templateRequired');
      } else if (!input.text?.trim() && !input.templateId) {
        throw actor.fail('BAD_REQUEST', 'conv.emptyMessage');
      }
      const template = input.templateId ? await approvedTemplate(tx, actor, channel.id, input.templateId, input.params ?? []) : null;
      const open = await openConversationFor(tx, actor.orgId, contact.id, channel.id);
      if (open) await busyReason(tx, actor, open);
      const org = (await getOrganization(tx, actor.orgId))!;
      const protocol = await nextProtocol(tx, actor.orgId, org.timeZone);
      const opened = await openServedConversation(tx, {
        orgId: actor.orgId,
        protocol,
        contactId: contact.id,
        channelId: channel.id,
        teamId: input.teamId,
        assigneeId: actor.id,
      });
      // A concurrent start for the same contact may have won: say who has it.
      if (!opened) {
        const winner = await openConversationFor(tx, actor.orgId, contact.id, channel.id);
        if (winner) await busyReason(tx, actor, winner);
        throw actor.fail('CONFLICT', 'conv.notWaiting');
      }
      // Capacity, as for a claim: the conversation started is one more the agent serves.
      const refusal = capacityRefusal({ role: actor.role, ...(await lockAgentLoad(tx, actor.orgId, actor.id, opened)) });
      if (refusal) {
        const { key, ...params } = refusal;
        throw actor.fail('PRECONDITION_FAILED', key, params);
      }
      let conversation = opened;
      await publishConversation(s, tx, conversation);
      const sent = template
        ? await createOutbound(s, tx, actor, {
            conversation,
            channel,
            kind: 'template',
            text: template.text,
            templateId: template.id,
            templateParams: input.params ?? [],
            clientMessageId: input.clientMessageId ?? null,
          })
        : await createOutbound(s, tx, actor, {
            conversation,
            channel,
            kind: 'text',
            text: input.text!.trim(),
            clientMessageId: input.clientMessageId ?? null,
          });
      conversation = sent.conversation;
      return sent.message;
    });
  const message = await idempotent(s, actor, input.clientMessageId, run);
  return (await getConversation(s.sql, actor.orgId, message.conversationId))!;
}
