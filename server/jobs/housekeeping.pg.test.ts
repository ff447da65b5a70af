import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Channel } from '../../db/queries/channels.ts';
import { startTestApp, type TestApp, type TestClient } from '../../test/helpers/app.ts';
import { makeChannel } from '../../test/helpers/conversations.ts';
import { demoIds } from '../../test/helpers/orgs.ts';
import { sweepUnattachedUploads } from './housekeeping.ts';

let app: TestApp;
let channel: Channel;
let ana: TestClient;
let admin: TestClient;
let orgId: string;
// A 1×1 PNG.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

beforeAll(async () => {
  app = await startTestApp({ UPLOAD_UNATTACHED_TTL_HOURS: '24' });
  const ids = await demoIds(app.db.sql);
  orgId = ids.orgId;
  channel = await makeChannel(app.db.sql, ids, 'webchat');
  ana = await app.login('ana@demo.test');
  admin = await app.login('admin@demo.test');
});
afterAll(() => app?.stop());

/** POST /uploads as this user → the attachment id. */
async function agentUpload(
  who: TestClient,
  purpose: string,
  file: Blob = new Blob(['agent file'], { type: 'text/plain' }),
): Promise<string> {
  const form = new FormData();
  form.append('file', file, 'file');
  const res = await fetch(`${app.url}/uploads?purpose=${purpose}`, { method: 'POST', headers: { cookie: who.cookie! }, body: form });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

async function visitorSession(): Promise<string> {
  const res = await fetch(`${app.url}/webchat/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ channelId: channel.id }),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { visitorToken: string }).visitorToken;
}

/** POST /webchat/upload as this visitor → the attachment id. */
async function visitorUpload(token: string): Promise<string> {
  const form = new FormData();
  form.append('file', new Blob(['visitor file'], { type: 'text/plain' }), 'v.txt');
  const res = await fetch(`${app.url}/webchat/upload`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
  expect(res.status).toBe(201);
  return ((await res.json()) as { attachmentId: string }).attachmentId;
}

/** Makes attachments look uploaded 25 hours ago. */
async function age(ids: string[]): Promise<void> {
  await app.db.sql`UPDATE attachments SET created_at = now() - interval '25 hours' WHERE id = ANY(${ids}::uuid[])`;
}

/** Whether the attachment's row and its stored file exist. */
async function kept(id: string): Promise<{ row: boolean; file: boolean }> {
  const rows = await app.db.sql`SELECT storage_key FROM attachments WHERE id = ${id}`;
  // Uploads are stored under <organization>/<attachment id>.
  return { row: rows.length === 1, file: (await app.services.storage.stat(`${orgId}/${id}`)) !== null };
}

describe('sweep of uploads never attached', () => {
  it('deletes old unattached web chat and /uploads files (row and file), keeps anything in use and anything recent', async () => {
    const visitor = await visitorSession();
    const oldVisitorFile = await visitorUpload(visitor);
    const oldAgentFile = await agentUpload(ana, 'message');
    // In use: sent by the visitor in a message, Ana's photo, a canned response's file.
    const sentFile = await visitorUpload(visitor);
    const sent = await fetch(`${app.url}/webchat/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${visitor}`, 'content-type': 'application/json' },
      body: JSON.stringify({ clientMessageId: randomUUID(), attachmentId: sentFile }),
    });
    expect(sent.status).toBe(201);
    const photo = await agentUpload(ana, 'avatar', new Blob([PNG], { type: 'image/png' }));
    await ana.auth.updateProfile.mutate({ photoAttachmentId: photo });
    const cannedFile = await agentUpload(admin, 'canned');
    await admin.admin.canned.create.mutate({ shortcut: 'sweep-kept', title: 'Kept', body: 'See the file.', attachmentIds: [cannedFile] });
    await age([oldVisitorFile, oldAgentFile, sentFile, photo, cannedFile]);
    // Recent, unattached: the person may still be writing the message.
    const recentVisitorFile = await visitorUpload(visitor);
    const recentAgentFile = await agentUpload(ana, 'message');

    const swept = await sweepUnattachedUploads(app.services);
    expect(swept).toBe(2);
    expect(await kept(oldVisitorFile)).toEqual({ row: false, file: false });
    expect(await kept(oldAgentFile)).toEqual({ row: false, file: false });
    expect(await app.db.sql`SELECT 1 FROM webchat_uploads WHERE attachment_id = ${oldVisitorFile}`).toHaveLength(0);
    for (const id of [sentFile, photo, cannedFile, recentVisitorFile, recentAgentFile])
      expect(await kept(id)).toEqual({ row: true, file: true });
    // Idempotent: nothing more to do.
    expect(await sweepUnattachedUploads(app.services)).toBe(0);
    // What is kept is still served.
    expect((await fetch(`${app.url}/uploads/${cannedFile}`, { headers: { cookie: ana.cookie! } })).status).toBe(200);
  });

  it('several processes sweeping at once delete each file once', async () => {
    const ids = await Promise.all(Array.from({ length: 6 }, () => agentUpload(ana, 'message')));
    await age(ids);
    const counts = await Promise.all([
      sweepUnattachedUploads(app.services),
      sweepUnattachedUploads(app.services),
      sweepUnattachedUploads(app.services),
    ]);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(6);
    for (const id of ids) expect(await kept(id)).toEqual({ row: false, file: false });
  });

  it('a file that cannot be removed is logged, and the sweep goes on', async () => {
    const ids = await Promise.all([agentUpload(ana, 'message'), agentUpload(ana, 'message')]);
    await age(ids);
    const storage = app.services.storage;
    const original = storage.delete.bind(storage);
    let failures = 0;
    storage.delete = async (key) => {
      if (failures++ === 0) throw new Error('disk says no');
      return original(key);
    };
    try {
      expect(await sweepUnattachedUploads(app.services)).toBe(2);
    } finally {
      storage.delete = original;
    }
    expect(failures).toBe(2);
    const states = await Promise.all(ids.map(kept));
    expect(states.every((s) => !s.row)).toBe(true);
    expect(states.filter((s) => s.file)).toHaveLength(1);
  });
});
