import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/helpers/db.ts';
import { type LocalS3, startS3 } from '../../test/helpers/s3.ts';
import { type AttachmentStorage, FileTooLargeError, LocalDiskStorage, NotFoundError } from './storage.ts';
import { PG_CHUNK_BYTES, PostgresStorage } from './storage-pg.ts';
import { S3Storage } from './storage-s3.ts';

/**
 * One contract for every attachment store (automerge-repo's storage adapter tests): what
 * serving, uploads and the move script rely on, run against disk, PostgreSQL and S3 (s3rver).
 */
interface Subject {
  storage: AttachmentStorage;
  /** Objects the store holds, finished or not (a refused write must leave none). */
  leftovers(): Promise<number>;
  /** Bytes of `key` already written while its put is still running; null where the store does not show it. */
  progress(key: string): Promise<number | null>;
}

let db: TestDatabase;
let s3: LocalS3;
let diskRoot: string;
const subjects: Record<string, () => Subject> = {};

beforeAll(async () => {
  db = await createTestDatabase();
  s3 = await startS3();
  diskRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'atende-storage-'));
  subjects.disk = () => {
    const root = path.join(diskRoot, randomBytes(4).toString('hex'));
    const storage = new LocalDiskStorage(root);
    return {
      storage,
      async leftovers() {
        return fs.readdirSync(root, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length;
      },
      async progress(key) {
        const part = path.join(root, `${key}.part`);
        return fs.existsSync(part) ? fs.statSync(part).size : 0;
      },
    };
  };
  subjects.pg = () => {
    const storage = new PostgresStorage(db.sql);
    return {
      storage,
      async leftovers() {
        const [row] = await db.sql`SELECT (SELECT count(*) FROM attachment_blobs) + (SELECT count(*) FROM attachment_blob_chunks) AS n`;
        return Number(row!.n);
      },
      async progress(key) {
        const [row] = await db.sql`SELECT coalesce(sum(length(c.data)), 0) AS n FROM attachment_blobs b
          JOIN attachment_blob_chunks c ON c.blob_id = b.id WHERE b.key = ${key} AND NOT b.complete`;
        return Number(row!.n);
      },
    };
  };
  subjects.s3 = () => {
    const storage = new S3Storage({
      endpoint: s3.url,
      bucket: s3.bucket,
      region: 'us-east-1',
      accessKeyId: s3.env.S3_ACCESS_KEY_ID!,
      secretAccessKey: s3.env.S3_SECRET_ACCESS_KEY!,
      forcePathStyle: true,
    });
    const client = new S3Client({
      endpoint: s3.url,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: s3.env.S3_ACCESS_KEY_ID!, secretAccessKey: s3.env.S3_SECRET_ACCESS_KEY! },
    });
    return {
      storage,
      async leftovers() {
        return (await client.send(new ListObjectsV2Command({ Bucket: s3.bucket }))).KeyCount ?? 0;
      },
      // S3 shows nothing of a multipart upload before it completes; one 5 MB part is its buffer.
      async progress() {
        return null;
      },
    };
  };
});

afterAll(async () => {
  await db?.drop();
  await s3?.stop();
  if (diskRoot) fs.rmSync(diskRoot, { recursive: true, force: true });
});

const KB = 1024;
const MB = 1024 * 1024;

/** `total` bytes of a seeded pattern in `chunk`-byte pieces, made only as they are pulled. */
async function* pattern(total: number, chunk = 64 * KB, seed = 7, onPull?: (sent: number) => Promise<void> | void): AsyncGenerator<Buffer> {
  for (let sent = 0; sent < total; sent += chunk) {
    await onPull?.(sent);
    const n = Math.min(chunk, total - sent);
    const buf = Buffer.alloc(n);
    for (let i = 0; i < n; i++) buf[i] = (sent + i) * seed + ((sent + i) >> 8);
    yield buf;
  }
}

async function bytesOf(total: number, seed = 7): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const b of pattern(total, 64 * KB, seed)) parts.push(b);
  return Buffer.concat(parts);
}

