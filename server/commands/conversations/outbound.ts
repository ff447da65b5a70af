import type { Channel } from '../../../db/queries/channels.ts';
import { findClientRequest, recordClientMessage, recordClientRefusal } from '../../../db/queries/client-requests.ts';
import { recordOutbound, type Conversation } from '../../../db/queries/conversations.ts';
import { getMessage, insertMessage, lastInboundAt, type Message } from '../../../db/queries/messages.ts';
import { getOrganization } from '../../../db/queries/organizations.ts';
import type { Db, Tx } from '../../../db/sql.ts';
import type { MessageKey } from '../../../i18n/index.ts';
import { identifyAuthor } from '../../domain/messages.ts';
import { windowState } from '../../domain/whatsapp-window.ts';
import { AppError, type ErrorCode } from '../../errors.ts';
import type { Services } from '../../services/index.ts';
import { publishMessage, type Actor } from './common.ts';

export interface Refusal {
  code: ErrorCode;
  reason: MessageKey;
  params: Record<string, string | number>;
}

/**
 * Idempotency per (organization, sender, clientMessageId): the same id returns the first
 * answer — the message, or the same refusal. A corrected draft gets a new id.
 */
export async function previousAnswer(db: Db, actor: Actor, clientMessageId: string): Promise<Message | null> {
  const row = await findClientRequest(db, { orgId: actor.orgId, userId: actor.id, clientMessageId });
  if (!row) return null;
  if (row.refusal) {
    const r = row.refusal as Refusal;
    throw actor.fail(r.code, r.reason, r.params);
  }
  return getMessage(db, actor.orgId, row.messageId!);
}

export async function rememberRefusal(db: Db, actor: Actor, clientMessageId: string, err: unknown): Promise<void> {
  // Only the rules' verdicts are replayed; a crash or a timeout may be retried for real.
  if (!(err instanceof AppError) || err.code === 'INTERNAL_SERVER_ERROR' || err.code === 'TOO_MANY_REQUESTS') return;
  const refusal: Refusal = { code: err.code as ErrorCode, reason: err.reason, params: err.params };
  await recordClientRefusal(db, { orgId: actor.orgId, userId: actor.id, clientMessageId }, refusal);
}

/** Last time the contact wrote on this channel (Meta's clock), across all their conversations. */
export { lastInboundAt };

/** The WhatsApp window rule, as a refusal in the reader's language with what to do. */
export async function assertWindowOpen(
  db: Db,
  actor: Actor,
  c: Conversation,
  channel: Channel,
  orgTimeZone: string,
  now = new Date(),
): Promise<void> {
  // The same answer the conversation view shows (conversation-view.ts).
  const w = windowState(channel.kind, await lastInboundAt(db, c), c.lastTemplateAt, now);
  if (w.open) return;
  if (w.reason === 'awaiting_reply') throw actor.fail('PRECONDITION_FAILED', 'conv.awaitingReply');
  if (w.reason === 'never_opened' || !w.closedAt) throw actor.fail('PRECONDITION_FAILED', 'conv.windowNeverOpened');
  const time = new Intl.DateTimeFormat(actor.lang, {
    timeZone: actor.timeZone ?? orgTimeZone,
    dateStyle: 'short',
    timeStyle: 'short',
  }).format(w.closedAt);
  throw actor.fail('PRECONDITION_FAILED', 'conv.windowClosed', { time });
}

export interface OutboundInput {
  conversation: Conversation;
  channel: Channel;
  kind: string;
  text: string;
  attachmentId?: string | null;
  templateId?: string | null;
  templateParams?: string[] | null;
  clientMessageId: string | null;
}

/** Creates the outbound row (rules already passed), in state `queued` for the channel layer. */
export async function createOutbound(
  s: Services,
  tx: Tx,
  actor: Actor,
  o: OutboundInput,
): Promise<{ message: Message; conversation: Conversation }> {
  const org = (await getOrganization(tx, actor.orgId))!;
  const label = actor.codename?.trim() || actor.name;
  const wire = o.kind === 'template' ? o.text : identifyAuthor(o.channel.kind, label, o.text, org.identifyAgents);
  const message = await insertMessage(tx, {
    orgId: actor.orgId,
    conversationId: o.conversation.id,
    channelId: o.channel.id,
    direction: 'out',
    kind: o.kind,
    text: o.text,
    wireText: wire,
    attachmentId: o.attachmentId ?? null,
    templateId: o.templateId ?? null,
    templateParams: o.templateParams ?? null,
    // An integration is no user: no author, and the payload says which token sent it.
    authorId: actor.integration ? null : actor.id,
    ...(actor.integration ? { payload: { integration: { tokenId: actor.integration.tokenId, name: actor.integration.tokenName } } } : {}),
    clientMessageId: o.clientMessageId,
    status: 'queued',
  });
  if (!message) throw new Error('outbound message not stored');
  if (o.clientMessageId && !actor.integration) {
    await recordClientMessage(tx, { orgId: actor.orgId, userId: actor.id, clientMessageId: o.clientMessageId }, message.id);
  }
  const conversation = await recordOutbound(tx, o.conversation, o.kind === 'template');
  await publishMessage(s, tx, conversation, message);
  return { message, conversation };
}
