import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Channel } from '../../db/queries/channels.ts';
import { translate } from '../../i18n/index.ts';
import type { TestApp, TestClient } from '../../test/helpers/app.ts';
import { refusal } from '../../test/helpers/app.ts';
import type { FakeGraph, FakeWaba } from '../../test/helpers/fake-graph.ts';
import { body, metaTemplate, sampleTemplates } from '../../test/helpers/meta-templates.ts';
import { createOtherOrg, demoIds, waitFor } from '../../test/helpers/orgs.ts';
import { botMenuChannel, envelope, postWebhook, startWhatsAppApp, textMessage } from '../../test/helpers/whatsapp.ts';
import { syncAllTemplates } from './template-sync.ts';

const WABA = '102290129340398';

let app: TestApp;
let graph: FakeGraph;
let ids: Awaited<ReturnType<typeof demoIds>>;
let channel: Channel;
let admin: TestClient;
let waba: FakeWaba;
/** The demo seed's hand-typed templates on this channel: left out of what these tests compare. */
let demoTemplates: string[];

beforeAll(async () => {
  // No daily sync of its own during the test (one at its minute would change what the tests count).
  ({ app, graph } = await startWhatsAppApp({}, { WHATSAPP_TEMPLATE_SYNC_AT: 'off' }));
  ids = await demoIds(app.db.sql);
  await app.db.sql`UPDATE users SET language = 'en', status = 'online', connected = true`;
  channel = await botMenuChannel(app.db.sql, ids);
  admin = await app.login('admin@demo.test');
  waba = { token: 'env-access-token', templates: sampleTemplates(), pageSize: 2 };
  graph.wabas.set(WABA, waba);
  demoTemplates = (await app.db.sql`SELECT name FROM templates WHERE channel_id = ${channel.id}`).map((r) => r.name as string);
});
afterAll(async () => {
  await app?.stop();
  await graph?.close();
});

const rows = () =>
  app.db.sql`SELECT id, name, language, category, status, status_reason, param_count, source, meta_id, parameter_format, removed_at, body
    FROM templates WHERE channel_id = ${channel.id} AND NOT (name = ANY(${demoTemplates})) ORDER BY name, language`;
const row = async (name: string) => (await rows()).find((r) => r.name === name)!;
const templateRequests = () => graph.requests.filter((r) => r.path.includes('/message_templates'));

describe('the channel names its WhatsApp Business Account', () => {
  it('the daily refresh does nothing while no channel names one', async () => {
    const before = templateRequests().length;
    const snapshot = JSON.stringify(await app.db.sql`SELECT * FROM templates ORDER BY id`);
    expect(await syncAllTemplates(app.services)).toEqual({ synced: 0, failed: 0 });
    expect(templateRequests().length).toBe(before);
    expect(JSON.stringify(await app.db.sql`SELECT * FROM templates ORDER BY id`)).toBe(snapshot);
    expect(await app.db.sql`SELECT 1 FROM audit_log WHERE action = 'templates_synced'`).toHaveLength(0);
  });

  it('refuses a WABA id that is not digits, stores one that is', async () => {
    const bad = await refusal(admin.admin.channels.update.mutate({ id: channel.id, wabaId: 'WABA-1' }));
    expect(bad.code).toBe('BAD_REQUEST');
    expect(bad.data.fieldErrors?.wabaId).toBe(translate('en', 'templateSync.wabaIdInvalid'));
    const noWaba = await refusal(admin.admin.templates.sync.mutate({ channelId: channel.id }));
    expect([noWaba.code, noWaba.message]).toEqual([
      'PRECONDITION_FAILED',
      translate('en', 'templateSync.noWaba', { channel: channel.name }),
    ]);
    const saved = await admin.admin.channels.update.mutate({ id: channel.id, wabaId: ` ${WABA} ` });
    expect(saved.wabaId).toBe(WABA);
  });
});

