import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refusal, startTestApp, type TestApp, type TestClient } from '../../test/helpers/app.ts';
import { createOtherOrg, demoIds } from '../../test/helpers/orgs.ts';
import { contactFilter } from '../commands/contacts.ts';
import { makeConversation } from '../../test/helpers/factories.ts';

let app: TestApp;
let ids: Awaited<ReturnType<typeof demoIds>>;
let ana: TestClient;
let admin: TestClient;
let channels: { whatsapp: string; webchat: string };

beforeAll(async () => {
  app = await startTestApp();
  ids = await demoIds(app.db.sql);
  ana = await app.login('ana@demo.test');
  admin = await app.login('admin@demo.test');
  const rows = await app.db.sql`SELECT id, name FROM channels WHERE org_id = ${ids.orgId}`;
  channels = { whatsapp: rows.find((r) => r.name === 'WhatsApp')!.id, webchat: rows.find((r) => r.name === 'Web chat')!.id };
});
afterAll(() => app?.stop());

const person = (n: number, extra: Record<string, unknown> = {}) => ({
  name: `Person ${n}`,
  email: `p${n}@example.com`,
  whatsapp: `55359990000${n}`,
  ...extra,
});

describe('contacts.create', () => {
  it('requires name, e-mail and WhatsApp, named in the reader language', async () => {
    const e = await refusal(ana.contacts.create.mutate({ name: 'Only a name' }));
    expect([e.code, e.data.reason]).toEqual(['BAD_REQUEST', 'contact.missingFields']);
    // Ana reads Portuguese (her profile language).
    expect(e.message).toContain('e-mail, WhatsApp');
    const created = await ana.contacts.create.mutate(person(1));
    expect(created).toMatchObject({ name: 'Person 1', email: 'p1@example.com', whatsapp: '553599900001', fields: {}, incomplete: false });
  });

  it('accepts WhatsApp numbers as digits only', async () => {
    for (const bad of ['+55 35 99999-8888', '(35) 99999 8888', '0035999998888', '12345']) {
      const e = await refusal(ana.contacts.create.mutate(person(2, { whatsapp: bad })));
      expect([bad, e.code, e.data.reason]).toEqual([bad, 'BAD_REQUEST', 'contact.badWhatsapp']);
    }
    const bad = await refusal(ana.contacts.create.mutate(person(2, { email: 'not-an-email' })));
    expect(bad.code).toBe('BAD_REQUEST');
  });

  it('keeps one contact per WhatsApp number in the organization, not across organizations', async () => {
    await ana.contacts.create.mutate(person(3));
    const e = await refusal(ana.contacts.create.mutate(person(3, { name: 'Someone else', email: 'else@example.com' })));
    expect([e.code, e.data.reason]).toEqual(['CONFLICT', 'contact.whatsappTaken']);
    const other = await createOtherOrg(app.db.sql, 'contacts');
    const outsider = await app.login(other.agent.email, other.password);
    expect(await outsider.contacts.create.mutate(person(3))).toMatchObject({ whatsapp: '553599900003' });
  });

  it('enforces the fields the organization makes required', async () => {
    await admin.admin.org.update.mutate({ requiredContactFields: ['cpf'] });
    try {
      const e = await refusal(ana.contacts.create.mutate(person(4)));
      expect([e.data.reason, e.message.includes('cpf')]).toEqual(['contact.missingFields', true]);
      const c = await ana.contacts.create.mutate(person(4, { fields: { cpf: '12345678900' } }));
      expect(c.fields).toEqual({ cpf: '12345678900' });
    } finally {
      await admin.admin.org.update.mutate({ requiredContactFields: [] });
    }
  });

  it('publishes contact.updated', async () => {
    const c = await ana.contacts.create.mutate(person(5));
    const [e] = await app.db.sql`SELECT data FROM events WHERE type = 'contact.updated' ORDER BY id DESC LIMIT 1`;
    expect(e!.data).toEqual({ contactId: c.id });
  });
});

