import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refusal, startTestApp, TrpcError, type TestApp, type TrpcHttpClient } from '../test/helpers/app.ts';
import { createOtherOrg, demoIds } from '../test/helpers/orgs.ts';

let app: TestApp;
let ids: Awaited<ReturnType<typeof demoIds>>;
let admin: TrpcHttpClient;
let ana: TrpcHttpClient;
let carla: TrpcHttpClient;

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
  (await app.db.sql`SELECT id FROM channels WHERE org_id = ${ids.orgId} AND name = ${kind === 'whatsapp' ? 'WhatsApp' : 'Web chat'}`)[0]!.id as string;

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
    const created = await admin.mutate('admin.channels.create', { kind: 'whatsapp', name: 'Sales line', phoneNumberId: '200000000000002', ...SECRETS });
    expect(created).toMatchObject({
      kind: 'whatsapp', name: 'Sales line', active: true, phoneNumberId: '200000000000002',
      hasAppSecret: true, hasVerifyToken: true, hasAccessToken: true, webhookPath: `/webhooks/whatsapp/${created.id}`, embedSnippet: null,
    });
    const listed = await admin.query('admin.channels.list');
    for (const body of [JSON.stringify(created), JSON.stringify(listed)]) {
      for (const secret of Object.values(SECRETS)) expect(body).not.toContain(secret);
    }
    // Omitted secrets stay; null clears one.
    const updated = await admin.mutate('admin.channels.update', { id: created.id, name: 'Sales', accessToken: null });
    expect(updated).toMatchObject({ name: 'Sales', hasAppSecret: true, hasAccessToken: false });
    const [row] = await app.db.sql`SELECT app_secret, access_token FROM channels WHERE id = ${created.id}`;
    expect(row).toEqual({ app_secret: 'app-secret-value', access_token: null });
  });

  it('gives a web chat channel its embed snippet', async () => {
    const created = await admin.mutate('admin.channels.create', { kind: 'webchat', name: 'Site', phoneNumberId: '123' });
    expect(created.phoneNumberId).toBeNull();
    expect(created.webhookPath).toBeNull();
    expect(created.embedSnippet).toBe(`<script src="http://localhost:3000/widget/embed.js" data-channel="${created.id}" async></script>`);
  });

  it('checks the bot menu and refuses a number another channel uses', async () => {
    const other = await createOtherOrg(app.db.sql, 'config');
    const options = (teamId: string) => [{ key: '1', label: 'Support', teamId }];
    expect(await reason(admin.mutate('admin.channels.create', { kind: 'webchat', name: 'X', botOptions: options(other.team.id) }))).toEqual(['BAD_REQUEST', 'user.unknownTeam']);
    const dup = [...options(ids.teams.Support), { key: '1', label: 'Sales', teamId: ids.teams.Sales }];
    expect((await refusal(admin.mutate('admin.channels.create', { kind: 'webchat', name: 'X', botOptions: dup }))).code).toBe('BAD_REQUEST');
    // A number routes webhooks to one channel across all organizations; a taken one is "not usable", like a malformed one.
    expect(await reason(admin.mutate('admin.channels.create', { kind: 'whatsapp', name: 'X', phoneNumberId: '100000000000001' }))).toEqual(['BAD_REQUEST', 'error.invalidInput']);
    const web = await admin.mutate('admin.channels.create', { kind: 'webchat', name: 'Menu', botGreeting: 'Hi', botOptions: options(ids.teams.Support) });
    expect(web.botOptions).toEqual(options(ids.teams.Support));
  });

  it('lists active channels to agents, without secrets or settings', async () => {
    const list = await ana.query('channels.list');
    expect(list).toContainEqual({ id: await demoChannel('whatsapp'), kind: 'whatsapp', name: 'WhatsApp', receiveOnly: false });
    expect(Object.keys(list[0]).sort()).toEqual(['id', 'kind', 'name', 'receiveOnly']);
    const off = await admin.mutate('admin.channels.create', { kind: 'webchat', name: 'Switched off', active: false });
    expect((await ana.query('channels.list')).map((c: { id: string }) => c.id)).not.toContain(off.id);
    const [e] = await app.db.sql`SELECT data FROM events WHERE type = 'config.updated' ORDER BY id DESC LIMIT 1`;
    expect(e!.data).toEqual({ kind: 'channels', id: off.id });
  });
});

