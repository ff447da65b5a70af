import { Readable, Transform } from 'node:stream';
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { type AttachmentStorage, assertKey, type ByteRange, metered, NotFoundError, type StoredObject } from './storage.ts';

export interface S3StorageOptions {
  /** The endpoint, e.g. http://minio:9000 or https://s3.eu-west-1.amazonaws.com. */
  endpoint: string;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Bucket in the path (http://host/bucket/key), as MinIO and most S3-compatible servers want. */
  forcePathStyle: boolean;
}

/** The smallest part S3 accepts; also what one upload holds in memory at most. */
const PART_BYTES = 5 * 1024 * 1024;

function isNotFound(err: unknown): boolean {
  if (err instanceof S3ServiceException) return err.name === 'NoSuchKey' || err.name === 'NotFound' || err.$metadata.httpStatusCode === 404;
  return false;
}

/** Passes on only bytes `start` to `end` of what flows through it. */
function slice({ start, end }: ByteRange): Transform {
  let offset = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      const from = Math.max(start - offset, 0);
      const to = Math.min(end + 1 - offset, chunk.length);
      offset += chunk.length;
      done(null, from < to ? chunk.subarray(from, to) : undefined);
    },
  });
}

/**
 * Attachments in an S3-compatible bucket (AWS S3, MinIO, Ceph, R2, ...). Writes go through a
 * multipart upload of 5 MB parts as the body arrives (one part at a time), visible only once
 * completed; a refused or failed write aborts the upload and leaves nothing. Ranges are
 * GetObject's Range header.
 */
export class S3Storage implements AttachmentStorage {
  readonly kind = 's3';
  private client: S3Client;
  private bucket: string;

  constructor(options: S3StorageOptions) {
    this.bucket = options.bucket;
    this.client = new S3Client({
      endpoint: options.endpoint,
      region: options.region,
      forcePathStyle: options.forcePathStyle,
      credentials: { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey },
      // S3-compatible servers often lack the checksums the SDK now sends and expects by default.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  async put(key: string, body: AsyncIterable<Buffer | Uint8Array>, maxBytes: number) {
    assertKey(key);
    const meter = metered(body, maxBytes);
    // The body's own failure (too large, the client went away) is the answer, even when
    // aborting the multipart upload fails too (some S3-compatible servers lack the abort).
    let bodyError: unknown;
    async function* source(): AsyncGenerator<Buffer> {
      try {
        yield* meter.chunks;
      } catch (err) {
        bodyError = err;
        throw err;
      }
    }
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key: key, Body: Readable.from(source(), { objectMode: false }) },
      partSize: PART_BYTES,
      queueSize: 1,
      leavePartsOnError: false,
    });
    try {
      await upload.done();
    } catch (err) {
      throw bodyError ?? err;
    }
    return meter.result();
  }

  async get(key: string, range?: ByteRange): Promise<Readable> {
    try {
      const out = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: key, ...(range ? { Range: `bytes=${range.start}-${range.end}` } : {}) }),
      );
      const body = out.Body as Readable;
      if (!range) return body;
      // A server may ignore Range and send more (s3rver sends it all for bytes=0-0): cut it here.
      const sent = /^bytes (\d+)-(\d+)\//.exec(out.ContentRange ?? '');
      const from = sent ? Number(sent[1]) : 0;
      if (from === range.start && sent && Number(sent[2]) === range.end) return body;
      if (from > range.start) throw new Error(`the S3 server answered bytes ${out.ContentRange} for ${range.start}-${range.end}`);
      const cut = slice({ start: range.start - from, end: range.end - from });
      body.on('error', (err) => cut.destroy(err));
      return body.pipe(cut);
    } catch (err) {
      if (isNotFound(err)) throw new NotFoundError(key);
      throw err;
    }
  }

  async stat(key: string): Promise<StoredObject | null> {
    try {
      const out = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return { sizeBytes: out.ContentLength ?? 0 };
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  async close(): Promise<void> {
    this.client.destroy();
  }
}