describe('Sync with Meta', () => {
  it('stores every page with its status, category, parameter count and reason; a hand-typed one of the same name is replaced', async () => {
    // Typed in before: one Meta also has (replaced, same id), one Meta does not (left alone).
    const typed = await admin.admin.templates.create.mutate({
      channelId: channel.id,
      name: 'order_ready',
      language: 'pt_BR',
      body: 'Oi {{1}}',
    });
    await admin.admin.templates.create.mutate({ channelId: channel.id, name: 'hand_typed', language: 'pt_BR', body: 'Oi' });
    const before = templateRequests().length;

    const result = await admin.admin.templates.sync.mutate({ channelId: channel.id });

    expect(result).toEqual({ added: 5, updated: 1, removed: 0, unchanged: 0, skipped: 0 });
    // 6 templates, 2 a page: three requests, each with the channel's token, each after the previous cursor.
    const pages = templateRequests().slice(before);
    expect(pages).toHaveLength(3);
    expect(pages.every((p) => p.token === 'env-access-token' && p.path.startsWith(`/v21.0/${WABA}/message_templates?`))).toBe(true);
    expect(pages[0]!.path).toContain('fields=name%2Clanguage%2Ccategory%2Cstatus%2Ccomponents%2Cid%2Crejected_reason');
    expect(pages[0]!.path).toContain('limit=100');
    expect(pages[2]!.path).toContain('after=');

    const stored = await rows();
    expect(stored.map((r) => [r.name, r.language, r.category, r.status, r.param_count, r.source])).toEqual([
      ['bad_format', 'es', 'marketing', 'rejected', 1, 'meta'],
      ['hand_typed', 'pt_BR', 'utility', 'approved', 0, 'manual'],
      ['invoice_ready', 'pt_BR', 'utility', 'approved', 2, 'meta'],
      ['login_code', 'en_US', 'authentication', 'approved', 1, 'meta'],
      ['order_ready', 'pt_BR', 'utility', 'approved', 2, 'meta'],
      ['summer_sale', 'en_US', 'marketing', 'approved', 3, 'meta'],
      ['winter_promo', 'pt_BR', 'marketing', 'paused', 1, 'meta'],
    ]);
    expect(await row('bad_format')).toMatchObject({ status_reason: 'invalid format' });
    expect(await row('summer_sale')).toMatchObject({ parameter_format: 'named' });
    expect((await row('order_ready')).id).toBe(typed.id);
    expect((await row('order_ready')).meta_id).toBe(waba.templates[0]!.id);

    const [entry] = await app.db
      .sql`SELECT actor_user_id, details FROM audit_log WHERE action = 'templates_synced' ORDER BY id DESC LIMIT 1`;
    expect(entry).toMatchObject({ actor_user_id: ids.users['admin@demo.test'], details: { channelId: channel.id, added: 5, updated: 1 } });
  });

  it('shows agents only the templates they can send', async () => {
    const ana = await app.login('ana@demo.test');
    const names = (await ana.templates.list.query({ channelId: channel.id })).map((t) => t.name).filter((n) => !demoTemplates.includes(n));
    expect(names.sort()).toEqual(['hand_typed', 'invoice_ready', 'login_code', 'order_ready', 'summer_sale']);
    // What each value is for, where the template says more than its number.
    const list = await ana.templates.list.query({ channelId: channel.id });
    const labels = (name: string) => list.find((t) => t.name === name)!.paramLabels;
    expect(labels('summer_sale')).toEqual(['sale_name', 'first_name', 'discount']);
    expect(labels('invoice_ready')).toEqual([translate('en', 'templateSync.paramMedia.document'), '']);
    expect(labels('hand_typed')).toEqual([]);
  });

  it('a re-sync updates a status and marks a template Meta no longer lists, keeping it', async () => {
    waba.templates = waba.templates
      .filter((t) => t.name !== 'bad_format')
      .map((t) => (t.name === 'login_code' ? { ...t, status: 'PAUSED' } : t));
    const result = await admin.admin.templates.sync.mutate({ channelId: channel.id });
    expect(result).toEqual({ added: 0, updated: 1, removed: 1, unchanged: 4, skipped: 0 });
    expect(await row('login_code')).toMatchObject({ status: 'paused' });
    expect((await row('bad_format')).removed_at).toBeInstanceOf(Date);
    expect((await row('hand_typed')).removed_at).toBeNull();
    // Back at Meta: listed again, no longer marked.
    waba.templates = [...waba.templates, metaTemplate('bad_format', 'es', 'APPROVED', [body('Hola {{1}}')])];
    expect(await admin.admin.templates.sync.mutate({ channelId: channel.id })).toMatchObject({ updated: 1, removed: 0 });
    expect(await row('bad_format')).toMatchObject({ removed_at: null, status: 'approved', status_reason: null });
  });

  it('a bad token, a rate limit or a list that breaks half-way: a clear sentence, nothing changed', async () => {
    const snapshot = JSON.stringify(await rows());
    waba.token = 'a-newer-token';
    const token = await refusal(admin.admin.templates.sync.mutate({ channelId: channel.id }));
    expect([token.code, token.message]).toEqual([
      'PRECONDITION_FAILED',
      translate('en', 'templateSync.badToken', { channel: channel.name }),
    ]);
    waba.token = 'env-access-token';
    waba.failure = { status: 400, code: 80007, message: 'Rate limit hit' };
    const limited = await refusal(admin.admin.templates.sync.mutate({ channelId: channel.id }));
    expect([limited.code, limited.message]).toEqual(['TOO_MANY_REQUESTS', translate('en', 'templateSync.rateLimited')]);
    waba.failure = 'drop';
    waba.failAfterFirstPage = true;
    const broken = await refusal(admin.admin.templates.sync.mutate({ channelId: channel.id }));
    expect([broken.code, broken.message]).toEqual(['INTERNAL_SERVER_ERROR', translate('en', 'templateSync.unreachable')]);
    waba.failure = undefined;
    waba.failAfterFirstPage = false;
    expect(JSON.stringify(await rows())).toBe(snapshot);
  });

  it('is refused to an agent and to another organization’s admin', async () => {
    const ana = await app.login('ana@demo.test');
    expect((await refusal(ana.admin.templates.sync.mutate({ channelId: channel.id }))).code).toBe('FORBIDDEN');
    const other = await createOtherOrg(app.db.sql, 'tplsync');
    const outsider = await app.login(other.admin.email, other.password);
    const before = templateRequests().length;
    expect((await refusal(outsider.admin.templates.sync.mutate({ channelId: channel.id }))).code).toBe('NOT_FOUND');
    expect(templateRequests().length).toBe(before);
  });

  it('keeps a synced template’s content Meta’s: the admin cannot edit it', async () => {
    const r = await refusal(admin.admin.templates.update.mutate({ id: (await row('winter_promo')).id, status: 'approved' }));
    expect([r.code, r.data.reason]).toEqual(['PRECONDITION_FAILED', 'templateSync.managedByMeta']);
  });
});

