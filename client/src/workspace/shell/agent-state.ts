import { useMutation, useQuery, useQueryClient } from '@tanstack/solid-query';
import { keys } from '../../lib/keys.ts';
import { trpc } from '../../trpc.ts';

export type AgentView = Awaited<ReturnType<typeof trpc.agents.me.query>>;
export type PauseType = Awaited<ReturnType<typeof trpc.agents.pauseTypes.query>>[number];

export const agentMeQuery = () => ({ queryKey: keys.agentMe, queryFn: () => trpc.agents.me.query() });
export const pauseTypesQuery = () => ({ queryKey: keys.pauseTypes, queryFn: () => trpc.agents.pauseTypes.query() });

/** The caller's status and the commands that change it; the server's answer replaces the cache. */
export function useAgentState(onError: (error: unknown) => void) {
  const queryClient = useQueryClient();
  const agent = useQuery(agentMeQuery);
  const settle = {
    onSuccess: (view: AgentView) => {
      queryClient.setQueryData(keys.agentMe, view);
      void queryClient.invalidateQueries({ queryKey: keys.agents });
      void queryClient.invalidateQueries({ queryKey: keys.me });
    },
    onError,
  };
  const setStatus = useMutation(() => ({
    mutationFn: (status: 'online' | 'offline') => trpc.agents.setStatus.mutate({ status }),
    ...settle,
  }));
  const startPause = useMutation(() => ({
    mutationFn: (pauseTypeId: string) => trpc.agents.startPause.mutate({ pauseTypeId }),
    ...settle,
  }));
  const endPause = useMutation(() => ({ mutationFn: () => trpc.agents.endPause.mutate(), ...settle }));
  const busy = () => setStatus.isPending || startPause.isPending || endPause.isPending;
  return { agent, setStatus, startPause, endPause, busy };
}
