import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Channel } from '../../../db/queries/channels.ts';
import { translate } from '../../../i18n/index.ts';
import type { TestApp } from '../../../test/helpers/app.ts';
import type { FakeGraph } from '../../../test/helpers/fake-graph.ts';
import { demoIds, waitFor } from '../../../test/helpers/orgs.ts';
import {
  botMenuChannel,
  envelope,
  PHONE_NUMBER_ID,
  postWebhook,
  startWhatsAppApp,
  statusUpdate,
  textMessage,
  VERIFY_TOKEN,
} from '../../../test/helpers/whatsapp.ts';

let app: TestApp;
let graph: FakeGraph;
let ids: Awaited<ReturnType<typeof demoIds>>;
let channel: Channel;

beforeAll(async () => {
  ({ app, graph } = await startWhatsAppApp());
  ids = await demoIds(app.db.sql);
  await app.db.sql`UPDATE users SET language = 'en', status = 'online', connected = true`;
  channel = await botMenuChannel(app.db.sql, ids);
});
afterAll(async () => {
  await app?.stop();
  await graph?.close();
});

const messagesOf = (from: string) =>
  app.db
    .sql`SELECT m.id, m.direction, m.kind, m.text, m.status, m.channel_message_id, m.attachment_id, m.media_status, m.payload, m.error_code
    FROM messages m JOIN conversations c ON c.id = m.conversation_id JOIN contacts k ON k.id = c.contact_id
    WHERE k.whatsapp = ${from} ORDER BY m.seq`;

describe('webhook verification', () => {
  it('answers the GET handshake with the challenge only for the right token', async () => {
    const ok = await fetch(`${app.url}/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=12345`);
    expect([ok.status, await ok.text()]).toEqual([200, '12345']);
    const bad = await fetch(`${app.url}/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=12345`);
    expect(bad.status).toBe(403);
  });

  it('stores nothing from a forged or unsigned POST', async () => {
    const before = (await app.db.sql`SELECT count(*)::int AS n FROM messages`)[0]!.n;
    const payload = envelope(textMessage('5511911110000', 'forged'));
    expect((await postWebhook(app.url, payload, { secret: 'wrong-secret' })).status).toBe(401);
    expect((await postWebhook(app.url, payload, { signature: null })).status).toBe(401);
    expect((await postWebhook(app.url, payload, { signature: 'sha256=zz' })).status).toBe(401);
    expect((await app.db.sql`SELECT count(*)::int AS n FROM messages`)[0]!.n).toBe(before);
  });

  it('verifies a channel configured in the admin with its own secrets', async () => {
    const [row] = await app.db.sql`INSERT INTO channels (org_id, kind, name, phone_number_id, app_secret, verify_token, access_token)
      VALUES (${ids.orgId}, 'whatsapp', 'Second number', '100000000000777', 'second-secret', 'second-token', 'env-access-token') RETURNING id`;
    const path = `/webhooks/whatsapp/${row!.id}`;
    const hs = await fetch(`${app.url}${path}?hub.mode=subscribe&hub.verify_token=second-token&hub.challenge=abc`);
    expect(await hs.text()).toBe('abc');
    const payload = envelope(textMessage('5511922220000', 'hi second'), '100000000000777');
    expect((await postWebhook(app.url, payload, { path })).status).toBe(401); // signed with the env secret
    expect((await postWebhook(app.url, payload, { path, secret: 'second-secret' })).status).toBe(200);
    // The environment route cannot inject messages for a channel with its own secret.
    const sneaky = envelope(textMessage('5511922220001', 'sneaky'), '100000000000777');
    expect((await postWebhook(app.url, sneaky)).status).toBe(200);
    expect(await messagesOf('5511922220001')).toHaveLength(0);
    expect((await messagesOf('5511922220000')).filter((m) => m.direction === 'in')).toHaveLength(1);
  });
});