describe('admin.templates', () => {
  it('shows agents the approved templates of a channel only', async () => {
    const list = await ana.query('templates.list', { channelId: await demoChannel('whatsapp') });
    expect(list.map((t: { name: string }) => t.name).sort()).toEqual(['hello_followup', 'order_update', 'service_reopen']);
    expect(list.find((t: { name: string }) => t.name === 'order_update')).toMatchObject({ language: 'en_US', paramCount: 2 });
    expect(await ana.query('templates.list', { channelId: await demoChannel('webchat') })).toEqual([]);
  });

  it('computes the parameters from the body and checks name, channel and placeholders', async () => {
    const channelId = await demoChannel('whatsapp');
    const t = await admin.mutate('admin.templates.create', { channelId, name: 'payment_due', language: 'pt_BR', body: 'Olá {{1}}, vence em {{2}}: {{1}}.' });
    expect(t).toMatchObject({ channelId, name: 'payment_due', status: 'approved', category: 'utility', paramCount: 2 });
    expect(await reason(admin.mutate('admin.templates.create', { channelId, name: 'gap', language: 'pt_BR', body: '{{1}} {{3}}' }))).toEqual(['BAD_REQUEST', 'config.templatePlaceholders']);
    expect(await reason(admin.mutate('admin.templates.create', { channelId, name: 'payment_due', language: 'pt_BR', body: 'x' }))).toEqual(['CONFLICT', 'config.nameTaken']);
    expect(await reason(admin.mutate('admin.templates.create', { channelId: await demoChannel('webchat'), name: 'web', language: 'pt_BR', body: 'x' }))).toEqual(['BAD_REQUEST', 'conv.templateOnlyWhatsapp']);
    expect((await refusal(admin.mutate('admin.templates.create', { channelId, name: 'Bad Name', language: 'pt_BR', body: 'x' }))).code).toBe('BAD_REQUEST');
    const pending = await admin.mutate('admin.templates.update', { id: t.id, status: 'pending', body: 'Olá {{1}}.' });
    expect(pending).toMatchObject({ status: 'pending', paramCount: 1 });
    expect((await ana.query('templates.list', { channelId })).map((x: { id: string }) => x.id)).not.toContain(t.id);
  });

  it('deletes an unused template, and disables one already sent', async () => {
    const channelId = await demoChannel('whatsapp');
    const unused = await admin.mutate('admin.templates.create', { channelId, name: 'unused', language: 'en_US', body: 'Hi' });
    expect(await admin.mutate('admin.templates.delete', { id: unused.id })).toEqual({ ok: true, deactivated: false });
    const sent = await admin.mutate('admin.templates.create', { channelId, name: 'sent_one', language: 'en_US', body: 'Hi' });
    const sql = app.db.sql;
    const [contact] = await sql`INSERT INTO contacts (org_id, name, whatsapp) VALUES (${ids.orgId}, 'T', '5511900001111') RETURNING id`;
    const [conv] = await sql`INSERT INTO conversations (org_id, protocol, contact_id, channel_id, status, closed_at)
      VALUES (${ids.orgId}, '20260101-800001', ${contact!.id}, ${channelId}, 'closed', now()) RETURNING id`;
    await sql`INSERT INTO messages (org_id, conversation_id, channel_id, direction, kind, text, template_id, status)
      VALUES (${ids.orgId}, ${conv!.id}, ${channelId}, 'out', 'template', 'Hi', ${sent.id}, 'sent')`;
    expect(await admin.mutate('admin.templates.delete', { id: sent.id })).toEqual({ ok: true, deactivated: true });
    const kept = (await admin.query('admin.templates.list', { channelId })).find((x: { id: string }) => x.id === sent.id);
    expect(kept.status).toBe('disabled');
  });
});

