/**
 * Issue 17 (5): the customer's side, clear. The menu answer keeps what the customer typed
 * and the option's name beside it (the widget shows "Support", the agent "1 → Support");
 * a WhatsApp customer is told "in the queue for Support, place N" and "Ana joined" when the
 * organization asks for it, as automatic messages inside the 24-hour window only; web chat
 * gets no such messages (the widget shows its own lines from the conversation it streams).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Channel } from '../../../db/queries/channels.ts';
import { latestVisitorConversation } from '../../../db/queries/webchat.ts';
import { translate } from '../../../i18n/index.ts';
import { startTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { inbound, makeChannel, setOnline, waitingConversation } from '../../../test/helpers/conversations.ts';
import { demoIds } from '../../../test/helpers/orgs.ts';
import { customerNoticeMessage } from '../../domain/customer-notices.ts';

let app: TestApp;
let ids: Awaited<ReturnType<typeof demoIds>>;
let wa: Channel;
let web: Channel;
let phone = 5511930000000;
const nextPhone = () => String(++phone);

beforeAll(async () => {
  app = await startTestApp();
  ids = await demoIds(app.db.sql);
  wa = await makeChannel(app.db.sql, ids, 'whatsapp');
  web = await makeChannel(app.db.sql, ids, 'webchat');
  await setOnline(app.db.sql, ['ana@demo.test', 'bruno@demo.test', 'carla@demo.test']);
  await app.db.sql`UPDATE organizations SET customer_language = 'en' WHERE id = ${ids.orgId}`;
});
afterAll(() => app?.stop());
beforeEach(async () => {
  await app.db.sql`UPDATE organizations SET notify_queue = false, notify_joined = false, identify_agents = true WHERE id = ${ids.orgId}`;
});

const botMessages = (conversationId: string) =>
  app.db
    .sql`SELECT text, payload->>'notice' AS notice FROM messages WHERE conversation_id = ${conversationId} AND is_bot ORDER BY seq`.then(
    (r) => r.map((x) => ({ text: x.text as string, notice: (x.notice as string | null) ?? null })),
  );
const notices = async (conversationId: string) =>
  (await botMessages(conversationId)).filter((m) => m.notice === 'queued' || m.notice === 'joined');

describe('the menu answer', () => {
  it('keeps what the customer typed and the option it chose', async () => {
    const c = await waitingConversation(app, wa, nextPhone(), '1');
    const [m] = await app.db
      .sql`SELECT text, payload FROM messages WHERE conversation_id = ${c.id} AND direction = 'in' ORDER BY seq DESC LIMIT 1`;
    expect(m!.text).toBe('1');
    expect(m!.payload).toMatchObject({ botMenuAnswer: true, botMenuLabel: 'Support' });
    const ana = await app.login('ana@demo.test');
    const view = await ana.conversations.get.query({ conversationId: c.id });
    expect(view.messages.filter((x) => x.direction === 'in').map((x) => [x.text, x.menuChoice])).toEqual([
      ['Oi', null],
      ['1', 'Support'],
    ]);
  });
});

describe('notices to a WhatsApp customer', () => {
  it('sends nothing by default', async () => {
    const c = await waitingConversation(app, wa, nextPhone(), '1');
    const ana = await app.login('ana@demo.test');
    await ana.conversations.claim.mutate({ conversationId: c.id });
    expect(await notices(c.id)).toEqual([]);
  });

  it('tells the place in the queue and who joined, when the organization asks', async () => {
    await app.db.sql`UPDATE organizations SET notify_queue = true, notify_joined = true WHERE id = ${ids.orgId}`;
    // Someone already waits in Sales: this customer is second there.
    const first = await waitingConversation(app, wa, nextPhone(), '2');
    const c = await waitingConversation(app, wa, nextPhone(), '2');
    const carla = await app.login('carla@demo.test');
    await carla.conversations.claim.mutate({ conversationId: c.id });
    expect(await notices(c.id)).toEqual([
      { text: translate('en', 'conv.queuedNotice', { team: 'Sales', position: 2 }), notice: 'queued' },
      { text: translate('en', 'conv.joinedNotice', { name: 'Carla' }), notice: 'joined' },
    ]);
    expect((await notices(first.id))[0]!.text).toBe("You're in the queue for Sales. Your place: 1.");
    // Queued after the customer's answer, before the agent's first words.
    const order = await app.db.sql`SELECT text FROM messages WHERE conversation_id = ${c.id} ORDER BY seq`;
    expect(order.map((r) => r.text).slice(-3)).toEqual([
      '2',
      translate('en', 'conv.queuedNotice', { team: 'Sales', position: 2 }),
      translate('en', 'conv.joinedNotice', { name: 'Carla' }),
    ]);
    await carla.conversations.claim.mutate({ conversationId: first.id });
  });

  it('names no agent when the organization does not identify them', async () => {
    await app.db.sql`UPDATE organizations SET notify_joined = true, identify_agents = false WHERE id = ${ids.orgId}`;
    const c = await waitingConversation(app, wa, nextPhone(), '1');
    const ana = await app.login('ana@demo.test');
    await ana.conversations.claim.mutate({ conversationId: c.id });
    expect(await notices(c.id)).toEqual([{ text: translate('en', 'conv.joinedNoticeAnonymous'), notice: 'joined' }]);
  });

  it('sends nothing outside the 24-hour window', async () => {
    await app.db.sql`UPDATE organizations SET notify_queue = true, notify_joined = true WHERE id = ${ids.orgId}`;
    const c = await waitingConversation(app, wa, nextPhone(), '1');
    expect((await notices(c.id)).map((m) => m.notice)).toEqual(['queued']);
    // The customer last wrote 25 hours ago: a bot message may no longer go out.
    await app.db.sql`UPDATE conversations SET last_inbound_at = now() - interval '25 hours' WHERE id = ${c.id}`;
    const ana = await app.login('ana@demo.test');
    await ana.conversations.claim.mutate({ conversationId: c.id });
    expect((await notices(c.id)).map((m) => m.notice)).toEqual(['queued']);
  });

  it('sends no notice messages on web chat; the widget reads them from the conversation', async () => {
    await app.db.sql`UPDATE organizations SET notify_queue = true, notify_joined = true WHERE id = ${ids.orgId}`;
    const visitor = (
      await app.db
        .sql`INSERT INTO webchat_visitors (org_id, channel_id, token_hash, name) VALUES (${ids.orgId}, ${web.id}, ${Buffer.from(nextPhone())}, 'Web') RETURNING id`
    )[0]!.id as string;
    await inbound(app, web, { from: visitor, text: 'Hi' });
    const r = await inbound(app, web, { from: visitor, text: '1' });
    const ana = await app.login('ana@demo.test');
    await ana.conversations.claim.mutate({ conversationId: r.conversation.id });
    expect(await notices(r.conversation.id)).toEqual([]);
    const current = await latestVisitorConversation(app.db.sql, { id: visitor, orgId: ids.orgId, channelId: web.id } as never);
    const answer = (await app.db.sql`SELECT seq FROM messages WHERE id = ${r.message.id}`)[0]!.seq;
    expect(current).toMatchObject({ status: 'active', queued: { team: 'Support', afterSeq: Number(answer) }, joined: { agent: 'Ana' } });
    expect(current!.joined!.afterSeq).toBeGreaterThanOrEqual(Number(answer));
  });
});

describe('customerNoticeMessage', () => {
  const open = { open: true as const, closesAt: null };
  const closed = { open: false as const, reason: 'expired' as const, closedAt: null };
  const on = { notifyQueue: true, notifyJoined: true };
  it('follows the channel, the setting and the window', () => {
    expect(customerNoticeMessage('whatsapp', on, open, { kind: 'queued', team: 'Support', position: 3 })).toEqual({
      key: 'conv.queuedNotice',
      params: { team: 'Support', position: 3 },
    });
    expect(customerNoticeMessage('whatsapp', on, closed, { kind: 'queued', team: 'Support', position: 3 })).toBeNull();
    expect(customerNoticeMessage('webchat', on, open, { kind: 'joined', agent: 'Ana' })).toBeNull();
    expect(customerNoticeMessage('whatsapp', { ...on, notifyJoined: false }, open, { kind: 'joined', agent: 'Ana' })).toBeNull();
    expect(customerNoticeMessage('whatsapp', on, open, { kind: 'joined', agent: null })).toEqual({
      key: 'conv.joinedNoticeAnonymous',
      params: {},
    });
  });
});