describe('a WhatsApp conversation end to end through the fake Graph API', () => {
  it('writes in, gets the menu, picks a team, is claimed and answered, and sees statuses', async () => {
    const from = '5511933330000';
    expect((await postWebhook(app.url, envelope(textMessage(from, 'Oi, preciso de ajuda')))).status).toBe(200);
    const menu = await waitFor(async () => (await messagesOf(from)).find((m) => m.direction === 'out' && m.status === 'sent'), 'menu sent');
    const post = graph.postsFor(menu.id as string);
    expect(post).toHaveLength(1);
    expect(post[0]!.body).toMatchObject({
      messaging_product: 'whatsapp',
      to: from,
      type: 'text',
      text: { body: 'Hello! Which team?\n1 Support\n2 Sales' },
    });
    expect(post[0]!.phoneNumberId).toBe(PHONE_NUMBER_ID);
    // Statuses out of order, and repeated: never backwards.
    await postWebhook(app.url, envelope(statusUpdate(menu.channel_message_id as string, 'read')));
    await postWebhook(app.url, envelope(statusUpdate(menu.channel_message_id as string, 'delivered')));
    await postWebhook(app.url, envelope(statusUpdate(menu.channel_message_id as string, 'sent')));
    expect((await app.db.sql`SELECT status FROM messages WHERE id = ${menu.id}`)[0]!.status).toBe('read');

    await postWebhook(app.url, envelope(textMessage(from, '1')));
    const [conv] = await app.db
      .sql`SELECT c.id, c.status FROM conversations c JOIN contacts k ON k.id = c.contact_id WHERE k.whatsapp = ${from}`;
    expect(conv!.status).toBe('waiting');
    const ana = await app.login('ana@demo.test');
    await ana.conversations.claim.mutate({ conversationId: conv!.id });
    const sent = await ana.conversations.send.mutate({
      conversationId: conv!.id,
      text: 'Olá! Como posso ajudar?',
      clientMessageId: 'e2e-wa-0001',
    });
    await waitFor(
      async () => (await app.db.sql`SELECT status FROM messages WHERE id = ${sent.id}`)[0]!.status === 'sent',
      'agent message sent',
    );
    expect(graph.postsFor(sent.id)).toHaveLength(1);
    expect(graph.postsFor(sent.id)[0]!.body.text.body).toBe('*Ana:* Olá! Como posso ajudar?');
    const view = await ana.conversations.get.query({ conversationId: conv!.id });
    expect(view.messages.find((m) => m.id === sent.id)!.status).toBe('sent');
  });

  it('handles every entry and change of a batch, and ignores a redelivery', async () => {
    const a = textMessage('5511944440001', 'first');
    const b = textMessage('5511944440002', 'second');
    const payload = {
      object: 'whatsapp_business_account',
      entry: [
        {
          id: 'WABA-1',
          changes: [
            { field: 'messages', value: { ...envelope(a).entry[0]!.changes[0]!.value } },
            { field: 'messages', value: { ...envelope(b).entry[0]!.changes[0]!.value } },
          ],
        },
        {
          id: 'WABA-1',
          changes: [{ field: 'messages', value: { ...envelope(textMessage('5511944440003', 'third')).entry[0]!.changes[0]!.value } }],
        },
      ],
    };
    expect((await postWebhook(app.url, payload)).status).toBe(200);
    expect((await postWebhook(app.url, payload)).status).toBe(200);
    for (const from of ['5511944440001', '5511944440002', '5511944440003']) {
      expect((await messagesOf(from)).filter((m) => m.direction === 'in')).toHaveLength(1);
    }
  });
});

