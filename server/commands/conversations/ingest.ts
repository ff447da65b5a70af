import type { Channel } from '../../../db/queries/channels.ts';
import {
  findOrCreateChannelContact,
  learnChannelIdentity,
  lockSenders,
  type ChannelIdentity,
  type Contact,
} from '../../../db/queries/contacts.ts';
import {
  contactWithOpenConversation,
  countBotPrompt,
  getConversation,
  insertInbound,
  markNoOneNotified,
  nextProtocol,
  openBotConversation,
  openConversationFor,
  recordRating,
  reserveInbound,
  setWaiting,
  setWaitingUnrouted,
  type Conversation,
} from '../../../db/queries/conversations.ts';
import { insertMessage, mergePayload, messageByChannelId, type Message } from '../../../db/queries/messages.ts';
import { getOrganization } from '../../../db/queries/organizations.ts';
import { holdLiveContact } from '../../../db/queries/privacy.ts';
import { getTeam, listTeams, teamAvailabilityFacts } from '../../../db/queries/teams.ts';
import { runSavepoint, runTx, type Tx } from '../../../db/sql.ts';
import { isLanguage, translate, type Language } from '../../../i18n/index.ts';

export const customerLanguage = (l: string): Language => (isLanguage(l) ? l : 'pt-BR');
import { isAvailable } from '../../domain/availability.ts';
import { chooseOption, renderMenu } from '../../domain/bot.ts';
import { parseRating } from '../../domain/messages.ts';
import type { Services } from '../../services/index.ts';
import { whenCommitted } from '../../services/metrics.ts';
import { AppError } from '../../errors.ts';
import { publishConversation, publishMessage, queueBotMessage } from './common.ts';
import { tellCustomer } from './notices.ts';
import { arriveOutOfHours, closedLabel } from './hours.ts';
import { isOpen } from '../../domain/business-hours.ts';
import { bringBack } from '../../floor/returns.ts';

/** What a channel adapter hands over after verifying and parsing an inbound message. */
export interface InboundMessage {
  channel: Channel;
  from: ChannelIdentity;
  /** The channel's own id (WhatsApp wamid, web chat message id): the dedupe key. */
  channelMessageId: string;
  /** When the customer sent it, by the provider's clock (Meta's timestamp). */
  sentAt: Date;
  kind: string;
  text: string;
  payload?: Record<string, unknown>;
  attachmentId?: string | null;
}

export interface IngestResult {
  duplicate: boolean;
  message: Message;
  conversation: Conversation;
}

/**
 * Puts a conversation in a team's queue; tells a WhatsApp customer so when the organization
 * asks (notices.ts), and when nobody there is available. A customer `arriving` from the bot
 * while the team is closed is told so instead, and waits for opening or is closed (hours.ts).
 */
export async function queueInTeam(
  s: Services,
  tx: Tx,
  c: Conversation,
  channel: Channel,
  teamId: string,
  arriving = false,
): Promise<Conversation> {
  let queued = await setWaiting(tx, c, teamId);
  if (arriving) {
    const [team, org] = await Promise.all([getTeam(tx, c.orgId, teamId), getOrganization(tx, c.orgId)]);
    const closed = team && org ? await arriveOutOfHours(s, tx, queued, team, org) : null;
    if (closed) {
      if (closed.status === 'waiting') await publishConversation(s, tx, closed, 'queue.changed');
      return closed;
    }
  }
  await tellCustomer(s, tx, queued, 'queued', channel);
  if (!(await teamAvailabilityFacts(tx, c.orgId, teamId)).some((f) => isAvailable(f, new Date()))) {
    if (await queueBotMessage(s, tx, queued, channel.noOneAvailableMessage, 'text', { notice: 'no_one_available' })) {
      queued = await markNoOneNotified(tx, queued);
    }
  }
  await publishConversation(s, tx, queued, 'queue.changed');
  return queued;
}

/** The menu, with the teams closed now marked so (in the customer language). */
async function menuOf(tx: Tx, channel: Channel): Promise<string> {
  const [teams, org] = await Promise.all([listTeams(tx, channel.orgId), getOrganization(tx, channel.orgId)]);
  const now = new Date();
  const closed = new Set(teams.filter((t) => !isOpen(t.businessHours, now, org!.timeZone)).map((t) => t.id));
  const options = channel.botOptions.map((o) => (closed.has(o.teamId) ? { ...o, label: closedLabel(o.label, org!.customerLanguage) } : o));
  return renderMenu(channel.botGreeting, options);
}

