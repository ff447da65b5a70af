import type { MatrixPart } from './types.ts';

/** A registration answer of the right shape that signs no challenge we handed out. */
const strayRegistration = {
  id: 'AAAA',
  rawId: 'AAAA',
  type: 'public-key',
  clientExtensionResults: {},
  response: { clientDataJSON: 'e30', attestationObject: 'AAAA' },
};

/**
 * Two-factor sign-in (issue 16). The second step's procedures are public: each is authorized
 * by the step's own cookie, never a session (server/routers/second-step.ts). Everyone manages
 * their own factors; the policy, the list and the reset are the admins'.
 */
export const twofactor: MatrixPart = {
  rows: {
    'secondStep.state': { access: 'public', type: 'query', crossOrg: 'no-target' },
    'secondStep.verify': { access: 'public', type: 'mutation', input: () => ({ code: '123456' }), crossOrg: 'no-target' },
    'secondStep.passkeyOptions': { access: 'public', type: 'mutation', crossOrg: 'no-target' },
    'secondStep.passkey': { access: 'public', type: 'mutation', crossOrg: 'no-target' },
    'secondStep.enrollStart': { access: 'public', type: 'mutation', crossOrg: 'no-target' },
    'secondStep.enrollConfirm': { access: 'public', type: 'mutation', input: () => ({ code: '123456' }), crossOrg: 'no-target' },
    'secondStep.cancel': { access: 'public', type: 'mutation', crossOrg: 'no-target' },
    'twofactor.status': { access: 'authed', type: 'query', crossOrg: 'own-data' },
    'twofactor.totpStart': { access: 'authed', type: 'mutation', crossOrg: 'own-data' },
    'twofactor.totpConfirm': { access: 'authed', type: 'mutation', input: () => ({ code: 'not-a-code' }), crossOrg: 'BAD_REQUEST' },
    'twofactor.totpDisable': {
      access: 'authed',
      type: 'mutation',
      input: () => ({ password: 'not-the-password' }),
      crossOrg: 'BAD_REQUEST',
    },
    'twofactor.regenerateRecoveryCodes': {
      access: 'authed',
      type: 'mutation',
      input: () => ({ password: 'not-the-password' }),
      crossOrg: 'BAD_REQUEST',
    },
    'twofactor.passkeyOptions': { access: 'authed', type: 'mutation', crossOrg: 'own-data' },
    'twofactor.passkeyAdd': {
      access: 'authed',
      type: 'mutation',
      input: () => ({ name: 'Stray', response: strayRegistration }),
      crossOrg: 'BAD_REQUEST',
    },
    'twofactor.passkeyRemove': {
      access: 'authed',
      type: 'mutation',
      input: (ids) => ({ passkeyId: ids.extra.passkeyId, password: 'other-org-password' }),
      crossOrg: 'NOT_FOUND',
    },
    'twofactor.policy': { access: 'admin', type: 'query', crossOrg: 'own-data' },
    'twofactor.setPolicy': { access: 'admin', type: 'mutation', input: () => ({ requiredFor: 'nobody' }), crossOrg: 'own-data' },
    'twofactor.users': { access: 'admin', type: 'query', crossOrg: 'own-data' },
    'twofactor.reset': {
      access: 'admin',
      type: 'mutation',
      input: (ids) => ({ userId: ids.extra.twoFactorUserId }),
      crossOrg: 'NOT_FOUND',
    },
  },
  async setup(app, ids) {
    // A person of the demo organization with a passkey, for another organization to aim at (not
    // one of the demo people the matrix signs in: they would meet a second step).
    const [user] = await app.db.sql`INSERT INTO users (org_id, email, name, role)
      VALUES (${ids.orgId}, 'matrix-2fa@demo.test', 'Matrix Two-Factor', 'agent') RETURNING id`;
    const [row] = await app.db.sql`INSERT INTO passkeys (org_id, user_id, credential_id, public_key, name)
      VALUES (${ids.orgId}, ${user!.id as string}, 'matrix-credential', '\\x00', 'Matrix key') RETURNING id`;
    return { passkeyId: row!.id as string, twoFactorUserId: user!.id as string };
  },
};