describe('sending a synced template', () => {
  async function activeConversation(from: string) {
    await postWebhook(app.url, envelope(textMessage(from, 'hi')));
    await postWebhook(app.url, envelope(textMessage(from, '1')));
    const [conv] = await app.db
      .sql`SELECT c.id FROM conversations c JOIN contacts k ON k.id = c.contact_id WHERE k.whatsapp = ${from} AND c.status <> 'closed'`;
    const ana = await app.login('ana@demo.test');
    await ana.conversations.claim.mutate({ conversationId: conv!.id });
    return { id: conv!.id as string, ana };
  }

  it('refuses a paused or rejected template with a sentence that says why', async () => {
    const { id, ana } = await activeConversation('5511944440001');
    const paused = await refusal(
      ana.conversations.sendTemplate.mutate({ conversationId: id, templateId: (await row('winter_promo')).id, params: ['Ana'] }),
    );
    expect([paused.code, paused.message]).toEqual([
      'PRECONDITION_FAILED',
      translate('en', 'templateSync.refused.paused', { name: 'winter_promo', language: 'pt_BR', reason: '' }),
    ]);
    await app.db
      .sql`UPDATE templates SET status = 'rejected', status_reason = 'invalid format' WHERE channel_id = ${channel.id} AND name = 'bad_format'`;
    const rejected = await refusal(
      ana.conversations.sendTemplate.mutate({ conversationId: id, templateId: (await row('bad_format')).id, params: ['Ana'] }),
    );
    expect(rejected.message).toBe('Template bad_format was rejected by Meta (invalid format); choose another template.');
    const wrongCount = await refusal(
      ana.conversations.sendTemplate.mutate({ conversationId: id, templateId: (await row('summer_sale')).id, params: ['Summer', 'Ana'] }),
    );
    expect([wrongCount.code, wrongCount.data.reason]).toEqual(['BAD_REQUEST', 'conv.templateParams']);
    const notALink = await refusal(
      ana.conversations.sendTemplate.mutate({
        conversationId: id,
        templateId: (await row('invoice_ready')).id,
        params: ['fatura.pdf', 'A-1'],
      }),
    );
    expect(notALink.data.reason).toBe('templateSync.mediaLink');
  });

  it('sends an approved one to the Graph API with its header, named body parameters and the text agents read', async () => {
    const { id, ana } = await activeConversation('5511944440002');
    const m = await ana.conversations.sendTemplate.mutate({
      conversationId: id,
      templateId: (await row('summer_sale')).id,
      params: ['Summer Sale', 'Ana', '15%'],
      clientMessageId: 'tpl-sync-0001',
    });
    expect(m.text).toBe('Our Summer Sale is on!\n\nHi Ana, take 15% off until Sunday.\n\nReply STOP to opt out\n\n[Show me]');
    await waitFor(async () => graph.postsFor(m.id).length === 1, 'template posted');
    expect(graph.postsFor(m.id)[0]!.body.template).toEqual({
      name: 'summer_sale',
      language: { code: 'en_US' },
      components: [
        { type: 'header', parameters: [{ type: 'text', text: 'Summer Sale', parameter_name: 'sale_name' }] },
        {
          type: 'body',
          parameters: [
            { type: 'text', text: 'Ana', parameter_name: 'first_name' },
            { type: 'text', text: '15%', parameter_name: 'discount' },
          ],
        },
      ],
    });
  });
});