/** The bot's turn after a customer message in state `bot`. */
async function botTurn(s: Services, tx: Tx, c: Conversation, channel: Channel, text: string | null): Promise<Conversation> {
  const options = channel.botOptions;
  if (options.length === 0) {
    // No menu configured: straight to the queue with no team (admins route it).
    const rows = await setWaitingUnrouted(tx, c);
    await publishConversation(s, tx, rows, 'queue.changed');
    return rows;
  }
  if (options.length === 1) return queueInTeam(s, tx, c, channel, options[0]!.teamId, true);
  const choice = text === null ? null : chooseOption(text, options);
  if (choice) return queueInTeam(s, tx, c, channel, choice.teamId, true);
  const menu = await menuOf(tx, channel);
  const repeat = text === null || !channel.botInvalidMessage ? menu : `${channel.botInvalidMessage}\n${menu}`;
  // Independent statements: pipelined on the connection, one round trip.
  const [, prompted] = await Promise.all([queueBotMessage(s, tx, c, repeat), countBotPrompt(tx, c)]);
  return prompted;
}

/**
 * Whether `err` refuses one message on its own account — its data broke a check or a
 * constraint (SQLSTATE classes 22 and 23), or a rule of ours said no — rather than saying the
 * database cannot work now (connection lost, timeout, serialization, deadlock): the former
 * sinks only that message, the latter the whole batch. A unique violation (23505) is not the
 * message's fault but a race with a concurrent writer (the same customer's first message
 * arriving twice at once): it fails the batch, so the provider's retry stores the message
 * (deduped by its id) instead of it being dropped.
 */
export function refusesOnlyThisMessage(err: unknown): boolean {
  if (err instanceof AppError) return true;
  const e = err as { name?: unknown; code?: unknown } | null;
  return e?.name === 'PostgresError' && typeof e.code === 'string' && /^2[23]/.test(e.code) && e.code !== '23505';
}

/** What became of one message of a batch: stored (or already there), or refused on its own. */
export type BatchOutcome = { result: IngestResult } | { refused: unknown };

/**
 * What reserveInbound found before a transaction, for the messages of one channel: the
 * message ids stored already, and protocol numbers for the conversations they will open,
 * taken in order (each attempt of the transaction starts from a copy: a retry reuses them).
 */
interface Reserved {
  channelId: string;
  stored: Set<string>;
  protocols: string[];
}

/**
 * A message PostgreSQL is sure to refuse (a NUL, or half a surrogate pair, in a string it
 * stores as text or jsonb: 22021, 22P05): it alone gets a savepoint, and no protocol number.
 */
function suspicious(m: InboundMessage): boolean {
  return /\\u0000|\\ud[89a-f]/i.test(JSON.stringify([m.text, m.kind, m.payload ?? null, m.from, m.channelMessageId]));
}

/** One statement on the pool before the transaction (reserveInbound); null for no messages. */
async function reserve(s: Services, messages: InboundMessage[]): Promise<Reserved | null> {
  const channel = messages[0]?.channel;
  if (!channel) return null;
  const ours = messages.filter((m) => m.channel.id === channel.id);
  // A message sure to be refused opens nothing; a rating answer opens nothing when its
  // sender has a conversation waiting for one (reserveInbound tells).
  const r = await reserveInbound(
    s.sql,
    { orgId: channel.orgId, channelId: channel.id },
    ours.map((m) => m.channelMessageId),
    ours.filter((m) => !suspicious(m)).map((m) => ({ ...m.from, rating: parseRating(m.text) !== null })),
  );
  return { channelId: channel.id, ...r };
}

const fresh = (r: Reserved | null): Reserved | undefined => (r ? { ...r, protocols: [...r.protocols] } : undefined);

/**
 * Messages for one channel (a webhook payload) in ONE transaction, in order: first, on the
 * pool, the dedupe and the protocol numbers of the conversations it will open (reserve), so
 * the transaction holds no organization-wide row. A message refused on its own account is
 * rolled back alone and reported as such; any other failure fails the batch (nothing stored;
 * the provider retries and the dedupe makes the retry harmless), after a deadlock or
 * serialization failure has been run again here twice. Savepoints cost a round trip each, so
 * only a message sure to be refused gets one (suspicious); when another is refused after all,
 * the batch is run again with a savepoint for every message (a single message is simply
 * refused: its transaction held nothing else). `also` runs once the message is stored (new
 * messages only), in its savepoint when it has one. Events and counts of the stored messages
 * happen at the one commit.
 */