describe('contacts.update', () => {
  it('fills in a channel-created contact bit by bit, and clears incomplete when done', async () => {
    const [row] = await app.db
      .sql`INSERT INTO contacts (org_id, whatsapp, incomplete) VALUES (${ids.orgId}, '5511955554444', true) RETURNING id`;
    const id = row!.id as string;
    const partial = await ana.contacts.update.mutate({ id, name: 'Maria' });
    expect(partial).toMatchObject({ name: 'Maria', whatsapp: '5511955554444', incomplete: true });
    const done = await ana.contacts.update.mutate({ id, email: 'maria@example.com' });
    expect(done).toMatchObject({ name: 'Maria', email: 'maria@example.com', incomplete: false });
    // A complete contact stays complete.
    const e = await refusal(ana.contacts.update.mutate({ id, email: '' }));
    expect([e.code, e.data.reason]).toEqual(['BAD_REQUEST', 'contact.missingFields']);
  });

  it('refuses a number another contact has, and an unknown id', async () => {
    const a = await ana.contacts.create.mutate(person(6));
    await ana.contacts.create.mutate(person(7));
    const e = await refusal(ana.contacts.update.mutate({ id: a.id, whatsapp: '553599900007' }));
    expect([e.code, e.data.reason]).toEqual(['CONFLICT', 'contact.whatsappTaken']);
    const missing = await refusal(ana.contacts.update.mutate({ id: '00000000-0000-4000-8000-000000000000', name: 'X' }));
    expect(missing.code).toBe('NOT_FOUND');
    // Extra fields merge; an empty value removes one.
    await ana.contacts.update.mutate({ id: a.id, fields: { company: 'ACME', city: 'Lavras' } });
    expect((await ana.contacts.update.mutate({ id: a.id, fields: { city: '' } })).fields).toEqual({ company: 'ACME' });
  });
});

describe('contacts.search and contacts.byChannel', () => {
  beforeAll(async () => {
    for (const [name, whatsapp] of [
      ['Zélia Prado', '5521987650001'],
      ['Bruna Zeferino', '5521987650002'],
      ['Carlos Santos', '552198765'],
    ]) {
      await ana.contacts.create.mutate({ name, email: `${whatsapp}@example.com`, whatsapp });
    }
  });

  it('finds by number prefix, exact match first, with or without punctuation', async () => {
    const found = await ana.contacts.search.query({ query: '552198765' });
    expect(found.map((c) => c.whatsapp)).toEqual(['552198765', '5521987650001', '5521987650002']);
    expect(found[0]).toEqual({
      id: expect.any(String),
      name: 'Carlos Santos',
      email: '552198765@example.com',
      whatsapp: '552198765',
      incomplete: false,
    });
    const punctuated = await ana.contacts.search.query({ query: '+55 (21) 98765-0002' });
    expect(punctuated.map((c) => c.name)).toEqual(['Bruna Zeferino']);
    expect(await ana.contacts.search.query({ query: '4499' })).toEqual([]);
  });

  it('finds by name, case-insensitive, prefix matches first', async () => {
    const found = await ana.contacts.search.query({ query: 'ZE' });
    expect(found.map((c) => c.name)).toEqual(['Zélia Prado', 'Bruna Zeferino']);
    // Accents are ignored both ways.
    expect((await ana.contacts.search.query({ query: 'zél' })).map((c) => c.name)).toEqual(['Zélia Prado']);
    expect(await ana.contacts.search.query({ query: '%' })).toEqual([]);
    expect(contactFilter('  ')).toBeNull();
    expect(contactFilter('Ana 2')).toEqual({ by: 'name', text: 'Ana 2' });
  });

  it('lists the contacts a channel can reach, by name', async () => {
    await app.db
      .sql`INSERT INTO contacts (org_id, name, webchat_visitor_id, incomplete) VALUES (${ids.orgId}, 'Visitor', 'visitor-1', true)`;
    const whatsapp = await ana.contacts.byChannel.query({ channelId: channels.whatsapp });
    expect(whatsapp.every((c) => c.whatsapp)).toBe(true);
    const names = whatsapp.map((c) => c.name.toLowerCase());
    expect(names).toEqual([...names].sort());
    const webchat = await ana.contacts.byChannel.query({ channelId: channels.webchat });
    expect(webchat.map((c) => c.name)).toEqual(['Visitor']);
    expect((await ana.contacts.byChannel.query({ channelId: channels.whatsapp, query: 'zeferino' })).length).toBe(1);
  });
});

