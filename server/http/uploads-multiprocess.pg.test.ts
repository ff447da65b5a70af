import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type RunningApp, startApp } from '../app.ts';
import { createLogger } from '../log.ts';
import { startTestApp, type TestApp, testEnv } from '../../test/helpers/app.ts';
import { type LocalS3, startS3 } from '../../test/helpers/s3.ts';

/**
 * Two processes on one database, each with its own data folder as two machines have: a file
 * uploaded through A is served by B, whole and by ranges, in each shared store.
 */
const stops: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const stop of stops.reverse()) await stop();
});

async function twoProcesses(overrides: Record<string, string>): Promise<{ a: TestApp; b: RunningApp }> {
  const a = await startTestApp(overrides);
  stops.push(() => a.stop());
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'atende-b-'));
  const env = testEnv(a.db.url, dataDir, overrides);
  const b = await startApp(env, createLogger('silent'), a.db.url);
  stops.push(async () => {
    await b.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
  expect(env.ATENDE_DATA_DIR).not.toBe(a.env.ATENDE_DATA_DIR);
  return { a, b };
}

let s3: LocalS3 | null = null;
const shared = fs.mkdtempSync(path.join(os.tmpdir(), 'atende-shared-'));
stops.push(async () => fs.rmSync(shared, { recursive: true, force: true }));

const stores: Array<[string, () => Promise<Record<string, string>>]> = [
  ['pg (the default with DATABASE_URL)', async () => ({})],
  [
    's3',
    async () => {
      s3 = await startS3();
      const server = s3;
      stops.push(() => server.stop());
      return server.env;
    },
  ],
  ['disk in a shared ATTACHMENT_DIR', async () => ({ ATTACHMENT_STORAGE: 'disk', ATTACHMENT_DIR: shared })],
];

describe.each(stores)('uploads across processes: %s', (_name, configure) => {
  it('a file uploaded through process A is served by process B, whole and by ranges', async () => {
    const { a, b } = await twoProcesses(await configure());
    const ana = (await a.login('ana@demo.test')).cookie!;
    const body = randomBytes(700 * 1024 + 3);
    const form = new FormData();
    form.append('file', new Blob([body], { type: 'audio/ogg' }), 'voice.ogg');
    const up = await fetch(`${a.url}/uploads?purpose=message`, { method: 'POST', headers: { cookie: ana }, body: form });
    expect(up.status).toBe(201);
    const { id, url } = (await up.json()) as { id: string; url: string };

    const whole = await fetch(`${b.url}${url}`, { headers: { cookie: ana } });
    expect(whole.status).toBe(200);
    expect(whole.headers.get('accept-ranges')).toBe('bytes');
    expect(Buffer.from(await whole.arrayBuffer()).equals(body)).toBe(true);

    const part = await fetch(`${b.url}${url}`, { headers: { cookie: ana, range: 'bytes=300000-300999' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 300000-300999/${body.length}`);
    expect(Buffer.from(await part.arrayBuffer()).equals(body.subarray(300000, 301000))).toBe(true);

    const tail = await fetch(`${b.url}${url}`, { headers: { cookie: ana, range: 'bytes=-10' } });
    expect(tail.status).toBe(206);
    expect(Buffer.from(await tail.arrayBuffer()).equals(body.subarray(body.length - 10))).toBe(true);

    // The row outlives its file (lost, or not moved yet): B answers 404 with a body, never a cut connection.
    const [row] = await a.db.sql`SELECT storage_key FROM attachments WHERE id = ${id}`;
    await a.services.storage.delete(row!.storage_key as string);
    for (const range of [undefined, 'bytes=0-99']) {
      const gone = await fetch(`${b.url}${url}`, { headers: { cookie: ana, ...(range ? { range } : {}) } });
      expect(gone.status).toBe(404);
      expect(((await gone.json()) as { error: { code: string } }).error.code).toBe('error.notFound');
    }
  });
});
