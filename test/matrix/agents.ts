import type { MatrixPart } from './types.ts';

/** Agent states, pauses and the monitoring board; the set-up adds a demo pause type. */
export const agents: MatrixPart = {
  rows: {
    'agents.list': { access: 'authed', type: 'query', crossOrg: 'own-data' },
    'agents.me': { access: 'authed', type: 'query', crossOrg: 'own-data' },
    'agents.pauseTypes': { access: 'authed', type: 'query', crossOrg: 'own-data' },
    'agents.setStatus': { access: 'authed', type: 'mutation', input: () => ({ status: 'online' }), crossOrg: 'own-data' },
    'agents.startPause': {
      access: 'authed',
      type: 'mutation',
      input: (i) => ({ pauseTypeId: i.extra.pauseTypeId }),
      crossOrg: 'NOT_FOUND',
    },
    // Acts on the caller only: there is nothing of another organization to aim it at.
    'agents.endPause': { access: 'authed', type: 'mutation', crossOrg: 'no-target' },
    // Internal chat's unread hint (the room is made by the sync part's set-up): only a member may announce.
    'chat.posted': {
      access: 'authed',
      type: 'mutation',
      input: (i) => ({ roomId: i.extra.chatRoomId, messageId: i.extra.chatRoomId }),
      crossOrg: 'NOT_FOUND',
    },
    'admin.monitor.overview': { access: 'supervisor', type: 'query', crossOrg: 'own-data' },
  },
  async setup(app, ids) {
    const [row] = await app.db
      .sql`INSERT INTO pause_types (org_id, name, max_minutes) VALUES (${ids.orgId}, 'Matrix break', 15) RETURNING id`;
    return { pauseTypeId: row!.id as string };
  },
};
