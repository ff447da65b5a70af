import { makeChannel, makeTemplate, waitingConversation } from '../helpers/conversations.ts';
import type { MatrixPart } from './types.ts';

const conv = (i: { extra: Record<string, string> }) => ({ conversationId: i.extra.conversationId });
/** Every conversation input aims at `extra.conversationId`; the team checks swap in their own. */
export const withConversation = (input: unknown, conversationId: string) =>
  input && typeof input === 'object' && 'conversationId' in input ? { ...input, conversationId } : input;

/** Queue and conversation procedures; the set-up makes a waiting WhatsApp conversation. */
export const conversations: MatrixPart = {
  rows: {
    'queue.list': { access: 'authed', type: 'query', input: () => ({}), crossOrg: 'own-data' },
    'conversations.get': {
      access: 'authed',
      type: 'query',
      input: conv,
      otherTeam: 'NOT_FOUND',
      notParticipant: 'OK',
      crossOrg: 'NOT_FOUND',
    },
    // Paging back through a long conversation: the same visibility as conversations.get.
    'conversations.messages': {
      access: 'authed',
      type: 'query',
      input: conv,
      otherTeam: 'NOT_FOUND',
      notParticipant: 'OK',
      crossOrg: 'NOT_FOUND',
    },
    'conversations.mine': { access: 'authed', type: 'query', crossOrg: 'own-data' },
    // Marking read is allowed to whoever may open the conversation (peeking team members too).
    'conversations.markRead': {
      access: 'authed',
      type: 'mutation',
      input: (i) => ({ ...conv(i), seq: 1 }),
      otherTeam: 'NOT_FOUND',
      notParticipant: 'OK',
      crossOrg: 'NOT_FOUND',
    },
    'conversations.fillCanned': {
      access: 'authed',
      type: 'query',
      input: (i) => ({ ...conv(i), cannedId: i.extra.cannedId }),
      otherTeam: 'NOT_FOUND',
      notParticipant: 'FORBIDDEN',
      crossOrg: 'NOT_FOUND',
    },
    'conversations.claim': {
      access: 'authed',
      type: 'mutation',
      input: conv,
      otherTeam: 'NOT_FOUND',
      notParticipant: 'CONFLICT',
      crossOrg: 'NOT_FOUND',
    },
    // Automatic routing: only the agent an offer is made to may accept or decline it.
    'conversations.accept': {
      access: 'authed',
      type: 'mutation',
      input: conv,
      otherTeam: 'NOT_FOUND',
      notParticipant: 'CONFLICT',
      crossOrg: 'NOT_FOUND',
    },
    'conversations.decline': {
      access: 'authed',
      type: 'mutation',
      input: conv,
      otherTeam: 'NOT_FOUND',
      notParticipant: 'CONFLICT',
      crossOrg: 'NOT_FOUND',
    },
    // Waiting on the customer: the serving agent's (or an admin's) call.
    'conversations.setPending': {
      access: 'authed',
      type: 'mutation',
      input: conv,
      otherTeam: 'NOT_FOUND',
      notParticipant: 'FORBIDDEN',
      crossOrg: 'NOT_FOUND',
    },
    'conversations.resume': {
      access: 'authed',
      type: 'mutation',
      input: conv,
      otherTeam: 'NOT_FOUND',
      notParticipant: 'FORBIDDEN',
      crossOrg: 'NOT_FOUND',
    },
    'conversations.send': {
      access: 'authed',
      type: 'mutation',
      input: (i) => ({ ...conv(i), text: 'x', clientMessageId: 'matrix-send-1' }),
      otherTeam: 'NOT_FOUND',
      notParticipant: 'FORBIDDEN',
      crossOrg: 'NOT_FOUND',
    },
    'conversations.sendCanned': {
      access: 'authed',
      type: 'mutation',
      input: (i) => ({ ...conv(i), cannedId: i.extra.cannedId }),
      otherTeam: 'NOT_FOUND',
      notParticipant: 'FORBIDDEN',
      crossOrg: 'NOT_FOUND',
    },
    'conversations.sendTemplate': {
      access: 'authed',
      type: 'mutation',
      input: (i) => ({ ...conv(i), templateId: i.extra.templateId, params: ['a', 'b'] }),
      otherTeam: 'NOT_FOUND',
      notParticipant: 'CONFLICT',
      crossOrg: 'NOT_FOUND',
    },
    'conversations.start': {
      access: 'authed',
      type: 'mutation',
      crossOrg: 'FORBIDDEN',
      input: (i) => ({
        contactId: i.extra.contactId,
        teamId: i.teams.Support,
        channelId: i.extra.channelId,
        templateId: i.extra.templateId,
        params: ['a', 'b'],
      }),
    },
    'conversations.transfer': {
      access: 'authed',
      type: 'mutation',
      input: (i) => ({ ...conv(i), toTeamId: i.teams.Sales }),
      otherTeam: 'NOT_FOUND',
      notParticipant: 'FORBIDDEN',
      crossOrg: 'NOT_FOUND',
    },
    'conversations.finish': {
      access: 'authed',
      type: 'mutation',
      input: conv,
      otherTeam: 'NOT_FOUND',
      notParticipant: 'FORBIDDEN',
      crossOrg: 'NOT_FOUND',
    },
    'conversations.invite': {
      access: 'authed',
      type: 'mutation',
      input: (i) => ({ ...conv(i), userId: i.users['bruno@demo.test'] }),
      otherTeam: 'NOT_FOUND',
      notParticipant: 'FORBIDDEN',
      crossOrg: 'NOT_FOUND',
    },
    'conversations.leave': {
      access: 'authed',
      type: 'mutation',
      input: conv,
      otherTeam: 'NOT_FOUND',
      notParticipant: 'NOT_FOUND',
      crossOrg: 'NOT_FOUND',
    },
    'conversations.tagOptions': { access: 'authed', type: 'query', crossOrg: 'own-data' },
    'conversations.dispositionOptions': { access: 'authed', type: 'query', crossOrg: 'own-data' },
    'conversations.setTags': {
      access: 'authed',
      type: 'mutation',
      input: (i) => ({ ...conv(i), tagIds: [] }),
      otherTeam: 'NOT_FOUND',
      notParticipant: 'FORBIDDEN',
      crossOrg: 'NOT_FOUND',
    },
    'admin.conversations.forceClose': { access: 'admin', type: 'mutation', input: conv, crossOrg: 'NOT_FOUND' },
    'admin.conversations.releaseFromBot': { access: 'admin', type: 'mutation', input: conv, crossOrg: 'NOT_FOUND' },
    'admin.conversations.transfer': {
      access: 'admin',
      type: 'mutation',
      input: (i) => ({ ...conv(i), toTeamId: i.teams.Sales }),
      crossOrg: 'NOT_FOUND',
    },
  },
  async setup(app, ids) {
    const channel = await makeChannel(app.db.sql, ids);
    const templateId = await makeTemplate(app.db.sql, ids.orgId, channel.id, 'matrix_template');
    const c = await waitingConversation(app, channel, '5511977776666');
    const [canned] = await app.db
      .sql`INSERT INTO canned_responses (org_id, shortcut, title, body) VALUES (${ids.orgId}, 'matrix', 'Matrix', 'Hi {contact.name}') RETURNING id`;
    return { conversationId: c.id, contactId: c.contactId, channelId: channel.id, templateId, cannedId: canned!.id as string };
  },
};
