/**
 * Capacity (issue 12): how many active conversations an agent may hold. The limit is the
 * agent's own when an admin set one, else the team's of the conversation being taken; none
 * when neither is set. Admins are never limited. `active` counts every conversation the agent
 * serves (in any team): an agent's attention is one.
 */
export interface Load {
  role: 'admin' | 'supervisor' | 'agent';
  /** Active conversations the agent serves now. */
  active: number;
  /** The agent's own limit (users.max_conversations). */
  ownLimit: number | null;
  /** The limit of the conversation's team, and its name (teams.max_per_agent). */
  teamLimit: number | null;
  teamName: string | null;
}

export type CapacityRefusal = { key: 'conv.atOwnCapacity'; count: number } | { key: 'conv.atTeamCapacity'; count: number; team: string };

/** Null when the agent may take one more; otherwise why not, for the sentence. */
export function capacityRefusal(load: Load): CapacityRefusal | null {
  if (load.role === 'admin') return null;
  if (load.ownLimit !== null) return load.active >= load.ownLimit ? { key: 'conv.atOwnCapacity', count: load.active } : null;
  if (load.teamLimit !== null && load.active >= load.teamLimit) {
    return { key: 'conv.atTeamCapacity', count: load.active, team: load.teamName ?? '' };
  }
  return null;
}