describe('admin.canned and canned.list', () => {
  it('checks files and teams, and shows team responses to that team only', async () => {
    const file = await upload(admin.cookie!, 'canned');
    const created = await admin.mutate('admin.canned.create', { shortcut: 'Prices', title: 'Price list', body: 'Olá {contact.name}, segue a tabela.', attachmentIds: [file], teamId: ids.teams.Sales });
    expect(created).toMatchObject({ shortcut: 'prices', attachmentIds: [file], teamId: ids.teams.Sales });
    expect((await carla.query('canned.list', { query: 'pric' })).map((c: { id: string }) => c.id)).toEqual([created.id]);
    expect((await ana.query('canned.list', { query: 'pric' })).map((c: { id: string }) => c.id)).toEqual([]);
    // The demo's organization-wide ones are everyone's.
    expect((await ana.query('canned.list', {})).map((c: { shortcut: string }) => c.shortcut)).toEqual(expect.arrayContaining(['greeting', 'protocol', 'thanks']));

    expect(await reason(admin.mutate('admin.canned.create', { shortcut: 'prices', title: 'Again', body: 'x' }))).toEqual(['CONFLICT', 'config.shortcutTaken']);
    const messageFile = await upload(ana.cookie!, 'message');
    expect(await reason(admin.mutate('admin.canned.create', { shortcut: 'file', title: 'F', body: 'x', attachmentIds: [messageFile] }))).toEqual(['BAD_REQUEST', 'config.unknownAttachment']);
    const other = await createOtherOrg(app.db.sql, 'canned');
    const outsider = await app.login(other.admin.email, other.password);
    const foreign = await upload(outsider.cookie!, 'canned');
    expect(await reason(admin.mutate('admin.canned.update', { id: created.id, attachmentIds: [foreign] }))).toEqual(['BAD_REQUEST', 'config.unknownAttachment']);
    expect(await reason(admin.mutate('admin.canned.update', { id: created.id, teamId: other.team.id }))).toEqual(['BAD_REQUEST', 'user.unknownTeam']);
    expect(await admin.mutate('admin.canned.update', { id: created.id, teamId: null })).toMatchObject({ teamId: null });
    expect((await ana.query('canned.list', { query: 'price' })).length).toBe(1);
    expect(await admin.mutate('admin.canned.delete', { id: created.id })).toEqual({ ok: true, deactivated: false });
  });
});

