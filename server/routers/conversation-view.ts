import { slaTeams } from '../../db/queries/sla.ts';
import { slaView } from '../floor/sla.ts';
import { getContact } from '../../db/queries/contacts.ts';
import { getChannel } from '../../db/queries/channels.ts';
import type { Conversation } from '../../db/queries/conversations.ts';
import { attachmentFacts, tagsOf, userNames } from '../../db/queries/conversation-views.ts';
import { messagePage, type Message } from '../../db/queries/messages.ts';
import { PAGE_SIZE } from '../commands/conversations/message-pages.ts';
import { getTeam } from '../../db/queries/teams.ts';
import type { Db } from '../../db/sql.ts';
import { mayClaim, mayManage, mayWrite, type ConversationFacts } from '../domain/conversation-access.ts';
import { windowState } from '../domain/whatsapp-window.ts';
import { deliveryErrorKey } from '../domain/delivery-errors.ts';
import { translate } from '../../i18n/index.ts';
import type { Actor } from '../commands/conversations/common.ts';
import { lastInboundAt } from '../commands/conversations/outbound.ts';

function errorOf(actor: Actor, status: string, code: number | null, title: string | null) {
  const key = deliveryErrorKey(code, status, title);
  return key ? { code, title, message: translate(actor.lang, key, { title: title ?? String(code ?? '') }) } : null;
}

/** The conversation as the client shows it, with what this caller may do now. */
export async function conversationView(db: Db, actor: Actor, c: Conversation, facts: ConversationFacts) {
  const [contact, channel, team, page, tags, lastIn, teams] = await Promise.all([
    getContact(db, c.orgId, c.contactId),
    getChannel(db, c.orgId, c.channelId),
    c.teamId ? getTeam(db, c.orgId, c.teamId) : null,
    // The newest page only; older ones through conversations.messages (long conversations).
    messagePage(db, c.orgId, c.id, { limit: PAGE_SIZE }),
    tagsOf(db, c.orgId, c.id),
    lastInboundAt(db, c),
    slaTeams(db, c.orgId),
  ]);
  const messages = page.messages;
  const [names, files] = await Promise.all([
    userNames(db, c.orgId, [c.assigneeId, c.targetUserId, c.offeredTo, ...facts.participantIds, ...messages.map((m) => m.authorId)]),
    attachmentFacts(
      db,
      c.orgId,
      messages.map((m) => m.attachmentId),
    ),
  ]);
  const person = (id: string | null) => (id ? (names.get(id) ?? null) : null);
  const window = windowState(channel!.kind, lastIn, c.lastTemplateAt, new Date());
  return {
    id: c.id,
    protocol: c.protocol,
    status: c.status,
    contact: { id: contact!.id, name: contact!.name, email: contact!.email, whatsapp: contact!.whatsapp, incomplete: contact!.incomplete },
    channel: { id: channel!.id, kind: channel!.kind, name: channel!.name },
    team: team ? { id: team.id, name: team.name, dispositionRequired: team.dispositionRequired, tagsAllowed: team.tagsAllowed } : null,
    assignee: person(c.assigneeId),
    targetUser: person(c.targetUserId),
    // Automatic routing: offered to this person until offerExpiresAt (only they may take it meanwhile).
    offeredTo: person(c.offeredTo),
    offerExpiresAt: c.offerExpiresAt?.toISOString() ?? null,
    // The service level running now: when the next agent answer is due, and whether it was missed.
    sla: slaView(c, teams),
    // Waiting on the customer (until a time when snoozed): set aside from the agent's active list.
    pending: c.pendingSince ? { since: c.pendingSince.toISOString(), until: c.pendingUntil?.toISOString() ?? null } : null,
    participants: facts.participantIds.map((id) => person(id)).filter((p) => p !== null),
    tags,
    messages: messages.map((m) => messageView(actor, m, person, files)),
    hasOlder: page.hasOlder,
    window: window.open
      ? { open: true as const, closesAt: window.closesAt?.toISOString() ?? null }
      : { open: false as const, reason: window.reason, closedAt: window.closedAt?.toISOString() ?? null },
    createdAt: c.createdAt.toISOString(),
    queuedAt: c.queuedAt?.toISOString() ?? null,
    waitingSince: c.status === 'waiting' ? (c.queuedAt?.toISOString() ?? null) : null,
    claimedAt: c.claimedAt?.toISOString() ?? null,
    lastInboundAt: lastIn?.toISOString() ?? null,
    lastActivityAt: c.lastActivityAt.toISOString(),
    closedAt: c.closedAt?.toISOString() ?? null,
    closeReason: c.closeReason,
    dispositionId: c.dispositionId,
    rating: c.rating,
    can: {
      write: mayWrite(facts, actor),
      claim: mayClaim(facts, actor) && (c.offeredTo === null || c.offeredTo === actor.id),
      accept: c.offeredTo === actor.id,
      manage: mayManage(facts, actor),
    },
  };
}

