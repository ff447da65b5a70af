import { createMemo, createSignal, For, Match, Show, Switch } from 'solid-js';
import { A, useLocation, useNavigate } from '@solidjs/router';
import { useQuery, useQueryClient } from '@tanstack/solid-query';
import { t, useTitle } from '../../i18n.ts';
import { keys } from '../../lib/keys.ts';
import { timeZoneOf } from '../../lib/format.ts';
import { meQuery } from '../../session.ts';
import { errorMessage, trpc } from '../../trpc.ts';
import TransferDialog from '../conversation/transfer-dialog.tsx';
import { claimConversation, claiming, claimRefusal, declineOffer, declining, dismissClaimRefusal } from './claim.ts';
import { waitingOrder } from './offers.ts';
import { useNow } from '../../lib/clock.ts';
import { InService } from './mine-list.tsx';
import { splitPending } from './sla.ts';
import QueueList from './queue-list.tsx';
import type { QueueItem } from './types.ts';
import './queue.css';

/** Waiting: `queue.list`, one key per team filter (all under keys.queue, so live events refresh them). */
export const queueQuery = (teamId: string | null) => ({
  queryKey: [...keys.queue, teamId] as const,
  queryFn: () => trpc.queue.list.query(teamId ? { teamId } : {}),
});
export const mineQuery = () => ({ queryKey: keys.mine, queryFn: () => trpc.conversations.mine.query() });

/** The "Waiting" and "In service" tabs (routes `/` and `/in-service`). */
export default function QueuePage() {
  const location = useLocation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const tab = () => (location.pathname === '/in-service' ? 'mine' : 'waiting');
  useTitle(() => (tab() === 'mine' ? 'queue.inService' : 'queue.title'));
  const me = useQuery(meQuery);
  const [teamId, setTeamId] = createSignal<string | null>(null);
  const waiting = useQuery(() => queueQuery(teamId()));
  const mine = useQuery(mineQuery);
  const now = useNow();
  const [transferring, setTransferring] = createSignal<QueueItem | null>(null);

  const meId = () => me.data?.user.id ?? '';
  // Offered to me first, then transferred to me, then the server's order (returned, due soonest, oldest).
  const items = createMemo(() => waitingOrder(waiting.data ?? [], meId()));
  // In service counts the conversations being served; those waiting on the customer are apart.
  const activeCount = () => (mine.data ? splitPending(mine.data).active.length : null);

  const claim = (item: QueueItem, accept = false) =>
    void claimConversation(queryClient, item.id, {
      from: 'queue',
      navigate: (to) => navigate(to),
      onPath: () => window.location.pathname,
      accept,
    });

  return (
    <main class="qp">
      <div class="qp-head">
        <nav class="qp-tabs" aria-label={t('queue.tabs')}>
          <A href="/" end class="qp-tab" aria-current={tab() === 'waiting' ? 'page' : undefined}>
            {t('queue.waiting')} <span class="qp-count">{waiting.data?.length ?? '…'}</span>
          </A>
          <A href="/in-service" class="qp-tab" aria-current={tab() === 'mine' ? 'page' : undefined}>
            {t('queue.inService')} <span class="qp-count">{activeCount() ?? '…'}</span>
          </A>
        </nav>
        <Show when={tab() === 'waiting' && (me.data?.teams.length ?? 0) > 1}>
          <label class="qp-filter">
            <span>{t('queue.team')}</span>
            <select value={teamId() ?? ''} onChange={(e) => setTeamId(e.currentTarget.value || null)}>
              <option value="">{t('queue.allMyTeams')}</option>
              <For each={me.data?.teams ?? []}>{(team) => <option value={team.id}>{team.name}</option>}</For>
            </select>
          </label>
        </Show>
      </div>

      <Show when={claimRefusal()}>
        {(r) => (
          <div class="alert qp-refusal" role="alert">
            <span>{r().message}</span>
            <button type="button" class="secondary" onClick={dismissClaimRefusal}>
              {t('queue.dismiss')}
            </button>
          </div>
        )}
      </Show>

      <Switch>
        <Match when={tab() === 'waiting'}>
          <Show when={waiting.isError}>
            <p class={waiting.data ? 'notice qp-stale' : 'alert'} role="status">
              {waiting.data ? t('queue.stale') : errorMessage(waiting.error)}
            </p>
          </Show>
          <Show when={waiting.data} fallback={<p class="loading">{t('common.loading')}</p>}>
            <Show when={items().length > 0} fallback={<p class="qp-empty">{t('queue.emptyWaiting')}</p>}>
              <QueueList
                items={items()}
                now={now}
                meId={meId()}
                claiming={(id) => claiming().has(id)}
                declining={(id) => declining().has(id)}
                onClaim={(item) => claim(item)}
                onAccept={(item) => claim(item, true)}
                onDecline={(item) => void declineOffer(queryClient, item.id)}
                onTransfer={(item) => setTransferring(item)}
              />
            </Show>
          </Show>
        </Match>
        <Match when={tab() === 'mine'}>
          <Show when={mine.isError}>
            <p class={mine.data ? 'notice qp-stale' : 'alert'} role="status">
              {mine.data ? t('queue.stale') : errorMessage(mine.error)}
            </p>
          </Show>
          <Show when={mine.data} fallback={<p class="loading">{t('common.loading')}</p>}>
            <InService
              items={mine.data!}
              now={now}
              meId={meId()}
              zone={timeZoneOf(me.data)}
              empty={(pendingToo) => <p class="qp-empty">{t(pendingToo ? 'queue.emptyActive' : 'queue.emptyMine')}</p>}
            />
          </Show>
        </Match>
      </Switch>

      <Show when={transferring()}>
        {(item) => (
          <TransferDialog conversationId={item().id} currentTeamId={item().team?.id ?? null} onClose={() => setTransferring(null)} />
        )}
      </Show>
    </main>
  );
}
