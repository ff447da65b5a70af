import type { IncomingMessage, ServerResponse } from 'node:http';
import { getAttachment, insertAttachment } from '../../../db/queries/attachments.ts';
import { recordVisitorUpload, visitorMayReadAttachment, type Visitor } from '../../../db/queries/webchat.ts';
import { runTx } from '../../../db/sql.ts';
import type { Language } from '../../../i18n/index.ts';
import { ALLOWED_TYPES } from '../../http/uploads.ts';
import { receiveUpload, sendAttachment } from '../../http/receive-upload.ts';
import type { Services } from '../../services/index.ts';
import { refuse, sendJson } from './http.ts';

/** Attachments a visitor uploads carry this purpose (agents' access: see index.ts). */
export const WEBCHAT_PURPOSE = 'webchat';

/**
 * POST /webchat/upload: one multipart file, with the limits and types of /uploads. The file
 * has no user as uploader; it is recorded as this visitor's, and only they may attach it.
 */
export async function handleVisitorUpload(req: IncomingMessage, res: ServerResponse, s: Services, visitor: Visitor, lang: Language): Promise<void> {
  const outcome = await receiveUpload(req, s, {
    orgId: visitor.orgId,
    refuseType: (type) => (ALLOWED_TYPES.has(type) ? null : { reason: 'upload.badType', params: { type } }),
    record: (f) =>
      runTx(s.sql, async (tx) => {
        await insertAttachment(tx, { id: f.id, orgId: visitor.orgId, uploadedBy: null, purpose: WEBCHAT_PURPOSE, filename: f.filename, contentType: f.contentType, sizeBytes: f.sizeBytes, storageKey: f.storageKey, sha256: f.sha256 });
        await recordVisitorUpload(tx, visitor, f.id);
      }),
  });
  if (!outcome.ok) return refuse(res, outcome.status, lang, outcome.reason, outcome.params ? { params: outcome.params } : undefined);
  const f = outcome.file;
  sendJson(res, 201, { attachmentId: f.id, filename: f.filename, contentType: f.contentType, size: f.sizeBytes, url: `/webchat/files/${f.id}` });
}

/** GET /webchat/files/<id>: the visitor's own uploads and files sent in their conversations; one 404 for the rest. */
export async function serveVisitorFile(res: ServerResponse, s: Services, visitor: Visitor, id: string, lang: Language): Promise<void> {
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);
  const a = uuid && (await visitorMayReadAttachment(s.sql, visitor, id)) ? await getAttachment(s.sql, visitor.orgId, id) : null;
  if (!a) return refuse(res, 404, lang, 'error.notFound');
  sendAttachment(res, s, a);
}