describe('delivery at most once', () => {
  async function activeConversation(from: string) {
    await postWebhook(app.url, envelope(textMessage(from, 'hi')));
    await postWebhook(app.url, envelope(textMessage(from, '1')));
    const [conv] = await app.db
      .sql`SELECT c.id FROM conversations c JOIN contacts k ON k.id = c.contact_id WHERE k.whatsapp = ${from} AND c.status <> 'closed'`;
    const ana = await app.login('ana@demo.test');
    await ana.conversations.claim.mutate({ conversationId: conv!.id });
    await waitFor(
      async () =>
        (await app.db.sql`SELECT 1 FROM messages WHERE conversation_id = ${conv!.id} AND status IN ('queued', 'sending')`).length === 0,
      'bot messages out',
    );
    return { id: conv!.id as string, ana };
  }
  const statusOf = async (id: string) =>
    (await app.db.sql`SELECT status, error_code, channel_message_id FROM messages WHERE id = ${id}`)[0]!;

  it('a broken connection while sending leaves the message "unknown", never re-sent, until a status settles it', async () => {
    const { id, ana } = await activeConversation('5511955550001');
    graph.next('drop');
    const m = await ana.conversations.send.mutate({ conversationId: id, text: 'lost?', clientMessageId: 'drop-0001' });
    await waitFor(async () => (await statusOf(m.id)).status === 'unknown', 'unknown');
    const view = await ana.conversations.get.query({ conversationId: id });
    expect(view.messages.find((x) => x.id === m.id)!.error!.message).toBe(translate('en', 'delivery.unknown'));
    await new Promise((r) => setTimeout(r, 400)); // several worker cycles
    expect(graph.postsFor(m.id)).toHaveLength(1);
    // Meta did get it: the status webhook carries our id and settles the row.
    await postWebhook(app.url, envelope(statusUpdate('wamid.LATE1', 'delivered', m.id)));
    expect(await statusOf(m.id)).toMatchObject({ status: 'delivered', channel_message_id: 'wamid.LATE1' });
  });

  it('a row found "sending" after a crash becomes unknown and is never POSTed', async () => {
    const { id } = await activeConversation('5511955550002');
    const [row] = await app.db
      .sql`INSERT INTO messages (org_id, conversation_id, channel_id, direction, kind, text, wire_text, author_id, status, sending_started_at, attempts)
      VALUES (${ids.orgId}, ${id}, ${channel.id}, 'out', 'text', 'crashed', 'crashed', ${ids.users['ana@demo.test']}, 'sending', now() - interval '10 minutes', 1) RETURNING id`;
    await waitFor(async () => (await statusOf(row!.id as string)).status === 'unknown', 'lease expiry');
    expect(graph.postsFor(row!.id as string)).toHaveLength(0);
    await postWebhook(app.url, envelope(statusUpdate('wamid.CRASH1', 'read', row!.id as string)));
    expect((await statusOf(row!.id as string)).status).toBe('read');
  });

  it('retries 5xx and rate limits before a wamid, with backoff', async () => {
    const { id, ana } = await activeConversation('5511955550003');
    graph.next(
      { status: 500, error: { code: 1, message: 'An unknown error occurred' } },
      { status: 400, error: { code: 130429, message: 'Rate limit hit' } },
    );
    const m = await ana.conversations.send.mutate({ conversationId: id, text: 'eventually', clientMessageId: 'retry-0001' });
    await waitFor(async () => (await statusOf(m.id)).status === 'queued' && graph.postsFor(m.id).length === 1, 'first failure');
    await app.db.sql`UPDATE messages SET next_attempt_at = now() WHERE id = ${m.id}`;
    await waitFor(async () => graph.postsFor(m.id).length === 2, 'second attempt');
    await app.db.sql`UPDATE messages SET next_attempt_at = now() WHERE id = ${m.id}`;
    await waitFor(async () => (await statusOf(m.id)).status === 'sent', 'sent at last', 15_000);
    expect(graph.postsFor(m.id)).toHaveLength(3);
  });

  it('gives up after the last attempt: failed with the reason, never retried forever', async () => {
    const { id, ana } = await activeConversation('5511955550007');
    graph.next({ status: 500, error: { code: 1, message: 'An unknown error occurred' } });
    const m = await ana.conversations.send.mutate({ conversationId: id, text: 'doomed', clientMessageId: 'retry-last-0001' });
    await waitFor(async () => (await statusOf(m.id)).status === 'queued' && graph.postsFor(m.id).length === 1, 'first failure');
    // Nine attempts made (the default maximum is ten): the next 5xx is the last.
    await app.db.sql`UPDATE messages SET attempts = 9, next_attempt_at = now() WHERE id = ${m.id}`;
    graph.next({ status: 500, error: { code: 1, message: 'An unknown error occurred' } });
    await waitFor(async () => graph.postsFor(m.id).length === 2, 'the last attempt');
    await waitFor(async () => (await statusOf(m.id)).status !== 'sending', 'settled');
    expect(await statusOf(m.id)).toMatchObject({ status: 'failed', error_code: 1 });
    await new Promise((r) => setTimeout(r, 400)); // several worker cycles
    expect(graph.postsFor(m.id)).toHaveLength(2);
  });

  it("turns Meta's error codes into sentences, synchronous or by status webhook", async () => {
    const { id, ana } = await activeConversation('5511955550004');
    graph.next({
      status: 400,
      error: { code: 131047, message: 'Re-engagement message', details: 'Message failed to send because more than 24 hours have passed' },
    });
    const m = await ana.conversations.send.mutate({ conversationId: id, text: 'late', clientMessageId: 'err-0001' });
    await waitFor(async () => (await statusOf(m.id)).status === 'failed', 'failed');
    expect((await statusOf(m.id)).error_code).toBe(131047);
    const later = await ana.conversations.send.mutate({ conversationId: id, text: 'later', clientMessageId: 'err-0002' });
    const sent = await waitFor(async () => ((await statusOf(later.id)).status === 'sent' ? statusOf(later.id) : null), 'sent');
    await postWebhook(
      app.url,
      envelope(
        statusUpdate(sent.channel_message_id as string, 'failed', later.id, { errors: [{ code: 131026, title: 'Message undeliverable' }] }),
      ),
    );
    const view = await ana.conversations.get.query({ conversationId: id });
    const shown = (mid: string) => view.messages.find((x) => x.id === mid)!.error!.message;
    expect(shown(m.id)).toBe(translate('en', 'delivery.131047'));
    expect(shown(later.id)).toBe(translate('en', 'delivery.131026'));
  });

  it('sends templates in the Graph format', async () => {
    const { id, ana } = await activeConversation('5511955550005');
    const [t] = await app.db
      .sql`INSERT INTO templates (org_id, channel_id, name, language, body, param_count) VALUES (${ids.orgId}, ${channel.id}, 'order_ready', 'pt_BR', 'Hi {{1}}, order {{2}} is ready', 2) RETURNING id`;
    const m = await ana.conversations.sendTemplate.mutate({
      conversationId: id,
      templateId: t!.id,
      params: ['Maria', '42'],
      clientMessageId: 'tpl-0001',
    });
    await waitFor(async () => graph.postsFor(m.id).length === 1, 'template posted');
    expect(graph.postsFor(m.id)[0]!.body).toMatchObject({
      type: 'template',
      template: {
        name: 'order_ready',
        language: { code: 'pt_BR' },
        components: [
          {
            type: 'body',
            parameters: [
              { type: 'text', text: 'Maria' },
              { type: 'text', text: '42' },
            ],
          },
        ],
      },
    });
  });

  it('uploads an outbound attachment and sends it by media id', async () => {
    const { id, ana } = await activeConversation('5511955550006');
    const form = new FormData();
    form.append('file', new Blob([Buffer.from('iVBORw0KGgo=', 'base64')], { type: 'image/png' }), 'photo.png');
    const up = await (
      await fetch(`${app.url}/uploads?purpose=message`, { method: 'POST', headers: { cookie: ana.cookie! }, body: form })
    ).json();
    const m = await ana.conversations.send.mutate({
      conversationId: id,
      text: 'see this',
      attachmentId: up.id,
      clientMessageId: 'media-0001',
    });
    await waitFor(async () => graph.postsFor(m.id).length === 1, 'media posted');
    const body = graph.postsFor(m.id)[0]!.body;
    expect(body.type).toBe('image');
    expect(body.image.id).toMatch(/^media-out-/);
    expect(body.image.caption).toBe('*Ana:* see this');
    expect(graph.uploads.length).toBeGreaterThan(0);
  });
});

