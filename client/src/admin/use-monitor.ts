import { useQuery } from '@tanstack/solid-query';
import { createEffect, createMemo, createSignal } from 'solid-js';
import { createStore, reconcile } from 'solid-js/store';
import { t } from '../i18n.ts';
import { useNow } from '../lib/clock.ts';
import { adminKeys } from '../lib/keys.ts';
import { trpc } from '../trpc.ts';
import { meQuery } from '../session.ts';
import { fetchers, useSave, type AdminUser, type MonitorAgent, type MonitorConversation } from './api.ts';
import { groupBy } from './logic.ts';

const STATE_ORDER = { bot: 0, waiting: 1, active: 2 } as const;

export type Monitor = ReturnType<typeof useMonitor>;

/** The supervisor's actions on the board: each clears the last notice and refusal first. */
function useMonitorActions() {
  const [notice, setNotice] = createSignal<string | null>(null);
  const refresh = [adminKeys.monitor, adminKeys.users];
  const forceClose = useSave(
    (c: MonitorConversation) => trpc.admin.conversations.forceClose.mutate({ conversationId: c.id }),
    refresh,
    (_o, c) => setNotice(t('admin.monitor.closed', { protocol: c.protocol })),
  );
  const release = useSave(
    (c: MonitorConversation) => trpc.admin.conversations.releaseFromBot.mutate({ conversationId: c.id }),
    refresh,
    (_o, c) => setNotice(t('admin.monitor.released', { protocol: c.protocol })),
  );
  const transfer = useSave(
    (input: { c: MonitorConversation; target: string }) => {
      const [kind, id] = input.target.split(':') as ['team' | 'user', string];
      return trpc.admin.conversations.transfer.mutate({
        conversationId: input.c.id,
        ...(kind === 'team' ? { toTeamId: id } : { toUserId: id }),
      });
    },
    refresh,
    (_o, input) => setNotice(t('admin.monitor.transferred', { protocol: input.c.protocol })),
  );
  const unlock = useSave(
    (u: AdminUser) => trpc.admin.users.unlock.mutate({ userId: u.id }),
    refresh,
    (_o, u) => setNotice(t('admin.users.unlocked', { name: u.name })),
  );
  const run = (fn: () => void) => {
    setNotice(null);
    for (const m of [forceClose, release, transfer, unlock]) m.reset();
    fn();
  };
  return {
    notice,
    error: () => forceClose.error ?? release.error ?? transfer.error ?? unlock.error,
    forceClose: (c: MonitorConversation) => run(() => forceClose.mutate(c)),
    release: (c: MonitorConversation) => run(() => release.mutate(c)),
    transfer: (c: MonitorConversation, target: string) => run(() => transfer.mutate({ c, target })),
    unlock: (u: AdminUser) => run(() => unlock.mutate(u)),
  };
}

/**
 * The monitor's data: the overview (conversations in the bot, waiting and in service, agents,
 * deliveries in doubt), kept in a store reconciled by id so rows survive refetches; the
 * conversations by team; the one clock for the times on screen; and the actions.
 */
export function useMonitor() {
  // Live events refetch it (useAdminLive); the interval only catches what time alone changes (absences).
  const overview = useQuery(() => ({ queryKey: adminKeys.monitor, queryFn: fetchers.monitor, refetchInterval: 30_000 }));
  // A supervisor watches the board of their teams: the configuration lists (users, teams) and
  // the actions on the board are an administrator's (the server refuses them to anyone else).
  const me = useQuery(meQuery);
  const isAdmin = () => me.data?.user.role === 'admin';
  const users = useQuery(() => ({ queryKey: adminKeys.users, queryFn: fetchers.users, enabled: isAdmin() }));
  const teams = useQuery(() => ({ queryKey: adminKeys.teams, queryFn: fetchers.teams, enabled: isAdmin() }));
  const now = useNow();

  const [board, setBoard] = createStore<{ conversations: MonitorConversation[]; agents: MonitorAgent[] }>({
    conversations: [],
    agents: [],
  });
  createEffect(() => {
    const data = overview.data;
    if (data) setBoard(reconcile({ conversations: data.conversations, agents: data.agents }, { key: 'id' }));
  });

  const userById = createMemo(() => new Map((users.data ?? []).map((u) => [u.id, u])));
  const teamName = createMemo(
    () => new Map([...(overview.data?.teams ?? []), ...(teams.data ?? [])].map((tm) => [tm.id, tm.name] as [string, string])),
  );
  const sorted = createMemo(() => [...board.conversations].sort((a, b) => STATE_ORDER[a.status] - STATE_ORDER[b.status]));
  // Team ids (strings) keep each team's section, and the store keeps each row, across refetches.
  const teamIds = createMemo(() =>
    groupBy(sorted(), (c) => c.team?.id ?? '')
      .map(([id]) => id)
      .sort((a, b) => (a === '' ? -1 : b === '' ? 1 : (teamName().get(a) ?? '').localeCompare(teamName().get(b) ?? ''))),
  );
  const ofTeam = (teamId: string) => sorted().filter((c) => (c.team?.id ?? '') === teamId);

  return {
    overview,
    readOnly: () => !isAdmin(),
    board,
    now,
    teams: () => teams.data ?? [],
    userById,
    teamName,
    teamIds,
    ofTeam,
    // Messages whose delivery is in doubt (`unknown`: the connection to WhatsApp broke while sending).
    unknownDeliveries: () => overview.data?.unknownDeliveries,
    actions: useMonitorActions(),
  };
}
