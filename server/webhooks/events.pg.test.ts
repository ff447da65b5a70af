import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Channel } from '../../db/queries/channels.ts';
import { startSecondProcess, startTestApp, type TestApp, type TestClient } from '../../test/helpers/app.ts';
import { inbound, makeChannel, setOnline } from '../../test/helpers/conversations.ts';
import { createOtherOrg, demoIds, waitFor } from '../../test/helpers/orgs.ts';
import { startReceiver, type Receiver } from '../../test/helpers/webhook-receiver.ts';
import { ingestInbound } from '../commands/conversations/ingest.ts';
import { WEBHOOK_EVENTS } from '../domain/webhooks.ts';

let app: TestApp;
let admin: TestClient;
let receiver: Receiver;
let channel: Channel;
let ids: Awaited<ReturnType<typeof demoIds>>;

const WAIT = 30_000;

beforeAll(async () => {
  app = await startTestApp({ WEBHOOK_ALLOW_PRIVATE: 'true' });
  ids = await demoIds(app.db.sql);
  admin = await app.login('admin@demo.test');
  receiver = await startReceiver();
  channel = await makeChannel(app.db.sql, ids, 'webchat');
});
afterAll(async () => {
  await app?.stop();
  await receiver?.close();
});

const endpoint = (path: string, events: readonly string[]) =>
  admin.admin.webhooks.create.mutate({ url: receiver.url(path), events: events as never });
const typesFor = (path: string, conversationId: string) =>
  receiver
    .on(path)
    .filter((h) => (h.body.data.conversation?.id ?? h.body.data.message?.conversationId) === conversationId)
    .map((h) => h.body.type);

