export type ConversationStatus = 'bot' | 'waiting' | 'active' | 'closed';

export interface ConversationFacts {
  status: ConversationStatus;
  teamId: string | null;
  assigneeId: string | null;
  targetUserId: string | null;
  participantIds: readonly string[];
}

export interface Viewer {
  id: string;
  role: 'admin' | 'supervisor' | 'agent';
  teamIds: readonly string[];
  historyAccess: 'own_teams' | 'all' | 'none';
}

const inTeam = (c: ConversationFacts, v: Viewer) => c.teamId !== null && v.teamIds.includes(c.teamId);

/** May claim (or send a template from Waiting): team members of a shared queue, or the targeted agent. */
export function mayClaim(c: ConversationFacts, v: Viewer): boolean {
  if (c.status !== 'waiting') return false;
  if (c.targetUserId) return c.targetUserId === v.id;
  return inTeam(c, v);
}

/** May write to the customer: the serving agent and invited colleagues, while active. */
export function mayWrite(c: ConversationFacts, v: Viewer): boolean {
  return c.status === 'active' && (c.assigneeId === v.id || c.participantIds.includes(v.id));
}

/** May read the conversation (peek included). */
export function mayView(c: ConversationFacts, v: Viewer): boolean {
  if (v.role === 'admin') return true;
  if (c.assigneeId === v.id || c.participantIds.includes(v.id) || c.targetUserId === v.id) return true;
  if (c.status === 'closed') {
    if (v.historyAccess === 'all') return true;
    return v.historyAccess === 'own_teams' && inTeam(c, v);
  }
  // Open conversations: team members may peek at the queue and see who serves what.
  return inTeam(c, v);
}

/** May manage (transfer, finish, invite, tags): the serving agent, or an admin. */
export function mayManage(c: ConversationFacts, v: Viewer): boolean {
  if (c.status === 'closed') return false;
  if (v.role === 'admin') return true;
  if (c.status === 'active') return c.assigneeId === v.id;
  // From Waiting a team member may transfer onwards (SPEC §6, waiting item actions).
  return c.status === 'waiting' && mayClaim(c, v);
}
