import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { appendDocUpdates } from '../../db/queries/sync.ts';
import { notesTextKeeper } from '../sync/notes-text.ts';
import { refusal, startTestApp, type TestApp, type TestClient } from '../../test/helpers/app.ts';
import { makeContact, makeConversation } from '../../test/helpers/factories.ts';
import { createOtherOrg, demoIds } from '../../test/helpers/orgs.ts';
import { connectDoc } from '../../test/helpers/sync.ts';
import { addNoteEntry, deleteNoteEntry } from '../../sync/shared/schemas.ts';

let app: TestApp;
let ids: Awaited<ReturnType<typeof demoIds>>;
let admin: TestClient;
let ana: TestClient;
let channels: { whatsapp: string; webchat: string };
let maria: string;
/** Closed, Support, served by Ana. */
let supportClosed: string;
/** Open (active), Sales, Carla serving. */
let salesActive: string;
/** Closed, Sales. */
let salesClosed: string;

type Hit = Awaited<ReturnType<TestClient['search']['messages']['query']>>[number];
/** A snippet with its markers shown as [ ] (and without them). */
const shown = (snippet: string) => snippet.replaceAll('\u0002', '[').replaceAll('\u0003', ']');
const plain = (h: Hit) => h.snippet.replaceAll('\u0002', '').replaceAll('\u0003', '');

async function message(
  conversationId: string,
  text: string,
  opts: { at?: Date; authorId?: string; direction?: 'in' | 'out'; attachmentId?: string; bot?: boolean } = {},
) {
  const [row] = await app.db
    .sql`INSERT INTO messages (org_id, conversation_id, channel_id, direction, kind, text, status, author_id, is_bot, attachment_id, created_at)
    VALUES (${ids.orgId}, ${conversationId}, ${channels.whatsapp}, ${opts.direction ?? 'in'}, ${opts.attachmentId ? 'document' : 'text'}, ${text},
      ${opts.direction === 'out' ? 'sent' : 'received'}, ${opts.authorId ?? null}, ${opts.bot ?? false}, ${opts.attachmentId ?? null}, ${opts.at ?? new Date()})
    RETURNING id`;
  return row!.id as string;
}

async function attachment(filename: string) {
  const [row] = await app.db.sql`INSERT INTO attachments (org_id, purpose, filename, content_type, size_bytes, storage_key, sha256)
    VALUES (${ids.orgId}, 'message', ${filename}, 'application/pdf', 10, ${`k-${filename}`}, 'x') RETURNING id`;
  return row!.id as string;
}

const search = (client: TestClient, query: string, extra: Omit<Parameters<TestClient['search']['messages']['query']>[0], 'query'> = {}) =>
  client.search.messages.query({ query, ...extra });

beforeAll(async () => {
  app = await startTestApp();
  ids = await demoIds(app.db.sql);
  admin = await app.login('admin@demo.test');
  ana = await app.login('ana@demo.test');
  const rows = await app.db.sql`SELECT id, name FROM channels WHERE org_id = ${ids.orgId}`;
  channels = { whatsapp: rows.find((r) => r.name === 'WhatsApp')!.id, webchat: rows.find((r) => r.name === 'Web chat')!.id };
  maria = await makeContact(app.db.sql, ids.orgId, { name: 'Maria Souza' });
  const other = await makeContact(app.db.sql, ids.orgId, { name: 'Pedro Lima' });
  const agentIds = ids.users;
  supportClosed = await makeConversation(app.db.sql, ids.orgId, {
    contactId: maria,
    channelId: channels.whatsapp,
    status: 'closed',
    teamId: ids.teams.Support,
    assigneeId: agentIds['ana@demo.test'],
    protocol: '20261201-000007',
  });
  salesActive = await makeConversation(app.db.sql, ids.orgId, {
    contactId: other,
    channelId: channels.webchat,
    status: 'active',
    teamId: ids.teams.Sales,
    assigneeId: agentIds['carla@demo.test'],
  });
  salesClosed = await makeConversation(app.db.sql, ids.orgId, {
    contactId: other,
    channelId: channels.whatsapp,
    status: 'closed',
    teamId: ids.teams.Sales,
    assigneeId: agentIds['carla@demo.test'],
  });
  await message(supportClosed, 'Bom dia, quero saber da minha ação de cobrança', { at: new Date('2026-12-01T10:00:00Z') });
  await message(supportClosed, 'Os reembolsos são feitos em cinco dias úteis', {
    at: new Date('2026-12-01T10:05:00Z'),
    direction: 'out',
    authorId: agentIds['ana@demo.test'],
  });
  await message(supportClosed, 'Your order was refunded yesterday', { at: new Date('2026-12-01T10:06:00Z'), direction: 'out', bot: true });
  await message(supportClosed, '', { at: new Date('2026-12-01T10:07:00Z'), attachmentId: await attachment('relatório_março-2026.pdf') });
  await message(salesActive, 'Preciso do reembolso do pedido urgente', { at: new Date('2026-12-03T09:00:00Z') });
  await message(salesClosed, 'Reembolso recusado, cliente informado', { at: new Date('2026-11-20T09:00:00Z') });
});
afterAll(() => app?.stop());

