import type { Viewer } from './conversation-access.ts';

/**
 * Which closed conversations a person may list, as SQL can filter them (db/queries/
 * past-conversations.ts). It mirrors mayView for a closed conversation: closing clears the
 * assignee and the personal target and removes invited colleagues (setClosed,
 * removeParticipants), so only the role and the history permission decide — admin or `all`:
 * every one; `own_teams`: those of the person's teams; `none`: nothing.
 */
export type HistoryScope = { all: true } | { all: false; teamIds: readonly string[] };

export function historyScope(v: Pick<Viewer, 'role' | 'historyAccess' | 'teamIds'>): HistoryScope {
  if (v.role === 'admin' || v.historyAccess === 'all') return { all: true };
  return { all: false, teamIds: v.historyAccess === 'own_teams' ? v.teamIds : [] };
}

/** Whether a closed conversation of `teamId` is inside the scope (what the SQL does, for the table test). */
export function inScope(scope: HistoryScope, teamId: string | null): boolean {
  return scope.all || (teamId !== null && scope.teamIds.includes(teamId));
}
