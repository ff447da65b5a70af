import type { IncomingMessage, ServerResponse } from 'node:http';
import { channelUploadBytesToday, countChannelUpload, getAttachment, insertAttachment } from '../../../db/queries/attachments.ts';
import { recordVisitorUpload, visitorMayReadAttachment, type Visitor } from '../../../db/queries/webchat.ts';
import { runTx } from '../../../db/sql.ts';
import type { Language } from '../../../i18n/index.ts';
import { ALLOWED_TYPES } from '../../http/uploads.ts';
import { receiveUpload, sendAttachment, UploadRefused } from '../../http/receive-upload.ts';
import type { UploadAnswer } from '../../../shared/webchat-wire.ts';
import type { Services } from '../../services/index.ts';
import { refuse, sendJson } from './http.ts';
import type { WebchatLimits } from './limits.ts';

/** Attachments a visitor uploads carry this purpose (agents' access: http/uploads.ts). */
export const WEBCHAT_PURPOSE = 'webchat';

/**
 * POST /webchat/upload: one multipart file, with the limits and types of /uploads. The file
 * has no user as uploader; it is recorded as this visitor's, and only they may attach it.
 *
 * Visitors are anonymous and cheap, so what they may store is bounded per address
 * (bytes per hour, shared through Redis when configured) and per channel (bytes per UTC day,
 * counted in PostgreSQL). Both are checked before the body is read, and counted once the
 * file's size is known; a file that does not fit is removed and refused with 429.
 */
export async function handleVisitorUpload(
  req: IncomingMessage,
  res: ServerResponse,
  s: Services,
  limits: WebchatLimits,
  visitor: Visitor,
  lang: Language,
  ip: string,
): Promise<void> {
  const quota = s.env.WEBCHAT_UPLOAD_CHANNEL_BYTES_PER_DAY;
  const wait = await limits.uploadBudgetSpent(ip);
  if (wait > 0) return refuseUnread(req, res, lang, 'webchat.uploadIpBudget', wait);
  if ((await channelUploadBytesToday(s.sql, visitor.orgId, visitor.channelId)) >= quota)
    return refuseUnread(req, res, lang, 'webchat.uploadChannelQuota', secondsToUtcMidnight());

  const outcome = await receiveUpload(req, s, {
    orgId: visitor.orgId,
    refuseType: (type) => (ALLOWED_TYPES.has(type) ? null : { reason: 'upload.badType', params: { type } }),
    record: async (f) => {
      const taken = await limits.takeUploadBytes(ip, f.sizeBytes);
      if (!taken.ok) throw new UploadRefused(429, 'webchat.uploadIpBudget', taken.retryAfter);
      try {
        await runTx(s.sql, async (tx) => {
          if (!(await countChannelUpload(tx, visitor.orgId, visitor.channelId, f.sizeBytes, quota))) {
            throw new UploadRefused(429, 'webchat.uploadChannelQuota', secondsToUtcMidnight());
          }
          await insertAttachment(tx, {
            id: f.id,
            orgId: visitor.orgId,
            uploadedBy: null,
            purpose: WEBCHAT_PURPOSE,
            filename: f.filename,
            contentType: f.contentType,
            sizeBytes: f.sizeBytes,
            storageKey: f.storageKey,
            sha256: f.sha256,
          });
          await recordVisitorUpload(tx, visitor, f.id);
        });
      } catch (err) {
        // Not kept, so not counted against the address.
        await limits
          .returnUploadBytes(ip, f.sizeBytes)
          .catch((e: unknown) => s.log.warn({ err: e }, 'could not return upload bytes to the address budget'));
        throw err;
      }
    },
  });
  if (!outcome.ok) {
    return refuse(res, outcome.status, lang, outcome.reason, {
      ...(outcome.params ? { params: outcome.params } : {}),
      ...(outcome.retryAfter ? { headers: { 'retry-after': String(outcome.retryAfter) } } : {}),
    });
  }
  const f = outcome.file;
  sendJson(res, 201, {
    attachmentId: f.id,
    filename: f.filename,
    contentType: f.contentType,
    size: f.sizeBytes,
    url: `/webchat/files/${f.id}`,
  } satisfies UploadAnswer);
}

/** A 429 before any of the body is read; the rest of the body is discarded, never stored. */
function refuseUnread(
  req: IncomingMessage,
  res: ServerResponse,
  lang: Language,
  key: 'webchat.uploadIpBudget' | 'webchat.uploadChannelQuota',
  retryAfter: number,
): void {
  req.resume();
  refuse(res, 429, lang, key, { headers: { 'retry-after': String(retryAfter) } });
}

function secondsToUtcMidnight(now = new Date()): number {
  const midnight = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1);
  return Math.max(1, Math.ceil((midnight - now.getTime()) / 1000));
}

/** GET /webchat/files/<id>: the visitor's own uploads and files sent in their conversations; one 404 for the rest. */
export async function serveVisitorFile(res: ServerResponse, s: Services, visitor: Visitor, id: string, lang: Language): Promise<void> {
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);
  const a = uuid && (await visitorMayReadAttachment(s.sql, visitor, id)) ? await getAttachment(s.sql, visitor.orgId, id) : null;
  if (!a) return refuse(res, 404, lang, 'error.notFound');
  const failed = await sendAttachment(res, s, a);
  if (failed) refuse(res, failed, lang, failed === 404 ? 'error.notFound' : 'error.internal');
}
