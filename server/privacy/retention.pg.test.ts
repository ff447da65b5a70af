import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { insertAttachment } from '../../db/queries/attachments.ts';
import { appendDocUpdates } from '../../db/queries/sync.ts';
import { addNoteEntry } from '../../sync/shared/schemas.ts';
import { refusalOf, startTestApp, type TestApp } from '../../test/helpers/app.ts';
import { makeChannel } from '../../test/helpers/conversations.ts';
import { makeContact, makeConversation } from '../../test/helpers/factories.ts';
import { createOtherOrg, demoIds, waitFor } from '../../test/helpers/orgs.ts';
import { findEverywhere } from '../../test/helpers/privacy.ts';
import { applyRetention } from '../commands/privacy.ts';
import { monthsBefore } from '../domain/privacy.ts';

let app: TestApp;
let ids: Awaited<ReturnType<typeof demoIds>>;
const now = new Date();
const ago = (months: number) => monthsBefore(now, months);

beforeAll(async () => {
  app = await startTestApp();
  ids = await demoIds(app.db.sql);
}, 60_000);
afterAll(() => app?.stop());

const code = async (p: Promise<unknown>) => {
  try {
    await p;
    return 'OK';
  } catch (e) {
    return refusalOf(e)?.code ?? String(e);
  }
};

/** A closed conversation `monthsAgo` old, with one customer message and (optionally) a stored file. */
async function oldConversation(orgId: string, channelId: string, contactId: string, monthsAgo: number, text: string, file?: string) {
  const sql = app.db.sql;
  const at = ago(monthsAgo);
  const id = await makeConversation(sql, orgId, { contactId, channelId, status: 'closed', closedAt: at, rating: 5 });
  await sql`UPDATE conversations SET created_at = ${at} WHERE id = ${id}`;
  let attachmentId: string | null = null;
  let key: string | null = null;
  if (file) {
    attachmentId = randomUUID();
    key = `${orgId}/${attachmentId}`;
    const stored = await app.services.storage.put(key, Readable.from([Buffer.from(`bytes of ${file}`)]), 1000);
    await insertAttachment(sql, {
      id: attachmentId,
      orgId,
      uploadedBy: null,
      purpose: 'message',
      filename: file,
      contentType: 'text/plain',
      sizeBytes: stored.sizeBytes,
      storageKey: key,
      sha256: stored.sha256,
    });
  }
  await sql`INSERT INTO messages (org_id, conversation_id, channel_id, direction, kind, text, attachment_id, status, created_at)
    VALUES (${orgId}, ${id}, ${channelId}, 'in', ${file ? 'document' : 'text'}, ${text}, ${attachmentId}, 'received', ${at})`;
  return { id, key };
}

