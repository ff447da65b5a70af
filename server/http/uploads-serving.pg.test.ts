import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestApp, type TestApp } from '../../test/helpers/app.ts';
import { makeChannel } from '../../test/helpers/conversations.ts';
import { demoIds } from '../../test/helpers/orgs.ts';
import { NotFoundError } from '../services/storage.ts';

/** Serving stored files: byte ranges (audio and video seek), and a missing or unreadable file answered, never a cut connection. */
let app: TestApp;
let ana: string;
const body = randomBytes(300 * 1024 + 7);
let url: string;
let storageKey: string;

beforeAll(async () => {
  app = await startTestApp();
  ana = (await app.login('ana@demo.test')).cookie!;
  const form = new FormData();
  form.append('file', new Blob([body], { type: 'video/mp4' }), 'clip.mp4');
  const res = await fetch(`${app.url}/uploads?purpose=message`, { method: 'POST', headers: { cookie: ana }, body: form });
  expect(res.status).toBe(201);
  const answer = (await res.json()) as { id: string; url: string };
  url = answer.url;
  storageKey = (await app.db.sql`SELECT storage_key FROM attachments WHERE id = ${answer.id}`)[0]!.storage_key as string;
});
afterAll(() => app?.stop());

const get = (range?: string) => fetch(`${app.url}${url}`, { headers: { cookie: ana, ...(range ? { range } : {}) } });

describe('byte ranges on /uploads', () => {
  it('answers a single range with 206 and Content-Range, keeping the safety headers', async () => {
    const size = body.length;
    for (const [header, start, end] of [
      ['bytes=0-99', 0, 99],
      ['bytes=1000-', 1000, size - 1],
      ['bytes=-500', size - 500, size - 1],
      ['bytes=262000-263000', 262000, 263000],
    ] as const) {
      const res = await get(header);
      expect(res.status, header).toBe(206);
      expect(res.headers.get('content-range'), header).toBe(`bytes ${start}-${end}/${size}`);
      expect(res.headers.get('content-length'), header).toBe(String(end - start + 1));
      expect(res.headers.get('content-type')).toBe('video/mp4');
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('content-disposition')).toBe('inline; filename="clip.mp4"');
      expect(Buffer.from(await res.arrayBuffer()).equals(body.subarray(start, end + 1)), header).toBe(true);
    }
  });

  it('answers the whole file to no range and to several ranges, and 416 past the end', async () => {
    const whole = await get();
    expect(whole.status).toBe(200);
    expect(whole.headers.get('accept-ranges')).toBe('bytes');
    expect(Buffer.from(await whole.arrayBuffer()).equals(body)).toBe(true);
    const several = await get('bytes=0-9,20-29');
    expect(several.status).toBe(200);
    expect((await several.arrayBuffer()).byteLength).toBe(body.length);
    const past = await get(`bytes=${body.length}-`);
    expect(past.status).toBe(416);
    expect(past.headers.get('content-range')).toBe(`bytes */${body.length}`);
    expect(past.headers.get('cache-control')).toBe('no-store');
  });

  it('ranges on /webchat/files too', async () => {
    const ids = await demoIds(app.db.sql);
    const channel = await makeChannel(app.db.sql, ids, 'webchat');
    const session = await fetch(`${app.url}/webchat/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ channelId: channel.id }),
    });
    const { visitorToken } = (await session.json()) as { visitorToken: string };
    const headers = { authorization: `Bearer ${visitorToken}` };
    const form = new FormData();
    form.append('file', new Blob([body.subarray(0, 5000)], { type: 'audio/ogg' }), 'voice.ogg');
    const up = await fetch(`${app.url}/webchat/upload`, { method: 'POST', headers, body: form });
    expect(up.status).toBe(201);
    const fileUrl = ((await up.json()) as { url: string }).url;
    const part = await fetch(`${app.url}${fileUrl}`, { headers: { ...headers, range: 'bytes=4990-' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe('bytes 4990-4999/5000');
    expect(part.headers.get('cache-control')).toBe('no-store');
    expect(Buffer.from(await part.arrayBuffer()).equals(body.subarray(4990, 5000))).toBe(true);

    // Its stored file gone: 404 with a body, not a cut connection.
    const key = (await app.db.sql`SELECT storage_key FROM attachments WHERE filename = 'voice.ogg' AND purpose = 'webchat'`)[0]!
      .storage_key as string;
    await app.services.storage.delete(key);
    const gone = await fetch(`${app.url}${fileUrl}`, { headers });
    expect(gone.status).toBe(404);
    expect(((await gone.json()) as { error: { code: string } }).error.code).toBe('error.notFound');
  });
});

describe('a stored file that cannot be read', () => {
  it('missing: 404 with the usual body and a log line naming the attachment', async () => {
    const warn = vi.spyOn(app.services.log, 'warn');
    const storage = app.services.storage;
    const original = storage.get.bind(storage);
    // As when the row outlived its file (a lost disk, a move not yet run).
    storage.get = async () => {
      throw new NotFoundError(storageKey);
    };
    try {
      const res = await get();
      expect(res.status).toBe(404);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('error.notFound');
      const ranged = await get('bytes=0-9');
      expect(ranged.status).toBe(404);
      await ranged.body?.cancel();
      expect(warn).toHaveBeenCalledWith(expect.objectContaining({ storageKey }), expect.stringContaining('no stored file'));
    } finally {
      storage.get = original;
      warn.mockRestore();
    }
  });

  it('unreadable: 500 with the usual body and an error log line', async () => {
    const error = vi.spyOn(app.services.log, 'error');
    const storage = app.services.storage;
    const original = storage.get.bind(storage);
    storage.get = async () => {
      throw Object.assign(new Error('permission denied'), { code: 'EACCES' });
    };
    try {
      const res = await get();
      expect(res.status).toBe(500);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('error.internal');
      expect(error).toHaveBeenCalledWith(expect.objectContaining({ storageKey }), expect.stringContaining('could not read'));
    } finally {
      storage.get = original;
      error.mockRestore();
    }
    // Readable again: served again.
    expect((await get()).status).toBe(200);
  });

  it('a file deleted from the store after its row was written: 404, and the process serves on', async () => {
    await app.services.storage.delete(storageKey);
    const res = await get();
    expect(res.status).toBe(404);
    await res.body?.cancel();
    expect((await fetch(`${app.url}/healthz`).catch(() => null))?.status ?? 0).toBeGreaterThan(0);
  });
});
