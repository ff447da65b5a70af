import { describe, expect, it } from 'vitest';
import { mayView, type ConversationFacts, type Viewer } from './conversation-access.ts';
import { historyScope, inScope } from './history-access.ts';

/** The history list's SQL scope must let through exactly the closed conversations mayView does. */
describe('historyScope mirrors mayView for closed conversations', () => {
  const roles: Viewer['role'][] = ['admin', 'supervisor', 'agent'];
  const access: Viewer['historyAccess'][] = ['all', 'own_teams', 'none'];
  const teams: (string | null)[] = ['t-mine', 't-other', null];
  for (const role of roles)
    for (const historyAccess of access)
      for (const teamId of teams)
        it(`${role} / ${historyAccess} / team ${teamId}`, () => {
          const viewer: Viewer = { id: 'me', role, historyAccess, teamIds: ['t-mine'] };
          // As closing leaves it: no assignee, no target, no participants (server/commands/conversations/common.ts factsOf).
          const closed: ConversationFacts = { status: 'closed', teamId, assigneeId: null, targetUserId: null, participantIds: [] };
          expect(inScope(historyScope(viewer), teamId)).toBe(mayView(closed, viewer));
        });

  it('gives nothing to a person without the history permission', () => {
    expect(historyScope({ role: 'agent', historyAccess: 'none', teamIds: ['t'] })).toEqual({ all: false, teamIds: [] });
  });
});
