import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/helpers/app.ts';
import { demoIds } from '../../test/helpers/orgs.ts';
import { findEverywhere, seedSubject, SUBJECT, SUBJECT_NEEDLES, type SeededSubject } from '../../test/helpers/privacy.ts';

/** The same erasure with attachment bytes on disk (ATTACHMENT_STORAGE=disk): the files leave the folder. */
let app: TestApp;
let dir: string;
let subject: SeededSubject;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atende-privacy-files-'));
  app = await startTestApp({ ATTACHMENT_STORAGE: 'disk', ATTACHMENT_DIR: dir });
  const admin = await app.login('admin@demo.test');
  subject = await seedSubject(app, await demoIds(app.db.sql), admin);
}, 120_000);
afterAll(async () => {
  subject?.notes.destroy();
  await app?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Every file under the folder whose bytes contain one of the markers. */
function filesHolding(markers: Buffer[]): string[] {
  const found: string[] = [];
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    const bytes = fs.readFileSync(file);
    if (markers.some((m) => bytes.includes(m))) found.push(file);
  }
  return found;
}

it('removes the contact’s files from the disk store and nothing of it stays in the database', async () => {
  expect(app.services.storage.kind).toBe('disk');
  const markers = [SUBJECT.inboundFile.bytes, SUBJECT.agentFile.bytes];
  expect(filesHolding(markers)).toHaveLength(2);
  const admin = await app.login('admin@demo.test');
  await admin.admin.conversations.forceClose.mutate({ conversationId: subject.webchatConversationId });
  await admin.privacy.eraseContact.mutate({ contactId: subject.contactId, confirmation: SUBJECT.name, requestedBy: 'REQ-DISK-1' });
  expect(filesHolding(markers)).toEqual([]);
  for (const key of subject.storageKeys) expect(await app.services.storage.stat(key)).toBeNull();
  expect(await findEverywhere(app.db.sql, SUBJECT_NEEDLES)).toEqual([]);
});
