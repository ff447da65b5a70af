import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { runTx, type Sql } from '../../db/sql.ts';
import { type AttachmentStorage, assertKey, type ByteRange, metered, NotFoundError, type StoredObject } from './storage.ts';

/** Bytes per chunk row: large enough for few rows, small enough to stream. */
export const PG_CHUNK_BYTES = 256 * 1024;
/** Chunk rows read per query while streaming (at most this many chunks are held at once). */
const CHUNKS_PER_READ = 2;

/**
 * Attachments as chunk rows in PostgreSQL (db/migrations/storage): every process on the
 * database serves every file, with nothing more to run. Writes insert chunk by chunk as the
 * body arrives, each in its own statement (no transaction or connection is held for a slow
 * upload), and become visible in one short transaction at the end; reads fetch a few chunks
 * at a time, and a range only the chunks it covers.
 */
export class PostgresStorage implements AttachmentStorage {
  readonly kind = 'pg';

  constructor(
    private sql: Sql,
    private chunkBytes = PG_CHUNK_BYTES,
  ) {}

  async put(key: string, body: AsyncIterable<Buffer | Uint8Array>, maxBytes: number) {
    assertKey(key);
    const id = randomUUID();
    const meter = metered(body, maxBytes);
    await this.sql`INSERT INTO attachment_blobs (id, key, chunk_bytes) VALUES (${id}, ${key}, ${this.chunkBytes})`;
    try {
      let parts: Buffer[] = [];
      let held = 0;
      let seq = 0;
      const insert = async (data: Buffer) => {
        await this.sql`INSERT INTO attachment_blob_chunks (blob_id, seq, data) VALUES (${id}, ${seq}, ${data})`;
        seq++;
      };
      for await (const chunk of meter.chunks) {
        parts.push(chunk);
        held += chunk.length;
        if (held < this.chunkBytes) continue;
        let joined = Buffer.concat(parts, held);
        while (joined.length >= this.chunkBytes) {
          await insert(joined.subarray(0, this.chunkBytes));
          joined = joined.subarray(this.chunkBytes);
        }
        parts = joined.length ? [Buffer.from(joined)] : [];
        held = joined.length;
      }
      if (held > 0) await insert(Buffer.concat(parts, held));
      const { sizeBytes, sha256 } = meter.result();
      await runTx(this.sql, async (tx) => {
        // Replaces an older object of the key; readers see the old one until this commits.
        await tx`DELETE FROM attachment_blobs WHERE key = ${key} AND complete`;
        const done = await tx`UPDATE attachment_blobs SET complete = true, size_bytes = ${sizeBytes}, sha256 = ${sha256}
          WHERE id = ${id} AND NOT complete RETURNING id`;
        if (done.length !== 1) throw new Error(`stored object ${key} was deleted while it was written`);
      });
      return { sizeBytes, sha256 };
    } catch (err) {
      await this.sql`DELETE FROM attachment_blobs WHERE id = ${id}`.catch(() => {});
      throw err;
    }
  }

  async get(key: string, range?: ByteRange): Promise<Readable> {
    const [head] = await this.sql`SELECT id, size_bytes, chunk_bytes FROM attachment_blobs WHERE key = ${key} AND complete`;
    if (!head) throw new NotFoundError(key);
    const id = head.id as string;
    const size = Number(head.size_bytes);
    const chunkBytes = head.chunk_bytes as number;
    if (size === 0) return Readable.from([], { objectMode: false });
    const start = range?.start ?? 0;
    const end = Math.min(range?.end ?? size - 1, size - 1);
    const first = Math.floor(start / chunkBytes);
    const last = Math.floor(end / chunkBytes);
    const sql = this.sql;
    const read = async (from: number): Promise<Buffer[]> => {
      const to = Math.min(from + CHUNKS_PER_READ - 1, last);
      const rows = await sql`SELECT seq, data FROM attachment_blob_chunks
        WHERE blob_id = ${id} AND seq BETWEEN ${from} AND ${to} ORDER BY seq`;
      if (rows.length !== to - from + 1) throw new Error(`stored object ${key} lost chunks ${from}–${to} while it was read`);
      return rows.map((r) => {
        const seq = r.seq as number;
        const data = r.data as Buffer;
        const lo = seq === first ? start - seq * chunkBytes : 0;
        const hi = seq === last ? end - seq * chunkBytes + 1 : data.length;
        return data.subarray(lo, hi);
      });
    };
    // The first chunks are read before the caller answers: a database error is still a 500.
    const opening = await read(first);
    async function* chunks(): AsyncGenerator<Buffer> {
      yield* opening;
      for (let from = first + CHUNKS_PER_READ; from <= last; from += CHUNKS_PER_READ) yield* await read(from);
    }
    return Readable.from(chunks(), { objectMode: false, highWaterMark: chunkBytes });
  }

  async stat(key: string): Promise<StoredObject | null> {
    const [row] = await this.sql`SELECT size_bytes, sha256 FROM attachment_blobs WHERE key = ${key} AND complete`;
    return row ? { sizeBytes: Number(row.size_bytes), sha256: row.sha256 as string } : null;
  }

  async delete(key: string): Promise<void> {
    await this.sql`DELETE FROM attachment_blobs WHERE key = ${key}`;
  }

  /** Removes writes a stopped process left incomplete, older than `olderThanMs`; returns how many. */
  async sweepIncomplete(olderThanMs = 24 * 3600_000): Promise<number> {
    const rows = await this.sql`DELETE FROM attachment_blobs
      WHERE NOT complete AND created_at < now() - make_interval(secs => ${olderThanMs / 1000}) RETURNING id`;
    return rows.length;
  }
}
