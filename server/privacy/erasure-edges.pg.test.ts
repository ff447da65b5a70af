import { randomBytes, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { insertAttachment } from '../../db/queries/attachments.ts';
import { attachFetchedMedia } from '../../db/queries/messages.ts';
import { anonymizeContact, eraseConversationContent, lockContactForErasure } from '../../db/queries/privacy.ts';
import { refusal, startTestApp, type TestApp } from '../../test/helpers/app.ts';
import { inbound, makeChannel } from '../../test/helpers/conversations.ts';
import { makeContact } from '../../test/helpers/factories.ts';
import { demoIds, waitFor } from '../../test/helpers/orgs.ts';
import { ingestInbound } from '../commands/conversations/ingest.ts';

/**
 * Erasure at its edges: what arrives while it runs, and files no message holds.
 * A customer writes while their erasure is running: the message was matched to the contact by
 * its number before the erasure committed. It must start a new contact, not reopen the erased
 * one (nor give it back the WhatsApp user id the message carries).
 */
let app: TestApp;

beforeAll(async () => {
  app = await startTestApp();
}, 60_000);
afterAll(async () => {
  await app?.stop();
});

it('a message arriving during an erasure goes to a new contact, and the erased one gains nothing', async () => {
  const sql = app.services.sql;
  const ids = await demoIds(sql);
  const wa = await makeChannel(sql, ids, 'whatsapp');
  const number = '5511944443333';
  await inbound(app, wa, { from: number, text: 'Oi', name: 'Racing Subject' });
  const first = await inbound(app, wa, { from: number, text: '1' });
  const erasedId = first.conversation.contactId;
  await sql`UPDATE conversations SET status = 'closed', closed_at = now() WHERE id = ${first.conversation.id}`;

  // The erasure holds the contact (as eraseContact does) and has not committed yet.
  let commit!: () => void;
  const gate = new Promise<void>((r) => {
    commit = r;
  });
  let locked!: () => void;
  const holding = new Promise<void>((r) => {
    locked = r;
  });
  const erasure = sql.begin(async (tx) => {
    const c = await lockContactForErasure(tx, ids.orgId, erasedId);
    await anonymizeContact(tx, ids.orgId, erasedId, 'Erased contact', c!.webchatVisitorId);
    await tx`UPDATE conversations SET erased_at = now() WHERE contact_id = ${erasedId}`;
    locked();
    await gate;
  });
  await holding;
  const arriving = ingestInbound(app.services, {
    channel: wa,
    from: { whatsapp: number, whatsappUserId: 'BR.racing-subject-0001', name: 'Racing Subject' },
    channelMessageId: 'wamid.erasure-race-0001',
    sentAt: new Date(),
    kind: 'text',
    text: 'hello again during the erasure',
  });
  // The message's transaction waits for the erasure's lock on the contact.
  await waitFor(
    async () => (await sql`SELECT 1 FROM pg_locks WHERE NOT granted AND locktype IN ('transactionid', 'tuple')`).length > 0,
    'the message waiting for the erasure',
  );
  commit();
  await erasure;
  const stored = await arriving;

  expect(stored.conversation.contactId).not.toBe(erasedId);
  const [fresh] = await sql`SELECT whatsapp, whatsapp_user_id, erased_at FROM contacts WHERE id = ${stored.conversation.contactId}`;
  expect(fresh).toEqual({ whatsapp: number, whatsapp_user_id: 'BR.racing-subject-0001', erased_at: null });
  const [erased] = await sql`SELECT whatsapp, whatsapp_user_id FROM contacts WHERE id = ${erasedId}`;
  expect(erased).toEqual({ whatsapp: null, whatsapp_user_id: null });
  const conversations = await sql`SELECT id FROM conversations WHERE contact_id = ${erasedId}`;
  expect(conversations.map((c) => c.id)).toEqual([first.conversation.id]);
});

it('a customer file fetched while its message is erased is not attached afterwards, nor kept', async () => {
  const sql = app.services.sql;
  const ids = await demoIds(sql);
  const wa = await makeChannel(sql, ids, 'whatsapp');
  await inbound(app, wa, { from: '5511944442222', text: 'Oi' });
  const queued = await inbound(app, wa, { from: '5511944442222', text: '1' });
  const conversationId = queued.conversation.id;
  const [message] =
    await sql`INSERT INTO messages (org_id, conversation_id, channel_id, direction, kind, text, payload, status, media_status)
    VALUES (${ids.orgId}, ${conversationId}, ${wa.id}, 'in', 'document', '', ${sql.json({ media: { id: '4400778' } })}, 'received', 'pending')
    RETURNING id`;
  await sql`UPDATE conversations SET status = 'closed', closed_at = now() WHERE id = ${conversationId}`;
  // The media worker has the file and its row when the erasure commits.
  const fileId = randomUUID();
  await insertAttachment(sql, {
    id: fileId,
    orgId: ids.orgId,
    uploadedBy: null,
    purpose: 'message',
    filename: 'late-file.pdf',
    contentType: 'application/pdf',
    sizeBytes: 3,
    storageKey: `${ids.orgId}/${fileId}`,
    sha256: 'x',
  });
  await sql.begin((tx) => eraseConversationContent(tx, ids.orgId, [conversationId]));

  expect(await attachFetchedMedia(sql, ids.orgId, message!.id as string, fileId)).toBe(false);
  const [after] = await sql`SELECT attachment_id, media_status FROM messages WHERE id = ${message!.id as string}`;
  expect(after).toEqual({ attachment_id: null, media_status: 'failed' });
  expect(await sql`SELECT 1 FROM attachments WHERE id = ${fileId}`).toHaveLength(0);
});

it('erases the files a web chat visitor uploaded and never sent, from the database and the store', async () => {
  const sql = app.services.sql;
  const ids = await demoIds(sql);
  const wc = await makeChannel(sql, ids, 'webchat');
  const [visitor] = await sql`INSERT INTO webchat_visitors (org_id, channel_id, token_hash, name)
    VALUES (${ids.orgId}, ${wc.id}, ${randomBytes(32)}, 'Unsent Uploader') RETURNING id`;
  const contactId = await makeContact(sql, ids.orgId, { name: 'Unsent Uploader', webchatVisitorId: visitor!.id as string });
  const fileId = randomUUID();
  const key = `${ids.orgId}/${fileId}`;
  const stored = await app.services.storage.put(key, Readable.from([Buffer.from('UNSENT-UPLOAD-BYTES')]), 1_000);
  await insertAttachment(sql, {
    id: fileId,
    orgId: ids.orgId,
    uploadedBy: null,
    purpose: 'message',
    filename: 'unsent-payslip.pdf',
    contentType: 'application/pdf',
    sizeBytes: stored.sizeBytes,
    storageKey: key,
    sha256: stored.sha256,
  });
  await sql`INSERT INTO webchat_uploads (org_id, attachment_id, visitor_id) VALUES (${ids.orgId}, ${fileId}, ${visitor!.id as string})`;

  const admin = await app.login('admin@demo.test');
  const done = await admin.privacy.eraseContact.mutate({ contactId, confirmation: 'Unsent Uploader', requestedBy: 'REQ-UNSENT' });
  expect(done.files).toBe(1);
  expect(await sql`SELECT 1 FROM attachments WHERE id = ${fileId}`).toHaveLength(0);
  expect(await app.services.storage.stat(key)).toBeNull();
});

it('a webhook delivery the follower is queueing while the contact is erased is deleted too', async () => {
  const sql = app.services.sql;
  const ids = await demoIds(sql);
  const contactId = await makeContact(sql, ids.orgId, { name: 'Hooked Subject', whatsapp: '5511944441111' });
  const [endpoint] = await sql`INSERT INTO webhook_endpoints (org_id, url, events, secret, after_event_id, active)
    VALUES (${ids.orgId}, 'https://crm.example.test/race', '{contact.updated}', 'whsec-race', 0, false) RETURNING id`;
  await sql`INSERT INTO webhook_cursors (org_id, last_event_id) VALUES (${ids.orgId}, 0) ON CONFLICT (org_id) DO NOTHING`;

  // The follower holds the organization's cursor and has built a delivery from the contact as it was.
  let commit!: () => void;
  const gate = new Promise<void>((r) => {
    commit = r;
  });
  let queued!: () => void;
  const queueing = new Promise<void>((r) => {
    queued = r;
  });
  const follower = sql.begin(async (tx) => {
    await tx`SELECT 1 FROM webhook_cursors WHERE org_id = ${ids.orgId} FOR UPDATE SKIP LOCKED`;
    await tx`INSERT INTO webhook_deliveries (org_id, endpoint_id, event_key, event_type, payload)
      VALUES (${ids.orgId}, ${endpoint!.id as string}, ${randomUUID()}, 'contact.updated',
        ${sql.json({ contact: { id: contactId, name: 'Hooked Subject', whatsapp: '5511944441111' } })})`;
    queued();
    await gate;
  });
  await queueing;
  const admin = await app.login('admin@demo.test');
  let settled = false;
  const erasure = admin.privacy.eraseContact.mutate({ contactId, confirmation: 'Hooked Subject', requestedBy: 'REQ-HOOK' }).finally(() => {
    settled = true;
  });
  // Either the erasure waits for the follower (as it must), or it finished without it.
  await waitFor(
    async () => settled || (await sql`SELECT 1 FROM pg_locks WHERE NOT granted AND locktype IN ('transactionid', 'tuple')`).length > 0,
    'the erasure waiting for the follower',
  );
  commit();
  await follower;
  await erasure;
  expect(await sql`SELECT 1 FROM webhook_deliveries WHERE strpos(payload::text, ${contactId}) > 0`).toHaveLength(0);
});

it('refuses a contact form saved after the erasure (a stale screen): the person is not written back', async () => {
  const sql = app.services.sql;
  const ids = await demoIds(sql);
  const contactId = await makeContact(sql, ids.orgId, { name: 'Stale Form Subject', email: 'stale.form@example.test' });
  const admin = await app.login('admin@demo.test');
  await admin.privacy.eraseContact.mutate({ contactId, confirmation: 'Stale Form Subject', requestedBy: 'REQ-STALE' });
  const ana = await app.login('ana@demo.test');
  const refused = await refusal(
    ana.contacts.update.mutate({ id: contactId, name: 'Stale Form Subject', email: 'stale.form@example.test' }),
  );
  expect(refused).toMatchObject({ code: 'CONFLICT', data: { reason: 'privacy.contactErased' } });
  const [row] = await sql`SELECT name, email FROM contacts WHERE id = ${contactId}`;
  expect(row!.email).toBeNull();
  expect(row!.name).not.toBe('Stale Form Subject');
});
