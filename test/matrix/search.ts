import { makeContact, makeConversation } from '../helpers/factories.ts';
import type { MatrixPart } from './types.ts';

/** Search: another organization searching for a word only the demo organization wrote finds nothing of it. */
export const search: MatrixPart = {
  rows: {
    'search.messages': { access: 'authed', type: 'query', input: () => ({ query: 'matrixsecretword' }), crossOrg: 'own-data' },
  },
  async setup(app, ids) {
    const sql = app.db.sql;
    const [channel] = await sql`SELECT id FROM channels WHERE org_id = ${ids.orgId} LIMIT 1`;
    const searchContactId = await makeContact(sql, ids.orgId, { name: 'Matrix Search' });
    const searchConversationId = await makeConversation(sql, ids.orgId, {
      contactId: searchContactId,
      channelId: channel!.id as string,
      status: 'closed',
      teamId: ids.teams.Support,
    });
    const [m] = await sql`INSERT INTO messages (org_id, conversation_id, channel_id, direction, kind, text, status)
      VALUES (${ids.orgId}, ${searchConversationId}, ${channel!.id}, 'in', 'text', 'the matrixsecretword', 'received') RETURNING id`;
    return { searchContactId, searchConversationId, searchMessageId: m!.id as string };
  },
};
