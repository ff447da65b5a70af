/**
 * Automatic routing (issue 12): which waiting conversation is offered to which agent. Pure:
 * the caller reads the facts under the team's routing lock and the agents' capacity locks,
 * and writes the result. Rules:
 * - conversations are offered in queue order (oldest first), each to one agent;
 * - an agent gets one only while their load (active + offered conversations, in every team)
 *   is below their limit: their own (users.max_conversations), else the team's
 *   (teams.max_per_agent), else unlimited;
 * - among those, the one with the fewest, ties to the one idle longest (offered or given a
 *   conversation least recently; never = longest), then by id so the choice is stable;
 * - an agent who declined this conversation, or let its offer expire, since it was queued is
 *   not offered it again (it stays in the queue for the others, or to be picked by hand).
 */
export interface RoutingAgent {
  id: string;
  load: number;
  ownLimit: number | null;
  lastRoutedAt: Date | null;
}

export interface RoutingConversation {
  id: string;
  /** Agents who declined it or let its offer expire since it was queued. */
  passedBy: ReadonlySet<string>;
}

const JUST_NOW = Number.MAX_SAFE_INTEGER / 2;

export function assignOffers(
  conversations: readonly RoutingConversation[],
  agents: readonly RoutingAgent[],
  teamLimit: number | null,
): { conversationId: string; agentId: string }[] {
  const state = agents.map((a) => ({
    ...a,
    limit: a.ownLimit ?? teamLimit ?? Number.POSITIVE_INFINITY,
    idle: a.lastRoutedAt?.getTime() ?? -Infinity,
  }));
  const offers: { conversationId: string; agentId: string }[] = [];
  for (const c of conversations) {
    let best: (typeof state)[number] | null = null;
    for (const a of state) {
      if (a.load >= a.limit || c.passedBy.has(a.id)) continue;
      if (!best || a.load < best.load || (a.load === best.load && (a.idle < best.idle || (a.idle === best.idle && a.id < best.id))))
        best = a;
    }
    if (!best) continue;
    offers.push({ conversationId: c.id, agentId: best.id });
    best.load += 1;
    // Given one now, after every earlier instant: the others of equal load are idle longer.
    best.idle = JUST_NOW + offers.length;
  }
  return offers;
}