describe('contacts.recent', () => {
  let old: { id: string };
  let visitor: { id: string };
  beforeAll(async () => {
    const sql = app.db.sql;
    [old] = (await sql`INSERT INTO contacts (org_id, name, email, whatsapp, updated_at)
      VALUES (${ids.orgId}, 'Recent Old', 'old@example.com', '5531955550001', now() - interval '30 days') RETURNING id`) as unknown as [
      { id: string },
    ];
    [visitor] = (await sql`INSERT INTO contacts (org_id, name, email, webchat_visitor_id, incomplete, updated_at)
      VALUES (${ids.orgId}, 'Recent Visitor', 'visitor@example.com', 'visitor-recent', true, now() - interval '30 days') RETURNING id`) as unknown as [
      { id: string },
    ];
  });

  it("lists the most recently active contacts of the organization, or of one channel, to any agent, and no one else's", async () => {
    const sql = app.db.sql;
    // The old contact wrote a minute ago on WhatsApp (a Sales conversation Ana's teams don't see): it comes first.
    const aMinuteAhead = new Date(Date.now() + 60_000);
    await makeConversation(sql, ids.orgId, {
      contactId: old!.id,
      channelId: channels.whatsapp,
      teamId: ids.teams.Sales,
      status: 'waiting',
      lastActivityAt: aMinuteAhead,
    });
    const all = await ana.contacts.recent.query({});
    expect(all[0]).toEqual({ id: old!.id, name: 'Recent Old', email: 'old@example.com', whatsapp: '5531955550001', incomplete: false });
    expect(all.map((c) => c.id)).toContain(visitor!.id);
    // Of the web chat channel: only the contacts it reaches.
    const webchat = await ana.contacts.recent.query({ channelId: channels.webchat });
    expect(webchat.map((c) => c.id)).toContain(visitor!.id);
    expect(webchat.map((c) => c.id)).not.toContain(old!.id);
    expect((await ana.contacts.recent.query({ limit: 1 })).length).toBe(1);
    // Another organization's agent sees none of these, and not our channel.
    const other = await createOtherOrg(app.db.sql, 'recent');
    const outsider = await app.login(other.agent.email, other.password);
    const theirs = await outsider.contacts.recent.query({});
    expect(theirs.some((c) => c.id === old!.id || c.id === visitor!.id)).toBe(false);
    expect((await refusal(outsider.contacts.recent.query({ channelId: channels.webchat }))).code).toBe('NOT_FOUND');
  });

  it('finds a web chat visitor by the e-mail they left, and says a contact came through web chat', async () => {
    const found = await ana.contacts.search.query({ query: 'visitor@example' });
    expect(found.map((c) => c.name)).toEqual(['Recent Visitor']);
    const detail = await ana.contacts.get.query({ id: found[0]!.id });
    expect([detail.webchat, detail.whatsapp]).toEqual([true, null]);
    // With a name and an e-mail, a web chat visitor lacks nothing: no number is asked of them.
    const saved = await ana.contacts.update.mutate({ id: found[0]!.id, name: 'Recent Visitor' });
    expect([saved.incomplete, saved.whatsapp]).toEqual([false, null]);
  });
});

