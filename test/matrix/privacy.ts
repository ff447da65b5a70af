import type { MatrixPart } from './types.ts';

/**
 * LGPD / GDPR (issue 16): admins only (supervisors too are refused: an export or an erasure
 * concerns everything held on a person, not their teams' work); another organization's admin
 * gets NOT_FOUND for a demo contact, and its own settings only.
 */
export const privacy: MatrixPart = {
  async setup(app, ids) {
    const [c] = await app.db
      .sql`INSERT INTO contacts (org_id, name, whatsapp) VALUES (${ids.orgId}, 'Matrix Privacy Subject', '5511955550101')
      RETURNING id`;
    return { privacyContactId: c!.id as string };
  },
  rows: {
    'privacy.settings': { access: 'admin', type: 'query', crossOrg: 'own-data' },
    'privacy.updateSettings': {
      access: 'admin',
      type: 'mutation',
      input: () => ({ eraseClosedAfterMonths: null, deleteAuditAfterMonths: null }),
      crossOrg: 'own-data',
    },
    'privacy.contact': {
      access: 'admin',
      type: 'query',
      input: (ids) => ({ contactId: ids.extra.privacyContactId }),
      crossOrg: 'NOT_FOUND',
    },
    'privacy.eraseContact': {
      access: 'admin',
      type: 'mutation',
      input: (ids) => ({ contactId: ids.extra.privacyContactId, confirmation: 'Matrix Privacy Subject', requestedBy: 'REQ-MATRIX' }),
      crossOrg: 'NOT_FOUND',
    },
  },
};
