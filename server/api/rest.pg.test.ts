import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Channel } from '../../db/queries/channels.ts';
import { translate } from '../../i18n/index.ts';
import { refusal, type TestApp, type TestClient } from '../../test/helpers/app.ts';
import { adminOf, apiCall, makeToken } from '../../test/helpers/api-tokens.ts';
import { inbound, makeChannel, makeTemplate } from '../../test/helpers/conversations.ts';
import type { FakeGraph } from '../../test/helpers/fake-graph.ts';
import { makeContact } from '../../test/helpers/factories.ts';
import { demoIds, waitFor } from '../../test/helpers/orgs.ts';
import { botMenuChannel, startWhatsAppApp } from '../../test/helpers/whatsapp.ts';
import { restRouter } from './router.ts';
import { conversationsPageParams, conversationsPageSql } from '../../db/queries/api-conversations.ts';

let app: TestApp;
let graph: FakeGraph;
let ids: Awaited<ReturnType<typeof demoIds>>;
let wa: Channel;
let template: string;
let admin: TestClient;
let token: string;

beforeAll(async () => {
  ({ app, graph } = await startWhatsAppApp());
  ids = await demoIds(app.db.sql);
  wa = await botMenuChannel(app.db.sql, ids);
  template = await makeTemplate(app.db.sql, ids.orgId, wa.id);
  await app.db.sql`UPDATE users SET language = 'en'`;
  admin = await adminOf(app);
  ({ secret: token } = await makeToken(
    admin,
    ['contacts:read', 'contacts:write', 'conversations:read', 'templates:send', 'reports:read'],
    'ERP',
  ));
});
afterAll(async () => {
  await app?.stop();
  await graph?.close();
});

const call = (method: string, path: string, body?: unknown) => apiCall(app.url, token, method, path, body);
const en = (key: Parameters<typeof translate>[1], params?: Record<string, string | number>) => translate('en', key, params);

describe('REST API: contacts', () => {
  it('creates, reads, searches and updates a contact with the app rules, recorded as no person', async () => {
    // The organization's required fields apply as in the app (the demo requires an e-mail).
    const incomplete = await call('POST', '/api/v1/contacts', { name: 'Joana Prado', whatsapp: '5511988887777' });
    expect(incomplete.status).toBe(400);
    expect(incomplete.body.data!.reason).toBe('contact.missingFields');
    const created = await call('POST', '/api/v1/contacts', {
      name: 'Joana Prado',
      email: 'joana@example.com',
      whatsapp: '5511988887777',
      fields: { crmId: 'C-1' },
    });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ name: 'Joana Prado', whatsapp: '5511988887777', fields: { crmId: 'C-1' }, incomplete: false });
    const id = created.body.id as string;
    const [row] = await app.db.sql`SELECT created_by FROM contacts WHERE id = ${id}`;
    expect(row!.created_by).toBeNull();

    expect((await call('GET', `/api/v1/contacts/${id}`)).body).toMatchObject({ id, name: 'Joana Prado', conversations: [] });
    const found = await call('GET', '/api/v1/contacts?query=5511988887');
    expect((found.body.contacts as { id: string }[]).map((c) => c.id)).toContain(id);
    // A search answers up to `limit` (at most 100), as documented.
    await app.db.sql`INSERT INTO contacts (org_id, name, whatsapp)
      SELECT ${ids.orgId}, 'Lote ' || n, '55119555' || lpad(n::text, 5, '0') FROM generate_series(1, 70) AS n`;
    const many = await call('GET', '/api/v1/contacts?query=55119555&limit=100');
    expect((many.body.contacts as unknown[]).length).toBe(70);
    expect((await call('GET', '/api/v1/contacts?query=55119555&limit=10')).body.contacts).toHaveLength(10);

    const updated = await call('PATCH', `/api/v1/contacts/${id}`, { email: 'joana.prado@example.com', fields: { crmId: '' } });
    expect(updated.body).toMatchObject({ email: 'joana.prado@example.com', fields: {} });

    const duplicate = await call('POST', '/api/v1/contacts', { name: 'Other', email: 'o@example.com', whatsapp: '5511988887777' });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.message).toBe(en('contact.whatsappTaken'));
    const invalid = await call('POST', '/api/v1/contacts', { name: 'X', email: 'not-an-address' });
    expect(invalid.status).toBe(400);
    expect(invalid.body.data).toMatchObject({ reason: 'error.invalidInput', fieldErrors: { email: en('validation.email') } });
    // The whole answer in the caller's language: no English adapter sentence, no zod issues.
    expect(invalid.body.message).toBe(en('error.invalidInput'));
    expect(invalid.body.issues).toBeUndefined();
    const inSpanish = await apiCall(app.url, token, 'POST', '/api/v1/contacts', { name: 'X', email: 'x' }, { 'accept-language': 'es' });
    expect([inSpanish.status, inSpanish.body.message, (inSpanish.body.data as { fieldErrors?: unknown }).fieldErrors]).toEqual([
      400,
      translate('es', 'error.invalidInput'),
      { email: translate('es', 'validation.email') },
    ]);
    expect((await call('GET', '/api/v1/contacts/00000000-0000-4000-8000-000000000000')).status).toBe(404);
  });
});