describe('search.messages: what it finds', () => {
  it('ignores accents and case both ways', async () => {
    for (const q of ['acao', 'AÇÃO', 'ação']) {
      const hits = await search(admin, q);
      expect(hits.map(plain), q).toEqual(['Bom dia, quero saber da minha ação de cobrança']);
    }
    expect((await search(admin, 'uteis')).map(plain)).toEqual(['Os reembolsos são feitos em cinco dias úteis']);
  });

  it('finds Portuguese and English stems, and prefixes', async () => {
    // "reembolsos" (plural, agent) and "reembolso" (customer) share the stem.
    const plural = await search(admin, 'reembolsos');
    expect(plural.map(plain).sort()).toEqual([
      'Os reembolsos são feitos em cinco dias úteis',
      'Preciso do reembolso do pedido urgente',
      'Reembolso recusado, cliente informado',
    ]);
    expect((await search(admin, 'refunds')).map(plain)).toEqual(['Your order was refunded yesterday']);
    expect((await search(admin, 'cobra')).map(plain)).toEqual(['Bom dia, quero saber da minha ação de cobrança']);
    expect(await search(admin, 'zebra')).toEqual([]);
  });

  it('describes each hit: conversation, message, contact, team, protocol, time, and marks the words', async () => {
    const [hit] = await search(admin, 'acao');
    expect(hit).toMatchObject({
      kind: 'message',
      conversationId: supportClosed,
      contact: { id: maria, name: 'Maria Souza' },
      team: { id: ids.teams.Support, name: 'Support' },
      protocol: '20261201-000007',
      at: '2026-12-01T10:00:00.000Z',
    });
    expect(hit!.messageId).toMatch(/^[0-9a-f-]{36}$/);
    expect(hit!.snippet).toContain('\u0002ação\u0003');
    // Markup in a message never comes back as markup (and the markers typed by someone are dropped).
    await message(salesClosed, 'Veja <b>isto</b> \u0002aqui\u0003 <script>alert(1)</script> tangerina');
    const [html] = await search(admin, 'tangerina');
    expect(html!.snippet).not.toMatch(/[<>]/);
    expect(shown(html!.snippet)).toMatch(/^Veja +isto +aqui .*\[tangerina\]$/);
  });

  it('finds attachments by their file name, accents and separators ignored', async () => {
    for (const q of ['relatorio', 'marco 2026', 'relatório_março']) {
      const hits = await search(admin, q);
      expect(
        hits.map((h) => [h.kind, h.snippet]),
        q,
      ).toEqual([['file', '\u0002relatório_março-2026.pdf\u0003']]);
      expect(hits[0]!.messageId).not.toBeNull();
    }
  });

  it('finds a conversation by its protocol number first, typed with or without the dash', async () => {
    await message(salesClosed, 'sobre o protocolo 20261201-000007 que você mandou', { at: new Date('2026-12-02T09:00:00Z') });
    for (const q of ['20261201-000007', '20261201000007']) {
      const hits = await search(admin, q);
      expect(hits[0], q).toMatchObject({ kind: 'message', conversationId: supportClosed, messageId: null, protocol: '20261201-000007' });
      expect(hits[0]!.snippet).toBe('\u000220261201-000007\u0003');
    }
  });

  it('ranks better matches first, and the newest first among equals', async () => {
    const c = await makeConversation(app.db.sql, ids.orgId, {
      contactId: maria,
      channelId: channels.whatsapp,
      status: 'closed',
      teamId: ids.teams.Support,
    });
    const older = await message(c, 'garantia estendida', { at: new Date('2026-10-01T10:00:00Z') });
    const newer = await message(c, 'garantia estendida', { at: new Date('2026-10-02T10:00:00Z') });
    const weaker = await message(c, 'a garantia vale um ano, a extensão é paga à parte no balcão da loja', {
      at: new Date('2026-10-03T10:00:00Z'),
    });
    const hits = await search(admin, 'garantia estendida');
    expect(hits.map((h) => h.messageId)).toEqual([newer, older]);
    const one = await search(admin, 'garantia');
    expect(one.map((h) => h.messageId)).toEqual([newer, older, weaker]);
  });

  it('applies the filters', async () => {
    const q = 'reembolso';
    const ofTeam = await search(admin, q, { filters: { teamId: ids.teams.Sales } });
    expect(ofTeam.map((h) => h.conversationId).sort()).toEqual([salesActive, salesClosed].sort());
    expect((await search(admin, q, { filters: { channelId: channels.webchat } })).map((h) => h.conversationId)).toEqual([salesActive]);
    expect((await search(admin, q, { filters: { agentId: ids.users['ana@demo.test'] } })).map((h) => h.conversationId)).toEqual([
      supportClosed,
    ]);
    const period = await search(admin, q, { filters: { from: '2026-12-01', to: '2026-12-01' } });
    expect(period.map((h) => h.conversationId)).toEqual([supportClosed]);
    expect(await search(admin, q, { filters: { from: '2026-12-03T09:00:01Z' } })).toEqual([]);

    const [tag] = await app.db.sql`SELECT id FROM tags WHERE org_id = ${ids.orgId} LIMIT 1`;
    await app.db.sql`INSERT INTO conversation_tags (org_id, conversation_id, tag_id) VALUES (${ids.orgId}, ${salesClosed}, ${tag!.id})`;
    expect((await search(admin, q, { filters: { tagId: tag!.id } })).map((h) => h.conversationId)).toEqual([salesClosed]);
    const [disposition] = await app.db.sql`SELECT id FROM dispositions WHERE org_id = ${ids.orgId} LIMIT 1`;
    await app.db.sql`UPDATE conversations SET disposition_id = ${disposition!.id} WHERE id = ${supportClosed}`;
    expect((await search(admin, q, { filters: { dispositionId: disposition!.id } })).map((h) => h.conversationId)).toEqual([supportClosed]);
  });

  it('refuses an empty query and a limit out of range', async () => {
    expect((await refusal(search(admin, '   '))).code).toBe('BAD_REQUEST');
    expect((await refusal(search(admin, 'x', { limit: 101 }))).code).toBe('BAD_REQUEST');
    expect((await refusal(search(admin, 'x', { filters: { from: 'yesterday' } }))).code).toBe('BAD_REQUEST');
    expect(await search(admin, '!!!')).toEqual([]);
  });
});

