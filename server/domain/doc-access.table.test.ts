import { describe, expect, it } from 'vitest';
import type { ConversationFacts } from './conversation-access.ts';
import { docAccess, notesDoc, type DocAccess, type DocFacts, type DocOf, type DocViewer } from './doc-access.ts';

/**
 * Who may open which collaborative document, as a table: document kind (and what the database
 * says about it) × who asks → write, read, awareness or nothing. Written out by hand from
 * SPEC §9, not computed from the rules.
 */

const ORG = '00000000-0000-4000-8000-0000000000a1';
const OTHER_ORG = '00000000-0000-4000-8000-0000000000b2';
const ME = 'me';
const OTHER = 'someone-else';
const MY_TEAM = 'team-mine';
const OTHER_TEAM = 'team-other';
const ID = '00000000-0000-4000-8000-000000000001';

type ViewerKind = 'agent' | 'agentNoChat' | 'agentNoHistory' | 'admin' | 'deactivated';

const viewers: Record<ViewerKind, DocViewer> = {
  agent: { orgId: ORG, userId: ME, role: 'agent', historyAccess: 'own_teams', internalChat: true, deactivated: false },
  agentNoChat: { orgId: ORG, userId: ME, role: 'agent', historyAccess: 'own_teams', internalChat: false, deactivated: false },
  agentNoHistory: { orgId: ORG, userId: ME, role: 'agent', historyAccess: 'none', internalChat: true, deactivated: false },
  admin: { orgId: ORG, userId: ME, role: 'admin', historyAccess: 'own_teams', internalChat: true, deactivated: false },
  deactivated: { orgId: ORG, userId: ME, role: 'admin', historyAccess: 'all', internalChat: true, deactivated: true },
};

const conv = (status: ConversationFacts['status'], over: Partial<ConversationFacts> = {}): ConversationFacts => ({
  status,
  teamId: OTHER_TEAM,
  assigneeId: OTHER,
  targetUserId: null,
  participantIds: [],
  ...over,
});

/** A document, and what the caller read from the database about it. */
type Situation =
  | { doc: DocOf<'presence'>; facts: DocFacts['presence'] }
  | { doc: DocOf<'notes'>; facts: DocFacts['notes'] }
  | { doc: DocOf<'chat'>; facts: DocFacts['chat'] }
  | { doc: DocOf<'conversation'>; facts: DocFacts['conversation'] };

const presence = (orgId: string): Situation => ({ doc: { kind: 'presence', orgId, name: `presence:${orgId}` }, facts: {} });
const notes = (contactInOrg: boolean): Situation => ({ doc: notesDoc(ID), facts: { contactInOrg } });
const chat = (member: boolean): Situation => ({ doc: { kind: 'chat', roomId: ID, name: `chat:${ID}` }, facts: { member } });
const conversation = (c: ConversationFacts | null): Situation => ({
  doc: { kind: 'conversation', conversationId: ID, name: `conversation:${ID}` },
  facts: { conversation: c, teamIds: [MY_TEAM] },
});

const situations = {
  'presence of my organization': presence(ORG),
  'presence of another organization': presence(OTHER_ORG),
  'notes of a contact of my organization': notes(true),
  'notes of an unknown contact': notes(false),
  'chat room I am in': chat(true),
  'chat room I am not in': chat(false),
  'conversation that does not exist': conversation(null),
  'conversation I serve': conversation(conv('active', { assigneeId: ME })),
  'conversation I was invited to': conversation(conv('active', { participantIds: [ME] })),
  'active conversation of my team': conversation(conv('active', { teamId: MY_TEAM })),
  'active conversation of another team': conversation(conv('active')),
  'waiting conversation of my team': conversation(conv('waiting', { teamId: MY_TEAM, assigneeId: null })),
  'waiting conversation transferred to me': conversation(conv('waiting', { assigneeId: null, targetUserId: ME })),
  'conversation in the bot, no team': conversation(conv('bot', { teamId: null, assigneeId: null })),
  'closed conversation of my team': conversation(conv('closed', { teamId: MY_TEAM, assigneeId: null })),
  'closed conversation of another team': conversation(conv('closed', { assigneeId: null })),
  'closed conversation I served': conversation(conv('closed', { assigneeId: ME })),
} satisfies Record<string, Situation>;