describe('outgoing webhooks: which events go out', () => {
  it('tells a conversation’s life once per change, in order, with its contact and messages', async () => {
    await endpoint('/all', WEBHOOK_EVENTS);
    await setOnline(app.db.sql, ['ana@demo.test', 'bruno@demo.test', 'carla@demo.test']);
    await inbound(app, channel, { from: 'life-1', text: 'Oi', name: 'Dona Maria' });
    const r = await inbound(app, channel, { from: 'life-1', text: '1' });
    const conversationId = r.conversation.id;
    const ana = await app.login('ana@demo.test');
    await ana.conversations.claim.mutate({ conversationId });
    await ana.conversations.send.mutate({ conversationId, text: 'Good morning!', clientMessageId: 'life-ana-1' });
    await ana.conversations.transfer.mutate({ conversationId, toTeamId: ids.teams.Sales });
    const carla = await app.login('carla@demo.test');
    await carla.conversations.claim.mutate({ conversationId });
    await carla.conversations.finish.mutate({ conversationId });
    // The close, then the rating request it queues for the customer.
    await waitFor(
      async () => {
        const t = typesFor('/all', conversationId);
        return t.includes('conversation.closed') && t.lastIndexOf('message.sent') > t.indexOf('conversation.closed');
      },
      'the close and the rating request',
      WAIT,
    );
    const types = typesFor('/all', conversationId);
    expect(types.filter((t) => t.startsWith('conversation.'))).toEqual([
      'conversation.created',
      'conversation.queued',
      'conversation.claimed',
      'conversation.transferred',
      'conversation.queued',
      'conversation.claimed',
      'conversation.closed',
    ]);
    // The customer's two messages, the bot's menu, Ana's answer and the rating request the close sends.
    expect(types.filter((t) => t === 'message.received' || t === 'message.sent')).toEqual([
      'message.received',
      'message.sent',
      'message.received',
      'message.sent',
      'message.sent',
    ]);
    const sent = receiver.on('/all').filter((h) => h.body.type === 'message.sent' && h.body.data.message.conversationId === conversationId);
    expect(sent.map((h) => [h.body.data.message.bot, h.body.data.message.author?.name ?? null])).toEqual([
      [true, null],
      [false, 'Ana Souza'],
      [true, null],
    ]);
    expect(types.lastIndexOf('message.sent')).toBeGreaterThan(types.indexOf('conversation.closed'));
    expect(types.indexOf('conversation.created')).toBeLessThan(types.indexOf('message.received'));
    expect(types.lastIndexOf('message.sent')).toBeGreaterThan(types.indexOf('conversation.claimed'));
    // The customer answers the rating request.
    await inbound(app, channel, { from: 'life-1', text: '5' });
    const rated = await waitFor(async () => receiver.on('/all').find((h) => h.body.type === 'conversation.rated'), 'the rating', WAIT);
    expect(rated.body.data.conversation).toMatchObject({ id: conversationId, rating: 5 });
    const contactCreated = receiver
      .on('/all')
      .filter((h) => h.body.type === 'contact.created' && h.body.data.contact.id === r.conversation.contactId);
    expect(contactCreated).toHaveLength(1);
    const hooks = receiver.on('/all').filter((h) => h.body.data.conversation?.id === conversationId);
    const transferred = hooks.find((h) => h.body.type === 'conversation.transferred')!;
    expect(transferred.body.data.transfer).toMatchObject({ fromTeamId: ids.teams.Support, toTeamId: ids.teams.Sales });
    const closed = hooks.find((h) => h.body.type === 'conversation.closed')!;
    expect(closed.body.data.conversation).toMatchObject({ id: conversationId, status: 'closed', team: { id: ids.teams.Sales } });
    expect(closed.body.data.contact).toMatchObject({ id: r.conversation.contactId });
    // Nothing secret or internal: no tokens, no storage keys, no password hashes.
    const all = JSON.stringify(receiver.on('/all').map((h) => h.body));
    for (const secret of ['access_token', 'storage_key', 'password', 'webchat_visitor', 'secret'])
      expect([secret, all.includes(secret)]).toEqual([secret, false]);
  });

  it('tells contacts created and edited by agents', async () => {
    await endpoint('/contacts', ['contact.created', 'contact.updated']);
    const ana = await app.login('ana@demo.test');
    const contact = await ana.contacts.create.mutate({ name: 'Seu Jorge', email: 'jorge@example.com', whatsapp: '5511977776666' });
    // Bodies are read when the event is picked up: the edit waits for the first one to be sent.
    await waitFor(async () => receiver.on('/contacts').length === 1, 'the creation', WAIT);
    await ana.contacts.update.mutate({ id: contact.id, name: 'Jorge Silva' });
    await waitFor(async () => receiver.on('/contacts').length === 2, 'two contact events', WAIT);
    expect(receiver.on('/contacts').map((h) => [h.body.type, h.body.data.contact.name])).toEqual([
      ['contact.created', 'Seu Jorge'],
      ['contact.updated', 'Jorge Silva'],
    ]);
    expect(receiver.on('/contacts')[0]!.body.data.contact).toMatchObject({
      id: contact.id,
      email: 'jorge@example.com',
      whatsapp: '5511977776666',
    });
  });

  it('sends only the events an endpoint subscribed to', async () => {
    const ep = await endpoint('/closed-only', ['conversation.closed']);
    await endpoint('/sentinel', ['conversation.closed', 'message.received']);
    await setOnline(app.db.sql, ['ana@demo.test']);
    await inbound(app, channel, { from: 'only-1', text: 'Oi' });
    const r = await inbound(app, channel, { from: 'only-1', text: '1' });
    const ana = await app.login('ana@demo.test');
    await ana.conversations.claim.mutate({ conversationId: r.conversation.id });
    await ana.conversations.finish.mutate({ conversationId: r.conversation.id });
    // The sentinel got the close and the messages before it: this endpoint's follower run is done too.
    await waitFor(async () => typesFor('/sentinel', r.conversation.id).includes('conversation.closed'), 'the sentinel', WAIT);
    await waitFor(async () => typesFor('/closed-only', r.conversation.id).length > 0, 'the close', WAIT);
    expect(receiver.on('/closed-only').map((h) => h.body.type)).toEqual(['conversation.closed']);
    const rows = await app.db.sql`SELECT DISTINCT event_type FROM webhook_deliveries WHERE endpoint_id = ${ep.id}`;
    expect(rows.map((x) => x.event_type)).toEqual(['conversation.closed']);
  });

  it('never sends another organization’s events to this organization’s endpoint', async () => {
    await endpoint('/ours', ['message.received', 'conversation.created', 'contact.created']);
    const other = await createOtherOrg(app.db.sql, 'hooks');
    const otherAdmin = await app.login(other.admin.email, other.password);
    await otherAdmin.admin.webhooks.create.mutate({ url: receiver.url('/theirs'), events: ['message.received', 'conversation.created'] });
    const [row] = await app.db
      .sql`INSERT INTO channels (org_id, kind, name) VALUES (${other.org.id}, 'webchat', 'Their chat') RETURNING id`;
    const theirChannel = { ...channel, id: row!.id as string, orgId: other.org.id, name: 'Their chat', botOptions: [] };
    await inbound(app, theirChannel as Channel, { from: 'their-visitor', text: 'private words' });
    await waitFor(async () => receiver.on('/theirs').some((h) => h.body.type === 'message.received'), 'their delivery', WAIT);
    expect(receiver.on('/theirs').every((h) => h.body.organizationId === other.org.id)).toBe(true);
    // Ours had the same chance (the same follower pass): nothing of theirs reached it.
    await inbound(app, channel, { from: 'our-visitor', text: 'our words' });
    await waitFor(async () => receiver.on('/ours').some((h) => h.body.data.message?.text === 'our words'), 'our delivery', WAIT);
    expect(receiver.on('/ours').every((h) => h.body.organizationId === ids.orgId)).toBe(true);
    expect(JSON.stringify(receiver.on('/ours').map((h) => h.body))).not.toContain('private words');
    expect(JSON.stringify(receiver.on('/theirs').map((h) => h.body))).not.toContain('our words');
  });

  it('delivers each event once with two app processes following and sending', async () => {
    const ep = await endpoint('/two', ['message.received', 'conversation.created']);
    const second = await startSecondProcess(app, { WEBHOOK_ALLOW_PRIVATE: 'true' });
    try {
      const writes: Promise<unknown>[] = [];
      for (let i = 0; i < 6; i++) {
        const services = i % 2 === 0 ? app.services : second.services;
        for (const text of ['Oi', 'tudo bem?']) {
          writes.push(
            ingestInbound(services, {
              channel,
              from: { webchatVisitorId: `two-${i}`, name: null },
              channelMessageId: `two-${i}-${text}`,
              sentAt: new Date(),
              kind: 'text',
              text,
            }),
          );
        }
      }
      await Promise.all(writes);
      // 6 conversations created and 12 messages received.
      await waitFor(
        async () => {
          const [r] = await app.db
            .sql`SELECT count(*) FILTER (WHERE status = 'delivered')::int AS n FROM webhook_deliveries WHERE endpoint_id = ${ep.id}`;
          return r!.n === 18;
        },
        'every delivery done',
        WAIT,
      );
      const hooks = receiver.on('/two');
      expect(hooks).toHaveLength(18);
      expect(new Set(hooks.map((h) => h.body.id)).size).toBe(18);
      expect(new Set(hooks.map((h) => h.headers['atende-delivery'])).size).toBe(18);
      const [{ n }] = (await app.db.sql`SELECT count(*)::int AS n FROM webhook_deliveries WHERE endpoint_id = ${ep.id}`) as unknown as [
        { n: number },
      ];
      expect(n).toBe(18);
    } finally {
      await second.close();
    }
  });
});