export async function ingestBatch(
  s: Services,
  messages: InboundMessage[],
  also?: (tx: Tx, m: InboundMessage, result: IngestResult) => Promise<void>,
): Promise<BatchOutcome[]> {
  const reserved = await reserve(s, messages);
  let guarded = false;
  for (let attempt = 1; ; attempt++) {
    try {
      return await storeBatch(s, messages, fresh(reserved), guarded, also);
    } catch (err) {
      if (!guarded && refusesOnlyThisMessage(err)) {
        if (messages.length === 1) return [{ refused: err }];
        guarded = true;
        attempt--;
        continue;
      }
      // Two payloads naming the same customers in opposite orders wait on each other's rows:
      // PostgreSQL picks one to fail; nothing of it was kept, so it is simply run again.
      const code = (err as { code?: unknown } | null)?.code;
      if (attempt >= 3 || (code !== '40P01' && code !== '40001')) throw err;
      s.log.warn({ err, attempt }, 'inbound batch lost a deadlock or serialization race; running it again');
    }
  }
}

async function storeBatch(
  s: Services,
  messages: InboundMessage[],
  reserved: Reserved | undefined,
  guarded: boolean,
  also?: (tx: Tx, m: InboundMessage, result: IngestResult) => Promise<void>,
): Promise<BatchOutcome[]> {
  const store = async (tx: Tx, m: InboundMessage) => {
    const r = await storeInbound(s, tx, m, reserved);
    if (!r.duplicate && also) await also(tx, m, r);
    return r;
  };
  return runTx(s.sql, async (tx) => {
    const senders = new Set(
      messages.map((m) => `${m.channel.orgId}:${m.from.whatsapp ?? m.from.whatsappUserId ?? m.from.webchatVisitorId}`),
    );
    if (senders.size > 1)
      await lockSenders(
        tx,
        messages[0]!.channel.orgId,
        messages.map((m) => m.from),
      );
    const outcomes: BatchOutcome[] = [];
    for (const m of messages) {
      if (!guarded && !suspicious(m)) {
        outcomes.push({ result: await store(tx, m) });
        continue;
      }
      const protocols = reserved && [...reserved.protocols];
      try {
        outcomes.push({ result: await runSavepoint(tx, (sp) => store(sp, m)) });
      } catch (err) {
        if (!refusesOnlyThisMessage(err)) throw err;
        // Its protocol number, if it took one, goes to the next message.
        if (reserved && protocols) reserved.protocols = protocols;
        outcomes.push({ refused: err });
      }
    }
    return outcomes;
  });
}

/** An inbound message in its own transaction (web chat, tests); see storeInbound. */
export async function ingestInbound(s: Services, m: InboundMessage): Promise<IngestResult> {
  const reserved = fresh(await reserve(s, [m]));
  return runTx(s.sql, (tx) => storeInbound(s, tx, m, reserved));
}

/**
 * The one way an inbound message enters Atende, from any channel, inside the caller's runTx
 * transaction (one per message, or one per webhook payload): dedupe on the channel's id (as
 * `reserved` found it before the transaction, else here), find or create the contact, record
 * the provider's time, then append to the open conversation (or the rating it answers) or
 * start one in `bot` (numbered from `reserved`, else here). Whatever it sets off (events, the
 * count) happens at that transaction's commit.
 */
export async function storeInbound(s: Services, tx: Tx, m: InboundMessage, reserved?: Reserved): Promise<IngestResult> {
  const channel = m.channel;
  const result = await append(s, tx, m, reserved?.channelId === channel.id ? reserved : undefined);
  if (!result.duplicate) whenCommitted(tx, () => s.metrics.messagesIngested.inc({ channel: channel.kind }));
  return result;
}

async function duplicateOf(tx: Tx, m: InboundMessage, seen?: Message | null, conversation?: Conversation): Promise<IngestResult> {
  const message = seen ?? (await messageByChannelId(tx, m.channel.orgId, m.channel.id, m.channelMessageId))!;
  return { duplicate: true, message, conversation: conversation ?? (await getConversation(tx, m.channel.orgId, message.conversationId))! };
}

