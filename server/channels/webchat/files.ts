import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import busboy from 'busboy';
import { getAttachment, insertAttachment } from '../../../db/queries/attachments.ts';
import { recordVisitorUpload, visitorMayReadAttachment, type Visitor } from '../../../db/queries/webchat.ts';
import { runTx } from '../../../db/sql.ts';
import type { Language } from '../../../i18n/index.ts';
import { ALLOWED_TYPES } from '../../http/uploads.ts';
import { FileTooLargeError } from '../../services/storage.ts';
import type { Services } from '../../services/index.ts';
import { refuse, sendJson } from './http.ts';

/** Attachments a visitor uploads carry this purpose (agents' access: see index.ts). */
export const WEBCHAT_PURPOSE = 'webchat';

function humanSize(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round(bytes / 1024 / 1024)} MB` : `${Math.round(bytes / 1024)} KB`;
}

/**
 * POST /webchat/upload: one multipart file, with the limits and types of /uploads. The file
 * has no user as uploader; it is recorded as this visitor's, and only they may attach it.
 */
export async function handleVisitorUpload(req: IncomingMessage, res: ServerResponse, s: Services, visitor: Visitor, lang: Language): Promise<void> {
  const max = s.env.UPLOAD_MAX_BYTES;
  let bb: busboy.Busboy;
  try {
    bb = busboy({ headers: req.headers, limits: { files: 1, fileSize: max, fields: 10, parts: 20 } });
  } catch {
    return refuse(res, 400, lang, 'upload.noFile');
  }
  let done = false;
  const finish = (fn: () => void) => {
    if (done) return;
    done = true;
    fn();
    req.unpipe(bb);
    req.resume();
  };
  let handled: Promise<void> | null = null;
  bb.on('file', (_field, stream, info) => {
    const contentType = info.mimeType.toLowerCase();
    if (!ALLOWED_TYPES.has(contentType)) {
      stream.resume();
      finish(() => refuse(res, 415, lang, 'upload.badType', { params: { type: contentType } }));
      return;
    }
    const id = randomUUID();
    const key = `${visitor.orgId}/${id}`;
    stream.on('limit', () => stream.destroy(new FileTooLargeError('too large')));
    handled = s.storage
      .put(key, stream, max)
      .then(async ({ sizeBytes, sha256 }) => {
        const filename = (info.filename || 'file').replace(/[\\/\r\n"]/g, '_').slice(0, 200);
        await runTx(s.sql, async (tx) => {
          await insertAttachment(tx, { id, orgId: visitor.orgId, uploadedBy: null, purpose: WEBCHAT_PURPOSE, filename, contentType, sizeBytes, storageKey: key, sha256 });
          await recordVisitorUpload(tx, visitor, id);
        });
        finish(() => sendJson(res, 201, { attachmentId: id, filename, contentType, size: sizeBytes, url: `/webchat/files/${id}` }));
      })
      .catch(async (err) => {
        await s.storage.delete(key).catch(() => {});
        if (err instanceof FileTooLargeError) return finish(() => refuse(res, 413, lang, 'upload.tooLarge', { params: { max: humanSize(max) } }));
        s.log.error({ err }, 'web chat upload failed');
        finish(() => refuse(res, 500, lang, 'error.internal'));
      });
  });
  bb.on('error', () => finish(() => refuse(res, 400, lang, 'upload.noFile')));
  bb.on('close', () => {
    if (!handled) finish(() => refuse(res, 400, lang, 'upload.noFile'));
  });
  req.pipe(bb);
}

/** GET /webchat/files/<id>: the visitor's own uploads and files sent in their conversations; one 404 for the rest. */
export async function serveVisitorFile(res: ServerResponse, s: Services, visitor: Visitor, id: string, lang: Language): Promise<void> {
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);
  const a = uuid && (await visitorMayReadAttachment(s.sql, visitor, id)) ? await getAttachment(s.sql, visitor.orgId, id) : null;
  if (!a) return refuse(res, 404, lang, 'error.notFound');
  const inline = /^(image|audio|video)\//.test(a.contentType) || a.contentType === 'application/pdf';
  res.writeHead(200, {
    'content-type': a.contentType,
    'content-length': String(a.sizeBytes),
    'content-disposition': `${inline ? 'inline' : 'attachment'}; filename="${encodeURIComponent(a.filename)}"`,
    'x-content-type-options': 'nosniff',
    'content-security-policy': "default-src 'none'; sandbox",
    'cache-control': 'private, max-age=3600',
  });
  const stream = s.storage.get(a.storageKey);
  stream.on('error', () => res.destroy());
  stream.pipe(res);
}
