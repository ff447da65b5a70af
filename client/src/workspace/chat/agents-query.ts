import { createMemo, type Accessor } from 'solid-js';
import { useQuery } from '@tanstack/solid-query';
import { trpc } from '../../trpc.ts';
import { keys } from '../../lib/keys.ts';

/** The organization's agents (server's record: name, online / paused / offline, teams, rating). */
export type Agent = Awaited<ReturnType<typeof trpc.agents.list.query>>[number];

const fetchAgents = () => trpc.agents.list.query();

/** The agents list, live: `user.*` / `agent.*` / `team.updated` events invalidate it (lib/live-events.ts). */
export function useAgents() {
  return useQuery(() => ({ queryKey: keys.agents, queryFn: fetchAgents }));
}

/** Id → name from the server's record, for authors and awareness peers. */
export function useAgentNames(): Accessor<Map<string, string>> {
  const agents = useAgents();
  return createMemo(() => new Map((agents.data ?? []).map((a) => [a.id, a.name])));
}