describe('search.messages: contact notes', () => {
  it('finds what was written in a contact notes, kept by the document store', async () => {
    const notes = connectDoc(app.url, `notes:${maria}`, ana.cookie);
    try {
      await notes.synced();
      addNoteEntry(notes.doc, ids.users['ana@demo.test'], 'Cliente prefere contato pela manhã; fala sobre a devolução do televisor');
      const gone = addNoteEntry(notes.doc, ids.users['ana@demo.test'], 'anotação apagada sobre geladeira');
      deleteNoteEntry(gone, ids.users['ana@demo.test']);
      await expect
        .poll(async () => (await search(ana, 'devolucao televisor')).map((h) => [h.kind, h.contact.name, h.messageId, h.conversationId]))
        .toEqual([['notes', 'Maria Souza', null, null]]);
      const [hit] = await search(ana, 'devolucao');
      expect(hit!.snippet).toContain('\u0002devolução\u0003');
      expect(hit!.team).toBeNull();
      // A deleted entry is not searchable (once the text is rebuilt: at most a second after the
      // edit); filters about conversations leave notes out.
      await expect.poll(() => search(ana, 'geladeira')).toEqual([]);
      expect(await search(ana, 'televisor', { filters: { teamId: ids.teams.Support } })).toEqual([]);
    } finally {
      notes.destroy();
    }
  });
});

