import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refusal, startTestApp, type TestApp, type TestClient } from '../../test/helpers/app.ts';
import { createOtherOrg, demoIds } from '../../test/helpers/orgs.ts';
import { makeContact, makeConversation } from '../../test/helpers/factories.ts';

let app: TestApp;
let ids: Awaited<ReturnType<typeof demoIds>>;
let admin: TestClient;
let ana: TestClient;
let carla: TestClient;

beforeAll(async () => {
  app = await startTestApp();
  ids = await demoIds(app.db.sql);
  admin = await app.login('admin@demo.test');
  ana = await app.login('ana@demo.test');
  carla = await app.login('carla@demo.test');
});
afterAll(() => app?.stop());

const reason = async (p: Promise<unknown>) => {
  const e = await refusal(p);
  return [e.code, e.data.reason];
};
// The demo seed's channels (tests below add more of each kind).
const demoChannel = async (kind: 'whatsapp' | 'webchat') =>
  (await app.db.sql`SELECT id FROM channels WHERE org_id = ${ids.orgId} AND name = ${kind === 'whatsapp' ? 'WhatsApp' : 'Web chat'}`)[0]!
    .id as string;

async function upload(cookie: string, purpose: string): Promise<string> {
  const form = new FormData();
  form.append('file', new Blob(['hello'], { type: 'text/plain' }), 'hello.txt');
  const res = await fetch(`${app.url}/uploads?purpose=${purpose}`, { method: 'POST', headers: { cookie }, body: form });
  expect(res.status).toBe(201);
  return (await res.json()).id;
}

describe('admin.channels', () => {
  const SECRETS = { appSecret: 'app-secret-value', verifyToken: 'verify-token-value', accessToken: 'access-token-value' };

  it('keeps secrets write-only and shows the webhook path', async () => {
    const created = await admin.admin.channels.create.mutate({
      kind: 'whatsapp',
      name: 'Sales line',
      phoneNumberId: '200000000000002',
      ...SECRETS,
    });
    expect(created).toMatchObject({
      kind: 'whatsapp',
      name: 'Sales line',
      active: true,
      phoneNumberId: '200000000000002',
      hasAppSecret: true,
      hasVerifyToken: true,
      hasAccessToken: true,
      webhookPath: `/webhooks/whatsapp/${created.id}`,
      embedSnippet: null,
    });
    const listed = await admin.admin.channels.list.query();
    for (const body of [JSON.stringify(created), JSON.stringify(listed)]) {
      for (const secret of Object.values(SECRETS)) expect(body).not.toContain(secret);
    }
    // Omitted secrets stay; null clears one.
    const updated = await admin.admin.channels.update.mutate({ id: created.id, name: 'Sales', accessToken: null });
    expect(updated).toMatchObject({ name: 'Sales', hasAppSecret: true, hasAccessToken: false });
    const [row] = await app.db.sql`SELECT app_secret, access_token FROM channels WHERE id = ${created.id}`;
    expect(row).toEqual({ app_secret: 'app-secret-value', access_token: null });
  });

  it('gives a web chat channel its embed snippet', async () => {
    const created = await admin.admin.channels.create.mutate({ kind: 'webchat', name: 'Site', phoneNumberId: '123' });
    expect(created.phoneNumberId).toBeNull();
    expect(created.webhookPath).toBeNull();
    expect(created.embedSnippet).toBe(`<script src="http://localhost:3000/widget/embed.js" data-channel="${created.id}" async></script>`);
  });

  it('checks the bot menu and refuses a number another channel uses', async () => {
    const other = await createOtherOrg(app.db.sql, 'config');
    const options = (teamId: string) => [{ key: '1', label: 'Support', teamId }];
    expect(await reason(admin.admin.channels.create.mutate({ kind: 'webchat', name: 'X', botOptions: options(other.team.id) }))).toEqual([
      'BAD_REQUEST',
      'user.unknownTeam',
    ]);
    const dup = [...options(ids.teams.Support), { key: '1', label: 'Sales', teamId: ids.teams.Sales }];
    expect((await refusal(admin.admin.channels.create.mutate({ kind: 'webchat', name: 'X', botOptions: dup }))).code).toBe('BAD_REQUEST');
    // A number routes webhooks to one channel across all organizations; a taken one is "not usable", like a malformed one.
    expect(await reason(admin.admin.channels.create.mutate({ kind: 'whatsapp', name: 'X', phoneNumberId: '100000000000001' }))).toEqual([
      'BAD_REQUEST',
      'error.invalidInput',
    ]);
    const web = await admin.admin.channels.create.mutate({
      kind: 'webchat',
      name: 'Menu',
      botGreeting: 'Hi',
      botOptions: options(ids.teams.Support),
    });
    expect(web.botOptions).toEqual(options(ids.teams.Support));
  });

  it('lists active channels to agents, without secrets or settings', async () => {
    const list = await ana.channels.list.query();
    expect(list).toContainEqual({ id: await demoChannel('whatsapp'), kind: 'whatsapp', name: 'WhatsApp', receiveOnly: false });
    expect(Object.keys(list[0]!).sort()).toEqual(['id', 'kind', 'name', 'receiveOnly']);
    const off = await admin.admin.channels.create.mutate({ kind: 'webchat', name: 'Switched off', active: false });
    expect((await ana.channels.list.query()).map((c) => c.id)).not.toContain(off.id);
    const [e] = await app.db.sql`SELECT data FROM events WHERE type = 'config.updated' ORDER BY id DESC LIMIT 1`;
    expect(e!.data).toEqual({ kind: 'channels', id: off.id });
  });
});

