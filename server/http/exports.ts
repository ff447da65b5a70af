import type { IncomingMessage, ServerResponse } from 'node:http';
import { once } from 'node:events';
import { listAudit } from '../../db/queries/audit.ts';
import { listUsers } from '../../db/queries/users.ts';
import { catalogue, isLanguage, translate, type Language, type MessageKey } from '../../i18n/index.ts';
import type { Authenticated } from '../auth/session.ts';
import { actorFor } from '../commands/conversations/common.ts';
import { loadTranscript } from '../commands/transcripts.ts';
import { CSV_BOM, csvRow } from '../domain/csv.ts';
import { AppError, errorsFor } from '../errors.ts';
import { transcriptDocument, transcriptText } from '../exports/transcript-document.ts';
import { transcriptPdf } from '../exports/transcript-pdf.ts';
import { auditFilterSchema } from '../routers/audit-filters.ts';
import type { Services } from '../services/index.ts';
import { CONTACT_EXPORT_PATH, sendContactExport } from './privacy-export.ts';

const STATUS: Record<string, number> = { BAD_REQUEST: 400, FORBIDDEN: 403, NOT_FOUND: 404, UNAUTHORIZED: 401 };

function refuse(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify({ error: { message } }));
}

/** `attachment` with an ASCII fallback name and the exact one (RFC 6266 / 5987). */
function attachment(name: string): string {
  return `attachment; filename="${name.replace(/[^\w.-]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

/**
 * GET /exports/transcripts/<conversationId>.txt|.pdf and GET /exports/audit.csv (server.ts has
 * already checked the Origin and the session). A transcript follows the rule of opening the
 * conversation — one 404 for missing and not allowed; the audit export is for admins.
 */
export async function handleExport(req: IncomingMessage, res: ServerResponse, s: Services, auth: Authenticated, path: string) {
  const lang: Language = isLanguage(auth.user.language) ? auth.user.language : 'en';
  if (req.method !== 'GET') return refuse(res, 405, translate(lang, 'error.invalidInput'));
  try {
    const transcript = /^\/exports\/transcripts\/([0-9a-f-]{36})\.(txt|pdf)$/i.exec(path);
    if (transcript) return await sendTranscript(res, s, auth, lang, transcript[1]!, transcript[2]!.toLowerCase() as 'txt' | 'pdf');
    if (path === '/exports/audit.csv') return await sendAuditCsv(req, res, s, auth, lang);
    const contactZip = CONTACT_EXPORT_PATH.exec(path);
    if (contactZip) return await sendContactExport(req, res, s, auth, lang, contactZip[1]!);
    return refuse(res, 404, translate(lang, 'error.notFound'));
  } catch (e) {
    if (e instanceof AppError && !res.headersSent) return refuse(res, STATUS[e.code] ?? 400, e.message);
    throw e;
  }
}

async function sendTranscript(res: ServerResponse, s: Services, auth: Authenticated, lang: Language, id: string, kind: 'txt' | 'pdf') {
  const actor = await actorFor(s.sql, auth.user, errorsFor(lang), lang, '', auth.teamIds);
  const t = await loadTranscript(s.sql, actor, { conversationId: id });
  const doc = transcriptDocument(t, lang, auth.user.timeZone ?? auth.organization.timeZone, auth.user.name);
  const body = kind === 'txt' ? Buffer.from(transcriptText(doc), 'utf8') : await transcriptPdf(doc, lang);
  res.writeHead(200, {
    'content-type': kind === 'txt' ? 'text/plain; charset=utf-8' : 'application/pdf',
    'content-disposition': attachment(`${translate(lang, 'transcripts.heading', { protocol: t.protocol })}.${kind}`),
    'content-length': body.length,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  res.end(body);
}

const PAGE = 1000;

/** The filtered audit rows as CSV, written page by page (keyset on the id) as the reader takes them. */
async function sendAuditCsv(req: IncomingMessage, res: ServerResponse, s: Services, auth: Authenticated, lang: Language) {
  if (auth.user.role !== 'admin') return refuse(res, 403, translate(lang, 'error.adminOnly'));
  const params = Object.fromEntries(new URL(req.url ?? '/', 'http://x').searchParams);
  const parsed = auditFilterSchema.safeParse(Object.fromEntries(Object.entries(params).filter(([, v]) => v !== '')));
  if (!parsed.success) return refuse(res, 400, translate(lang, 'error.invalidInput'));
  const f = parsed.data;
  if (f.from && f.to && f.from >= f.to) return refuse(res, 400, translate(lang, 'transcripts.badRange'));
  const orgId = auth.organization.id;
  const people = new Map((await listUsers(s.sql, orgId)).map((u) => [u.id, u]));
  const tr = (k: MessageKey) => translate(lang, k);
  const actionLabel = (a: string) => {
    const k = `admin.audit.action.${a}`;
    return k in catalogue.en ? translate(lang, k as MessageKey) : a;
  };
  res.writeHead(200, {
    'content-type': 'text/csv; charset=utf-8',
    'content-disposition': attachment(`${tr('admin.nav.audit')}.csv`),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  const write = async (chunk: string) => {
    if (!res.write(chunk)) await once(res, 'drain');
  };
  await write(
    CSV_BOM +
      csvRow([
        tr('admin.audit.at'),
        tr('admin.audit.action'),
        tr('admin.audit.actor'),
        tr('transcripts.audit.actorEmail'),
        tr('admin.audit.subject'),
        tr('admin.audit.ip'),
        tr('admin.audit.details'),
      ]),
  );
  let before: string | undefined;
  for (;;) {
    const rows = await listAudit(s.sql, orgId, PAGE, before, f);
    let chunk = '';
    for (const r of rows) {
      const actor = r.actorUserId ? people.get(r.actorUserId) : undefined;
      const subject = r.subjectUserId ? (people.get(r.subjectUserId)?.name ?? r.subjectUserId) : r.email;
      chunk += csvRow([
        r.at.toISOString(),
        actionLabel(r.action),
        actor?.name ?? r.actorUserId,
        actor?.email,
        subject,
        r.ip,
        Object.keys(r.details).length ? JSON.stringify(r.details) : '',
      ]);
    }
    if (chunk) await write(chunk);
    if (rows.length < PAGE || res.destroyed) break;
    before = rows[rows.length - 1]!.id;
  }
  res.end();
}