describe('retention', () => {
  it('is set by admins only, in whole months from 1 to 600, empty meaning forever', async () => {
    const admin = await app.login('admin@demo.test');
    const ana = await app.login('ana@demo.test');
    expect(await admin.privacy.settings.query()).toEqual({ eraseClosedAfterMonths: null, deleteAuditAfterMonths: null });
    expect(await code(ana.privacy.updateSettings.mutate({ eraseClosedAfterMonths: 12, deleteAuditAfterMonths: null }))).toBe('FORBIDDEN');
    expect(await code(admin.privacy.updateSettings.mutate({ eraseClosedAfterMonths: 0, deleteAuditAfterMonths: null }))).toBe(
      'BAD_REQUEST',
    );
    expect(await code(admin.privacy.updateSettings.mutate({ eraseClosedAfterMonths: 601, deleteAuditAfterMonths: null }))).toBe(
      'BAD_REQUEST',
    );
    expect(await code(admin.privacy.updateSettings.mutate({ eraseClosedAfterMonths: 1.5, deleteAuditAfterMonths: null }))).toBe(
      'BAD_REQUEST',
    );
    await admin.privacy.updateSettings.mutate({ eraseClosedAfterMonths: 12, deleteAuditAfterMonths: 24 });
    expect(await admin.privacy.settings.query()).toEqual({ eraseClosedAfterMonths: 12, deleteAuditAfterMonths: 24 });
    const [row] = await app.db.sql`SELECT details FROM audit_log WHERE action = 'privacy_settings_updated'`;
    expect(row!.details).toMatchObject({ after: { eraseClosedAfterMonths: 12, deleteAuditAfterMonths: 24 } });
  });

  it('erases what is old, leaves what is new, and deletes old audit rows — run by the job queue', async () => {
    const sql = app.db.sql;
    const orgId = ids.orgId;
    const channel = await makeChannel(sql, ids);
    // Alfa: only an old conversation, a file and notes → erased whole.
    const alfa = await makeContact(sql, orgId, {
      name: 'Alfa Retencaoantiga',
      whatsapp: '5511900000101',
      email: 'alfa.antiga@example.test',
    });
    const alfaOld = await oldConversation(orgId, channel.id, alfa, 14, 'pedido antigo alfaomegatexto', 'alfa-antigo-arquivo.txt');
    const notes = new Y.Doc();
    addNoteEntry(notes, ids.users['ana@demo.test'], 'nota antiga alfanotaoculta');
    await appendDocUpdates(sql, [{ orgId, docName: `notes:${alfa}`, data: Y.encodeStateAsUpdate(notes), userId: null }]);
    await sql`UPDATE contacts SET updated_at = ${ago(14)} WHERE id = ${alfa}`;
    // Beta: an old conversation and a recent one → the old one's content goes, Beta stays.
    const beta = await makeContact(sql, orgId, { name: 'Beta Retencaomista', whatsapp: '5511900000202' });
    const betaOld = await oldConversation(orgId, channel.id, beta, 13, 'conversa velha betavelhotexto');
    const betaNew = await oldConversation(orgId, channel.id, beta, 2, 'conversa nova betanovotexto');
    await sql`UPDATE contacts SET updated_at = ${ago(13)} WHERE id = ${beta}`;
    // Gama: only recent → untouched.
    const gama = await makeContact(sql, orgId, { name: 'Gama Retencaorecente', whatsapp: '5511900000303' });
    await oldConversation(orgId, channel.id, gama, 1, 'conversa recente gamarecentetexto');
    // Another organization, no retention: its old conversation stays.
    const other = await createOtherOrg(sql, 'retention');
    const [otherChannel] = await sql`INSERT INTO channels (org_id, kind, name) VALUES (${other.org.id}, 'whatsapp', 'Other') RETURNING id`;
    const delta = await makeContact(sql, other.org.id, { name: 'Delta Outraorganizacao' });
    await oldConversation(other.org.id, otherChannel!.id as string, delta, 30, 'texto deltaoutraorg');
    // Audit rows: one past 24 months, one recent.
    await sql`INSERT INTO audit_log (org_id, action, at, details) VALUES (${orgId}, 'login', ${ago(30)}, '{"marker":"auditovelho"}'),
      (${orgId}, 'login', ${ago(1)}, '{"marker":"auditonovo"}'), (${other.org.id}, 'login', ${ago(30)}, '{"marker":"auditooutraorg"}')`;

    await app.services.jobs.add('privacy_retention', { now: now.toISOString() });
    await waitFor(
      async () => (await sql`SELECT erased_at FROM contacts WHERE id = ${alfa}`)[0]!.erased_at !== null,
      'Alfa erased by the job',
      30_000,
    );
    await waitFor(
      async () => (await sql`SELECT 1 FROM audit_log WHERE details->>'marker' = 'auditovelho'`).length === 0,
      'old audit deleted',
      30_000,
    );

    expect(
      await findEverywhere(sql, [
        'Retencaoantiga',
        '5511900000101',
        'alfa.antiga',
        'alfaomegatexto',
        'alfa-antigo-arquivo',
        'alfanotaoculta',
        'betavelhotexto',
        'auditovelho',
      ]),
    ).toEqual([]);
    expect(await app.services.storage.stat(alfaOld.key!)).toBeNull();
    const kept = await findEverywhere(sql, [
      'Retencaomista',
      'betanovotexto',
      'gamarecentetexto',
      'Retencaorecente',
      'deltaoutraorg',
      'auditonovo',
      'auditooutraorg',
    ]);
    expect(kept.map((k) => k.split(': ')[1]!.split(' (')[0]).sort()).toEqual(
      expect.arrayContaining([
        'Retencaomista',
        'betanovotexto',
        'gamarecentetexto',
        'Retencaorecente',
        'deltaoutraorg',
        'auditonovo',
        'auditooutraorg',
      ]),
    );
    const conversations =
      await sql`SELECT id, erased_at, rating, status FROM conversations WHERE id = ANY(${[alfaOld.id, betaOld.id, betaNew.id]}::uuid[])`;
    const erased = (id: string) => conversations.find((c) => c.id === id)!.erased_at !== null;
    expect([erased(alfaOld.id), erased(betaOld.id), erased(betaNew.id)]).toEqual([true, true, false]);
    // The facts reports count stay.
    expect(conversations.every((c) => c.rating === 5 && c.status === 'closed')).toBe(true);
    const [betaRow] = await sql`SELECT name, erased_at FROM contacts WHERE id = ${beta}`;
    expect(betaRow).toEqual({ name: 'Beta Retencaomista', erased_at: null });
    const [applied] = await sql`SELECT details FROM audit_log WHERE action = 'retention_applied' AND org_id = ${orgId}`;
    expect(applied!.details).toMatchObject({ conversations: 2, contacts: 1, files: 1 });

    // A second run finds nothing more to do.
    const again = await applyRetention(app.services, now);
    expect(again.get(orgId)).toEqual({ conversations: 0, contacts: 0, files: 0, auditRows: 0 });
  });
});