describe('tags, dispositions, pause types', () => {
  it('creates, renames and deletes tags; names are unique regardless of case', async () => {
    const tag = await admin.mutate('admin.tags.create', { name: 'Urgent' });
    expect(tag).toMatchObject({ name: 'Urgent', color: '#64748b' });
    expect(await reason(admin.mutate('admin.tags.create', { name: 'vip' }))).toEqual(['CONFLICT', 'config.nameTaken']);
    expect(await admin.mutate('admin.tags.update', { id: tag.id, color: '#112233' })).toMatchObject({ name: 'Urgent', color: '#112233' });
    expect(await admin.mutate('admin.tags.delete', { id: tag.id })).toEqual({ ok: true, deactivated: false });
    expect((await admin.query('admin.tags.list')).map((t: { name: string }) => t.name)).toEqual(['Complaint', 'VIP']);
  });

  it('keeps a tag already given to a conversation on it, inactive: agents no longer pick it, the conversation keeps it', async () => {
    const sql = app.db.sql;
    const old = await admin.mutate('admin.tags.create', { name: 'Legacy' });
    const [contact] = await sql`INSERT INTO contacts (org_id, name) VALUES (${ids.orgId}, 'T') RETURNING id`;
    const [conv] = await sql`INSERT INTO conversations (org_id, protocol, contact_id, channel_id, team_id, status, assignee_id, claimed_at)
      VALUES (${ids.orgId}, '20260101-800003', ${contact!.id}, ${await demoChannel('webchat')}, ${ids.teams.Support}, 'active', ${ids.users['ana@demo.test']}, now()) RETURNING id`;
    await ana.mutate('conversations.setTags', { conversationId: conv!.id, tagIds: [old.id] });
    expect(await admin.mutate('admin.tags.delete', { id: old.id })).toEqual({ ok: true, deactivated: true });
    expect((await ana.query('conversations.tagOptions')).map((t: { name: string }) => t.name)).not.toContain('Legacy');
    const view = await ana.query('conversations.get', { conversationId: conv!.id });
    expect(view.tags.map((t: { name: string }) => t.name)).toEqual(['Legacy']);
    // Kept when the agent saves the conversation's tags again, never given anew elsewhere.
    await ana.mutate('conversations.setTags', { conversationId: conv!.id, tagIds: [old.id] });
    const [other] = await sql`INSERT INTO conversations (org_id, protocol, contact_id, channel_id, team_id, status, assignee_id, claimed_at)
      VALUES (${ids.orgId}, '20260101-800004', ${contact!.id}, ${await demoChannel('whatsapp')}, ${ids.teams.Support}, 'active', ${ids.users['ana@demo.test']}, now()) RETURNING id`;
    expect(await reason(ana.mutate('conversations.setTags', { conversationId: other!.id, tagIds: [old.id] }))).toEqual(['NOT_FOUND', 'error.notFound']);
    // Switched on again, it is offered again.
    await admin.mutate('admin.tags.update', { id: old.id, active: true });
    expect((await ana.query('conversations.tagOptions')).map((t: { name: string }) => t.name)).toContain('Legacy');
  });

  it('deactivates a disposition already given to a conversation instead of deleting it', async () => {
    const sql = app.db.sql;
    const used = await admin.mutate('admin.dispositions.create', { name: 'Callback' });
    const unused = await admin.mutate('admin.dispositions.create', { name: 'Spam' });
    const [contact] = await sql`INSERT INTO contacts (org_id, name) VALUES (${ids.orgId}, 'D') RETURNING id`;
    await sql`INSERT INTO conversations (org_id, protocol, contact_id, channel_id, status, closed_at, disposition_id)
      VALUES (${ids.orgId}, '20260101-800002', ${contact!.id}, ${await demoChannel('webchat')}, 'closed', now(), ${used.id})`;
    expect(await admin.mutate('admin.dispositions.delete', { id: used.id })).toEqual({ ok: true, deactivated: true });
    expect(await admin.mutate('admin.dispositions.delete', { id: unused.id })).toEqual({ ok: true, deactivated: false });
    const list = await admin.query('admin.dispositions.list');
    expect(list.find((d: { id: string }) => d.id === used.id)).toMatchObject({ active: false });
    expect(list.map((d: { name: string }) => d.name)).toEqual(['Callback', 'No answer', 'Resolved', 'Sale']);
  });

  it('validates pause types', async () => {
    expect((await admin.query('admin.pauseTypes.list')).map((p: { name: string; maxMinutes: number; earliestTime: string | null }) => [p.name, p.maxMinutes, p.earliestTime]))
      .toEqual([['Break', 15, null], ['Lunch', 60, '11:00']]);
    expect((await refusal(admin.mutate('admin.pauseTypes.create', { name: 'Late', maxMinutes: 10, earliestTime: '25:00' }))).code).toBe('BAD_REQUEST');
    expect((await refusal(admin.mutate('admin.pauseTypes.create', { name: 'Zero', maxMinutes: 0 }))).code).toBe('BAD_REQUEST');
    const p = await admin.mutate('admin.pauseTypes.create', { name: 'Training', maxMinutes: 90, earliestTime: '14:00' });
    expect(await admin.mutate('admin.pauseTypes.update', { id: p.id, earliestTime: null, active: false })).toMatchObject({ earliestTime: null, active: false, maxMinutes: 90 });
    expect(await admin.mutate('admin.pauseTypes.delete', { id: p.id })).toEqual({ ok: true, deactivated: false });
    expect((await refusal(admin.mutate('admin.pauseTypes.delete', { id: p.id }))).code).toBe('NOT_FOUND');
  });
});

describe('admin.org click-to-call', () => {
  it('takes a telephony address with {number}, refuses other schemes with a sentence, and gives it to agents through auth.me', async () => {
    expect((await ana.query('auth.me')).organization.clickToCallUrl).toBeNull();
    for (const bad of ['javascript:alert({number})', 'https://pbx.example.com/call', 'data:text/html,{number}']) {
      const e = await refusal(admin.mutate('admin.org.update', { clickToCallUrl: bad }));
      expect(e.code).toBe('BAD_REQUEST');
      expect(e.message).toContain('{number}');
    }
    const url = 'https://pbx.example.com/call?to={number}&from={extension}';
    expect((await admin.mutate('admin.org.update', { clickToCallUrl: url })).clickToCallUrl).toBe(url);
    expect((await ana.query('auth.me')).organization.clickToCallUrl).toBe(url);
    await admin.mutate('admin.org.update', { clickToCallUrl: null });
    expect((await ana.query('auth.me')).organization.clickToCallUrl).toBeNull();
  });
});
