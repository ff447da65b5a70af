import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { appendDocUpdates } from '../../db/queries/sync.ts';
import { addNoteEntry } from '../../sync/shared/schemas.ts';
import { CloseCode } from '../../sync/shared/close-codes.ts';
import { refusalOf, startTestApp, type TestApp, type TestClient } from '../../test/helpers/app.ts';
import { createOtherOrg, demoIds, waitFor } from '../../test/helpers/orgs.ts';
import { findEverywhere, readZip, seedSubject, SUBJECT, SUBJECT_NEEDLES, type SeededSubject } from '../../test/helpers/privacy.ts';
import { upgradeStatus } from '../../test/helpers/sync.ts';

/**
 * LGPD / GDPR on the default store (attachment bytes in PostgreSQL): a richly seeded contact is
 * exported whole, then erased, and a search of every column of every table finds nothing of it.
 */
let app: TestApp;
let ids: Awaited<ReturnType<typeof demoIds>>;
let admin: TestClient;
let subject: SeededSubject;

const code = async (p: Promise<unknown>) => {
  try {
    await p;
    return 'OK';
  } catch (e) {
    return refusalOf(e)?.code ?? String(e);
  }
};
const period = { from: '2026-01-01', to: '2026-12-31' };

beforeAll(async () => {
  app = await startTestApp();
  ids = await demoIds(app.db.sql);
  admin = await app.login('admin@demo.test');
  subject = await seedSubject(app, ids, admin);
}, 120_000);
afterAll(async () => {
  subject?.notes.destroy();
  await app?.stop();
});

async function download(client: TestClient, contactId: string, reference: string | null) {
  const query = reference === null ? '' : `?requestedBy=${encodeURIComponent(reference)}`;
  return fetch(`${app.url}/exports/contacts/${contactId}.zip${query}`, { headers: client.cookie ? { cookie: client.cookie } : {} });
}

describe('contact export', () => {
  it('holds the profile, both channels, every conversation with its messages, tags, rating, thread, the notes and the files', async () => {
    const res = await download(admin, subject.contactId, 'REQ-2026-0041');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/zip');
    const zip = await readZip(Buffer.from(await res.arrayBuffer()));
    const json = (name: string) => JSON.parse(zip.get(name)!.toString('utf8'));

    const contact = json('contact.json');
    expect(contact).toMatchObject({
      id: subject.contactId,
      name: SUBJECT.name,
      email: SUBJECT.email,
      identities: { whatsapp: SUBJECT.whatsapp },
      webchatVisitor: { name: SUBJECT.visitorName },
      fields: { cpf: SUBJECT.fieldValue },
    });

    const manifest = json('manifest.json');
    expect(manifest).toMatchObject({ requestedBy: 'REQ-2026-0041', exportedBy: expect.any(String), missingFiles: [] });
    expect(manifest.conversations).toHaveLength(2);
    const conversations = (manifest.conversations as string[]).map(json);
    const wa = conversations.find((c) => c.id === subject.whatsappConversationId);
    expect(wa).toMatchObject({
      channel: { kind: 'whatsapp' },
      tags: ['Cancelamento'],
      disposition: 'Resolvido',
      rating: 4,
      status: 'closed',
    });
    const texts = wa.messages.map((m: { text: string }) => m.text);
    for (const t of [SUBJECT.inbound, SUBJECT.address, SUBJECT.caption, SUBJECT.reply, SUBJECT.agentCaption]) expect(texts).toContain(t);
    expect(wa.colleagueThread.map((m: { text: string }) => m.text)).toEqual([SUBJECT.thread]);
    const wc = conversations.find((c) => c.id === subject.webchatConversationId);
    expect(wc.channel.kind).toBe('webchat');
    expect(wc.messages.map((m: { text: string }) => m.text)).toContain(SUBJECT.webchat);

    const notes = json('notes.json');
    expect(notes.map((n: { text: string }) => n.text)).toEqual([SUBJECT.note + SUBJECT.noteEdit]);

    const files = manifest.files as { path: string; filename: string }[];
    expect(files.map((f) => f.filename).sort()).toEqual([SUBJECT.agentFile.name, SUBJECT.inboundFile.name].sort());
    const byName = new Map(files.map((f) => [f.filename, zip.get(f.path)]));
    expect(byName.get(SUBJECT.inboundFile.name)).toEqual(SUBJECT.inboundFile.bytes);
    expect(byName.get(SUBJECT.agentFile.name)).toEqual(SUBJECT.agentFile.bytes);

    const [row] = await app.db.sql`SELECT actor_user_id, details FROM audit_log WHERE action = 'contact_exported' ORDER BY id DESC LIMIT 1`;
    expect(row).toMatchObject({
      actor_user_id: ids.users['admin@demo.test'],
      details: { contactId: subject.contactId, requestedBy: 'REQ-2026-0041' },
    });
  });

  it('is for admins of the organization only, and wants the request reference', async () => {
    const ana = await app.login('ana@demo.test');
    expect((await download(ana, subject.contactId, 'REQ-1')).status).toBe(403);
    const other = await createOtherOrg(app.db.sql, 'privacy-export');
    const outsider = await app.login(other.admin.email, other.password);
    expect((await download(outsider, subject.contactId, 'REQ-1')).status).toBe(404);
    expect((await download(admin, subject.contactId, null)).status).toBe(400);
    expect((await download(admin, subject.contactId, '   ')).status).toBe(400);
    expect((await download(app.client(), subject.contactId, 'REQ-1')).status).toBe(401);
  });
});