describe('REST API: conversations', () => {
  it('pages by walking the change-time index, never sorting the organization’s conversations', async () => {
    // The demo organization is small enough for a sequential scan to win; without it, the plan
    // shows whether the query's shape fits the index at all (first page and a cursor's page).
    const plans = await app.db.sql.begin(async (tx) => {
      await tx.unsafe('SET LOCAL enable_seqscan = off');
      const explain = async (f: Parameters<typeof conversationsPageParams>[1]) =>
        JSON.stringify(
          await tx.unsafe(`EXPLAIN (FORMAT JSON) ${conversationsPageSql(50)}`, conversationsPageParams(ids.orgId, f) as never[]),
        );
      return [await explain({}), await explain({ after: { micros: '1700000000000000', id: ids.orgId }, status: 'waiting' })];
    });
    for (const plan of plans) {
      expect(plan).toContain('conversations_org_changed');
      expect(plan).not.toContain('"Node Type":"Sort"');
    }
  });

  it('lists conversations by status and change time, page by page, and shows one with its messages', async () => {
    await inbound(app, wa, { from: '5511977770001', text: 'Oi' });
    await inbound(app, wa, { from: '5511977770002', text: 'Oi' });
    await inbound(app, wa, { from: '5511977770002', text: '1' });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await call('GET', `/api/v1/conversations?limit=1${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      seen.push(...(page.body.conversations as { id: string }[]).map((c) => c.id));
      cursor = page.body.nextCursor as string | null;
    } while (cursor);
    const [{ n }] = (await app.db.sql`SELECT count(*)::int AS n FROM conversations WHERE org_id = ${ids.orgId}`) as unknown as [
      { n: number },
    ];
    expect(seen).toHaveLength(n);
    expect(new Set(seen).size).toBe(n);

    const waiting = await call('GET', '/api/v1/conversations?status=waiting');
    const statuses = (waiting.body.conversations as { status: string; contact: { whatsapp: string } }[]).map((c) => c.status);
    expect(statuses.length).toBeGreaterThan(0);
    expect(statuses.every((s) => s === 'waiting')).toBe(true);
    const future = new Date(Date.now() + 3_600_000).toISOString();
    expect((await call('GET', `/api/v1/conversations?updatedSince=${encodeURIComponent(future)}`)).body.conversations).toEqual([]);
    expect((await call('GET', '/api/v1/conversations?cursor=bogus')).status).toBe(400);

    const one = (waiting.body.conversations as { id: string; contact: { whatsapp: string } }[]).find(
      (c) => c.contact.whatsapp === '5511977770002',
    )!;
    const shown = await call('GET', `/api/v1/conversations/${one.id}`);
    expect(shown.status).toBe(200);
    const messages = shown.body.messages as { direction: string; text: string; sender: { type: string } }[];
    expect(messages.filter((m) => m.direction === 'in').map((m) => m.text)).toEqual(['Oi', '1']);
    expect(messages.find((m) => m.direction === 'out')!.sender.type).toBe('bot');
  });
});

describe('REST API: sending a template', () => {
  const send = (contactId: string, body: Record<string, unknown>) =>
    call('POST', `/api/v1/contacts/${contactId}/templates`, { channelId: wa.id, teamId: ids.teams.Support, templateId: template, ...body });

  it('sends an approved template outside the 24-hour window, as the integration, and queues the conversation', async () => {
    // The customer last wrote two days ago: free-form is closed, a template is not.
    const from = '5511966660001';
    const old = await inbound(app, wa, { from, text: 'Oi', at: new Date(Date.now() - 48 * 3_600_000) });
    await app.db
      .sql`UPDATE conversations SET status = 'closed', closed_at = now(), close_reason = 'agent' WHERE id = ${old.conversation.id}`;
    const contactId = old.conversation.contactId;

    const sent = await send(contactId, { params: ['Maria', '123'], clientMessageId: 'erp-order-123' });
    expect(sent.status).toBe(200);
    expect(sent.body).toMatchObject({ conversation: { status: 'waiting' }, message: { text: 'Hello Maria, about your order 123.' } });
    const messageId = (sent.body.message as unknown as { id: string }).id;
    const [stored] = await app.db.sql`SELECT author_id, payload, kind FROM messages WHERE id = ${messageId}`;
    expect(stored).toMatchObject({ author_id: null, kind: 'template', payload: { integration: { name: 'ERP' } } });

    // Delivered through the channel like any template.
    await waitFor(async () => graph.postsFor(messageId).length === 1, 'template posted');
    expect(graph.postsFor(messageId)[0]!.body).toMatchObject({ type: 'template', to: from });

    // The conversation waits in the team's queue, shown as sent by the integration.
    const conversationId = (sent.body.conversation as { id: string }).id;
    const shown = await call('GET', `/api/v1/conversations/${conversationId}`);
    expect((shown.body.messages as { sender: unknown }[]).at(-1)!.sender).toEqual({ type: 'integration', name: 'ERP' });
    const ana = await app.login('ana@demo.test', 'atende-demo', { 'accept-language': 'en' });
    expect((await ana.queue.list.query()).map((c) => c.id)).toContain(conversationId);
    // In the app too the message is the integration's; after its template, free-form waits for the
    // customer's reply (the 24-hour rule goes on as for an agent's template).
    await ana.conversations.claim.mutate({ conversationId });
    const inApp = await ana.conversations.get.query({ conversationId });
    expect(inApp.messages.at(-1)!.author).toMatchObject({ name: en('api.integrationAuthor', { name: 'ERP' }) });
    const freeForm = await refusal(ana.conversations.send.mutate({ conversationId, text: 'Hi', clientMessageId: 'api-rest-0001' }));
    expect(freeForm.message).toBe(en('conv.awaitingReply'));

    // One open conversation per contact and channel: a second send gets 409 and nothing is sent.
    const again = await send(contactId, { params: ['Maria', '124'] });
    expect(again.status).toBe(409);
    expect(again.body.message).toBe(en('api.contactBusy'));

    // A retry with the same clientMessageId answers the first message and sends nothing more.
    const retry = await send(contactId, { params: ['Maria', '123'], clientMessageId: 'erp-order-123' });
    expect(retry.status).toBe(200);
    expect((retry.body.message as unknown as { id: string }).id).toBe(messageId);
    const templates = await app.db.sql`SELECT id FROM messages WHERE conversation_id = ${conversationId} AND kind = 'template'`;
    expect(templates).toHaveLength(1);
    expect(graph.postsFor(messageId)).toHaveLength(1);
  });

  it('sends once when the same clientMessageId arrives twice at the same time', async () => {
    const contactId = await makeContact(app.db.sql, ids.orgId, { name: 'Race', whatsapp: '5511966660009' });
    const body = { params: ['Rui', '9'], clientMessageId: 'erp-race-0001' };
    const answers = await Promise.all([send(contactId, body), send(contactId, body)]);
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    const [a, b] = answers.map((x) => (x.body.message as unknown as { id: string }).id);
    expect(a).toBe(b);
    expect(
      await app.db.sql`SELECT 1 FROM messages m JOIN conversations c ON c.id = m.conversation_id
      WHERE c.contact_id = ${contactId} AND m.kind = 'template'`,
    ).toHaveLength(1);
  });

  it('refuses what the app refuses: missing parameters, no number, a channel without templates', async () => {
    const contactId = await makeContact(app.db.sql, ids.orgId, { name: 'Paula', whatsapp: '5511966660002' });
    const params = await send(contactId, { params: ['Paula'] });
    expect(params.status).toBe(400);
    expect(params.body.message).toBe(en('conv.templateParams', { count: 2, given: 1 }));

    const noNumber = await makeContact(app.db.sql, ids.orgId, { name: 'Sem número', email: 's@x.test' });
    const refused = await send(noNumber, { params: ['a', 'b'] });
    expect(refused.status).toBe(412);
    expect(refused.body.message).toBe(en('conv.noWhatsapp'));

    const web = await makeChannel(app.db.sql, ids, 'webchat');
    expect((await send(contactId, { channelId: web.id, params: ['a', 'b'] })).status).toBe(400);
    expect(await app.db.sql`SELECT 1 FROM conversations WHERE contact_id = ${contactId}`).toHaveLength(0);
  });

  it('refuses a template Meta paused, rejected or removed with the sentence the app says, and sends nothing', async () => {
    const ana = await app.login('ana@demo.test', 'atende-demo', { 'accept-language': 'en' });
    const cases = [
      { status: 'paused', removed: false, key: 'templateSync.refused.paused' },
      { status: 'rejected', removed: false, key: 'templateSync.refused.rejected' },
      { status: 'approved', removed: true, key: 'templateSync.refused.removed' },
    ] as const;
    for (const [i, c] of cases.entries()) {
      const name = `refused_${c.status}_${i}`;
      const id = await makeTemplate(app.db.sql, ids.orgId, wa.id, name, 'Hi {{1}}', c.status);
      if (c.removed) await app.db.sql`UPDATE templates SET removed_at = now() WHERE id = ${id}`;
      const contactId = await makeContact(app.db.sql, ids.orgId, { name: `Refused ${i}`, whatsapp: `551196666002${i}` });
      const sentence = en(c.key, { name, language: 'pt_BR', reason: '' });
      // The REST API (an integration) …
      const viaApi = await send(contactId, { templateId: id, params: ['x'] });
      expect([c.status, viaApi.status, viaApi.body.data!.reason, viaApi.body.message]).toEqual([c.status, 412, c.key, sentence]);
      // … and the app (an agent starting a conversation) refuse it alike.
      const inApp = await refusal(
        ana.conversations.start.mutate({ contactId, teamId: ids.teams.Support, channelId: wa.id, templateId: id, params: ['x'] }),
      );
      expect([c.status, inApp.code, inApp.data.reason, inApp.message]).toEqual([c.status, 'PRECONDITION_FAILED', c.key, sentence]);
      expect(await app.db.sql`SELECT 1 FROM conversations WHERE contact_id = ${contactId}`).toHaveLength(0);
    }
  });

  it('lists what a send needs: channels, approved templates, teams', async () => {
    const removed = await makeTemplate(app.db.sql, ids.orgId, wa.id, 'gone_at_meta', 'Hi {{1}}');
    await app.db.sql`UPDATE templates SET removed_at = now() WHERE id = ${removed}`;
    const catalog = await call('GET', '/api/v1/templates');
    const channel = (catalog.body.channels as { id: string; templates: { id: string; paramCount: number }[] }[]).find(
      (c) => c.id === wa.id,
    )!;
    expect(channel.templates).toContainEqual(expect.objectContaining({ id: template, paramCount: 2 }));
    // Approved but no longer listed at Meta: not offered (a send would be refused).
    expect(channel.templates.map((t) => t.id)).not.toContain(removed);
    // A receive-only channel sends nothing: not offered either.
    const listening = await makeChannel(app.db.sql, ids, 'whatsapp', { phoneNumberId: '100000000000777' });
    await app.db.sql`UPDATE channels SET receive_only = true WHERE id = ${listening.id}`;
    const again = await call('GET', '/api/v1/templates');
    expect((again.body.channels as { id: string }[]).map((c) => c.id)).not.toContain(listening.id);
    expect((catalog.body.teams as { id: string }[]).map((t) => t.id).sort()).toEqual([ids.teams.Sales, ids.teams.Support].sort());
  });
});

describe('REST API: refusals the adapter makes', () => {
  it("answers an unknown operation, a body that is not JSON and a missing content type in the caller's language", async () => {
    for (const lang of ['en', 'es', 'pt-BR'] as const) {
      const headers = { 'accept-language': lang };
      const unknown = await apiCall(app.url, token, 'GET', '/api/v1/nothing-here', undefined, headers);
      expect([lang, unknown.status, unknown.body.message, unknown.body.data!.reason]).toEqual([
        lang,
        404,
        translate(lang, 'api.noSuchOperation'),
        'api.noSuchOperation',
      ]);
      const wrongMethod = await apiCall(app.url, token, 'DELETE', '/api/v1/contacts', undefined, headers);
      expect([lang, wrongMethod.status, wrongMethod.body.message]).toEqual([lang, 404, translate(lang, 'api.noSuchOperation')]);
      const notJson = await fetch(`${app.url}/api/v1/contacts`, {
        method: 'POST',
        headers: { ...headers, authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: '{"name": ',
      });
      expect([lang, notJson.status, ((await notJson.json()) as { message: string }).message]).toEqual([
        lang,
        400,
        translate(lang, 'api.badJson'),
      ]);
      const noType = await fetch(`${app.url}/api/v1/contacts`, {
        method: 'POST',
        headers: { ...headers, authorization: `Bearer ${token}` },
        body: 'name=X',
      });
      expect([lang, noType.status, ((await noType.json()) as { message: string }).message]).toEqual([
        lang,
        415,
        translate(lang, 'error.jsonOnly'),
      ]);
    }
  });
});

/**
 * A request over a raw socket: the head, then body chunks until the server answers (a chunked
 * body is never ended). What the server answered, however the connection ended.
 */
function sendRaw(head: string, chunks: Buffer[]): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(app.url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname);
    let answer = '';
    const finish = (err?: Error) => {
      socket.destroy();
      if (!answer) return reject(err ?? new Error('the connection closed without an answer'));
      const [headPart = '', ...rest] = answer.split('\r\n\r\n');
      resolve({ status: Number(headPart.split(' ')[1]), body: rest.join('\r\n\r\n') });
    };
    socket.on('data', (d: Buffer) => (answer += d.toString('utf8')));
    socket.on('end', () => finish());
    // The server may reset a connection it refused while we still write: what it answered counts.
    socket.on('error', (err) => finish(err));
    socket.on('connect', async () => {
      socket.write(head);
      for (const chunk of chunks) {
        if (answer || socket.destroyed) return;
        if (!socket.write(chunk)) await new Promise((r) => socket.once('drain', r));
      }
    });
  });
}

describe('REST API: a body over the limit', () => {
  const head = (extra: string) =>
    `POST /api/v1/contacts HTTP/1.1\r\nHost: ${new URL(app.url).host}\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\nAccept-Language: es\r\n${extra}\r\n`;
  const sentence = () => translate('es', 'error.requestTooLarge', { max: '1 MB' });
  // The refusal is written chunked: its JSON is the one object in the body.
  const jsonOf = (body: string) => JSON.parse(body.slice(body.indexOf('{'), body.lastIndexOf('}') + 1)) as { message: string };

  it('is refused from its declared length, before it is sent, with a sentence', async () => {
    const answer = await sendRaw(head(`Content-Length: ${64 * 1024 * 1024}\r\n`), [Buffer.from('{"name":"')]);
    expect([answer.status, jsonOf(answer.body).message]).toEqual([413, sentence()]);
  });

  it('is refused once a chunked body passes the limit, without waiting for its end', async () => {
    const piece = (n: number) => Buffer.concat([Buffer.from(`${n.toString(16)}\r\n`), Buffer.alloc(n, 'x'), Buffer.from('\r\n')]);
    const chunks = [...Array.from({ length: 16 }, () => piece(65536)), piece(1024)];
    const answer = await sendRaw(head('Transfer-Encoding: chunked\r\n'), chunks);
    expect([answer.status, jsonOf(answer.body).message]).toEqual([413, sentence()]);
  });
});

describe('REST API: reports and the document', () => {
  it('answers the report summary', async () => {
    const summary = await call('GET', '/api/v1/reports/summary?from=2026-01-01&to=2026-12-31');
    expect(summary.status).toBe(200);
    expect(summary.body).toMatchObject({ period: { timeZone: expect.any(String) }, totals: { received: expect.any(Number) } });
    expect((await call('GET', '/api/v1/reports/summary?from=2020-01-01&to=2026-12-31')).status).toBe(400);
  });

  it('serves a valid OpenAPI 3 document with every operation and its schemas, and a reference page from it', async () => {
    const res = await fetch(`${app.url}/api/v1/openapi.json`);
    expect(res.headers.get('content-type')).toBe('application/json');
    const doc = JSON.parse(await res.text());
    expect(doc.openapi).toMatch(/^3\./);
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    const procedures = Object.values(restRouter._def.procedures) as unknown as {
      _def: { meta?: { openapi?: { method: string; path: string } } };
    }[];
    expect(procedures.length).toBeGreaterThanOrEqual(9);
    const page = await (await fetch(`${app.url}/api/docs`)).text();
    for (const p of procedures) {
      const { method, path } = p._def.meta!.openapi!;
      const op = doc.paths[path.replace(/\{(\w+)\}/g, '{$1}')]?.[method.toLowerCase()];
      expect([method, path, !!op]).toEqual([method, path, true]);
      expect(op.security).toEqual([{ bearer: [] }]);
      expect(op.responses['200'].content['application/json'].schema).toBeTruthy();
      if (method === 'POST' || method === 'PATCH') expect(op.requestBody.content['application/json'].schema).toBeTruthy();
      expect(op.description).toMatch(/Scope: `[a-z]+:[a-z]+`/);
      expect(page).toContain(path);
    }
    // Self-contained: no script, nothing loaded from elsewhere.
    expect(page).not.toMatch(/<script|<link|src=/i);
  });
});
