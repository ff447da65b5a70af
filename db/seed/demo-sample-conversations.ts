import { findOrCreateChannelContact } from '../queries/contacts.ts';
import { insertConversation, nextProtocol } from '../queries/conversations.ts';
import { insertMessage, type NewMessage } from '../queries/messages.ts';
import type { Tx } from '../sql.ts';
import type { DemoSeedContext } from './demo.ts';

/**
 * A few conversations so that every screen of a demo started by `npm start` has something
 * (SPEC §9; issue 17): one waiting in Support (web chat), one in service with Ana with some
 * history, one WhatsApp conversation whose 24-hour window closed two days ago (the composer
 * offers templates only), and a closed one with a rating and a disposition in the history
 * of the contact served now. Inserted with the queries the app uses (protocol counter,
 * message seq in insert order), then dated back. Not part of the test suite's template
 * database: its tests count conversations and expect empty queues.
 */
export async function seedSampleConversations(tx: Tx, ctx: DemoSeedContext): Promise<void> {
  const s = ctx.text.samples;
  const channels = await tx<{ id: string; kind: 'whatsapp' | 'webchat' }[]>`
    SELECT id, kind FROM channels WHERE org_id = ${ctx.orgId}`;
  const web = channels.find((c) => c.kind === 'webchat')!.id;
  const whatsapp = channels.find((c) => c.kind === 'whatsapp')!.id;
  const [resolved] = await tx<
    { id: string }[]
  >`SELECT id FROM dispositions WHERE org_id = ${ctx.orgId} AND name = ${ctx.text.dispositions[0]}`;
  const ana = ctx.users['ana@demo.test']!;
  const menu = [ctx.text.bot.greeting, `1 ${ctx.text.teams.Support}`, `2 ${ctx.text.teams.Sales}`].join('\n');
  const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000);
  let channelMessage = 0;

  /** One message, dated `at` (inbound ones carry it as the provider's time, as the channels do). */
  const message = async (
    c: { id: string; channelId: string },
    at: Date,
    m: Pick<NewMessage, 'direction' | 'text'> & Partial<NewMessage>,
  ) => {
    const inbound = m.direction === 'in';
    const row = await insertMessage(tx, {
      orgId: ctx.orgId,
      conversationId: c.id,
      channelId: c.channelId,
      kind: 'text',
      wireText: inbound ? null : m.text,
      // Already delivered: the outbox must not send the demo's history to anyone.
      status: inbound ? 'received' : 'delivered',
      providerTimestamp: inbound ? at : null,
      channelMessageId: `demo-sample-${++channelMessage}`,
      ...m,
    });
    await tx`UPDATE messages SET created_at = ${at} WHERE org_id = ${ctx.orgId} AND id = ${row!.id}`;
  };
  const conversation = async (
    contactId: string,
    channelId: string,
    status: 'waiting' | 'active' | 'closed',
    dates: Record<string, Date | null>,
  ) => {
    const c = await insertConversation(tx, {
      orgId: ctx.orgId,
      protocol: await nextProtocol(tx, ctx.orgId, 'America/Sao_Paulo'),
      contactId,
      channelId,
      status: status === 'closed' ? 'active' : status,
      teamId: ctx.teams.Support,
      assigneeId: status === 'waiting' ? null : ana,
    });
    await tx`UPDATE conversations SET ${tx(dates as Record<string, Date>)} WHERE org_id = ${ctx.orgId} AND id = ${c.id}`;
    return c;
  };

  // The closed one comes first: the oldest, and the contact served now.
  const joao = (await findOrCreateChannelContact(tx, ctx.orgId, { whatsapp: '5511987650101', name: s.inService.contact })).contact;
  await tx`UPDATE contacts SET email = 'joao.pereira@example.com' WHERE org_id = ${ctx.orgId} AND id = ${joao.id}`;
  const day = 24 * 60;
  const closed = await conversation(joao.id, whatsapp, 'closed', {
    created_at: minutesAgo(3 * day + 30),
    queued_at: minutesAgo(3 * day + 29),
    claimed_at: minutesAgo(3 * day + 25),
    last_inbound_at: minutesAgo(3 * day + 10),
    last_activity_at: minutesAgo(3 * day),
  });
  await message(closed, minutesAgo(3 * day + 30), { direction: 'in', text: s.closed.first });
  await message(closed, minutesAgo(3 * day + 30), { direction: 'out', text: menu, isBot: true });
  await message(closed, minutesAgo(3 * day + 29), {
    direction: 'in',
    text: '1',
    payload: { botMenuAnswer: true, botMenuLabel: ctx.text.teams.Support },
  });
  await message(closed, minutesAgo(3 * day + 20), { direction: 'out', text: s.closed.agentReply, authorId: ana });
  await message(closed, minutesAgo(3 * day + 10), { direction: 'in', text: s.closed.customerThanks });
  await tx`UPDATE conversations SET status = 'closed', closed_at = ${minutesAgo(3 * day)}, closed_by = ${ana}, close_reason = 'agent',
      disposition_id = ${resolved?.id ?? null}, served_by = assignee_id, assignee_id = NULL,
      rating = 5, rating_requested_at = ${minutesAgo(3 * day)}, rated_at = ${minutesAgo(3 * day - 5)}
    WHERE org_id = ${ctx.orgId} AND id = ${closed.id}`;

  // Outside the WhatsApp window: the customer last wrote two days ago.
  const patricia = (await findOrCreateChannelContact(tx, ctx.orgId, { whatsapp: '5511987650102', name: s.outsideWindow.contact })).contact;
  const old = await conversation(patricia.id, whatsapp, 'active', {
    created_at: minutesAgo(2 * day + 20),
    queued_at: minutesAgo(2 * day + 19),
    claimed_at: minutesAgo(2 * day + 15),
    last_inbound_at: minutesAgo(2 * day + 19),
    // Recent activity, so the inactivity sweep leaves it open for the demo.
    last_activity_at: minutesAgo(1),
  });
  await message(old, minutesAgo(2 * day + 20), { direction: 'in', text: s.outsideWindow.first });
  await message(old, minutesAgo(2 * day + 20), { direction: 'out', text: menu, isBot: true });
  await message(old, minutesAgo(2 * day + 19), {
    direction: 'in',
    text: '1',
    payload: { botMenuAnswer: true, botMenuLabel: ctx.text.teams.Support },
  });
  await message(old, minutesAgo(2 * day + 10), { direction: 'out', text: s.outsideWindow.agentReply, authorId: ana });

  // In service with Ana: the customer spoke last.
  const active = await conversation(joao.id, whatsapp, 'active', {
    created_at: minutesAgo(20),
    queued_at: minutesAgo(19),
    claimed_at: minutesAgo(16),
    last_inbound_at: minutesAgo(2),
    last_activity_at: minutesAgo(2),
  });
  await message(active, minutesAgo(20), { direction: 'in', text: s.inService.first });
  await message(active, minutesAgo(20), { direction: 'out', text: menu, isBot: true });
  await message(active, minutesAgo(19), {
    direction: 'in',
    text: '1',
    payload: { botMenuAnswer: true, botMenuLabel: ctx.text.teams.Support },
  });
  await message(active, minutesAgo(15), { direction: 'out', text: s.inService.agentReply, authorId: ana });
  await message(active, minutesAgo(12), { direction: 'in', text: s.inService.customerReply });
  await message(active, minutesAgo(6), { direction: 'out', text: s.inService.agentFollowUp, authorId: ana });
  await message(active, minutesAgo(2), { direction: 'in', text: s.inService.last });

  // Waiting in Support, on the web chat.
  const marina = (await findOrCreateChannelContact(tx, ctx.orgId, { webchatVisitorId: `demo-${ctx.orgId}`, name: s.waiting.contact }))
    .contact;
  await tx`UPDATE contacts SET email = 'marina.costa@example.com' WHERE org_id = ${ctx.orgId} AND id = ${marina.id}`;
  const waiting = await conversation(marina.id, web, 'waiting', {
    created_at: minutesAgo(6),
    queued_at: minutesAgo(5),
    last_inbound_at: minutesAgo(5),
    last_activity_at: minutesAgo(5),
  });
  await message(waiting, minutesAgo(6), { direction: 'in', text: s.waiting.first });
  await message(waiting, minutesAgo(6), { direction: 'out', text: menu, isBot: true });
  await message(waiting, minutesAgo(5), {
    direction: 'in',
    text: '1',
    payload: { botMenuAnswer: true, botMenuLabel: ctx.text.teams.Support },
  });
}