describe('contacts.get', () => {
  let contactId: string;
  beforeAll(async () => {
    const sql = app.db.sql;
    contactId = (await ana.contacts.create.mutate({ name: 'History Person', email: 'h@example.com', whatsapp: '5531911112222' })).id;
    const close = (protocol: string, team: 'Support' | 'Sales', servedBy: string | undefined) =>
      makeConversation(sql, ids.orgId, {
        protocol,
        contactId,
        channelId: channels.whatsapp,
        teamId: ids.teams[team],
        status: 'closed',
        servedBy,
        rating: 5,
      });
    await close('20260101-900001', 'Support', ids.users['bruno@demo.test']);
    await close('20260101-900002', 'Sales', ids.users['carla@demo.test']);
    await makeConversation(sql, ids.orgId, {
      protocol: '20260101-900003',
      contactId,
      channelId: channels.webchat,
      teamId: ids.teams.Sales,
      status: 'active',
      assigneeId: ids.users['carla@demo.test'],
    });
  });
  const protocols = (c: { history: { protocol: string }[] }) => c.history.map((h) => h.protocol).sort();

  it('shows open conversations on every channel, with who serves them', async () => {
    const c = await ana.contacts.get.query({ id: contactId });
    expect(c).toMatchObject({ id: contactId, name: 'History Person', whatsapp: '5531911112222', incomplete: false });
    expect(c.openConversations).toEqual([
      expect.objectContaining({
        protocol: '20260101-900003',
        status: 'active',
        channel: { id: channels.webchat, kind: 'webchat', name: 'Web chat' },
        team: { id: ids.teams.Sales, name: 'Sales' },
        assignee: { id: ids.users['carla@demo.test'], name: 'Carla Dias' },
      }),
    ]);
  });

  it('shows history per the history permission: own teams, all, none', async () => {
    const own = await ana.contacts.get.query({ id: contactId });
    expect(protocols(own)).toEqual(['20260101-900001']);
    expect(own.history[0]).toMatchObject({
      closeReason: 'agent',
      rating: 5,
      assignee: { id: ids.users['bruno@demo.test'], name: 'Bruno Lima' },
      team: { name: 'Support' },
    });
    await admin.admin.users.update.mutate({ userId: ids.users['ana@demo.test'], historyAccess: 'all' });
    expect(protocols(await ana.contacts.get.query({ id: contactId }))).toEqual(['20260101-900001', '20260101-900002']);
    await admin.admin.users.update.mutate({ userId: ids.users['ana@demo.test'], historyAccess: 'none' });
    expect(protocols(await ana.contacts.get.query({ id: contactId }))).toEqual([]);
    await admin.admin.users.update.mutate({ userId: ids.users['ana@demo.test'], historyAccess: 'own_teams' });
    expect(protocols(await admin.contacts.get.query({ id: contactId }))).toEqual(['20260101-900001', '20260101-900002']);
  });

  it("counts its limit among what the caller may see: 250 newer closed Sales conversations do not hide Ana's older Support one", async () => {
    const sql = app.db.sql;
    const busy = (await ana.contacts.create.mutate({ name: 'Busy Person', email: 'busy@example.com', whatsapp: '5531911113333' })).id;
    const aYearAgo = new Date(Date.now() - 365 * 24 * 3600_000);
    await makeConversation(sql, ids.orgId, {
      protocol: '20250101-800000',
      contactId: busy,
      channelId: channels.whatsapp,
      teamId: ids.teams.Support,
      status: 'closed',
      closedAt: aYearAgo,
      servedBy: ids.users['bruno@demo.test'],
    });
    await sql`INSERT INTO conversations (org_id, protocol, contact_id, channel_id, team_id, status, closed_at, close_reason, served_by)
      SELECT ${ids.orgId}, '20260101-8' || lpad(n::text, 5, '0'), ${busy}, ${channels.whatsapp}, ${ids.teams.Sales}, 'closed', now() - n * interval '1 minute', 'agent', ${ids.users['carla@demo.test']}
      FROM generate_series(1, 250) n`;
    expect(protocols(await ana.contacts.get.query({ id: busy }))).toEqual(['20250101-800000']);
    const all = await admin.contacts.get.query({ id: busy });
    expect(all.history).toHaveLength(200);
    expect(all.history[0]!.protocol).toBe('20260101-800001');
  });
});

