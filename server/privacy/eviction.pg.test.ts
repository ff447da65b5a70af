import { afterAll, beforeAll, expect, it } from 'vitest';
import { addNoteEntry } from '../../sync/shared/schemas.ts';
import { CloseCode } from '../../sync/shared/close-codes.ts';
import type { RunningApp } from '../app.ts';
import { startSecondProcess, startTestApp, type TestApp } from '../../test/helpers/app.ts';
import { makeContact } from '../../test/helpers/factories.ts';
import { demoIds, waitFor } from '../../test/helpers/orgs.ts';
import { connectDoc } from '../../test/helpers/sync.ts';

/**
 * An erasure on one process reaches the notes another process holds in memory (through the
 * event bus): that process drops the document and closes its sockets with 4403, and nothing of
 * the old notes is stored again.
 */
let app: TestApp;
let second: RunningApp;

beforeAll(async () => {
  app = await startTestApp();
  second = await startSecondProcess(app);
}, 60_000);
afterAll(async () => {
  await second?.close();
  await app?.stop();
});

it('drops the erased notes from the memory of every process and closes their clients for good', async () => {
  const sql = app.db.sql;
  const ids = await demoIds(sql);
  const contactId = await makeContact(sql, ids.orgId, { name: 'Eviction Subject', whatsapp: '5511955557777' });
  const name = `notes:${contactId}`;
  const ana = await app.login('ana@demo.test');
  // Ana's tab talks to the second process; the admin erases through the first.
  const notes = connectDoc(second.url, name, ana.cookie);
  try {
    await notes.synced();
    addNoteEntry(notes.doc, ids.users['ana@demo.test'], 'segredo evictionnote');
    await waitFor(async () => (await sql`SELECT 1 FROM doc_updates WHERE doc_name = ${name}`).length > 0, 'notes stored');
    expect(second.sync.loadedRooms().some((r) => r.name.name === name)).toBe(true);

    const admin = await app.login('admin@demo.test');
    await admin.privacy.eraseContact.mutate({ contactId, confirmation: 'Eviction Subject', requestedBy: 'REQ-EVICT' });

    await waitFor(async () => notes.closes.includes(CloseCode.Forbidden), 'the second process closed the notes with 4403');
    expect(second.sync.loadedRooms().some((r) => r.name.name === name)).toBe(false);
    // The client, refused for good, does not come back; its edit after the erasure goes nowhere.
    addNoteEntry(notes.doc, ids.users['ana@demo.test'], 'depois evictionnote');
    expect(notes.provider.wsconnected).toBe(false);
    expect(await sql`SELECT 1 FROM doc_updates WHERE doc_name = ${name}`).toHaveLength(0);
    expect(await sql`SELECT 1 FROM contact_notes_text WHERE contact_id = ${contactId}`).toHaveLength(0);
  } finally {
    notes.destroy();
  }
});