type Row = [keyof typeof situations, ViewerKind, DocAccess | null];

const rows: Row[] = [
  ['presence of my organization', 'agent', 'awareness'],
  ['presence of my organization', 'agentNoChat', 'awareness'],
  ['presence of my organization', 'admin', 'awareness'],
  ['presence of my organization', 'deactivated', null],
  ['presence of another organization', 'agent', null],
  ['presence of another organization', 'admin', null],

  ['notes of a contact of my organization', 'agent', 'write'],
  ['notes of a contact of my organization', 'agentNoChat', 'write'],
  ['notes of a contact of my organization', 'agentNoHistory', 'write'],
  ['notes of a contact of my organization', 'admin', 'write'],
  ['notes of a contact of my organization', 'deactivated', null],
  ['notes of an unknown contact', 'agent', null],
  ['notes of an unknown contact', 'admin', null],

  ['chat room I am in', 'agent', 'write'],
  ['chat room I am in', 'admin', 'write'],
  ['chat room I am in', 'agentNoChat', null],
  ['chat room I am in', 'deactivated', null],
  ['chat room I am not in', 'agent', null],
  ['chat room I am not in', 'admin', null],

  ['conversation that does not exist', 'agent', null],
  ['conversation that does not exist', 'admin', null],
  ['conversation I serve', 'agent', 'write'],
  ['conversation I serve', 'deactivated', null],
  ['conversation I was invited to', 'agent', 'write'],
  ['active conversation of my team', 'agent', 'read'],
  ['active conversation of my team', 'agentNoHistory', 'read'],
  ['active conversation of my team', 'admin', 'write'],
  ['active conversation of another team', 'agent', null],
  ['active conversation of another team', 'admin', 'write'],
  ['waiting conversation of my team', 'agent', 'read'],
  ['waiting conversation of my team', 'admin', 'write'],
  ['waiting conversation transferred to me', 'agent', 'read'],
  ['conversation in the bot, no team', 'agent', null],
  ['conversation in the bot, no team', 'admin', 'write'],
  ['closed conversation of my team', 'agent', 'read'],
  ['closed conversation of my team', 'agentNoHistory', null],
  ['closed conversation of my team', 'admin', 'read'],
  ['closed conversation of another team', 'agent', null],
  ['closed conversation of another team', 'admin', 'read'],
  ['closed conversation I served', 'agent', 'read'],
  ['closed conversation I served', 'agentNoHistory', 'read'],
];

function ask(s: Situation, v: DocViewer): DocAccess | null {
  switch (s.doc.kind) {
    case 'presence':
      return docAccess(s.doc, v, s.facts as DocFacts['presence']);
    case 'notes':
      return docAccess(s.doc, v, s.facts as DocFacts['notes']);
    case 'chat':
      return docAccess(s.doc, v, s.facts as DocFacts['chat']);
    case 'conversation':
      return docAccess(s.doc, v, s.facts as DocFacts['conversation']);
  }
}

describe('document access (document × viewer)', () => {
  it.each(rows)('%s, %s → %s', (situation, viewer, expected) => {
    expect(ask(situations[situation], viewers[viewer])).toBe(expected);
  });

  it('covers every document kind, situation and viewer', () => {
    expect(new Set(rows.map((r) => situations[r[0]].doc.kind))).toEqual(new Set(['presence', 'notes', 'chat', 'conversation']));
    expect(new Set(rows.map((r) => r[0]))).toEqual(new Set(Object.keys(situations)));
    expect(new Set(rows.map((r) => r[1]))).toEqual(new Set(Object.keys(viewers)));
  });
});