describe('admin.templates', () => {
  it('shows agents the approved templates of a channel only', async () => {
    const list = await ana.templates.list.query({ channelId: await demoChannel('whatsapp') });
    expect(list.map((t) => t.name).sort()).toEqual(['hello_followup', 'order_update', 'service_reopen']);
    expect(list.find((t) => t.name === 'order_update')).toMatchObject({ language: 'en_US', paramCount: 2 });
    expect(await ana.templates.list.query({ channelId: await demoChannel('webchat') })).toEqual([]);
  });

  it('computes the parameters from the body and checks name, channel and placeholders', async () => {
    const channelId = await demoChannel('whatsapp');
    const t = await admin.admin.templates.create.mutate({
      channelId,
      name: 'payment_due',
      language: 'pt_BR',
      body: 'Olá {{1}}, vence em {{2}}: {{1}}.',
    });
    expect(t).toMatchObject({ channelId, name: 'payment_due', status: 'approved', category: 'utility', paramCount: 2 });
    expect(await reason(admin.admin.templates.create.mutate({ channelId, name: 'gap', language: 'pt_BR', body: '{{1}} {{3}}' }))).toEqual([
      'BAD_REQUEST',
      'config.templatePlaceholders',
    ]);
    expect(await reason(admin.admin.templates.create.mutate({ channelId, name: 'payment_due', language: 'pt_BR', body: 'x' }))).toEqual([
      'CONFLICT',
      'config.nameTaken',
    ]);
    expect(
      await reason(
        admin.admin.templates.create.mutate({ channelId: await demoChannel('webchat'), name: 'web', language: 'pt_BR', body: 'x' }),
      ),
    ).toEqual(['BAD_REQUEST', 'conv.templateOnlyWhatsapp']);
    expect((await refusal(admin.admin.templates.create.mutate({ channelId, name: 'Bad Name', language: 'pt_BR', body: 'x' }))).code).toBe(
      'BAD_REQUEST',
    );
    const pending = await admin.admin.templates.update.mutate({ id: t.id, status: 'pending', body: 'Olá {{1}}.' });
    expect(pending).toMatchObject({ status: 'pending', paramCount: 1 });
    expect((await ana.templates.list.query({ channelId })).map((x) => x.id)).not.toContain(t.id);
  });

  it('deletes an unused template, and disables one already sent', async () => {
    const channelId = await demoChannel('whatsapp');
    const unused = await admin.admin.templates.create.mutate({ channelId, name: 'unused', language: 'en_US', body: 'Hi' });
    expect(await admin.admin.templates.delete.mutate({ id: unused.id })).toEqual({ ok: true, deactivated: false });
    const sent = await admin.admin.templates.create.mutate({ channelId, name: 'sent_one', language: 'en_US', body: 'Hi' });
    const sql = app.db.sql;
    const [contact] = await sql`INSERT INTO contacts (org_id, name, whatsapp) VALUES (${ids.orgId}, 'T', '5511900001111') RETURNING id`;
    const [conv] = await sql`INSERT INTO conversations (org_id, protocol, contact_id, channel_id, status, closed_at)
      VALUES (${ids.orgId}, '20260101-800001', ${contact!.id}, ${channelId}, 'closed', now()) RETURNING id`;
    await sql`INSERT INTO messages (org_id, conversation_id, channel_id, direction, kind, text, template_id, status)
      VALUES (${ids.orgId}, ${conv!.id}, ${channelId}, 'out', 'template', 'Hi', ${sent.id}, 'sent')`;
    expect(await admin.admin.templates.delete.mutate({ id: sent.id })).toEqual({ ok: true, deactivated: true });
    const kept = (await admin.admin.templates.list.query({ channelId })).find((x) => x.id === sent.id);
    expect(kept!.status).toBe('disabled');
  });
});

