import { describe, expect, it } from 'vitest';
import { waitFor } from '../../../test/helpers/orgs.ts';
import { eventsNumbered } from '../../../test/helpers/events.ts';
import { en } from '../../../test/helpers/i18n.ts';
import { app, channel, conversationOf, newVisitor, openStream, statusOf, useWebchatApp } from './webchat-test-setup.ts';

useWebchatApp();

describe('a visitor and an agent talk', () => {
  it('menu via GET and the stream, choice, claim, answer, delivered and read', async () => {
    const v = await newVisitor(channel, 'Maria Web');
    const stream = openStream(v);
    await stream.ready();

    const first = await v.send('Olá, preciso de ajuda', 'visitor-msg-0001');
    expect(first.status).toBe(201);
    expect(first.body.message).toMatchObject({
      direction: 'in',
      text: 'Olá, preciso de ajuda',
      clientMessageId: 'visitor-msg-0001',
      status: 'received',
    });

    // The bot menu comes back live…
    const menuLive = await stream.message((m) => m.isBot && m.direction === 'out', 'menu on the stream');
    expect(menuLive.text).toBe('Hello! Which team?\n1 Support\n2 Sales');
    // …and by GET, in order, with the visitor's own message first.
    const list = await v.messages();
    expect(list.map((m) => [m.direction, m.text])).toEqual([
      ['in', 'Olá, preciso de ajuda'],
      ['out', 'Hello! Which team?\n1 Support\n2 Sales'],
    ]);
    expect(list[1].status).toBe('delivered');
    expect(await statusOf(list[1].id)).toBe('delivered');

    // The contact exists, incomplete, with the name the visitor gave.
    const [contact] = await app.db.sql`SELECT name, incomplete FROM contacts WHERE webchat_visitor_id = ${v.visitorId}`;
    expect(contact).toEqual({ name: 'Maria Web', incomplete: true });

    expect((await v.send('1')).status).toBe(201);
    const conv = await conversationOf(v);
    expect(conv.status).toBe('waiting');

    const ana = await app.login('ana@demo.test');
    await ana.conversations.claim.mutate({ conversationId: conv.id });
    const sent = await ana.conversations.send.mutate({
      conversationId: conv.id,
      text: 'Olá! Como posso ajudar?',
      clientMessageId: 'ana-webchat-0001',
    });

    const reply = await stream.message((m) => m.id === sent.id && m.status === 'delivered', 'agent reply on the stream');
    expect(reply).toMatchObject({ direction: 'out', text: 'Olá! Como posso ajudar?', author: 'Ana', isBot: false });
    await waitFor(async () => (await statusOf(sent.id)) === 'delivered', 'delivered in the database');
    const view = await ana.conversations.get.query({ conversationId: conv.id });
    expect(view.messages.find((m) => m.id === sent.id)!.status).toBe('delivered');

    const read = await v.post('/webchat/read', { upToMessageId: sent.id });
    expect(read.status).toBe(200);
    expect(read.body.read).toContain(sent.id);
    expect(await statusOf(sent.id)).toBe('read');
    await stream.message((m) => m.id === sent.id && m.status === 'read', 'read on the stream');
    const after = await ana.conversations.get.query({ conversationId: conv.id });
    expect(after.messages.find((m) => m.id === sent.id)!.status).toBe('read');

    // Fetching again never moves it back.
    await v.messages();
    expect(await statusOf(sent.id)).toBe('read');
    // The incremental fetch after the reply has nothing new; the list includes everything.
    expect(await v.messages(sent.id)).toEqual([]);
    expect((await v.get('/webchat/messages')).body.conversation).toMatchObject({ id: conv.id, status: 'active' });
    await stream.close();
  });

  it('flags the bot\'s "no one available" message as a notice (not by its words: the channel may change them later)', async () => {
    const online = await app.db.sql`SELECT id FROM users WHERE status <> 'offline'`;
    await app.db.sql`UPDATE users SET status = 'offline'`;
    try {
      const v = await newVisitor(channel, 'Nobody Online');
      await v.send('Oi');
      await v.send('2');
      await waitFor(async () => (await v.messages()).some((m) => m.notice === 'noOneAvailable'), 'the notice');
      const list = await v.messages();
      expect(list.filter((m) => m.notice === 'noOneAvailable').map((m) => m.text)).toEqual([channel.noOneAvailableMessage]);
      expect(list.filter((m) => m.notice !== 'noOneAvailable').every((m) => m.notice === null)).toBe(true);
      await app.db.sql`UPDATE channels SET no_one_available_message = 'Reworded later.' WHERE id = ${channel.id}`;
      expect((await v.messages()).filter((m) => m.notice === 'noOneAvailable')).toHaveLength(1);
    } finally {
      await app.db.sql`UPDATE channels SET no_one_available_message = ${channel.noOneAvailableMessage} WHERE id = ${channel.id}`;
      await app.db.sql`UPDATE users SET status = 'online', connected = true WHERE id = ANY(${online.map((r) => r.id as string)}::uuid[])`;
    }
  });

  it('marks bot and agent rows of web chat channels sent once stored, publishing the status', async () => {
    const v = await newVisitor();
    await v.send('hello there');
    const [menu] = await app.db
      .sql`SELECT m.id FROM messages m JOIN conversations c ON c.id = m.conversation_id JOIN contacts k ON k.id = c.contact_id
      WHERE k.webchat_visitor_id = ${v.visitorId} AND m.direction = 'out'`;
    await waitFor(async () => (await statusOf(menu!.id as string)) === 'sent', 'queued → sent');
    await eventsNumbered(app.db.sql);
    const events = await app.db.sql`SELECT data FROM events WHERE type = 'message.status' AND data->>'messageId' = ${menu!.id as string}`;
    expect(events.map((e) => (e.data as { status: string }).status)).toEqual(['sent']);
  });

  it('stores a retried POST once', async () => {
    const v = await newVisitor();
    const a = await v.send('only once', 'retry-0001');
    const b = await v.send('only once', 'retry-0001');
    expect([a.status, b.status]).toEqual([201, 200]);
    expect(b.body).toMatchObject({ duplicate: true, message: { id: a.body.message.id } });
    const rows = await app.db.sql`SELECT 1 FROM messages WHERE channel_message_id = ${`webchat:${v.visitorId}:retry-0001`}`;
    expect(rows).toHaveLength(1);
    expect((await v.messages()).filter((m) => m.direction === 'in')).toHaveLength(1);
  });

  it('refuses an empty message and an invalid client id', async () => {
    const v = await newVisitor();
    const empty = await v.send('   ');
    expect(empty.status).toBe(400);
    expect(empty.body.error.message).toBe(en('webchat.emptyMessage'));
    expect((await v.post('/webchat/messages', { clientMessageId: 'bad id with spaces', text: 'x' })).status).toBe(400);
  });
});