async function append(s: Services, tx: Tx, m: InboundMessage, reserved: Reserved | undefined): Promise<IngestResult> {
  const channel = m.channel;
  const seen =
    !reserved || reserved.stored.has(m.channelMessageId)
      ? await messageByChannelId(tx, channel.orgId, channel.id, m.channelMessageId)
      : null;
  if (seen) return duplicateOf(tx, m, seen);
  const found = await contactWithOpenConversation(tx, channel.orgId, channel.id, m.from);
  let contact: Contact;
  let conversation: Conversation | null;
  let created: boolean;
  if (found) {
    ({ contact, conversation, created } = found);
  } else {
    // Another transaction is creating this contact: it is read once that one commits.
    ({ contact, created } = await findOrCreateChannelContact(tx, channel.orgId, m.from));
    conversation = await openConversationFor(tx, channel.orgId, contact.id, channel.id, true);
  }
  // A contact being erased (docs/privacy.md) was found by its identities before the erasure
  // committed: its new conversation must not join the erased one — the writer is a new contact.
  if (!created && !conversation && !(await holdLiveContact(tx, channel.orgId, contact.id))) {
    ({ contact, created } = await findOrCreateChannelContact(tx, channel.orgId, m.from));
  } else if (found && !created) await learnChannelIdentity(tx, contact, m.from);
  let isNew = false;

  if (!conversation) {
    // A rating answer to a conversation just finished is recorded there, not opened anew.
    const rating = parseRating(m.text);
    if (rating !== null) {
      const org = (await getOrganization(tx, channel.orgId))!;
      const c = await recordRating(
        tx,
        { orgId: channel.orgId, contactId: contact.id, channelId: channel.id },
        rating,
        org.ratingWindowMinutes,
      );
      if (c) {
        const message = await insertMessage(tx, {
          orgId: c.orgId,
          conversationId: c.id,
          channelId: channel.id,
          direction: 'in',
          kind: m.kind,
          text: m.text,
          payload: { ...m.payload, rating },
          channelMessageId: m.channelMessageId,
          status: 'received',
          providerTimestamp: m.sentAt,
        });
        if (!message) return duplicateOf(tx, m, null, c);
        await queueBotMessage(s, tx, c, translate(customerLanguage(org.customerLanguage), 'conv.ratingThanks'));
        await publishConversation(s, tx, c);
        return { duplicate: false, message, conversation: c };
      }
    }
    // A number reserved before the transaction holds no lock; one taken here locks the
    // organization's counter until COMMIT (only when the reservation did not foresee it).
    const reservedProtocol = reserved?.protocols.shift();
    const protocol = reservedProtocol ?? (await nextProtocol(tx, channel.orgId, (await getOrganization(tx, channel.orgId))!.timeZone));
    const opened = await openBotConversation(tx, { orgId: channel.orgId, protocol, contactId: contact.id, channelId: channel.id });
    if (!opened && reservedProtocol) reserved!.protocols.unshift(reservedProtocol);
    // A concurrent delivery for the same new contact may have won: use its conversation.
    conversation = opened ?? (await openConversationFor(tx, channel.orgId, contact.id, channel.id, true));
    isNew = opened !== null;
    if (!conversation) throw new Error('open conversation vanished');
  }

  const stored = await insertInbound(tx, conversation, {
    channelId: channel.id,
    kind: m.kind,
    text: m.text,
    payload: m.payload ?? {},
    attachmentId: m.attachmentId ?? null,
    channelMessageId: m.channelMessageId,
    status: 'received',
    providerTimestamp: m.sentAt,
  });
  if (!stored) return duplicateOf(tx, m, null, conversation);
  const message = stored.message;
  conversation = stored.conversation;
  await publishMessage(s, tx, conversation, message);
  // It was waiting on the customer: they wrote, so it comes back (to its agent, or the queue).
  if (conversation.pendingSince) conversation = await bringBack(s, tx, conversation);
  if (conversation.status === 'bot') {
    conversation = await botTurn(s, tx, conversation, channel, isNew ? null : m.text);
    // The customer's answer to the menu ("1"): the Waiting list shows their earlier words
    // instead; the text stays as typed, the option's name is kept beside it (botMenuLabel)
    // for the customer's bubble ("Support") and the agent's ("1 → Support").
    if (!isNew && channel.botOptions.length > 1 && conversation.status === 'waiting') {
      const label = chooseOption(m.text, channel.botOptions)?.label ?? null;
      const mark = label === null ? { botMenuAnswer: true } : { botMenuAnswer: true, botMenuLabel: label };
      await mergePayload(tx, message, mark);
    }
  }
  if (isNew) await publishConversation(s, tx, conversation);
  return { duplicate: false, message, conversation };
}
