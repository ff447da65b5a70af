import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Channel } from '../../../db/queries/channels.ts';
import { LANGUAGES, translate } from '../../../i18n/index.ts';
import { parseEvents } from '../../../client/widget/stream.ts';
import { refusal, startTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { makeChannel } from '../../../test/helpers/conversations.ts';
import { createOtherOrg, demoIds, waitFor } from '../../../test/helpers/orgs.ts';
import { en } from '../../../test/helpers/i18n.ts';

let app: TestApp;
let ids: Awaited<ReturnType<typeof demoIds>>;
let channel: Channel;
// A 1×1 PNG.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

beforeAll(async () => {
  // TRUST_PROXY: each test visitor comes from its own address (X-Forwarded-For), so the
  // per-IP limits are tested on purpose only.
  app = await startTestApp(
    { TRUST_PROXY: 'true', UPLOAD_MAX_BYTES: String(64 * 1024) },
    { channels: { webchat: { deliveryPollMs: 100 } } },
  );
  ids = await demoIds(app.db.sql);
  await app.db.sql`UPDATE users SET language = 'en', status = 'online'`;
  channel = await makeChannel(app.db.sql, ids, 'webchat');
});
afterAll(() => app?.stop());

let ipCounter = 0;
const freshIp = () => {
  ipCounter++;
  return `10.${Math.floor(ipCounter / 250) % 250}.${ipCounter % 250}.${(ipCounter % 200) + 1}`;
};

interface Answer {
  status: number;
  body: any;
}

class TestVisitor {
  constructor(
    public token: string,
    public visitorId: string,
    public ip: string,
  ) {}

  headers(extra: Record<string, string> = {}): Record<string, string> {
    return { authorization: `Bearer ${this.token}`, 'x-forwarded-for': this.ip, 'accept-language': 'en', ...extra };
  }

  async get(path: string): Promise<Answer> {
    const res = await fetch(`${app.url}${path}`, { headers: this.headers() });
    return { status: res.status, body: await res.json() };
  }

  async post(path: string, body: unknown): Promise<Answer> {
    const res = await fetch(`${app.url}${path}`, {
      method: 'POST',
      headers: this.headers({ 'content-type': 'application/json' }),
      body: JSON.stringify(body),
    });
    return { status: res.status, body: await res.json() };
  }

  send(text: string, clientMessageId: string = randomUUID(), extra: Record<string, unknown> = {}) {
    return this.post('/webchat/messages', { clientMessageId, text, ...extra });
  }

  async messages(after?: string): Promise<any[]> {
    const r = await this.get(`/webchat/messages${after ? `?after=${after}` : ''}`);
    expect(r.status).toBe(200);
    return r.body.messages;
  }

  async upload(body: Blob, name: string): Promise<Answer> {
    const form = new FormData();
    form.append('file', body, name);
    const res = await fetch(`${app.url}/webchat/upload`, { method: 'POST', headers: this.headers(), body: form });
    return { status: res.status, body: await res.json() };
  }
}

async function postSession(body: unknown, headers: Record<string, string> = {}, ip = freshIp()): Promise<Answer> {
  const res = await fetch(`${app.url}/webchat/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': ip, 'accept-language': 'en', ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

async function newVisitor(on: Channel = channel, name?: string): Promise<TestVisitor> {
  const ip = freshIp();
  const r = await postSession({ channelId: on.id, ...(name ? { name } : {}) }, {}, ip);
  expect(r.status).toBe(201);
  return new TestVisitor(r.body.visitorToken, r.body.visitorId, ip);
}

interface StreamEvent {
  event: string;
  data: any;
}

/** GET /webchat/stream read as a browser's fetch would, collecting the events. */
function openStream(v: TestVisitor, query = '') {
  const events: StreamEvent[] = [];
  const controller = new AbortController();
  const response = fetch(`${app.url}/webchat/stream${query}`, {
    headers: v.headers({ accept: 'text/event-stream' }),
    signal: controller.signal,
  });
  const reading = response.then(async (res) => {
    if (!res.ok || !res.body) return res.status;
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer = parseEvents(buffer + decoder.decode(value, { stream: true }), (event, data) =>
          events.push({ event, data: JSON.parse(data) }),
        );
      }
    } catch {
      /* aborted */
    }
    return res.status;
  });
  return {
    events,
    status: response.then((r) => r.status),
    ready: () => waitFor(async () => events.find((e) => e.event === 'ready'), 'stream ready'),
    message: (pred: (m: any) => boolean, what = 'message event') =>
      waitFor(async () => events.find((e) => e.event === 'message' && pred(e.data))?.data, what),
    close: async () => {
      controller.abort();
      await reading.catch(() => {});
    },
  };
}

const statusOf = async (messageId: string) => (await app.db.sql`SELECT status FROM messages WHERE id = ${messageId}`)[0]!.status as string;
const conversationOf = async (v: TestVisitor) =>
  (
    await app.db.sql`SELECT c.id, c.status FROM conversations c JOIN contacts k ON k.id = c.contact_id
    WHERE k.webchat_visitor_id = ${v.visitorId} ORDER BY c.created_at DESC LIMIT 1`
  )[0] as { id: string; status: string };

describe('POST /webchat/session', () => {
  it('gives a new visitor a random token, stored only as its hash', async () => {
    const r = await postSession({ channelId: channel.id, name: 'Maria' });
    expect(r.status).toBe(201);
    expect(r.body.visitorToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const [row] = await app.db.sql`SELECT org_id, channel_id, name, token_hash FROM webchat_visitors WHERE id = ${r.body.visitorId}`;
    expect(row).toMatchObject({ org_id: ids.orgId, channel_id: channel.id, name: 'Maria' });
    expect(Buffer.from(row!.token_hash as Uint8Array).equals(createHash('sha256').update(r.body.visitorToken).digest())).toBe(true);
    const all = await app.db.sql`SELECT 1 FROM webchat_visitors WHERE token_hash::text LIKE ${'%' + r.body.visitorToken + '%'}`;
    expect(all).toHaveLength(0);
  });

  it('keeps the visitor of a token the browser already holds for this channel', async () => {
    const v = await newVisitor();
    const again = await postSession({ channelId: channel.id, name: 'Later Name' }, { authorization: `Bearer ${v.token}` });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ visitorToken: v.token, visitorId: v.visitorId });
  });

  it('refuses a channel that is not an active web chat channel, and bad input, with clear JSON errors', async () => {
    const unknown = await postSession({ channelId: randomUUID() });
    expect(unknown).toEqual({ status: 404, body: { error: { code: 'webchat.unknownChannel', message: en('webchat.unknownChannel') } } });
    const [wa] = await app.db.sql`SELECT id FROM channels WHERE kind = 'whatsapp' LIMIT 1`;
    expect((await postSession({ channelId: wa!.id })).status).toBe(404);
    const off = await makeChannel(app.db.sql, ids, 'webchat');
    await app.db.sql`UPDATE channels SET active = false WHERE id = ${off.id}`;
    expect((await postSession({ channelId: off.id })).status).toBe(404);

    const bad = await postSession({ channelId: 'not-an-id', name: 'x'.repeat(500) });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toBe(en('error.invalidInput'));
    expect(Object.keys(bad.body.error.fields).sort()).toEqual(['channelId', 'name']);
    const notJson = await fetch(`${app.url}/webchat/session`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({ channelId: channel.id }),
    });
    expect(notJson.status).toBe(400);
  });

  it('refuses a token unused for longer than WEBCHAT_VISITOR_TTL_DAYS; each use slides it, written at most hourly', async () => {
    expect(app.env.WEBCHAT_VISITOR_TTL_DAYS).toBe(30);
    const v = await newVisitor();
    expect((await v.send('Oi')).status).toBe(201);
    const seen = async () =>
      (await app.db.sql`SELECT last_seen_at FROM webchat_visitors WHERE id = ${v.visitorId}`)[0]!.last_seen_at as Date;

    // Used 29 days ago: still valid, and this use extends it.
    await app.db.sql`UPDATE webchat_visitors SET last_seen_at = now() - interval '29 days' WHERE id = ${v.visitorId}`;
    expect((await v.get('/webchat/messages')).status).toBe(200);
    const refreshed = await seen();
    expect(refreshed.getTime()).toBeGreaterThan(Date.now() - 60 * 60_000);
    // Seen a few minutes ago: no write on every request.
    await app.db.sql`UPDATE webchat_visitors SET last_seen_at = now() - interval '10 minutes' WHERE id = ${v.visitorId}`;
    const before = await seen();
    expect((await v.get('/webchat/messages')).status).toBe(200);
    expect((await seen()).getTime()).toBe(before.getTime());

    // Unused for 31 days: refused everywhere, like a garbage token.
    await app.db.sql`UPDATE webchat_visitors SET last_seen_at = now() - interval '31 days' WHERE id = ${v.visitorId}`;
    const refused = await v.get('/webchat/messages');
    expect(refused).toEqual({ status: 401, body: { error: { code: 'webchat.badToken', message: en('webchat.badToken') } } });
    expect((await v.send('Still there?')).status).toBe(401);
    // The widget opens a new session: the expired token does not keep its visitor.
    const fresh = await postSession({ channelId: channel.id }, { authorization: `Bearer ${v.token}` });
    expect(fresh.status).toBe(201);
    expect(fresh.body.visitorId).not.toBe(v.visitorId);
    expect(fresh.body.visitorToken).not.toBe(v.token);
    // The old visitor's contact and conversation are kept.
    const kept = await app.db.sql`SELECT c.id FROM conversations c JOIN contacts k ON k.org_id = c.org_id AND k.id = c.contact_id
      WHERE k.webchat_visitor_id = ${v.visitorId}`;
    expect(kept).toHaveLength(1);
  });
});

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
      await app.db.sql`UPDATE users SET status = 'online' WHERE id = ANY(${online.map((r) => r.id as string)}::uuid[])`;
    }
  });

  it('marks bot and agent rows of web chat channels sent once stored, publishing the status', async () => {
    const v = await newVisitor();
    await v.send('hello there');
    const [menu] = await app.db
      .sql`SELECT m.id FROM messages m JOIN conversations c ON c.id = m.conversation_id JOIN contacts k ON k.id = c.contact_id
      WHERE k.webchat_visitor_id = ${v.visitorId} AND m.direction = 'out'`;
    await waitFor(async () => (await statusOf(menu!.id as string)) === 'sent', 'queued → sent');
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

describe('visitor isolation', () => {
  it("visitor B never reads A's messages, files or stream", async () => {
    const a = await newVisitor();
    const b = await newVisitor();
    const bStream = openStream(b);
    await bStream.ready();
    const up = await a.upload(new Blob(['private notes'], { type: 'text/plain' }), 'a.txt');
    expect(up.status).toBe(201);
    const aMsg = (await a.send('secret of A', undefined, { attachmentId: up.body.attachmentId })).body.message;
    await a.send('1');
    const conv = await conversationOf(a);
    const ana = await app.login('ana@demo.test');
    await ana.conversations.claim.mutate({ conversationId: conv.id });
    const reply = await ana.conversations.send.mutate({ conversationId: conv.id, text: 'for A only', clientMessageId: 'ana-for-a-0001' });

    expect(await b.messages()).toEqual([]);
    expect(await b.messages(aMsg.id)).toEqual([]);
    expect((await b.post('/webchat/read', { upToMessageId: reply.id })).status).toBe(404);
    expect(await statusOf(reply.id)).not.toBe('read');
    expect((await b.get(`/webchat/files/${up.body.attachmentId}`)).status).toBe(404);
    expect((await b.send('using A file', undefined, { attachmentId: up.body.attachmentId })).status).toBe(404);
    // A sees all of it.
    await waitFor(async () => (await a.messages()).some((m) => m.id === reply.id), 'A sees the reply');
    expect((await fetch(`${app.url}/webchat/files/${up.body.attachmentId}`, { headers: a.headers() })).status).toBe(200);
    // B's stream carried nothing of A's.
    await new Promise((r) => setTimeout(r, 300));
    expect(bStream.events.filter((e) => e.event !== 'ready')).toEqual([]);
    await bStream.close();
  });

  it('a token of one channel cannot act on another; a garbage or missing token gets 401', async () => {
    const other = await makeChannel(app.db.sql, ids, 'webchat');
    const x = await newVisitor(channel);
    expect((await x.send('to the other channel', undefined, { channelId: other.id })).status).toBe(403);
    expect((await x.get(`/webchat/messages?channelId=${other.id}`)).status).toBe(403);
    expect(await openStream(x, `?channelId=${other.id}`).status).toBe(403);
    // On the other channel the same browser is a new visitor.
    const fresh = await postSession({ channelId: other.id }, { authorization: `Bearer ${x.token}` });
    expect(fresh.status).toBe(201);
    expect(fresh.body.visitorId).not.toBe(x.visitorId);

    const garbage = new TestVisitor('x'.repeat(43), randomUUID(), freshIp());
    const none = new TestVisitor('', randomUUID(), freshIp());
    for (const v of [garbage, none]) {
      const r = await v.send('hi');
      expect(r).toEqual({ status: 401, body: { error: { code: 'webchat.badToken', message: en('webchat.badToken') } } });
      expect((await v.get('/webchat/messages')).status).toBe(401);
      expect((await v.post('/webchat/read', { upToMessageId: randomUUID() })).status).toBe(401);
      expect((await v.upload(new Blob(['x'], { type: 'text/plain' }), 'x.txt')).status).toBe(401);
      expect((await v.get(`/webchat/files/${randomUUID()}`)).status).toBe(401);
      expect(await openStream(v).status).toBe(401);
    }
  });

  it('a token stops working when its channel is deactivated; another organization sees nothing', async () => {
    const ch = await makeChannel(app.db.sql, ids, 'webchat');
    const v = await newVisitor(ch);
    await v.send('hello');
    await app.db.sql`UPDATE channels SET active = false WHERE id = ${ch.id}`;
    expect((await v.get('/webchat/messages')).status).toBe(401);

    const otherOrg = await createOtherOrg(app.db.sql, 'webchat');
    const [row] = await app.db
      .sql`INSERT INTO channels (org_id, kind, name) VALUES (${otherOrg.org.id}, 'webchat', 'Their chat') RETURNING id`;
    const theirs = await postSession({ channelId: row!.id });
    const outsider = new TestVisitor(theirs.body.visitorToken, theirs.body.visitorId, freshIp());
    const mine = await newVisitor();
    const m = (await mine.send('in the demo org')).body.message;
    expect(await outsider.messages(m.id)).toEqual([]);
    expect((await outsider.post('/webchat/read', { upToMessageId: m.id })).status).toBe(404);
  });

  it('refuses a browser request from a foreign origin', async () => {
    const v = await newVisitor();
    const res = await fetch(`${app.url}/webchat/messages`, {
      method: 'POST',
      headers: { ...v.headers({ 'content-type': 'application/json' }), origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
      body: JSON.stringify({ clientMessageId: 'evil-0001', text: 'x' }),
    });
    expect(res.status).toBe(403);
  });
});

describe('rate limits', () => {
  it('allows 30 messages a minute per visitor, then answers 429', async () => {
    const v = await newVisitor();
    for (let i = 0; i < 30; i++) expect((await v.send(`message ${i}`)).status).toBe(201);
    const over = await v.send('one too many');
    expect(over.status).toBe(429);
    expect(over.body.error.message).toBe(en('webchat.tooManyMessages'));
  });

  it('allows 20 new sessions a minute per address, then answers 429', async () => {
    const ip = freshIp();
    for (let i = 0; i < 20; i++) expect((await postSession({ channelId: channel.id }, {}, ip)).status).toBe(201);
    const over = await postSession({ channelId: channel.id }, {}, ip);
    expect(over.status).toBe(429);
    expect(over.body.error.message).toBe(en('webchat.tooManySessions'));
    expect((await postSession({ channelId: channel.id }, {}, freshIp())).status).toBe(201);
  });
});

describe('attachments both ways', () => {
  it('the visitor sends a file the serving agent reads; the agent sends one the visitor reads', async () => {
    const v = await newVisitor();
    const up = await v.upload(new Blob([PNG], { type: 'image/png' }), 'photo.png');
    expect(up.status).toBe(201);
    const sent = await v.send('my photo', undefined, { attachmentId: up.body.attachmentId });
    expect(sent.body.message).toMatchObject({
      kind: 'image',
      text: 'my photo',
      attachment: { id: up.body.attachmentId, filename: 'photo.png', contentType: 'image/png' },
    });
    const back = await fetch(`${app.url}${sent.body.message.attachment.url}`, { headers: v.headers() });
    expect(back.status).toBe(200);
    expect(Buffer.from(await back.arrayBuffer()).equals(PNG)).toBe(true);
    const [att] = await app.db.sql`SELECT uploaded_by, purpose FROM attachments WHERE id = ${up.body.attachmentId}`;
    expect(att).toEqual({ uploaded_by: null, purpose: 'webchat' });

    const ana = await app.login('ana@demo.test');
    const agentFetch = (id: string) => fetch(`${app.url}/uploads/${id}`, { headers: { cookie: ana.cookie! } });
    // In the bot menu the conversation has no team yet: only admins see it.
    expect((await agentFetch(up.body.attachmentId)).status).toBe(404);
    await v.send('1');
    expect((await agentFetch(up.body.attachmentId)).status).toBe(200);
    const outsider = await createOtherOrg(app.db.sql, 'webchat-files');
    const theirs = await app.login(outsider.agent.email, outsider.password);
    expect((await fetch(`${app.url}/uploads/${up.body.attachmentId}`, { headers: { cookie: theirs.cookie! } })).status).toBe(404);

    const conv = await conversationOf(v);
    await ana.conversations.claim.mutate({ conversationId: conv.id });
    const form = new FormData();
    form.append('file', new Blob(['invoice body'], { type: 'application/pdf' }), 'invoice.pdf');
    const agentUpload = await (
      await fetch(`${app.url}/uploads?purpose=message`, { method: 'POST', headers: { cookie: ana.cookie! }, body: form })
    ).json();
    const out = await ana.conversations.send.mutate({
      conversationId: conv.id,
      text: '',
      attachmentId: agentUpload.id,
      clientMessageId: 'ana-file-0001',
    });
    const seen = await waitFor(async () => (await v.messages()).find((m) => m.id === out.id), 'agent file in the widget');
    expect(seen).toMatchObject({
      direction: 'out',
      author: 'Ana',
      attachment: { id: agentUpload.id, filename: 'invoice.pdf', url: `/webchat/files/${agentUpload.id}` },
    });
    const file = await fetch(`${app.url}${seen.attachment.url}`, { headers: v.headers() });
    expect(await file.text()).toBe('invoice body');
    // Another visitor cannot.
    const w = await newVisitor();
    expect((await fetch(`${app.url}${seen.attachment.url}`, { headers: w.headers() })).status).toBe(404);
  });

  it('refuses a type /uploads refuses and a file over the size limit', async () => {
    const v = await newVisitor();
    const exe = await v.upload(new Blob(['MZ'], { type: 'application/x-msdownload' }), 'run.exe');
    expect(exe.status).toBe(415);
    const big = await v.upload(new Blob([Buffer.alloc(65 * 1024)], { type: 'text/plain' }), 'big.txt');
    expect(big.status).toBe(413);
    expect(big.body.error.message).toBe(en('upload.tooLarge', { max: '64 KB' }));
  });
});

describe('GET /webchat/channel', () => {
  it('tells any page the organization name, brand colour and menu, without the teams', async () => {
    await app.db.sql`UPDATE organizations SET brand_color = '#7C3AED' WHERE id = ${ids.orgId}`;
    const [org] = await app.db.sql<{ name: string }[]>`SELECT name FROM organizations WHERE id = ${ids.orgId}`;
    // The launcher asks from the company's page: another origin, no cookies.
    const res = await fetch(`${app.url}/webchat/channel?channelId=${channel.id}`, {
      headers: { origin: 'https://shop.example', 'sec-fetch-site': 'cross-site' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    const body = await res.json();
    expect(body).toEqual({
      channel: { id: channel.id, name: channel.name },
      organization: { name: org!.name, brandColor: '#7c3aed' },
      menu: [
        { key: '1', label: 'Support' },
        { key: '2', label: 'Sales' },
      ],
      noOneAvailableMessage: channel.noOneAvailableMessage,
      allowedSites: [],
    });
    expect(JSON.stringify(body)).not.toContain(ids.teams.Support);
  });

  it('answers 404 for a channel that is not an active web chat channel, 400 for a bad id', async () => {
    const whatsapp = await makeChannel(app.db.sql, ids, 'whatsapp');
    const unknown = await fetch(`${app.url}/webchat/channel?channelId=${whatsapp.id}`, { headers: { 'accept-language': 'en' } });
    expect(unknown.status).toBe(404);
    expect((await unknown.json()).error.message).toBe(en('webchat.unknownChannel'));
    expect((await fetch(`${app.url}/webchat/channel?channelId=nope`)).status).toBe(400);
  });
});

describe('/widget', () => {
  it('serves the embed script, cacheable, with the launcher strings from the catalogue', async () => {
    const res = await fetch(`${app.url}/widget/embed.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(res.headers.get('cache-control')).toMatch(/max-age=\d+/);
    const body = await res.text();
    expect(body).toContain(JSON.stringify(en('widget.open')).slice(1, -1));
    expect(body).toContain('/widget?channel=');
    // The launcher takes the organization's brand colour from the public channel profile.
    expect(body).toContain("'/webchat/channel?channelId='");
    const again = await fetch(`${app.url}/widget/embed.js`, { headers: { 'if-none-match': res.headers.get('etag')! } });
    expect(again.status).toBe(304);
  });

  it('serves the widget page framable by any site, or a clear 503 when not built', async () => {
    const res = await fetch(`${app.url}/widget?channel=${channel.id}`);
    if (res.status === 503) {
      expect(await res.text()).toBe(translate('pt-BR', 'webchat.notBuilt'));
      return;
    }
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy')!.split(/;\s*/);
    expect(csp).toContain('frame-ancestors *');
    // The widget's own policy: everything from Atende's origin, no inline script.
    for (const directive of [
      "default-src 'self'",
      "script-src 'self'",
      "connect-src 'self'",
      "img-src 'self' blob: data:",
      "object-src 'none'",
      "base-uri 'none'",
    ]) {
      expect(csp).toContain(directive);
    }
    expect(res.headers.get('x-frame-options')).toBeNull();
    const html = await res.text();
    expect(html).toContain('id="widget"');
    // Its strings, every language, in a JSON block (not a script: the CSP allows none inline).
    const block = /<script type="application\/json" id="atende-strings">(.*?)<\/script>/s.exec(html);
    const data = JSON.parse(block![1]!);
    expect(data.languages).toEqual([...LANGUAGES]);
    for (const l of LANGUAGES) {
      expect(data.strings[l]['widget.send']).toBe(translate(l, 'widget.send'));
      expect(data.strings[l]['widget.noOneAvailable']).toBe(translate(l, 'widget.noOneAvailable'));
      expect(data.strings[l]['error.network']).toBe(translate(l, 'error.network'));
    }
    // Only the widget's: not the agent app's catalogue.
    expect(data.strings.en['error.adminOnly']).toBeUndefined();
  });
});