describe('contact erasure', () => {
  it('is refused to agents, to another organization, without the exact name, and while a conversation is open', async () => {
    const ana = await app.login('ana@demo.test');
    const input = { contactId: subject.contactId, confirmation: SUBJECT.name, requestedBy: 'REQ-2026-0042' };
    expect(await code(ana.privacy.eraseContact.mutate(input))).toBe('FORBIDDEN');
    const other = await createOtherOrg(app.db.sql, 'privacy-erase');
    const outsider = await app.login(other.admin.email, other.password);
    expect(await code(outsider.privacy.eraseContact.mutate(input))).toBe('NOT_FOUND');
    expect(await code(outsider.privacy.contact.query({ contactId: subject.contactId }))).toBe('NOT_FOUND');
    expect(await code(admin.privacy.eraseContact.mutate({ ...input, confirmation: 'Zuleica' }))).toBe('BAD_REQUEST');
    expect(await code(admin.privacy.eraseContact.mutate({ ...input, requestedBy: ' ' }))).toBe('BAD_REQUEST');
    // The web chat conversation is still waiting.
    expect(await code(admin.privacy.eraseContact.mutate(input))).toBe('PRECONDITION_FAILED');
    const [c] = await app.db.sql`SELECT name, erased_at FROM contacts WHERE id = ${subject.contactId}`;
    expect(c).toEqual({ name: SUBJECT.name, erased_at: null });
  });

  it('leaves nothing of the contact in any column of any table, nor in the attachment store', async () => {
    const sql = app.db.sql;
    // Before: the subject is everywhere, as the seed meant (the search below is not vacuous).
    const before = await findEverywhere(sql, SUBJECT_NEEDLES);
    for (const needle of SUBJECT_NEEDLES) expect([needle, before.some((f) => f.includes(`: ${needle} (`))]).toEqual([needle, true]);
    for (const key of subject.storageKeys) expect(await app.services.storage.stat(key)).not.toBeNull();
    const ana = await app.login('ana@demo.test');
    expect((await ana.search.messages.query({ query: 'xylofonebanana' })).length).toBeGreaterThan(0);
    expect((await ana.search.messages.query({ query: 'tamarindoazul' })).length).toBeGreaterThan(0);
    await admin.admin.conversations.forceClose.mutate({ conversationId: subject.webchatConversationId });
    const reportBefore = await admin.reports.summary.query(period);
    const [countsBefore] =
      await sql`SELECT (SELECT count(*)::int FROM conversations) AS conversations, (SELECT count(*)::int FROM messages) AS messages`;
    const summary = await admin.privacy.contact.query({ contactId: subject.contactId });
    expect(summary).toMatchObject({
      confirmation: SUBJECT.name,
      erasedAt: null,
      holdings: { conversations: 2, openConversations: 0, files: 2, notes: true },
    });
    const done = await admin.privacy.eraseContact.mutate({
      contactId: subject.contactId,
      confirmation: `  ${SUBJECT.name.toUpperCase()} `,
      requestedBy: 'REQ-2026-0042',
    });
    expect(done).toMatchObject({ conversations: 2, files: 2 });

    // The agent's open notes are closed for good (4403), and their copy cannot come back.
    await waitFor(async () => subject.notes.closes.includes(CloseCode.Forbidden), 'the open notes closed with 4403');
    expect(await upgradeStatus(app.url, `notes:${subject.contactId}`, { cookie: ana.cookie! })).toBe(403);
    const stale = new Y.Doc();
    addNoteEntry(stale, ids.users['ana@demo.test'], SUBJECT.note);
    await appendDocUpdates(sql, [
      { orgId: ids.orgId, docName: `notes:${subject.contactId}`, data: Y.encodeStateAsUpdate(stale), userId: null },
      { orgId: ids.orgId, docName: `conversation:${subject.whatsappConversationId}`, data: Y.encodeStateAsUpdate(stale), userId: null },
    ]);

    expect(await findEverywhere(sql, SUBJECT_NEEDLES)).toEqual([]);
    for (const key of subject.storageKeys) expect(await app.services.storage.stat(key)).toBeNull();
    expect(await sql`SELECT 1 FROM attachment_blobs WHERE key = ANY(${subject.storageKeys}::text[])`).toHaveLength(0);

    // Search finds none of it; reports and counts are as they were; the rows stay.
    for (const word of ['xylofonebanana', 'tamarindoazul', 'jabuticabeirapurpura', 'comprovante renda', 'protocolo 2026']) {
      expect([word, (await ana.search.messages.query({ query: word })).length]).toEqual([word, 0]);
    }
    for (const query of ['Zuleica', SUBJECT.whatsapp, SUBJECT.email]) {
      expect([query, JSON.stringify(await ana.contacts.search.query({ query })).includes(subject.contactId)]).toEqual([query, false]);
    }
    expect(await admin.reports.summary.query(period)).toEqual(reportBefore);
    const [countsAfter] =
      await sql`SELECT (SELECT count(*)::int FROM conversations) AS conversations, (SELECT count(*)::int FROM messages) AS messages`;
    expect(countsAfter).toEqual(countsBefore);
    const [contact] =
      await sql`SELECT name, email, whatsapp, webchat_visitor_id, fields, erased_at FROM contacts WHERE id = ${subject.contactId}`;
    expect(['Erased contact', 'Contato apagado', 'Contacto borrado']).toContain(contact!.name);
    expect(contact).toMatchObject({ email: null, whatsapp: null, webchat_visitor_id: null, fields: {} });
    expect(contact!.erased_at).toBeInstanceOf(Date);
    const [conversation] = await sql`SELECT rating, disposition_id, status FROM conversations WHERE id = ${subject.whatsappConversationId}`;
    expect(conversation).toMatchObject({ rating: 4, status: 'closed' });
    expect(conversation!.disposition_id).not.toBeNull();

    // The webhook log kept only the delivery about someone else.
    expect((await sql`SELECT payload FROM webhook_deliveries`).map((d) => d.payload.contact.name)).toEqual(['Someone Else']);

    // Audited: who, on whose request, how much — never what.
    const [row] = await sql`SELECT actor_user_id, details FROM audit_log WHERE action = 'contact_erased'`;
    expect(row).toMatchObject({
      actor_user_id: ids.users['admin@demo.test'],
      details: { contactId: subject.contactId, requestedBy: 'REQ-2026-0042', conversations: 2, files: 2 },
    });
    expect(
      await code(
        admin.privacy.eraseContact.mutate({ contactId: subject.contactId, confirmation: contact!.name as string, requestedBy: 'R' }),
      ),
    ).toBe('CONFLICT');
  });
});
