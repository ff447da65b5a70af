import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import busboy from 'busboy';
import { getAttachment, insertAttachment, type Attachment } from '../../db/queries/attachments.ts';
import { translate, type MessageKey } from '../../i18n/index.ts';
import type { Authenticated } from '../auth/session.ts';
import { FileTooLargeError } from '../services/storage.ts';
import type { Services } from '../services/index.ts';

/** Types an agent may send or receive; anything else is refused at upload. */
export const ALLOWED_TYPES = new Set([
  'image/jpeg', 'image/png', 'image/gif', 'image/webp',
  'audio/ogg', 'audio/mpeg', 'audio/mp4', 'audio/aac', 'audio/amr', 'audio/webm',
  'video/mp4', 'video/3gpp', 'video/webm',
  'application/pdf', 'text/plain', 'text/csv',
  'application/msword', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.ms-excel', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.ms-powerpoint', 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  'application/zip',
]);
export const PURPOSES = ['avatar', 'message', 'canned', 'note'] as const;

/** Who may read an attachment, per purpose; later parts register theirs (e.g. message → conversation access). */
export type AttachmentAccessRule = (a: Attachment, auth: Authenticated, s: Services) => boolean | Promise<boolean>;
const accessRules = new Map<string, AttachmentAccessRule>([
  ['avatar', () => true],
  ['canned', () => true],
]);
export function registerAttachmentAccess(purpose: string, rule: AttachmentAccessRule): void {
  accessRules.set(purpose, rule);
}

async function mayRead(a: Attachment, auth: Authenticated, s: Services): Promise<boolean> {
  if (a.orgId !== auth.organization.id) return false;
  if (a.uploadedBy === auth.user.id || auth.user.role === 'admin') return true;
  const rule = accessRules.get(a.purpose);
  return rule ? await rule(a, auth, s) : false;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

function refuse(res: ServerResponse, status: number, lang: Parameters<typeof translate>[0], key: MessageKey, params?: Record<string, string | number>) {
  sendJson(res, status, { error: { code: key, message: translate(lang, key, params) } });
}

function humanSize(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round(bytes / 1024 / 1024)} MB` : `${Math.round(bytes / 1024)} KB`;
}

/** POST /uploads: one multipart file → stored, recorded, answered with its attachment id. */
export async function handleUpload(req: IncomingMessage, res: ServerResponse, s: Services, auth: Authenticated): Promise<void> {
  const lang = auth.user.language as Parameters<typeof translate>[0];
  const max = s.env.UPLOAD_MAX_BYTES;
  const url = new URL(req.url ?? '/', 'http://x');
  const purpose = url.searchParams.get('purpose') ?? 'message';
  if (!(PURPOSES as readonly string[]).includes(purpose)) return refuse(res, 400, lang, 'error.invalidInput');
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
    if (!ALLOWED_TYPES.has(contentType) || (purpose === 'avatar' && !contentType.startsWith('image/'))) {
      stream.resume();
      finish(() => refuse(res, 415, lang, purpose === 'avatar' ? 'upload.notImage' : 'upload.badType', { type: contentType }));
      return;
    }
    const id = randomUUID();
    const key = `${auth.organization.id}/${id}`;
    // busboy truncates at the limit and says so; the storage counts bytes too.
    stream.on('limit', () => stream.destroy(new FileTooLargeError('too large')));
    handled = s.storage
      .put(key, stream, max)
      .then(async ({ sizeBytes, sha256 }) => {
        const attachment = await insertAttachment(s.sql, {
          id, orgId: auth.organization.id, uploadedBy: auth.user.id, purpose,
          filename: (info.filename || 'file').replace(/[\\/\r\n"]/g, '_').slice(0, 200),
          contentType, sizeBytes, storageKey: key, sha256,
        });
        finish(() => sendJson(res, 201, { id: attachment.id, filename: attachment.filename, contentType, size: sizeBytes, url: `/uploads/${attachment.id}` }));
      })
      .catch(async (err) => {
        await s.storage.delete(key).catch(() => {});
        if (err instanceof FileTooLargeError) return finish(() => refuse(res, 413, lang, 'upload.tooLarge', { max: humanSize(max) }));
        s.log.error({ err }, 'upload failed');
        finish(() => refuse(res, 500, lang, 'error.internal'));
      });
  });
  bb.on('error', () => finish(() => refuse(res, 400, lang, 'upload.noFile')));
  bb.on('close', () => {
    if (!handled) finish(() => refuse(res, 400, lang, 'upload.noFile'));
  });
  req.pipe(bb);
}

/** GET /uploads/<id>: only to users allowed to see it; same 404 for missing and forbidden. */
export async function serveUpload(res: ServerResponse, s: Services, auth: Authenticated, id: string): Promise<void> {
  const lang = auth.user.language as Parameters<typeof translate>[0];
  const a = /^[0-9a-f-]{36}$/i.test(id) ? await getAttachment(s.sql, auth.organization.id, id) : null;
  if (!a || !(await mayRead(a, auth, s))) return refuse(res, 404, lang, 'error.notFound');
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
