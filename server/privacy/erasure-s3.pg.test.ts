import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/helpers/app.ts';
import { demoIds } from '../../test/helpers/orgs.ts';
import { findEverywhere, seedSubject, SUBJECT, SUBJECT_NEEDLES, type SeededSubject } from '../../test/helpers/privacy.ts';
import { type LocalS3, startS3 } from '../../test/helpers/s3.ts';

/** The same erasure with attachment bytes in an S3-compatible store (s3rver): the objects are deleted. */
let app: TestApp;
let s3: LocalS3;
let subject: SeededSubject;

beforeAll(async () => {
  s3 = await startS3();
  app = await startTestApp(s3.env);
  const admin = await app.login('admin@demo.test');
  subject = await seedSubject(app, await demoIds(app.db.sql), admin);
}, 120_000);
afterAll(async () => {
  subject?.notes.destroy();
  await app?.stop();
  await s3?.stop();
});

it('deletes the contact’s objects from the S3 store and nothing of it stays in the database', async () => {
  expect(app.services.storage.kind).toBe('s3');
  for (const key of subject.storageKeys) expect(await app.services.storage.stat(key)).not.toBeNull();
  const admin = await app.login('admin@demo.test');
  await admin.admin.conversations.forceClose.mutate({ conversationId: subject.webchatConversationId });
  await admin.privacy.eraseContact.mutate({ contactId: subject.contactId, confirmation: SUBJECT.name, requestedBy: 'REQ-S3-1' });
  for (const key of subject.storageKeys) expect(await app.services.storage.stat(key)).toBeNull();
  expect(await findEverywhere(app.db.sql, SUBJECT_NEEDLES)).toEqual([]);
});
