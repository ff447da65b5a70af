import type { IncomingMessage, ServerResponse } from 'node:http';
import { getAttachment, insertAttachment, type Attachment } from '../../db/queries/attachments.ts';
import { translate, type MessageKey } from '../../i18n/index.ts';
import type { Authenticated } from '../auth/session.ts';
import type { Services } from '../services/index.ts';
import { receiveUpload, sendAttachment } from './receive-upload.ts';
import { ATTACHMENT_TYPES } from '../../shared/attachments.ts';
import { messageAttachmentRule } from '../channels/attachments.ts';
import type { WEBCHAT_PURPOSE } from '../channels/webchat/files.ts';

/** Types an agent may send or receive; anything else is refused at upload. */
export const ALLOWED_TYPES: ReadonlySet<string> = new Set(ATTACHMENT_TYPES);
export const PURPOSES = ['avatar', 'message', 'canned', 'note'] as const;
/** Every purpose an attachment is stored with: those of /uploads, and the web chat visitors' files. */
export type AttachmentPurpose = (typeof PURPOSES)[number] | typeof WEBCHAT_PURPOSE;

export type AttachmentAccessRule = (a: Attachment, auth: Authenticated, s: Services) => boolean | Promise<boolean>;
const everyone: AttachmentAccessRule = () => true;

/** Who may read an attachment of the organization besides its uploader and the admins, per purpose. */
const attachmentAccess: { [P in AttachmentPurpose]: AttachmentAccessRule } = {
  avatar: everyone,
  canned: everyone,
  // Whoever may see a conversation the file was sent or received in.
  message: messageAttachmentRule,
  // A visitor's file: agents who may see the conversation it was sent in.
  webchat: messageAttachmentRule,
  // A file in a contact's notes: every user of the organization reads and co-edits notes
  // (docAccess), so every user of the organization reads their files (checked above).
  note: everyone,
};

async function mayRead(a: Attachment, auth: Authenticated, s: Services): Promise<boolean> {
  if (a.orgId !== auth.organization.id) return false;
  if (a.uploadedBy === auth.user.id || auth.user.role === 'admin') return true;
  const rule = Object.hasOwn(attachmentAccess, a.purpose) ? attachmentAccess[a.purpose as AttachmentPurpose] : undefined;
  return rule ? await rule(a, auth, s) : false;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

function refuse(
  res: ServerResponse,
  status: number,
  lang: Parameters<typeof translate>[0],
  key: MessageKey,
  params?: Record<string, string | number>,
) {
  sendJson(res, status, { error: { code: key, message: translate(lang, key, params) } });
}

/** POST /uploads: one multipart file → stored, recorded, answered with its attachment id. */
export async function handleUpload(req: IncomingMessage, res: ServerResponse, s: Services, auth: Authenticated): Promise<void> {
  const lang = auth.user.language as Parameters<typeof translate>[0];
  const url = new URL(req.url ?? '/', 'http://x');
  const purpose = url.searchParams.get('purpose') ?? 'message';
  if (!(PURPOSES as readonly string[]).includes(purpose)) return refuse(res, 400, lang, 'error.invalidInput');
  const outcome = await receiveUpload(req, s, {
    orgId: auth.organization.id,
    refuseType: (type) =>
      !ALLOWED_TYPES.has(type)
        ? { reason: 'upload.badType', params: { type } }
        : purpose === 'avatar' && !type.startsWith('image/')
          ? { reason: 'upload.notImage' }
          : null,
    record: async (f) => {
      await insertAttachment(s.sql, {
        id: f.id,
        orgId: auth.organization.id,
        uploadedBy: auth.user.id,
        purpose,
        filename: f.filename,
        contentType: f.contentType,
        sizeBytes: f.sizeBytes,
        storageKey: f.storageKey,
        sha256: f.sha256,
      });
    },
  });
  if (!outcome.ok) return refuse(res, outcome.status, lang, outcome.reason, outcome.params);
  const f = outcome.file;
  sendJson(res, 201, { id: f.id, filename: f.filename, contentType: f.contentType, size: f.sizeBytes, url: `/uploads/${f.id}` });
}

/** GET /uploads/<id>: only to users allowed to see it; same 404 for missing and forbidden. */
export async function serveUpload(res: ServerResponse, s: Services, auth: Authenticated, id: string): Promise<void> {
  const lang = auth.user.language as Parameters<typeof translate>[0];
  const a = /^[0-9a-f-]{36}$/i.test(id) ? await getAttachment(s.sql, auth.organization.id, id) : null;
  if (!a || !(await mayRead(a, auth, s))) return refuse(res, 404, lang, 'error.notFound');
  const failed = await sendAttachment(res, s, a);
  if (failed) refuse(res, failed, lang, failed === 404 ? 'error.notFound' : 'error.internal');
}