describe('inbound media and other types', () => {
  it('fetches inbound media through the Graph API into storage, visible to the team, not to others', async () => {
    const bytes = Buffer.from('fake-jpeg-bytes');
    graph.media.set('4400001', { bytes, mime: 'image/jpeg' });
    const from = '5511977770001';
    const payload = envelope({
      contacts: [{ profile: { name: 'Foto' }, wa_id: from }],
      messages: [
        {
          from,
          id: 'wamid.IMG1',
          timestamp: String(Math.floor(Date.now() / 1000)),
          type: 'image',
          image: { caption: 'my receipt', mime_type: 'image/jpeg', sha256: 'x', id: '4400001' },
        },
      ],
    });
    expect((await postWebhook(app.url, payload)).status).toBe(200);
    const stored = await waitFor(async () => (await messagesOf(from)).find((m) => m.media_status === 'stored'), 'media stored');
    expect(stored).toMatchObject({ kind: 'image', text: 'my receipt' });
    const ana = await app.login('ana@demo.test');
    const carla = await app.login('carla@demo.test');
    // In the bot, the conversation has no team yet: admins see it; after the choice, the team does.
    await postWebhook(app.url, envelope(textMessage(from, '1')));
    const file = await fetch(`${app.url}/uploads/${stored.attachment_id}`, { headers: { cookie: ana.cookie! } });
    expect(file.status).toBe(200);
    expect(Buffer.from(await file.arrayBuffer()).equals(bytes)).toBe(true);
    expect((await fetch(`${app.url}/uploads/${stored.attachment_id}`, { headers: { cookie: carla.cookie! } })).status).toBe(200);
    // Once it moves to Sales, Ana (Support only) no longer sees it or its files.
    const [conv] = await app.db.sql`SELECT c.id FROM conversations c JOIN contacts k ON k.id = c.contact_id WHERE k.whatsapp = ${from}`;
    const admin = await app.login('admin@demo.test');
    await admin.admin.conversations.transfer.mutate({ conversationId: conv!.id, toTeamId: ids.teams.Sales });
    expect((await fetch(`${app.url}/uploads/${stored.attachment_id}`, { headers: { cookie: ana.cookie! } })).status).toBe(404);
  });

  it('stores every documented type, including unknown ones, without a 5xx', async () => {
    const from = '5511977770002';
    const ts = String(Math.floor(Date.now() / 1000));
    const types = [
      { type: 'location', location: { latitude: 1, longitude: 2, name: 'Here' } },
      { type: 'contacts', contacts: [{ name: { formatted_name: 'Bob' }, phones: [{ phone: '+1 555' }] }] },
      { type: 'interactive', interactive: { type: 'button_reply', button_reply: { id: 'b1', title: 'Yes' } } },
      { type: 'button', button: { payload: 'P', text: 'Quick reply' } },
      { type: 'reaction', reaction: { message_id: 'wamid.X', emoji: '❤️' } },
      { type: 'unsupported', errors: [{ code: 131051, title: 'Message type unknown' }] },
      { type: 'teleport', teleport: {} },
    ];
    const payload = envelope({
      contacts: [{ profile: { name: 'Types' }, wa_id: from }],
      messages: types.map((t, i) => ({ from, id: `wamid.TYPE${i}`, timestamp: ts, ...t })),
    });
    expect((await postWebhook(app.url, payload)).status).toBe(200);
    const kinds = (await messagesOf(from)).filter((m) => m.direction === 'in').map((m) => m.kind);
    expect(kinds).toEqual(['location', 'contacts', 'interactive', 'button', 'reaction', 'unsupported', 'unsupported']);
  });
});

describe('503 while the database is down', () => {
  it('answers 503 (Meta retries) and stores the retry once the database is back', async () => {
    const postgres = (await import('postgres')).default;
    const name = new URL(app.db.url).pathname.slice(1);
    const admin = postgres(new URL('/postgres', app.db.url).toString(), { max: 1, onnotice: () => {} });
    const payload = envelope(textMessage('5511966660001', 'are you there?'));
    try {
      await admin.unsafe(`ALTER DATABASE ${name} WITH ALLOW_CONNECTIONS false`);
      await admin.unsafe(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${name}' AND pid <> pg_backend_pid()`);
      expect((await postWebhook(app.url, payload)).status).toBe(503);
    } finally {
      await admin.unsafe(`ALTER DATABASE ${name} WITH ALLOW_CONNECTIONS true`);
      await admin.end();
    }
    await waitFor(async () => (await postWebhook(app.url, payload)).status === 200, 'recovery');
    expect((await messagesOf('5511966660001')).filter((m) => m.direction === 'in')).toHaveLength(1);
  });
});
