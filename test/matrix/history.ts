import { makeConversation } from '../helpers/factories.ts';
import type { MatrixPart } from './types.ts';

/** Past conversations and transcripts; the set-up closes a Support conversation. */
export const history: MatrixPart = {
  rows: {
    'conversations.history': { access: 'authed', type: 'query', input: () => ({}), crossOrg: 'own-data' },
    // Same rule as opening the conversation (mayView).
    'conversations.transcript': {
      access: 'authed',
      type: 'query',
      input: (i) => ({ conversationId: i.extra.conversationId }),
      otherTeam: 'NOT_FOUND',
      notParticipant: 'OK',
      crossOrg: 'NOT_FOUND',
    },
  },
  async setup(app, ids) {
    const [contact] = await app.db.sql`INSERT INTO contacts (org_id, name) VALUES (${ids.orgId}, 'Matrix history') RETURNING id`;
    const [channel] = await app.db.sql`SELECT id FROM channels WHERE org_id = ${ids.orgId} ORDER BY created_at LIMIT 1`;
    const closedConversationId = await makeConversation(app.db.sql, ids.orgId, {
      contactId: contact!.id as string,
      channelId: channel!.id as string,
      status: 'closed',
      teamId: ids.teams.Support,
      assigneeId: ids.users['ana@demo.test'],
    });
    return { closedConversationId, historyContactId: contact!.id as string };
  },
};