describe('admin.canned and canned.list', () => {
  it('checks files and teams, and shows team responses to that team only', async () => {
    const file = await upload(admin.cookie!, 'canned');
    const created = await admin.admin.canned.create.mutate({
      shortcut: 'Prices',
      title: 'Price list',
      body: 'Olá {contact.name}, segue a tabela.',
      attachmentIds: [file],
      teamId: ids.teams.Sales,
    });
    expect(created).toMatchObject({ shortcut: 'prices', attachmentIds: [file], teamId: ids.teams.Sales });
    expect((await carla.canned.list.query({ query: 'pric' })).map((c) => c.id)).toEqual([created.id]);
    expect((await ana.canned.list.query({ query: 'pric' })).map((c) => c.id)).toEqual([]);
    // The demo's organization-wide ones are everyone's.
    expect((await ana.canned.list.query({})).map((c) => c.shortcut)).toEqual(expect.arrayContaining(['greeting', 'protocol', 'thanks']));

    expect(await reason(admin.admin.canned.create.mutate({ shortcut: 'prices', title: 'Again', body: 'x' }))).toEqual([
      'CONFLICT',
      'config.shortcutTaken',
    ]);
    const messageFile = await upload(ana.cookie!, 'message');
    expect(
      await reason(admin.admin.canned.create.mutate({ shortcut: 'file', title: 'F', body: 'x', attachmentIds: [messageFile] })),
    ).toEqual(['BAD_REQUEST', 'config.unknownAttachment']);
    const other = await createOtherOrg(app.db.sql, 'canned');
    const outsider = await app.login(other.admin.email, other.password);
    const foreign = await upload(outsider.cookie!, 'canned');
    expect(await reason(admin.admin.canned.update.mutate({ id: created.id, attachmentIds: [foreign] }))).toEqual([
      'BAD_REQUEST',
      'config.unknownAttachment',
    ]);
    expect(await reason(admin.admin.canned.update.mutate({ id: created.id, teamId: other.team.id }))).toEqual([
      'BAD_REQUEST',
      'user.unknownTeam',
    ]);
    expect(await admin.admin.canned.update.mutate({ id: created.id, teamId: null })).toMatchObject({ teamId: null });
    expect((await ana.canned.list.query({ query: 'price' })).length).toBe(1);
    expect(await admin.admin.canned.delete.mutate({ id: created.id })).toEqual({ ok: true, deactivated: false });
  });
});