/** A message_template_status_update webhook as Meta sends it. */
function templateEvent(event: string, name: string, metaId: string | null, reason: string | null = null) {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: WABA,
        time: Math.floor(Date.now() / 1000),
        changes: [
          {
            field: 'message_template_status_update',
            value: {
              event,
              ...(metaId ? { message_template_id: Number(metaId) } : {}),
              message_template_name: name,
              message_template_language: 'pt_BR',
              reason,
            },
          },
        ],
      },
    ],
  };
}

describe('status changes Meta pushes', () => {
  it('a message_template_status_update webhook pauses a template at once, and agents no longer get it', async () => {
    const target = await row('order_ready');
    const payload = {
      object: 'whatsapp_business_account',
      entry: [
        {
          id: WABA,
          time: Math.floor(Date.now() / 1000),
          changes: [
            {
              field: 'message_template_status_update',
              value: {
                event: 'PAUSED',
                message_template_id: Number(target.meta_id),
                message_template_name: 'order_ready',
                message_template_language: 'pt_BR',
                reason: null,
                other_info: { title: 'FIRST_PAUSE', description: 'Paused for 3 hours because of low quality.' },
              },
            },
          ],
        },
      ],
    };
    // Signed with another secret: refused, nothing changes.
    expect((await postWebhook(app.url, payload, { secret: 'not-the-secret' })).status).toBe(401);
    expect((await row('order_ready')).status).toBe('approved');
    expect((await postWebhook(app.url, payload)).status).toBe(200);
    expect(await row('order_ready')).toMatchObject({ status: 'paused', status_reason: 'first pause' });
    const ana = await app.login('ana@demo.test');
    expect((await ana.templates.list.query({ channelId: channel.id })).map((t) => t.name)).not.toContain('order_ready');
    // The messages adapter still takes messages in the same payload shape as before.
    expect((await postWebhook(app.url, envelope(textMessage('5511944440009', 'still here')))).status).toBe(200);
  });

  it('changes only the templates of the channels the signed route serves, even with the same WABA id', async () => {
    const other = await createOtherOrg(app.db.sql, 'tplwaba');
    const [theirs] = await app.db
      .sql`INSERT INTO channels (org_id, kind, name, phone_number_id, app_secret, verify_token, access_token, waba_id)
      VALUES (${other.org.id}, 'whatsapp', 'Theirs', '100000000000999', 'their-secret', 'their-verify', 'their-token', ${WABA}) RETURNING id`;
    await app.db
      .sql`INSERT INTO templates (org_id, channel_id, name, language, body) VALUES (${other.org.id}, ${theirs!.id}, 'order_ready', 'pt_BR', 'x')`;
    const theirStatus = async () => (await app.db.sql`SELECT status FROM templates WHERE channel_id = ${theirs!.id}`)[0]!.status;
    expect((await postWebhook(app.url, templateEvent('DISABLED', 'order_ready', null))).status).toBe(200);
    expect((await row('order_ready')).status).toBe('disabled');
    expect(await theirStatus()).toBe('approved');
    const path = `/webhooks/whatsapp/${theirs!.id}`;
    expect(
      (await postWebhook(app.url, templateEvent('REJECTED', 'order_ready', null, 'SCAM'), { path, secret: 'their-secret' })).status,
    ).toBe(200);
    expect(await theirStatus()).toBe('rejected');
    expect((await row('order_ready')).status).toBe('disabled');
    expect((await postWebhook(app.url, templateEvent('REINSTATED', 'order_ready', null))).status).toBe(200);
    expect(await row('order_ready')).toMatchObject({ status: 'approved', status_reason: null });
  });

  it('the daily refresh job syncs every channel with a Business Account', async () => {
    waba.templates = [...waba.templates, metaTemplate('daily_new', 'pt_BR', 'APPROVED', [body('Bom dia')])];
    await app.services.jobs.add('sync_whatsapp_templates', {});
    await waitFor(async () => (await rows()).some((r) => r.name === 'daily_new'), 'the daily sync to run');
    // Meta's list says order_ready is approved again.
    expect((await row('order_ready')).status).toBe('approved');
  });
});
