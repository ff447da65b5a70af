import { createSignal, onCleanup } from 'solid-js';
import { useMutation, useQuery, useQueryClient } from '@tanstack/solid-query';
import { keys } from '../../lib/keys.ts';
import { meKey } from '../../session.ts';
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
      void queryClient.invalidateQueries({ queryKey: meKey });
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

/** A clock that ticks every second while the component lives (remaining pause time). */
export function useNow(): () => number {
  const [now, setNow] = createSignal(Date.now());
  const timer = setInterval(() => setNow(Date.now()), 1_000);
  onCleanup(() => clearInterval(timer));
  return now;
}

/** 75 s → "1:15"; 3725 s → "1:02:05". */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const pad = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${pad(m)}:${pad(s)}` : `${m}:${pad(s)}`;
}
