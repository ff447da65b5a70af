import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Channel } from '../../../db/queries/channels.ts';
import { refusal, startTestApp, type TestApp, type TestClient } from '../../../test/helpers/app.ts';
import { inbound, makeChannel, setOnline } from '../../../test/helpers/conversations.ts';
import { openEventStream } from '../../../test/helpers/events.ts';
import { createOtherOrg, demoIds, waitFor } from '../../../test/helpers/orgs.ts';
import { makeCanned } from '../../../test/helpers/factories.ts';

/**
 * Several conversations at once (issue 17): per (user, conversation) read marks, and what the
 * In service and Waiting rows say with them — last message, unread, waiting for a reply since.
 */
let app: TestApp;
let ids: Awaited<ReturnType<typeof demoIds>>;
let web: Channel;
let ana: TestClient;
let bruno: TestClient;

const mineRow = async (client: TestClient, id: string) => (await client.conversations.mine.query()).find((r) => r.id === id);
const queueRow = async (client: TestClient, id: string) => (await client.queue.list.query()).find((r) => r.id === id);
const messageAt = async (text: string, conversationId: string) => {
  const [m] = await app.db
    .sql`SELECT coalesce(provider_timestamp, created_at) AS at, seq FROM messages WHERE conversation_id = ${conversationId} AND text = ${text}`;
  return { at: (m!.at as Date).toISOString(), seq: Number(m!.seq) };
};

let visitor = 0;
/** A web chat customer in Waiting (Support), with a name. */
async function waiting(name: string) {
  const from = `visitor-reads-${visitor++}`;
  await inbound(app, web, { from, text: 'Oi', name });
  const { conversation } = await inbound(app, web, { from, text: '1', name });
  return { conversation, from };
}

beforeAll(async () => {
  app = await startTestApp();
  ids = await demoIds(app.db.sql);
  web = await makeChannel(app.db.sql, ids, 'webchat');
  await app.db.sql`UPDATE users SET language = 'en'`;
  await setOnline(app.db.sql, ['ana@demo.test', 'bruno@demo.test', 'carla@demo.test']);
  ana = await app.login('ana@demo.test');
  bruno = await app.login('bruno@demo.test');
});
afterAll(() => app?.stop());

