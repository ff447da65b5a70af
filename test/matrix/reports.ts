import type { MatrixPart } from './types.ts';

/** Reports (issue 15): admins and supervisors (their own teams); another organization counts only its own. */
export const reports: MatrixPart = {
  rows: {
    'reports.filters': { access: 'supervisor', type: 'query', crossOrg: 'own-data' },
    'reports.summary': {
      access: 'supervisor',
      type: 'query',
      input: () => ({ from: '2026-01-01', to: '2026-12-31' }),
      crossOrg: 'own-data',
    },
  },
};
