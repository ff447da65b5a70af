import { createApiToken } from '../../server/commands/api-tokens.ts';
import { errorsFor } from '../../server/errors.ts';
import type { MatrixPart } from './types.ts';

/** API tokens (issue 16): admins only; another organization's admin cannot see or revoke the demo's. */
export const api: MatrixPart = {
  rows: {
    'admin.apiTokens.list': { access: 'admin', type: 'query', crossOrg: 'own-data' },
    'admin.apiTokens.create': {
      access: 'admin',
      type: 'mutation',
      input: () => ({ name: 'Matrix token', scopes: ['contacts:read'] }),
      crossOrg: 'no-target',
    },
    'admin.apiTokens.revoke': {
      access: 'admin',
      type: 'mutation',
      input: (ids) => ({ tokenId: ids.extra.apiToken }),
      crossOrg: 'NOT_FOUND',
    },
  },
  async setup(app, ids) {
    const admin = { orgId: ids.orgId, userId: ids.users['admin@demo.test'], ip: '', fail: errorsFor('en') };
    const { token } = await createApiToken(app.services, admin, { name: 'Demo integration', scopes: ['contacts:read'], expiresAt: null });
    return { apiToken: token.id };
  },
};