describe('unread counts and read marks', () => {
  it('a waiting conversation not yet opened counts every customer message; opening it (a mark) clears them', async () => {
    const { conversation } = await waiting('Cliente Fila');
    expect((await queueRow(ana, conversation.id))!.unread).toBe(2);
    const { seq } = await messageAt('1', conversation.id);
    const mark = await ana.conversations.markRead.mutate({ conversationId: conversation.id, seq });
    expect(mark).toMatchObject({ conversationId: conversation.id, unread: 0 });
    expect((await queueRow(ana, conversation.id))!.unread).toBe(0);
    // Per person: Bruno has not opened it.
    expect((await queueRow(bruno, conversation.id))!.unread).toBe(2);
  });

  it('In service rows: last message, unread after my mark, and since when the customer waits for a reply', async () => {
    const { conversation: c, from } = await waiting('Cliente Servida');
    await ana.conversations.claim.mutate({ conversationId: c.id });
    const first = await messageAt('Oi', c.id);
    let row = (await mineRow(ana, c.id))!;
    // Nobody answered yet (the bot's menu is no answer): waiting since the customer's first message.
    expect(row).toMatchObject({ unread: 2, awaitingReplySince: first.at });
    // The preview is what the customer said, not the bot's menu nor their answer to it.
    expect(row.lastMessage).toMatchObject({ text: 'Oi', direction: 'in' });

    await ana.conversations.send.mutate({ conversationId: c.id, text: 'Olá, sou a Ana.', clientMessageId: 'reads-send-0001' });
    row = (await mineRow(ana, c.id))!;
    expect(row.awaitingReplySince).toBeNull();
    expect(row.lastMessage).toMatchObject({ text: 'Olá, sou a Ana.', direction: 'out', isBot: false, author: { name: 'Ana Souza' } });
    await ana.conversations.markRead.mutate({ conversationId: c.id, seq: row.lastSeq! });
    expect((await mineRow(ana, c.id))!.unread).toBe(0);

    await inbound(app, web, { from, text: 'Alô? Ainda está aí? É urgente.', name: 'Cliente Servida' });
    const urgent = await messageAt('Alô? Ainda está aí? É urgente.', c.id);
    row = (await mineRow(ana, c.id))!;
    expect(row).toMatchObject({ unread: 1, awaitingReplySince: urgent.at });
    expect(row.lastMessage).toMatchObject({ text: 'Alô? Ainda está aí? É urgente.', direction: 'in' });
    expect(row.lastSeq).toBe(urgent.seq);
    await inbound(app, web, { from, text: 'Alguém?', name: 'Cliente Servida' });
    // Still waiting since the first unanswered message.
    expect(await mineRow(ana, c.id)).toMatchObject({ unread: 2, awaitingReplySince: urgent.at });
  });

  it('a mark never moves back, and never past the newest message', async () => {
    const { conversation: c, from } = await waiting('Cliente Marcas');
    await ana.conversations.claim.mutate({ conversationId: c.id });
    const newest = await messageAt('1', c.id);
    // A made-up seq far ahead is capped at the newest message: the next one still counts.
    expect(await ana.conversations.markRead.mutate({ conversationId: c.id, seq: Number.MAX_SAFE_INTEGER })).toMatchObject({
      seq: newest.seq,
      unread: 0,
    });
    await inbound(app, web, { from, text: 'Mais uma coisa', name: 'Cliente Marcas' });
    expect((await mineRow(ana, c.id))!.unread).toBe(1);
    // A late request from another tab (an older seq) does not un-read.
    const later = await messageAt('Mais uma coisa', c.id);
    await ana.conversations.markRead.mutate({ conversationId: c.id, seq: later.seq });
    expect(await ana.conversations.markRead.mutate({ conversationId: c.id, seq: 1 })).toMatchObject({ seq: later.seq, unread: 0 });
    expect((await mineRow(ana, c.id))!.unread).toBe(0);
  });

  it('sorts In service by who has waited longest for an answer; answered ones after', async () => {
    const carla = await app.login('carla@demo.test');
    const a = await waiting('Cliente A');
    const b = await waiting('Cliente B');
    const d = await waiting('Cliente D');
    for (const w of [a, b, d]) await carla.conversations.claim.mutate({ conversationId: w.conversation.id });
    // A answered; then B's customer writes again (still waiting since their first message), D waits from later on.
    await carla.conversations.send.mutate({ conversationId: a.conversation.id, text: 'Pronto', clientMessageId: 'reads-order-a' });
    await carla.conversations.send.mutate({ conversationId: d.conversation.id, text: 'Um momento', clientMessageId: 'reads-order-d' });
    await inbound(app, web, { from: d.from, text: 'Ok?', name: 'Cliente D' });
    const order = (await carla.conversations.mine.query()).map((r) => r.id).filter((id) => [a, b, d].some((w) => w.conversation.id === id));
    expect(order).toEqual([b.conversation.id, d.conversation.id, a.conversation.id]);
  });

  it('mine with conversationIds returns just those rows, and only if they are mine', async () => {
    const mine = await waiting('Cliente Minha');
    const notMine = await waiting('Cliente Alheia');
    await ana.conversations.claim.mutate({ conversationId: mine.conversation.id });
    await bruno.conversations.claim.mutate({ conversationId: notMine.conversation.id });
    const rows = await ana.conversations.mine.query({ conversationIds: [mine.conversation.id, notMine.conversation.id] });
    expect(rows.map((r) => r.id)).toEqual([mine.conversation.id]);
  });

  it('my other tabs hear of my mark (read.marked); colleagues do not', async () => {
    const { conversation: c } = await waiting('Cliente Abas');
    await ana.conversations.claim.mutate({ conversationId: c.id });
    const anaTab = openEventStream(app.url, ana.cookie);
    const brunoTab = openEventStream(app.url, bruno.cookie);
    try {
      await Promise.all([anaTab.started, brunoTab.started]);
      const { seq } = await messageAt('1', c.id);
      await ana.conversations.markRead.mutate({ conversationId: c.id, seq });
      // Bruno's stream sees a later event of the conversation (a message), so his stream has caught up past the mark.
      await inbound(app, web, { from: `visitor-reads-${visitor - 1}`, text: 'depois', name: 'Cliente Abas' });
      const mark = await waitFor(async () => anaTab.received.find((e) => e.data.type === 'read.marked')?.data, 'read.marked on Ana’s tab');
      expect(mark).toMatchObject({ conversationId: c.id, userId: ids.users['ana@demo.test'], seq });
      await waitFor(
        async () => brunoTab.received.some((e) => e.data.type === 'message.created' && e.data.conversationId === c.id),
        'the message on Bruno’s tab',
      );
      expect(brunoTab.received.some((e) => e.data.type === 'read.marked')).toBe(false);
    } finally {
      anaTab.close();
      brunoTab.close();
    }
  });
});