describe('contacts.media', () => {
  let contactId: string;
  const files: Record<string, string> = {};
  beforeAll(async () => {
    const sql = app.db.sql;
    contactId = (await admin.contacts.create.mutate({ name: 'Gallery Person', email: 'g@example.com', whatsapp: '5531933334444' })).id;
    const conversation = (protocol: string, team: 'Support' | 'Sales', status: 'closed' | 'active', assignee: string) =>
      makeConversation(sql, ids.orgId, {
        protocol,
        contactId,
        channelId: channels.whatsapp,
        teamId: ids.teams[team],
        status,
        assigneeId: assignee,
        servedBy: assignee,
      });
    const file = async (label: string, conversationId: string, direction: 'in' | 'out', kind: string, contentType: string) => {
      const [a] = await sql`INSERT INTO attachments (org_id, purpose, filename, content_type, size_bytes, storage_key, sha256)
        VALUES (${ids.orgId}, 'message', ${`${label}.bin`}, ${contentType}, 3, ${`test/${label}`}, 'x') RETURNING id`;
      await sql`INSERT INTO messages (org_id, conversation_id, channel_id, direction, kind, attachment_id, status)
        VALUES (${ids.orgId}, ${conversationId}, ${channels.whatsapp}, ${direction}, ${kind}, ${a!.id}, ${direction === 'in' ? 'received' : 'sent'})`;
      files[label] = a!.id as string;
    };
    const support = await conversation('20260102-900001', 'Support', 'closed', ids.users['bruno@demo.test']!);
    const sales = await conversation('20260102-900002', 'Sales', 'closed', ids.users['carla@demo.test']!);
    const open = await conversation('20260102-900003', 'Sales', 'active', ids.users['carla@demo.test']!);
    await file('support-photo', support, 'in', 'image', 'image/jpeg');
    await file('sales-invoice', sales, 'out', 'document', 'application/pdf');
    await file('open-photo', open, 'in', 'image', 'image/png');
    // Ana is invited to the open Sales conversation: a participant sees its files.
    await sql`INSERT INTO conversation_participants (org_id, conversation_id, user_id) VALUES (${ids.orgId}, ${open}, ${ids.users['ana@demo.test']})`;
  });
  const seen = async (client: TestClient) =>
    ((await client.contacts.media.query({ contactId })) as { id: string }[]).map((m) => m.id).sort();

  it('lists the files of the conversations the caller may read, with their urls', async () => {
    const media = await ana.contacts.media.query({ contactId });
    expect(media.find((m) => m.id === files['support-photo'])).toMatchObject({
      url: `/uploads/${files['support-photo']}`,
      kind: 'image',
      direction: 'in',
      contentType: 'image/jpeg',
      filename: 'support-photo.bin',
      conversation: { protocol: '20260102-900001', status: 'closed' },
    });
    expect(await seen(ana)).toEqual([files['support-photo'], files['open-photo']].sort());
    expect(await seen(admin)).toEqual(Object.values(files).sort());
    const bruno = await app.login('bruno@demo.test');
    expect(await seen(bruno)).toEqual([files['support-photo']]);
  });

  it('follows the history permission for closed conversations', async () => {
    await admin.admin.users.update.mutate({ userId: ids.users['ana@demo.test'], historyAccess: 'none' });
    try {
      expect(await seen(ana)).toEqual([files['open-photo']]);
    } finally {
      await admin.admin.users.update.mutate({ userId: ids.users['ana@demo.test'], historyAccess: 'own_teams' });
    }
  });

  it('is NOT_FOUND for an unknown contact', async () => {
    const err = await refusal(ana.contacts.media.query({ contactId: '00000000-0000-4000-8000-000000000000' }));
    expect(err.code).toBe('NOT_FOUND');
  });
});