type PersonOf = (id: string | null) => { id: string; name: string; codename: string | null } | null;
type FileFacts = Awaited<ReturnType<typeof attachmentFacts>>;

/** A message an integration sent through the REST API (outbound.ts): shown as the integration's, never a person's. */
function integrationAuthor(actor: Actor, m: Message) {
  const integration = m.payload.integration as { tokenId?: unknown; name?: unknown } | undefined;
  if (typeof integration?.name !== 'string' || typeof integration.tokenId !== 'string') return null;
  return { id: integration.tokenId, name: translate(actor.lang, 'api.integrationAuthor', { name: integration.name }), codename: null };
}

/** One message as the client shows it (conversations.get, and the claim's answer). */
export function messageView(actor: Actor, m: Message, person: PersonOf, files: FileFacts) {
  return {
    id: m.id,
    // The order they were stored in; the client marks the conversation read up to the newest.
    seq: m.seq,
    direction: m.direction,
    kind: m.kind,
    text: m.text,
    // The customer's answer to the bot's menu: the option's name ("1" → "Support").
    menuChoice: typeof m.payload.botMenuLabel === 'string' ? m.payload.botMenuLabel : null,
    status: m.status,
    author: m.authorId ? person(m.authorId) : integrationAuthor(actor, m),
    isBot: m.isBot,
    attachmentId: m.attachmentId,
    // Inbound media not (yet) stored: 'pending' while fetched, 'failed' when unavailable.
    media: m.mediaStatus === 'pending' || m.mediaStatus === 'failed' ? m.mediaStatus : null,
    attachmentUrl: m.attachmentId ? `/uploads/${m.attachmentId}` : null,
    attachment:
      m.attachmentId && files.has(m.attachmentId)
        ? { id: m.attachmentId, url: `/uploads/${m.attachmentId}`, ...files.get(m.attachmentId)! }
        : null,
    clientMessageId: m.authorId === actor.id ? m.clientMessageId : null,
    error: errorOf(actor, m.status, m.errorCode, m.errorTitle),
    at: (m.providerTimestamp ?? m.createdAt).toISOString(),
  };
}

/** Messages as the client shows them, on their own (a page of conversations.messages, the claim's answer). */
export async function messagesView(db: Db, actor: Actor, orgId: string, messages: readonly Message[]) {
  const [names, files] = await Promise.all([
    userNames(
      db,
      orgId,
      messages.map((m) => m.authorId),
    ),
    attachmentFacts(
      db,
      orgId,
      messages.map((m) => m.attachmentId),
    ),
  ]);
  const person = (id: string | null) => (id ? (names.get(id) ?? null) : null);
  return messages.map((m) => messageView(actor, m, person, files));
}

/** The newest page of the conversation's messages and whether older ones exist (the claim's answer). */
export async function newestMessagesView(db: Db, actor: Actor, orgId: string, conversationId: string) {
  const page = await messagePage(db, orgId, conversationId, { limit: PAGE_SIZE });
  return { messages: await messagesView(db, actor, orgId, page.messages), hasOlder: page.hasOlder };
}
