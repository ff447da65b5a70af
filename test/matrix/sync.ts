import type { MatrixPart } from './types.ts';

const room = (i: { extra: Record<string, string> }) => ({ roomId: i.extra.chatRoomId });

/** Internal chat and contact notes (the collaborative parts' tRPC side); the set-up makes a room of Ana and Bruno and a contact. */
export const sync: MatrixPart = {
  rows: {
    // Another organization's users are refused like unavailable colleagues, without saying whether they exist.
    'chat.open': { access: 'authed', type: 'mutation', input: (i) => ({ userIds: [i.users['ana@demo.test']] }), crossOrg: 'FORBIDDEN' },
    'chat.addMembers': {
      access: 'authed',
      type: 'mutation',
      input: (i) => ({ ...room(i), userIds: [i.users['carla@demo.test']] }),
      crossOrg: 'NOT_FOUND',
    },
    'chat.leave': { access: 'authed', type: 'mutation', input: room, crossOrg: 'NOT_FOUND' },
    'chat.list': { access: 'authed', type: 'query', crossOrg: 'own-data' },
    'chat.markRead': { access: 'authed', type: 'mutation', input: (i) => ({ ...room(i), count: 1 }), crossOrg: 'NOT_FOUND' },
    'chat.history': { access: 'authed', type: 'query', input: room, crossOrg: 'NOT_FOUND' },
    'notes.activity': { access: 'authed', type: 'query', input: (i) => ({ contactId: i.extra.notesContactId }), crossOrg: 'NOT_FOUND' },
  },
  async setup(app, ids) {
    const sql = app.db.sql;
    const [r] =
      await sql`INSERT INTO chat_rooms (org_id, kind, created_by) VALUES (${ids.orgId}, 'group', ${ids.users['ana@demo.test']}) RETURNING id`;
    const roomId = r!.id as string;
    await sql`INSERT INTO chat_members (org_id, room_id, user_id) VALUES (${ids.orgId}, ${roomId}, ${ids.users['ana@demo.test']}), (${ids.orgId}, ${roomId}, ${ids.users['bruno@demo.test']})`;
    const [c] =
      await sql`INSERT INTO contacts (org_id, name, email, whatsapp) VALUES (${ids.orgId}, 'Matrix Notes', 'mn@x.test', '5511900001111') RETURNING id`;
    return { chatRoomId: roomId, notesContactId: c!.id as string };
  },
};
