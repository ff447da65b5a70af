import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/helpers/app.ts';
import { createOtherOrg } from '../../test/helpers/orgs.ts';

let app: TestApp;
let ana: string;
let bruno: string;
let outsider: string;
// A 1×1 PNG.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

beforeAll(async () => {
  app = await startTestApp({ UPLOAD_MAX_BYTES: String(64 * 1024) });
  ana = (await app.login('ana@demo.test')).cookie!;
  bruno = (await app.login('bruno@demo.test')).cookie!;
  const other = await createOtherOrg(app.db.sql, 'uploads');
  outsider = (await app.login(other.agent.email, other.password)).cookie!;
});
afterAll(() => app?.stop());

async function upload(cookie: string | null, body: Blob, name: string, purpose = 'message') {
  const form = new FormData();
  form.append('file', body, name);
  return fetch(`${app.url}/uploads?purpose=${purpose}`, { method: 'POST', headers: cookie ? { cookie } : {}, body: form });
}

describe('/uploads', () => {
  it('stores a file and serves it back to its uploader', async () => {
    const res = await upload(ana, new Blob([PNG], { type: 'image/png' }), 'me.png', 'avatar');
    expect(res.status).toBe(201);
    const { id, url, size } = await res.json();
    expect(size).toBe(PNG.length);
    const back = await fetch(`${app.url}${url}`, { headers: { cookie: ana } });
    expect(back.status).toBe(200);
    expect(back.headers.get('content-type')).toBe('image/png');
    expect(back.headers.get('x-content-type-options')).toBe('nosniff');
    // Behind a session: no cache keeps a copy after it ends.
    expect(back.headers.get('cache-control')).toBe('no-store');
    expect(Buffer.from(await back.arrayBuffer()).equals(PNG)).toBe(true);
    // The profile photo uses it, and colleagues see it.
    const anaClient = app.client();
    anaClient.cookie = ana;
    const { user } = await anaClient.auth.updateProfile.mutate({ photoAttachmentId: id });
    expect(user.photoUrl).toBe(`/uploads/${id}`);
    expect((await fetch(`${app.url}${url}`, { headers: { cookie: bruno } })).status).toBe(200);
  });

  it('refuses a logged-out upload and download', async () => {
    expect((await upload(null, new Blob(['x'], { type: 'text/plain' }), 'a.txt')).status).toBe(401);
    const res = await upload(ana, new Blob(['x'], { type: 'text/plain' }), 'a.txt');
    const { url } = await res.json();
    expect((await fetch(`${app.url}${url}`)).status).toBe(401);
  });

  it('never serves a file to another organization, nor a message file to a colleague with no access', async () => {
    const res = await upload(ana, new Blob(['secret'], { type: 'text/plain' }), 'secret.txt');
    const { url } = await res.json();
    expect((await fetch(`${app.url}${url}`, { headers: { cookie: outsider } })).status).toBe(404);
    expect((await fetch(`${app.url}${url}`, { headers: { cookie: bruno } })).status).toBe(404);
    const avatar = await upload(ana, new Blob([PNG], { type: 'image/png' }), 'a.png', 'avatar');
    expect((await fetch(`${app.url}${(await avatar.json()).url}`, { headers: { cookie: outsider } })).status).toBe(404);
  });

  it('serves a file of the notes to every user of the organization (they all co-edit notes), never to another organization', async () => {
    const res = await upload(ana, new Blob(['call back at 10'], { type: 'text/plain' }), 'note.txt', 'note');
    expect(res.status).toBe(201);
    const { url } = await res.json();
    expect((await fetch(`${app.url}${url}`, { headers: { cookie: bruno } })).status).toBe(200);
    expect((await fetch(`${app.url}${url}`, { headers: { cookie: outsider } })).status).toBe(404);
    expect((await fetch(`${app.url}${url}`)).status).toBe(401);
  });

  it('enforces size and type limits, and keeps nothing of a refused file', async () => {
    const before = (await app.db.sql`SELECT count(*)::int AS n FROM attachments`)[0]!.n;
    const big = await upload(ana, new Blob([Buffer.alloc(65 * 1024)], { type: 'application/pdf' }), 'big.pdf');
    expect(big.status).toBe(413);
    expect((await big.json()).error.message).toMatch(/64 KB/);
    const exe = await upload(ana, new Blob(['MZ'], { type: 'application/x-msdownload' }), 'x.exe');
    expect(exe.status).toBe(415);
    const notImage = await upload(ana, new Blob(['%PDF'], { type: 'application/pdf' }), 'x.pdf', 'avatar');
    expect(notImage.status).toBe(415);
    const none = await fetch(`${app.url}/uploads`, {
      method: 'POST',
      headers: { cookie: ana, 'content-type': 'multipart/form-data; boundary=zzz' },
      body: '--zzz--\r\n',
    });
    expect(none.status).toBe(400);
    expect((await app.db.sql`SELECT count(*)::int AS n FROM attachments`)[0]!.n).toBe(before);
  });

  it("refuses a profile photo that is not the user's own upload", async () => {
    const res = await upload(bruno, new Blob([PNG], { type: 'image/png' }), 'b.png', 'avatar');
    const { id } = await res.json();
    const anaClient = app.client();
    anaClient.cookie = ana;
    await expect(anaClient.auth.updateProfile.mutate({ photoAttachmentId: id })).rejects.toMatchObject({ data: { code: 'NOT_FOUND' } });
  });
});