async function readAll(stream: Readable): Promise<{ bytes: Buffer; pieces: number }> {
  const parts: Buffer[] = [];
  for await (const b of stream) parts.push(b as Buffer);
  return { bytes: Buffer.concat(parts), pieces: parts.length };
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const key = () => `org-${randomBytes(3).toString('hex')}/${randomBytes(8).toString('hex')}`;

describe.each(['disk', 'pg', 's3'])('attachment storage contract: %s', (kind) => {
  let subject: Subject;
  beforeAll(() => {
    subject = subjects[kind]!();
  });
  afterAll(() => subject?.storage.close?.());

  it('stores, reads, sizes and deletes an object; an existing key is replaced', async () => {
    const { storage } = subject;
    const k = key();
    const body = await bytesOf(300 * KB + 17);
    expect(await storage.put(k, pattern(body.length), MB)).toEqual({ sizeBytes: body.length, sha256: sha(body) });
    expect((await storage.stat(k))?.sizeBytes).toBe(body.length);
    expect((await readAll(await storage.get(k))).bytes.equals(body)).toBe(true);

    const other = await bytesOf(10 * KB, 3);
    await storage.put(k, pattern(other.length, 64 * KB, 3), MB);
    expect((await storage.stat(k))?.sizeBytes).toBe(other.length);
    expect((await readAll(await storage.get(k))).bytes.equals(other)).toBe(true);

    await storage.delete(k);
    expect(await storage.stat(k)).toBeNull();
    await expect(storage.get(k)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('stores an empty object', async () => {
    const k = key();
    expect(await subject.storage.put(k, pattern(0), MB)).toEqual({ sizeBytes: 0, sha256: sha(Buffer.alloc(0)) });
    expect(await subject.storage.stat(k)).toMatchObject({ sizeBytes: 0 });
    expect((await readAll(await subject.storage.get(k))).bytes.length).toBe(0);
    await subject.storage.delete(k);
  });

  it('a missing key: NotFoundError before any byte, no size, and deleting it is no error', async () => {
    const k = key();
    await expect(subject.storage.get(k)).rejects.toBeInstanceOf(NotFoundError);
    await expect(subject.storage.get(k, { start: 0, end: 9 })).rejects.toBeInstanceOf(NotFoundError);
    expect(await subject.storage.stat(k)).toBeNull();
    await subject.storage.delete(k);
  });

  it('refuses a body over the limit and leaves nothing, not even a part (small, and past the first 5 MB part)', async () => {
    const before = await subject.leftovers();
    for (const [limit, total] of [
      [100 * KB, 300 * KB],
      [6 * MB, 8 * MB],
    ] as const) {
      const k = key();
      await expect(subject.storage.put(k, pattern(total, 256 * KB), limit)).rejects.toBeInstanceOf(FileTooLargeError);
      expect(await subject.storage.stat(k)).toBeNull();
      await expect(subject.storage.get(k)).rejects.toBeInstanceOf(NotFoundError);
    }
    expect(await subject.leftovers()).toBe(before);
  });

  it('a body that fails midway leaves nothing', async () => {
    const before = await subject.leftovers();
    const k = key();
    async function* broken() {
      yield Buffer.alloc(300 * KB, 1);
      throw new Error('client went away');
    }
    await expect(subject.storage.put(k, broken(), MB)).rejects.toThrow('client went away');
    expect(await subject.storage.stat(k)).toBeNull();
    expect(await subject.leftovers()).toBe(before);
  });

  it('a body that fails before its first byte leaves nothing (the file may still be opening)', async () => {
    const before = await subject.leftovers();
    const k = key();
    // biome-ignore lint/correctness/useYield: a body that fails at once
    async function* failing() {
      throw new Error('refused at once');
    }
    await expect(subject.storage.put(k, failing(), MB)).rejects.toThrow('refused at once');
    expect(await subject.leftovers()).toBe(before);
  });

  it('reads ranges: the start, the middle across a chunk boundary, the end, one byte, a whole chunk', async () => {
    const k = key();
    const size = 3 * PG_CHUNK_BYTES + 1001;
    const body = await bytesOf(size, 11);
    await subject.storage.put(k, pattern(size, 64 * KB, 11), MB);
    const ranges = [
      { start: 0, end: 99 },
      { start: PG_CHUNK_BYTES - 500, end: 2 * PG_CHUNK_BYTES + 500 },
      { start: size - 100, end: size - 1 },
      { start: size - 1, end: size - 1 },
      { start: 0, end: 0 },
      { start: PG_CHUNK_BYTES, end: 2 * PG_CHUNK_BYTES - 1 },
      { start: 0, end: size - 1 },
    ];
    for (const r of ranges) {
      const got = (await readAll(await subject.storage.get(k, r))).bytes;
      expect(got.length, `${r.start}-${r.end}`).toBe(r.end - r.start + 1);
      expect(got.equals(body.subarray(r.start, r.end + 1)), `${r.start}-${r.end}`).toBe(true);
    }
    await subject.storage.delete(k);
  });

  it('streams a 5 MB file both ways: the put pulls the body as it writes, the get yields it in pieces', async () => {
    const k = key();
    const size = 5 * MB;
    let pulled = 0;
    let writtenBeforeTheEnd: number | null = null;
    const body = pattern(size, 64 * KB, 5, async (sent) => {
      pulled = sent;
      // At 4 MB, part of the file is already written by the store (disk, pg): not held whole.
      if (sent === 4 * MB) writtenBeforeTheEnd = await subject.progress(k);
    });
    const stored = await subject.storage.put(k, body, 16 * MB);
    expect(pulled).toBe(size - 64 * KB);
    expect(stored.sizeBytes).toBe(size);
    if (kind !== 's3') expect(writtenBeforeTheEnd).toBeGreaterThan(0);
    const read = await readAll(await subject.storage.get(k));
    expect(read.bytes.length).toBe(size);
    expect(sha(read.bytes)).toBe(stored.sha256);
    expect(read.pieces).toBeGreaterThan(1);
    await subject.storage.delete(k);
  });

  it('takes concurrent puts of different keys', async () => {
    const keys = Array.from({ length: 8 }, () => key());
    const results = await Promise.all(keys.map((k, i) => subject.storage.put(k, pattern(200 * KB + i, 32 * KB, i + 1), MB)));
    for (const [i, k] of keys.entries()) {
      const expected = await bytesOf(200 * KB + i, i + 1);
      expect(results[i]).toEqual({ sizeBytes: expected.length, sha256: sha(expected) });
      expect((await readAll(await subject.storage.get(k))).bytes.equals(expected)).toBe(true);
    }
    await Promise.all(keys.map((k) => subject.storage.delete(k)));
  });
});

describe('PostgreSQL storage: writes a stopped process left', () => {
  it('are invisible, and swept once old (a recent one may still be running)', async () => {
    const storage = new PostgresStorage(db.sql);
    const [old, recent] = [randomBytes(16).toString('hex'), randomBytes(16).toString('hex')];
    for (const [k, age] of [
      [old, '2 days'],
      [recent, '1 minute'],
    ] as const) {
      const [{ id }] = (await db.sql`INSERT INTO attachment_blobs (id, key, chunk_bytes, created_at)
        VALUES (gen_random_uuid(), ${`left/${k}`}, ${PG_CHUNK_BYTES}, now() - ${age}::interval) RETURNING id`) as unknown as [
        { id: string },
      ];
      await db.sql`INSERT INTO attachment_blob_chunks (blob_id, seq, data) VALUES (${id}, 0, ${Buffer.alloc(10)})`;
    }
    expect(await storage.stat(`left/${old}`)).toBeNull();
    await expect(storage.get(`left/${old}`)).rejects.toBeInstanceOf(NotFoundError);
    expect(await storage.sweepIncomplete()).toBe(1);
    const left = await db.sql`SELECT key FROM attachment_blobs WHERE key LIKE 'left/%'`;
    expect(left.map((r) => r.key)).toEqual([`left/${recent}`]);
    await storage.delete(`left/${recent}`);
  });
});
