import { createHash } from 'node:crypto';
import { contactView, conversationView, messageView } from '../../db/queries/webhook-payloads.ts';
import {
  lastTransferBefore,
  rememberConversation,
  seenConversation,
  transfersSince,
  type FollowedEvent,
} from '../../db/queries/webhooks.ts';
import type { Db } from '../../db/sql.ts';
import { conversationChanges, type ConversationStatus, type WebhookEventType } from '../domain/webhooks.ts';

/** One webhook event a bus event tells; its body's `data` is read only when an endpoint wants it. */
export interface WebhookEvent {
  /** The body's `id`: the same for every endpoint (and every redelivery) of this occurrence. */
  key: string;
  type: WebhookEventType;
  conversationId: string | null;
  data: () => Promise<Record<string, unknown>>;
}

/** A stable UUID-shaped id for what happened (`what`), scoped by organization. */
export function eventKey(orgId: string, what: string): string {
  const h = createHash('sha256').update(`${orgId}:${what}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((Number.parseInt(h[16]!, 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/**
 * The webhook events one bus event tells, in order, updating what the follower remembers of
 * the conversation. Runs in the follower's transaction, events in id order, one process at a
 * time per organization (the cursor's lock), so "seen before" is exact.
 */
export async function webhookEventsOf(db: Db, orgId: string, e: FollowedEvent): Promise<WebhookEvent[]> {
  if (e.type === 'contact.updated') {
    const contactId = str(e.data.contactId);
    if (!contactId) return [];
    const contact = await contactView(db, orgId, contactId, e.at);
    if (!contact) return [];
    const data = async () => ({ contact: contact.view });
    return [
      contact.createdNow
        ? { key: eventKey(orgId, `contact.created:${contactId}`), type: 'contact.created', conversationId: null, data }
        : { key: eventKey(orgId, `${e.id}:contact.updated`), type: 'contact.updated', conversationId: null, data },
    ];
  }
  const isConversation = e.type === 'conversation.updated' || e.type === 'queue.changed';
  const isMessage = e.type === 'message.created' || e.type === 'message.status';
  if (!isConversation && !isMessage) return [];
  const conversationId = str(e.data.conversationId);
  if (!conversationId) return [];
  const found = await conversationView(db, orgId, conversationId, e.at);
  if (!found) return [];
  const seen = await seenConversation(db, orgId, conversationId);
  const told = {
    status: ((isMessage ? e.data.conversationStatus : e.data.status) ?? found.view.status) as ConversationStatus,
    teamId: str(e.data.teamId),
    assigneeId: str(e.data.assigneeId),
    targetUserId: str(e.data.targetUserId),
  };
  // A message event's conversation state may be older than a change already told: a status
  // webhook or a delivery reads the conversation without its lock, and its event can commit
  // after a claim, a transfer or a close (whose own event came first). It moves what is
  // remembered only when its own transaction made the change (the row's timestamp is the
  // event's time: e.g. a close publishes its rating request before the close itself);
  // conversation events are published by the transaction that changed the row.
  const facts = found.facts;
  const madeHere =
    (told.status === 'closed' && facts.closedNow) ||
    (told.status === 'active' && facts.claimedNow) ||
    (told.status === 'waiting' && facts.queuedNow);
  const now =
    isMessage && seen && !madeHere
      ? { status: seen.status, teamId: seen.teamId, assigneeId: seen.assigneeId, targetUserId: seen.targetUserId }
      : told;
  const out: WebhookEvent[] = [];
  const conversation = { ...found.view, status: now.status };
  const contactOf = async () => (await contactView(db, orgId, found.view.contactId, e.at))?.view ?? null;
  const about = (type: WebhookEventType, what: string, extra: Record<string, unknown> = {}): WebhookEvent => ({
    key: eventKey(orgId, what),
    type,
    conversationId,
    data: async () => ({ conversation, contact: await contactOf(), ...extra }),
  });

  const changes = conversationChanges(seen, now, found.facts);
  if (changes.includes('conversation.created')) {
    // A contact the channel created for this first message: told before its conversation.
    const contact = await contactView(db, orgId, found.view.contactId, e.at);
    if (contact?.createdNow) {
      out.push({
        key: eventKey(orgId, `contact.created:${contact.view.id}`),
        type: 'contact.created',
        conversationId: null,
        data: async () => ({ contact: contact.view }),
      });
    }
    out.push(about('conversation.created', `conversation.created:${conversationId}`));
  }
  const fromTransfer = seen ? seen.lastTransferId : await lastTransferBefore(db, orgId, conversationId, e.at);
  const transfers = await transfersSince(db, orgId, conversationId, fromTransfer, e.at);
  for (const t of transfers) {
    const { id: _id, ...transfer } = t;
    out.push(about('conversation.transferred', `conversation.transferred:${t.id}`, { transfer: { ...transfer, at: t.at.toISOString() } }));
  }
  for (const change of changes) {
    if (change === 'conversation.created') continue;
    const what = change === 'conversation.closed' ? `conversation.closed:${conversationId}` : `${e.id}:${change}`;
    out.push(about(change, what));
  }
  const rated = (seen?.rated ?? false) || found.facts.ratedNow;
  if (found.facts.ratedNow && !seen?.rated) out.push(about('conversation.rated', `conversation.rated:${conversationId}`));
  await rememberConversation(db, orgId, conversationId, {
    ...now,
    lastTransferId: transfers.at(-1)?.id ?? fromTransfer,
    rated,
  });

  if (isMessage) {
    const messageId = str(e.data.messageId);
    if (!messageId) return out;
    const type: WebhookEventType =
      e.type === 'message.status' ? 'message.status' : e.data.direction === 'in' ? 'message.received' : 'message.sent';
    const status = str(e.data.status);
    out.push({
      key: eventKey(orgId, `${e.id}:${type}`),
      type,
      conversationId,
      data: async () => {
        const message = await messageView(db, orgId, messageId);
        return {
          message: message ? { ...message, status: status ?? message.status } : { id: messageId, status },
          conversation: {
            id: conversation.id,
            protocol: conversation.protocol,
            status: conversation.status,
            channel: conversation.channel,
            team: conversation.team,
            assignee: conversation.assignee,
          },
          contact: await contactOf(),
        };
      },
    });
  }
  return out;
}