describe('markRead is authorized like conversations.get', () => {
  it('refuses a logged-out caller, another organization, and an agent of another team; a team member who peeks may mark', async () => {
    const { conversation: c } = await waiting('Cliente Acesso');
    const input = { conversationId: c.id, seq: 1 };
    expect((await refusal(app.client().conversations.markRead.mutate(input))).code).toBe('UNAUTHORIZED');
    const other = await createOtherOrg(app.db.sql, 'reads');
    const outsider = await app.login(other.admin.email, other.password);
    expect((await refusal(outsider.conversations.markRead.mutate(input))).code).toBe('NOT_FOUND');
    // A Sales conversation: Ana (Support only) may not open it, so may not mark it.
    const from = 'visitor-reads-sales';
    await inbound(app, web, { from, text: 'Oi', name: 'Cliente Vendas' });
    const { conversation: sales } = await inbound(app, web, { from, text: '2', name: 'Cliente Vendas' });
    expect((await refusal(ana.conversations.markRead.mutate({ conversationId: sales.id, seq: 1 }))).code).toBe('NOT_FOUND');
    expect(await app.db.sql`SELECT 1 FROM conversation_reads WHERE conversation_id = ${sales.id}`).toHaveLength(0);
    // Bruno (Support) peeks at Ana's conversation: his own mark only.
    await ana.conversations.claim.mutate({ conversationId: c.id });
    await bruno.conversations.markRead.mutate(input);
    expect((await mineRow(ana, c.id))!.unread).toBe(2);
  });
});

describe('canned responses fill the composer', () => {
  it('returns the text with its variables filled and its files, and sends nothing', async () => {
    const { conversation: c } = await waiting('Maria Clara');
    await ana.conversations.claim.mutate({ conversationId: c.id });
    const form = new FormData();
    form.append('file', new Blob(['%PDF-1.4'], { type: 'application/pdf' }), 'precos.pdf');
    const upload = await fetch(`${app.url}/uploads?purpose=canned`, { method: 'POST', headers: { cookie: ana.cookie! }, body: form });
    const file = (await upload.json()).id as string;
    const cannedId = await makeCanned(app.db.sql, ids.orgId, {
      shortcut: 'precos',
      title: 'Preços',
      body: 'Olá {contact.first_name}, sou {agent.name}; protocolo {protocol}.',
      attachmentIds: [file],
    });
    const before = await app.db.sql`SELECT count(*)::int AS n FROM messages WHERE conversation_id = ${c.id}`;
    const filled = await ana.conversations.fillCanned.query({ conversationId: c.id, cannedId });
    expect(filled).toEqual({
      text: `Olá Maria, sou Ana Souza; protocolo ${c.protocol}.`,
      attachments: [{ id: file, filename: 'precos.pdf', contentType: 'application/pdf', size: 8 }],
    });
    const after = await app.db.sql`SELECT count(*)::int AS n FROM messages WHERE conversation_id = ${c.id}`;
    expect(after[0]!.n).toBe(before[0]!.n);
    // The edited text and the canned file then go out through the ordinary send.
    const sent = await ana.conversations.send.mutate({
      conversationId: c.id,
      text: 'Olá Maria! Segue a tabela.',
      attachmentId: file,
      clientMessageId: 'reads-canned-1',
    });
    expect(sent).toMatchObject({ kind: 'attachment', text: 'Olá Maria! Segue a tabela.' });
    // A team member who does not serve it may not fill one (nothing to write to).
    expect((await refusal(bruno.conversations.fillCanned.query({ conversationId: c.id, cannedId }))).code).toBe('FORBIDDEN');
  });
});
