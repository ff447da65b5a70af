import { spawnSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApp, startApp } from '../server/app.ts';
import { createLogger } from '../server/log.ts';
import { LocalDiskStorage } from '../server/services/storage.ts';
import { PostgresStorage } from '../server/services/storage-pg.ts';
import { S3Storage } from '../server/services/storage-s3.ts';
import { startTestApp, type TestApp, testEnv } from '../test/helpers/app.ts';
import { type LocalS3, startS3 } from '../test/helpers/s3.ts';
import { moveAttachments } from './attachments-move.ts';

/** `npm run attachments:move`: disk → pg → s3, a stopped run finished by the next, a rerun that changes nothing. */
let app: TestApp;
let s3: LocalS3;
let dir: string;
let ana: string;
const files: Array<{ id: string; bytes: Buffer }> = [];
let disk: LocalDiskStorage;
let pg: PostgresStorage;
let bucket: S3Storage;
let onS3: RunningApp | null = null;
let onS3Dir: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atende-move-'));
  s3 = await startS3();
  // As a deployment before shared storage: files on a disk, rows in PostgreSQL.
  app = await startTestApp({ ATTACHMENT_STORAGE: 'disk', ATTACHMENT_DIR: dir });
  ana = (await app.login('ana@demo.test')).cookie!;
  for (const size of [10, 1000, 300 * 1024 + 5, 70 * 1024, 1]) {
    const bytes = randomBytes(size);
    const form = new FormData();
    form.append('file', new Blob([bytes], { type: 'application/pdf' }), 'doc.pdf');
    const res = await fetch(`${app.url}/uploads?purpose=message`, { method: 'POST', headers: { cookie: ana }, body: form });
    expect(res.status).toBe(201);
    files.push({ id: ((await res.json()) as { id: string }).id, bytes });
  }
  disk = new LocalDiskStorage(dir);
  pg = new PostgresStorage(app.db.sql);
  bucket = new S3Storage({
    endpoint: s3.url,
    bucket: s3.bucket,
    region: 'us-east-1',
    accessKeyId: s3.env.S3_ACCESS_KEY_ID!,
    secretAccessKey: s3.env.S3_SECRET_ACCESS_KEY!,
    forcePathStyle: true,
  });
});
afterAll(async () => {
  await onS3?.close();
  await bucket?.close();
  await app?.stop();
  await s3?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
  if (onS3Dir) fs.rmSync(onS3Dir, { recursive: true, force: true });
});

const blobs = async () => (await app.db.sql`SELECT id FROM attachment_blobs WHERE complete ORDER BY id`).map((r) => r.id as string);

describe('attachments:move', () => {
  it('disk → pg: a run stopped midway is finished by the next (the command), and a rerun changes nothing', async () => {
    // Stopped after two files, as a crash would.
    let done = 0;
    await expect(
      moveAttachments({
        sql: app.db.sql,
        from: disk,
        to: pg,
        concurrency: 1,
        afterEach: () => {
          if (++done === 2) throw new Error('stopped');
        },
      }),
    ).rejects.toThrow('stopped');
    expect(await blobs()).toHaveLength(2);

    const run = spawnSync(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'attachments-move.ts'), '--to', 'pg'], {
      env: {
        PATH: process.env.PATH ?? '',
        DATABASE_URL: app.db.url,
        ATTACHMENT_STORAGE: 'disk',
        ATTACHMENT_DIR: dir,
        ATENDE_DATA_DIR: app.env.ATENDE_DATA_DIR,
      },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('Attachments disk → pg: 5 looked at.');
    expect(run.stdout).toMatch(/copied and verified: +3 /);
    expect(run.stdout).toMatch(/already there: +2\n/);
    expect(run.stdout).toContain('Set ATTACHMENT_STORAGE=pg');

    const stored = await blobs();
    expect(stored).toHaveLength(5);
    const again = await moveAttachments({ sql: app.db.sql, from: disk, to: pg });
    expect(again).toMatchObject({ total: 5, copied: 0, alreadyThere: 5, missing: 0, failed: 0, deletedFromSource: 0 });
    // Nothing rewritten.
    expect(await blobs()).toEqual(stored);
    // The source is kept without --delete-source.
    for (const f of files) expect((await disk.stat(`${await orgId()}/${f.id}`))?.sizeBytes).toBe(f.bytes.length);
  });

  it('pg → s3 with --delete-source: verified copies, the source emptied, a lost file reported; served from S3 with nothing else changed', async () => {
    // A row whose file is nowhere.
    await app.db.sql`INSERT INTO attachments (org_id, id, purpose, filename, content_type, size_bytes, storage_key, sha256)
      VALUES (${await orgId()}, ${randomUUID()}, 'message', 'lost.pdf', 'application/pdf', 3, ${`${await orgId()}/lost`}, ${'0'.repeat(64)})`;
    const lines: string[] = [];
    const summary = await moveAttachments({ sql: app.db.sql, from: pg, to: bucket, deleteSource: true, log: (l) => lines.push(l) });
    expect(summary).toMatchObject({ total: 6, copied: 5, alreadyThere: 0, missing: 1, failed: 0, deletedFromSource: 5 });
    expect(lines).toEqual([expect.stringContaining('/lost')]);
    expect(await blobs()).toEqual([]);
    expect(Number((await app.db.sql`SELECT count(*) AS n FROM attachment_blob_chunks`)[0]!.n)).toBe(0);

    const rerun = await moveAttachments({ sql: app.db.sql, from: pg, to: bucket, deleteSource: true });
    expect(rerun).toMatchObject({ copied: 0, alreadyThere: 5, missing: 1, failed: 0 });

    // A process on S3 serves every file by the same key.
    onS3Dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atende-move-s3-'));
    onS3 = await startApp(testEnv(app.db.url, onS3Dir, s3.env), createLogger('silent'), app.db.url);
    for (const f of files) {
      const res = await fetch(`${onS3.url}/uploads/${f.id}`, { headers: { cookie: ana } });
      expect(res.status).toBe(200);
      expect(Buffer.from(await res.arrayBuffer()).equals(f.bytes)).toBe(true);
    }
  });

  it('a copy whose bytes are not the recorded ones is removed and counted as failed', async () => {
    const key = `${await orgId()}/${files[0]!.id}`;
    // The source's bytes changed since the upload (a corrupted disk).
    await disk.put(key, Readable.from([Buffer.from('not what was uploaded')]), 1000);
    await pg.delete(key);
    const lines: string[] = [];
    const summary = await moveAttachments({ sql: app.db.sql, from: disk, to: pg, log: (l) => lines.push(l) });
    expect(summary.failed).toBe(1);
    expect(await pg.stat(key)).toBeNull();
    expect(lines.some((l) => l.includes(key) && l.includes('SHA-256'))).toBe(true);
  });
});

async function orgId(): Promise<string> {
  return (await app.db.sql`SELECT org_id FROM users WHERE email = 'ana@demo.test'`)[0]!.org_id as string;
}
