import type { MatrixPart } from './types.ts';

/** A P-256 public key and auth secret as a browser gives them (any valid shape will do here). */
const KEYS = { p256dh: `BA${'A'.repeat(85)}`, auth: 'AAAAAAAAAAAAAAAAAAAAAA' };

/** Push notifications: every user's own devices and switches; the set-up registers one device of Ana's. */
export const push: MatrixPart = {
  rows: {
    'push.publicKey': { access: 'authed', type: 'query', crossOrg: 'own-data' },
    // Another organization's user registers its own device; nothing of the demo organization is touched.
    'push.subscribe': {
      access: 'authed',
      type: 'mutation',
      input: () => ({ endpoint: 'https://fcm.googleapis.com/fcm/send/matrix-outsider', keys: KEYS, label: 'Matrix' }),
      crossOrg: 'own-data',
    },
    'push.devices': { access: 'authed', type: 'query', input: () => ({}), crossOrg: 'own-data' },
    'push.setDevice': {
      access: 'authed',
      type: 'mutation',
      input: (i) => ({ id: i.extra.pushDeviceId, paused: true }),
      crossOrg: 'NOT_FOUND',
    },
    'push.unsubscribe': { access: 'authed', type: 'mutation', input: (i) => ({ id: i.extra.pushDeviceId }), crossOrg: 'NOT_FOUND' },
    'push.settings': { access: 'authed', type: 'query', crossOrg: 'own-data' },
    'push.updateSettings': { access: 'authed', type: 'mutation', input: () => ({ offer: false }), crossOrg: 'own-data' },
  },
  async setup(app, ids) {
    const ana = ids.users['ana@demo.test']!;
    const [session] = await app.db.sql`INSERT INTO sessions (org_id, id, user_id, secret_hash)
      VALUES (${ids.orgId}, 'matrix-push-session', ${ana}, '\\x00') RETURNING id`;
    const [device] = await app.db.sql`INSERT INTO push_subscriptions (org_id, user_id, session_id, endpoint, p256dh, auth, device_label)
      VALUES (${ids.orgId}, ${ana}, ${session!.id as string}, 'https://fcm.googleapis.com/fcm/send/matrix-demo', ${KEYS.p256dh}, ${KEYS.auth}, 'Ana phone')
      RETURNING id`;
    return { pushDeviceId: device!.id as string };
  },
};