describe('search.messages: who sees what', () => {
  const setHistory = (email: string, access: 'own_teams' | 'all' | 'none') =>
    app.db.sql`UPDATE users SET history_access = ${access} WHERE org_id = ${ids.orgId} AND email = ${email}`;
  const conversationsOf = async (client: TestClient, q: string) =>
    [...new Set((await search(client, q)).map((h) => h.conversationId))].sort();

  it('an agent sees the closed conversations of their teams (own_teams), not another team’s, open or closed', async () => {
    await setHistory('ana@demo.test', 'own_teams');
    const me = await app.login('ana@demo.test');
    expect(await conversationsOf(me, 'reembolso')).toEqual([supportClosed]);
  });

  it('with history "none" a closed conversation is hidden even from the agent who served it', async () => {
    await setHistory('ana@demo.test', 'none');
    const me = await app.login('ana@demo.test');
    expect(await search(me, 'reembolso')).toEqual([]);
    expect(await search(me, '20261201-000007')).toEqual([]);
    await setHistory('ana@demo.test', 'own_teams');
  });

  it('with history "all" every closed conversation shows, open ones of other teams still not', async () => {
    await setHistory('ana@demo.test', 'all');
    const me = await app.login('ana@demo.test');
    expect(await conversationsOf(me, 'reembolso')).toEqual([supportClosed, salesClosed].sort());
    await setHistory('ana@demo.test', 'own_teams');
  });

  it('an invited colleague sees the open conversation; the serving agent sees it; the admin sees everything', async () => {
    const carla = await app.login('carla@demo.test');
    expect(await conversationsOf(carla, 'urgente')).toEqual([salesActive]);
    await app.db
      .sql`INSERT INTO conversation_participants (org_id, conversation_id, user_id) VALUES (${ids.orgId}, ${salesActive}, ${ids.users['bruno@demo.test']})`;
    const bruno = await app.login('bruno@demo.test');
    expect(await conversationsOf(bruno, 'urgente')).toEqual([salesActive]);
    expect(await conversationsOf(admin, 'reembolso')).toEqual([supportClosed, salesActive, salesClosed].sort());
  });

  it('another organization finds nothing of this one, and a signed-out caller is refused', async () => {
    const other = await createOtherOrg(app.db.sql, 'search');
    const outsiderAdmin = await app.login(other.admin.email, other.password);
    expect(await search(outsiderAdmin, 'reembolso')).toEqual([]);
    expect(await search(outsiderAdmin, '20261201-000007')).toEqual([]);
    expect(await search(outsiderAdmin, 'televisor')).toEqual([]);
    expect((await refusal(search(app.client(), 'reembolso'))).code).toBe('UNAUTHORIZED');
  });
});

describe('search.messages: notes written before search existed', () => {
  it('gets their text from the start-up backfill', async () => {
    const contactId = await makeContact(app.db.sql, ids.orgId, { name: 'Old Notes' });
    const doc = new Y.Doc();
    addNoteEntry(doc, ids.users['ana@demo.test'], 'contrato antigo de manutenção do elevador');
    await appendDocUpdates(app.db.sql, [
      { orgId: ids.orgId, docName: `notes:${contactId}`, data: Y.encodeStateAsUpdate(doc), userId: null },
    ]);
    expect(await search(admin, 'elevador')).toEqual([]);
    await notesTextKeeper(app.db.sql, () => {}).backfill();
    expect((await search(admin, 'manutencao elevador')).map((h) => [h.kind, h.contact.id])).toEqual([['notes', contactId]]);
  });
});