describe('allowed sites of a web chat channel', () => {
  it('the admin saves origins as browsers write them, and refuses anything else with a sentence', async () => {
    const admin = await app.login('admin@demo.test', undefined, { 'accept-language': 'en' });
    const created = await admin.admin.channels.create.mutate({
      kind: 'webchat',
      name: `Sites ${randomUUID().slice(0, 6)}`,
      allowedSites: ['https://Shop.Example.com/', 'http://localhost:8080'],
    });
    expect(created.allowedSites).toEqual(['https://shop.example.com', 'http://localhost:8080']);
    for (const bad of [
      'shop.example.com',
      'https://shop.example.com/checkout',
      'https://*.example.com',
      "https://shop.example.com; script-src 'unsafe-inline'",
      'ftp://shop.example.com',
    ]) {
      const e = await refusal(admin.admin.channels.update.mutate({ id: created.id, allowedSites: ['https://ok.example.com', bad] }));
      expect([e.code, e.data.reason]).toEqual(['BAD_REQUEST', 'admin.channels.badSite']);
      expect(e.message).toBe(en('admin.channels.badSite', { value: bad }));
      const refusedCreate = await refusal(admin.admin.channels.create.mutate({ kind: 'webchat', name: 'Refused', allowedSites: [bad] }));
      expect(refusedCreate.data.reason).toBe('admin.channels.badSite');
    }
    // Nothing was saved by a refused change.
    const [row] = await app.db.sql`SELECT allowed_sites FROM channels WHERE id = ${created.id}`;
    expect(row!.allowed_sites).toEqual(['https://shop.example.com', 'http://localhost:8080']);
    const cleared = await admin.admin.channels.update.mutate({ id: created.id, allowedSites: [] });
    expect(cleared.allowedSites).toEqual([]);
    // A WhatsApp channel is not embedded anywhere: the field is ignored.
    const whatsapp = await makeChannel(app.db.sql, ids, 'whatsapp');
    expect(
      (await admin.admin.channels.update.mutate({ id: whatsapp.id, allowedSites: ['https://shop.example.com'] })).allowedSites,
    ).toEqual([]);
  });

  it('the widget page may be framed only by them, and the widget learns them from GET /webchat/channel', async () => {
    const sited = await makeChannel(app.db.sql, ids, 'webchat');
    await app.db.sql`UPDATE channels SET allowed_sites = ${['https://shop.example.com', 'http://localhost:8080']} WHERE id = ${sited.id}`;
    const profile = await (await fetch(`${app.url}/webchat/channel?channelId=${sited.id}`)).json();
    expect(profile.allowedSites).toEqual(['https://shop.example.com', 'http://localhost:8080']);
    const res = await fetch(`${app.url}/widget?channel=${sited.id}`);
    if (res.status === 503) return; // the client is not built: the header is checked by the browser test
    const csp = res.headers.get('content-security-policy')!.split(/;\s*/);
    expect(csp).toContain('frame-ancestors https://shop.example.com http://localhost:8080');
    expect(csp.filter((d) => d.startsWith('frame-ancestors'))).toHaveLength(1);
    // Another channel, or none, keeps its own answer.
    expect((await fetch(`${app.url}/widget?channel=${channel.id}`)).headers.get('content-security-policy')).toContain('frame-ancestors *');
    expect((await fetch(`${app.url}/widget?channel=nope`)).headers.get('content-security-policy')).toContain('frame-ancestors *');
  });
});