describe('tags, dispositions, pause types', () => {
  it('creates, renames and deletes tags; names are unique regardless of case', async () => {
    const tag = await admin.admin.tags.create.mutate({ name: 'Urgent' });
    expect(tag).toMatchObject({ name: 'Urgent', color: '#64748b' });
    expect(await reason(admin.admin.tags.create.mutate({ name: 'vip' }))).toEqual(['CONFLICT', 'config.nameTaken']);
    expect(await admin.admin.tags.update.mutate({ id: tag.id, color: '#112233' })).toMatchObject({ name: 'Urgent', color: '#112233' });
    expect(await admin.admin.tags.delete.mutate({ id: tag.id })).toEqual({ ok: true, deactivated: false });
    expect((await admin.admin.tags.list.query()).map((t) => t.name)).toEqual(['Complaint', 'VIP']);
  });

  it('keeps a tag already given to a conversation on it, inactive: agents no longer pick it, the conversation keeps it', async () => {
    const sql = app.db.sql;
    const old = await admin.admin.tags.create.mutate({ name: 'Legacy' });
    const contactId = await makeContact(sql, ids.orgId, { name: 'T' });
    const active = { contactId, teamId: ids.teams.Support, status: 'active', assigneeId: ids.users['ana@demo.test'] } as const;
    const conversationId = await makeConversation(sql, ids.orgId, { ...active, channelId: await demoChannel('webchat') });
    await ana.conversations.setTags.mutate({ conversationId, tagIds: [old.id] });
    expect(await admin.admin.tags.delete.mutate({ id: old.id })).toEqual({ ok: true, deactivated: true });
    expect((await ana.conversations.tagOptions.query()).map((t) => t.name)).not.toContain('Legacy');
    const view = await ana.conversations.get.query({ conversationId });
    expect(view.tags.map((t) => t.name)).toEqual(['Legacy']);
    // Kept when the agent saves the conversation's tags again, never given anew elsewhere.
    await ana.conversations.setTags.mutate({ conversationId, tagIds: [old.id] });
    const other = await makeConversation(sql, ids.orgId, { ...active, channelId: await demoChannel('whatsapp') });
    expect(await reason(ana.conversations.setTags.mutate({ conversationId: other, tagIds: [old.id] }))).toEqual([
      'NOT_FOUND',
      'error.notFound',
    ]);
    // Switched on again, it is offered again.
    await admin.admin.tags.update.mutate({ id: old.id, active: true });
    expect((await ana.conversations.tagOptions.query()).map((t) => t.name)).toContain('Legacy');
  });

  it('deactivates a disposition already given to a conversation instead of deleting it', async () => {
    const sql = app.db.sql;
    const used = await admin.admin.dispositions.create.mutate({ name: 'Callback' });
    const unused = await admin.admin.dispositions.create.mutate({ name: 'Spam' });
    const contactId = await makeContact(sql, ids.orgId, { name: 'D' });
    await makeConversation(sql, ids.orgId, {
      contactId,
      channelId: await demoChannel('webchat'),
      status: 'closed',
      dispositionId: used.id,
    });
    expect(await admin.admin.dispositions.delete.mutate({ id: used.id })).toEqual({ ok: true, deactivated: true });
    expect(await admin.admin.dispositions.delete.mutate({ id: unused.id })).toEqual({ ok: true, deactivated: false });
    const list = await admin.admin.dispositions.list.query();
    expect(list.find((d) => d.id === used.id)).toMatchObject({ active: false });
    expect(list.map((d) => d.name)).toEqual(['Callback', 'No answer', 'Resolved', 'Sale']);
  });

  it('validates pause types', async () => {
    expect((await admin.admin.pauseTypes.list.query()).map((p) => [p.name, p.maxMinutes, p.earliestTime])).toEqual([
      ['Break', 15, null],
      ['Lunch', 60, '11:00'],
    ]);
    expect((await refusal(admin.admin.pauseTypes.create.mutate({ name: 'Late', maxMinutes: 10, earliestTime: '25:00' }))).code).toBe(
      'BAD_REQUEST',
    );
    expect((await refusal(admin.admin.pauseTypes.create.mutate({ name: 'Zero', maxMinutes: 0 }))).code).toBe('BAD_REQUEST');
    const p = await admin.admin.pauseTypes.create.mutate({ name: 'Training', maxMinutes: 90, earliestTime: '14:00' });
    expect(await admin.admin.pauseTypes.update.mutate({ id: p.id, earliestTime: null, active: false })).toMatchObject({
      earliestTime: null,
      active: false,
      maxMinutes: 90,
    });
    expect(await admin.admin.pauseTypes.delete.mutate({ id: p.id })).toEqual({ ok: true, deactivated: false });
    expect((await refusal(admin.admin.pauseTypes.delete.mutate({ id: p.id }))).code).toBe('NOT_FOUND');
  });
});

describe('admin.org click-to-call', () => {
  it('takes a telephony address with {number}, refuses other schemes with a sentence, and gives it to agents through auth.me', async () => {
    expect((await ana.auth.me.query()).organization.clickToCallUrl).toBeNull();
    for (const bad of ['javascript:alert({number})', 'https://pbx.example.com/call', 'data:text/html,{number}']) {
      const e = await refusal(admin.admin.org.update.mutate({ clickToCallUrl: bad }));
      expect(e.code).toBe('BAD_REQUEST');
      expect(e.message).toContain('{number}');
    }
    const url = 'https://pbx.example.com/call?to={number}&from={extension}';
    expect((await admin.admin.org.update.mutate({ clickToCallUrl: url })).clickToCallUrl).toBe(url);
    expect((await ana.auth.me.query()).organization.clickToCallUrl).toBe(url);
    await admin.admin.org.update.mutate({ clickToCallUrl: null });
    expect((await ana.auth.me.query()).organization.clickToCallUrl).toBeNull();
  });
});
