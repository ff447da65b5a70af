import { describe, expect, it } from 'vitest';
import {
  mayClaim,
  mayManage,
  mayView,
  mayWrite,
  type ConversationFacts,
  type ConversationStatus,
  type Viewer,
} from './conversation-access.ts';

/**
 * The conversation rules as a table: status × role × relation (× history permission) → what
 * the viewer may do. Written out by hand from SPEC §6, not computed from the rules.
 *
 * Answers: four letters, V(iew) C(laim) W(rite) M(anage), '.' where refused.
 */

const ME = 'me';
const OTHER = 'someone-else';
const MY_TEAM = 'team-mine';
const OTHER_TEAM = 'team-other';

/** How the viewer stands to the conversation. Outside the 'team' relations, it is in a team the viewer is not in. */
type Relation =
  | 'assignee' // serves it
  | 'participant' // invited colleague (someone else serves it)
  | 'target' // transferred to the viewer personally
  | 'team' // in the viewer's team, someone else serves it (or nobody yet)
  | 'teamTargeted' // in the viewer's team, but transferred to a colleague personally
  | 'otherTeam' // another team's, someone else serves it
  | 'noTeam'; // no team (the bot has not routed it)

function factsOf(status: ConversationStatus, relation: Relation): ConversationFacts {
  const base: ConversationFacts = { status, teamId: OTHER_TEAM, assigneeId: OTHER, targetUserId: null, participantIds: [] };
  switch (relation) {
    case 'assignee':
      return { ...base, assigneeId: ME };
    case 'participant':
      return { ...base, participantIds: [ME] };
    case 'target':
      return { ...base, assigneeId: null, targetUserId: ME };
    case 'team':
      return { ...base, teamId: MY_TEAM };
    case 'teamTargeted':
      return { ...base, teamId: MY_TEAM, assigneeId: null, targetUserId: OTHER };
    case 'otherTeam':
      return base;
    case 'noTeam':
      return { ...base, teamId: null, assigneeId: null };
  }
}

type Row = [ConversationStatus, Viewer['role'], Relation, Viewer['historyAccess'], string];

const rows: Row[] = [
  // status    role      relation        history      V C W M
  ['bot', 'agent', 'assignee', 'own_teams', 'V...'],
  ['bot', 'agent', 'participant', 'own_teams', 'V...'],
  ['bot', 'agent', 'target', 'own_teams', 'V...'],
  ['bot', 'agent', 'team', 'own_teams', 'V...'],
  ['bot', 'agent', 'teamTargeted', 'own_teams', 'V...'],
  ['bot', 'agent', 'otherTeam', 'own_teams', '....'],
  ['bot', 'agent', 'noTeam', 'own_teams', '....'],
  ['bot', 'agent', 'otherTeam', 'all', '....'], // history covers finished conversations only

  ['waiting', 'agent', 'assignee', 'own_teams', 'V...'],
  ['waiting', 'agent', 'participant', 'own_teams', 'V...'],
  ['waiting', 'agent', 'target', 'own_teams', 'VC.M'],
  ['waiting', 'agent', 'team', 'own_teams', 'VC.M'],
  ['waiting', 'agent', 'teamTargeted', 'own_teams', 'V...'],
  ['waiting', 'agent', 'otherTeam', 'own_teams', '....'],
  ['waiting', 'agent', 'noTeam', 'own_teams', '....'],
  ['waiting', 'agent', 'team', 'none', 'VC.M'],
  ['waiting', 'agent', 'otherTeam', 'all', '....'],

  ['active', 'agent', 'assignee', 'own_teams', 'V.WM'],
  ['active', 'agent', 'participant', 'own_teams', 'V.W.'],
  ['active', 'agent', 'target', 'own_teams', 'V...'],
  ['active', 'agent', 'team', 'own_teams', 'V...'],
  ['active', 'agent', 'teamTargeted', 'own_teams', 'V...'],
  ['active', 'agent', 'otherTeam', 'own_teams', '....'],
  ['active', 'agent', 'noTeam', 'own_teams', '....'],
  ['active', 'agent', 'team', 'none', 'V...'],
  ['active', 'agent', 'otherTeam', 'all', '....'],

  ['closed', 'agent', 'assignee', 'own_teams', 'V...'],
  ['closed', 'agent', 'participant', 'own_teams', 'V...'],
  ['closed', 'agent', 'target', 'own_teams', 'V...'],
  ['closed', 'agent', 'team', 'own_teams', 'V...'],
  ['closed', 'agent', 'teamTargeted', 'own_teams', 'V...'],
  ['closed', 'agent', 'otherTeam', 'own_teams', '....'],
  ['closed', 'agent', 'noTeam', 'own_teams', '....'],
  ['closed', 'agent', 'team', 'all', 'V...'],
  ['closed', 'agent', 'otherTeam', 'all', 'V...'],
  ['closed', 'agent', 'noTeam', 'all', 'V...'],
  ['closed', 'agent', 'team', 'none', '....'],
  ['closed', 'agent', 'otherTeam', 'none', '....'],
  ['closed', 'agent', 'assignee', 'none', 'V...'],

  // Admins see everything and manage every open conversation; they write only where they serve or were invited.
  ['bot', 'admin', 'otherTeam', 'own_teams', 'V..M'],
  ['bot', 'admin', 'noTeam', 'none', 'V..M'],
  ['waiting', 'admin', 'team', 'own_teams', 'VC.M'],
  ['waiting', 'admin', 'target', 'own_teams', 'VC.M'],
  ['waiting', 'admin', 'teamTargeted', 'own_teams', 'V..M'],
  ['waiting', 'admin', 'otherTeam', 'own_teams', 'V..M'],
  ['active', 'admin', 'assignee', 'own_teams', 'V.WM'],
  ['active', 'admin', 'participant', 'own_teams', 'V.WM'],
  ['active', 'admin', 'team', 'own_teams', 'V..M'],
  ['active', 'admin', 'otherTeam', 'none', 'V..M'],
  ['closed', 'admin', 'assignee', 'own_teams', 'V...'],
  ['closed', 'admin', 'otherTeam', 'none', 'V...'],
  ['closed', 'admin', 'noTeam', 'own_teams', 'V...'],
];

const answers = (c: ConversationFacts, v: Viewer) =>
  [mayView(c, v) ? 'V' : '.', mayClaim(c, v) ? 'C' : '.', mayWrite(c, v) ? 'W' : '.', mayManage(c, v) ? 'M' : '.'].join('');

describe('conversation access (status × role × relation)', () => {
  it.each(rows)('%s, %s, %s, history %s → %s', (status, role, relation, historyAccess, expected) => {
    const viewer: Viewer = { id: ME, role, teamIds: [MY_TEAM], historyAccess };
    expect(answers(factsOf(status, relation), viewer)).toBe(expected);
  });

  it('covers every status, role and relation', () => {
    const seen = (i: number) => new Set(rows.map((r) => r[i]));
    expect(seen(0)).toEqual(new Set(['bot', 'waiting', 'active', 'closed']));
    expect(seen(1)).toEqual(new Set(['agent', 'admin']));
    expect(seen(2)).toEqual(new Set(['assignee', 'participant', 'target', 'team', 'teamTargeted', 'otherTeam', 'noTeam']));
    expect(seen(3)).toEqual(new Set(['own_teams', 'all', 'none']));
  });
});
