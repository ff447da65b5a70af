import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { audit } from '../../db/queries/audit.ts';
import { translate, type Language } from '../../i18n/index.ts';
import type { Authenticated } from '../auth/session.ts';
import { contactExists, writeContactExport } from '../privacy/contact-export.ts';
import { clientIp } from './request.ts';
import type { Services } from '../services/index.ts';

/** The data subject's request reference (a ticket, a protocol), required to export. */
export const requestReference = z.string().trim().min(1).max(200);

export const CONTACT_EXPORT_PATH = /^\/exports\/contacts\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.zip$/i;

function refuse(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify({ error: { message } }));
}

/**
 * GET /exports/contacts/<contactId>.zip?requestedBy=<reference> (server.ts has checked the
 * Origin and the session; exports.ts routes here). Admins only — a supervisor or an agent sees
 * conversations of their teams, an export is everything the organization holds about a person
 * (docs/privacy.md). Another organization's contact is the same 404 as a missing one. Audited
 * before the first byte, with who exported and on whose request.
 */
export async function sendContactExport(
  req: IncomingMessage,
  res: ServerResponse,
  s: Services,
  auth: Authenticated,
  lang: Language,
  contactId: string,
): Promise<void> {
  if (auth.user.role !== 'admin') return refuse(res, 403, translate(lang, 'error.adminOnly'));
  const params = new URL(req.url ?? '/', 'http://x').searchParams;
  const reference = requestReference.safeParse(params.get('requestedBy') ?? '');
  if (!reference.success) return refuse(res, 400, translate(lang, 'privacy.referenceRequired'));
  const orgId = auth.organization.id;
  const id = contactId.toLowerCase();
  if (!(await contactExists(s.sql, orgId, id))) return refuse(res, 404, translate(lang, 'error.notFound'));
  await audit(s.sql, {
    orgId,
    action: 'contact_exported',
    actorUserId: auth.user.id,
    ip: clientIp(req, s.env.TRUST_PROXY),
    details: { contactId: id, requestedBy: reference.data },
  });
  const exportedAt = new Date();
  res.writeHead(200, {
    'content-type': 'application/zip',
    'content-disposition': `attachment; filename="contact-${id}-${exportedAt.toISOString().slice(0, 10)}.zip"`,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  try {
    await writeContactExport(
      s.sql,
      s.storage,
      orgId,
      id,
      { exportedAt, exportedBy: auth.user.name, requestedBy: reference.data, organization: auth.organization.name },
      res,
    );
  } catch (err) {
    // Headers are out: a cut stream (an invalid ZIP) is what the client sees; the log says why.
    s.log.error({ err, contactId: id }, 'contact export failed mid-stream');
    res.destroy();
  }
}
