import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import busboy from 'busboy';
import type { Attachment } from '../../db/queries/attachments.ts';
import type { MessageKey } from '../../i18n/index.ts';
import type { Services } from '../services/index.ts';
import { FileTooLargeError, NotFoundError } from '../services/storage.ts';
import { parseRange } from './range.ts';

export interface ReceivedFile {
  id: string;
  storageKey: string;
  filename: string;
  contentType: string;
  sizeBytes: number;
  sha256: string;
}

export type UploadOutcome =
  | { ok: true; file: ReceivedFile }
  | { ok: false; status: number; reason: MessageKey; params?: Record<string, string | number>; retryAfter?: number };

/** Thrown by `record` to refuse a file once its size is known (a quota): it is removed, and this is the answer. */
export class UploadRefused extends Error {
  constructor(
    public status: number,
    public reason: MessageKey,
    public retryAfter?: number,
  ) {
    super(reason);
  }
}

function humanSize(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round(bytes / 1024 / 1024)} MB` : `${Math.round(bytes / 1024)} KB`;
}

/**
 * Reads one multipart file into attachment storage with the size limit, refusing types
 * `refuseType` names; `record` stores its row (the file is removed again if that fails, and a
 * thrown UploadRefused is the answer: nothing of a refused file stays stored).
 */
export function receiveUpload(
  req: IncomingMessage,
  s: Services,
  opts: {
    orgId: string;
    refuseType: (contentType: string) => { reason: MessageKey; params?: Record<string, string> } | null;
    record: (file: ReceivedFile) => Promise<void>;
  },
): Promise<UploadOutcome> {
  const max = s.env.UPLOAD_MAX_BYTES;
  return new Promise((resolve) => {
    let bb: busboy.Busboy;
    try {
      bb = busboy({ headers: req.headers, limits: { files: 1, fileSize: max, fields: 10, parts: 20 } });
    } catch {
      resolve({ ok: false, status: 400, reason: 'upload.noFile' });
      return;
    }
    let done = false;
    const finish = (outcome: UploadOutcome) => {
      if (done) return;
      done = true;
      resolve(outcome);
      req.unpipe(bb);
      req.resume();
    };
    let handled = false;
    bb.on('file', (_field, stream, info) => {
      handled = true;
      const contentType = info.mimeType.toLowerCase();
      const refused = opts.refuseType(contentType);
      if (refused) {
        stream.resume();
        finish({ ok: false, status: 415, ...refused });
        return;
      }
      const id = randomUUID();
      const storageKey = `${opts.orgId}/${id}`;
      // busboy truncates at the limit and says so; the storage counts bytes too.
      stream.on('limit', () => stream.destroy(new FileTooLargeError('too large')));
      s.storage
        .put(storageKey, stream, max)
        .then(async ({ sizeBytes, sha256 }) => {
          const file = {
            id,
            storageKey,
            filename: (info.filename || 'file').replace(/[\\/\r\n"]/g, '_').slice(0, 200),
            contentType,
            sizeBytes,
            sha256,
          };
          await opts.record(file);
          finish({ ok: true, file });
        })
        .catch(async (err) => {
          await s.storage.delete(storageKey).catch((e: unknown) => s.log.warn({ err: e, storageKey }, 'could not remove a refused upload'));
          if (err instanceof UploadRefused)
            return finish({ ok: false, status: err.status, reason: err.reason, ...(err.retryAfter ? { retryAfter: err.retryAfter } : {}) });
          if (err instanceof FileTooLargeError)
            return finish({ ok: false, status: 413, reason: 'upload.tooLarge', params: { max: humanSize(max) } });
          s.log.error({ err }, 'upload failed');
          finish({ ok: false, status: 500, reason: 'error.internal' });
        });
    });
    bb.on('error', () => finish({ ok: false, status: 400, reason: 'upload.noFile' }));
    bb.on('close', () => {
      if (!handled) finish({ ok: false, status: 400, reason: 'upload.noFile' });
    });
    req.pipe(bb);
  });
}

/**
 * Streams an attachment (or the one byte range the request asks for: audio and video seek)
 * with headers that keep a browser from running it. Every caller serves it behind a session
 * or a visitor token: `no-store`, so no cache (the browser's disk, a shared computer's
 * profile, a proxy) keeps a copy after the session ends.
 *
 * The stored bytes are opened before any header is sent: when they are missing (404) or
 * unreadable (500), this logs why and returns the status for the caller to answer with.
 */
export async function sendAttachment(res: ServerResponse, s: Services, a: Attachment): Promise<404 | 500 | null> {
  const size = a.sizeBytes;
  const range = parseRange(res.req?.headers.range, size);
  const safety = {
    'x-content-type-options': 'nosniff',
    'content-security-policy': "default-src 'none'; sandbox",
    'cache-control': 'no-store',
  };
  if (range.kind === 'unsatisfiable') {
    res.writeHead(416, { ...safety, 'content-range': `bytes */${size}`, 'accept-ranges': 'bytes', 'content-length': '0' });
    res.end();
    return null;
  }
  const part = range.kind === 'partial' ? { start: range.start, end: range.end } : undefined;
  const where = { attachmentId: a.id, storageKey: a.storageKey, storage: s.storage.kind };
  let stream: Readable;
  try {
    stream = await s.storage.get(a.storageKey, part);
  } catch (err) {
    if (err instanceof NotFoundError) {
      s.log.warn(where, 'attachment has a row but no stored file: answered 404');
      return 404;
    }
    s.log.error({ ...where, err }, 'could not read a stored attachment: answered 500');
    return 500;
  }
  const inline = /^(image|audio|video)\//.test(a.contentType) || a.contentType === 'application/pdf';
  res.writeHead(part ? 206 : 200, {
    'content-type': a.contentType,
    'content-length': String(part ? part.end - part.start + 1 : size),
    ...(part ? { 'content-range': `bytes ${part.start}-${part.end}/${size}` } : {}),
    'accept-ranges': 'bytes',
    'content-disposition': `${inline ? 'inline' : 'attachment'}; filename="${encodeURIComponent(a.filename)}"`,
    ...safety,
  });
  try {
    await pipeline(stream, res);
  } catch (err) {
    // Headers are gone: the connection can only be cut. A client that went away is no failure.
    if (!res.req?.destroyed && (err as NodeJS.ErrnoException).code !== 'ERR_STREAM_PREMATURE_CLOSE')
      s.log.error({ ...where, err }, 'reading a stored attachment failed while it was sent');
    res.destroy();
  }
  return null;
}
