import { createMemo, createSignal, For, Match, Show, Switch } from 'solid-js';
import { ChannelTag, OfferBadge, SlaBadge, UnreadCount } from '../queue/badges.tsx';
import { offeredToMe, waitingOrder } from '../queue/offers.ts';
import { useMediaQuery } from '../shell/narrow.ts';
import { A } from '@solidjs/router';
import { useQuery } from '@tanstack/solid-query';
import { t, tValue } from '../../i18n.ts';
import { contactLabel } from '../../lib/contact.ts';
import { timeZoneOf } from '../../lib/format.ts';
import { keys } from '../../lib/keys.ts';
import { meQuery } from '../../session.ts';
import { trpc } from '../../trpc.ts';
import { useNow } from '../../lib/clock.ts';
import { formatElapsed } from '../../lib/format.ts';
import { InService } from '../queue/mine-list.tsx';
import { splitPending } from '../queue/sla.ts';
import type { QueueItem } from '../queue/types.ts';
import '../queue/queue.css';
import '../queue/mine.css';
import './conversation-list.css';

/** Wide enough for the list, the conversation and its side panel side by side (conversation-list.css). */
const LIST_QUERY = '(min-width: 1180px)';

/** True while the window is wide enough to show the list beside the conversation. */
export const useListShown = (): (() => boolean) => useMediaQuery(LIST_QUERY);

/** Rows shown beside a conversation; the Waiting page has them all (virtualized). */
const WAITING_SHOWN = 200;

/**
 * Beside the open conversation on wide screens: my conversations (In service) or Waiting,
 * switchable, with the same queries as the queue page and the rail (same keys), so live events
 * update every place at once. A new customer message moves its row, highlights it and counts
 * it, while the agent goes on working in the open conversation.
 */
export default function ConversationList(props: { activeId: string }) {
  const me = useQuery(meQuery);
  const mine = useQuery(() => ({ queryKey: keys.mine, queryFn: () => trpc.conversations.mine.query() }));
  const waiting = useQuery(() => ({ queryKey: [...keys.queue, null] as const, queryFn: () => trpc.queue.list.query({}) }));
  const now = useNow();
  const meId = () => me.data?.user.id ?? '';
  // Opened from Waiting (peeking), the list shows Waiting; otherwise my conversations.
  const [tab, setTab] = createSignal<'mine' | 'waiting'>(waiting.data?.some((c) => c.id === props.activeId) ? 'waiting' : 'mine');
  const mineUnread = () => (mine.data ?? []).reduce((sum, c) => sum + (c.unread ?? 0), 0);
  // Offered to me, then transferred to me, then the server's order (as on the Waiting page).
  const waitingRows = createMemo(() => waitingOrder(waiting.data ?? [], meId()));

  return (
    <nav class="cv-list" aria-label={t('conversation.list.label')}>
      <fieldset class="cv-list-tabs" aria-label={t('conversation.list.show')}>
        <button type="button" aria-pressed={tab() === 'mine'} onClick={() => setTab('mine')}>
          {t('queue.inService')}
          <Show when={mineUnread() > 0} fallback={<span class="qp-count">{mine.data ? splitPending(mine.data).active.length : '…'}</span>}>
            <UnreadCount count={mineUnread()} />
          </Show>
        </button>
        <button type="button" aria-pressed={tab() === 'waiting'} onClick={() => setTab('waiting')}>
          {t('queue.waiting')} <span class="qp-count">{waiting.data?.length ?? '…'}</span>
        </button>
      </fieldset>
      <div class="cv-list-scroll">
        <Switch>
          <Match when={tab() === 'mine'}>
            <Show when={mine.data} fallback={<p class="loading">{t('common.loading')}</p>}>
              <InService
                items={mine.data!}
                now={now}
                meId={meId()}
                zone={timeZoneOf(me.data)}
                compact
                activeId={props.activeId}
                empty={(pendingToo) => <p class="cv-list-empty">{t(pendingToo ? 'queue.emptyActive' : 'queue.emptyMine')}</p>}
              />
            </Show>
          </Match>
          <Match when={tab() === 'waiting'}>
            <Show when={waiting.data} fallback={<p class="loading">{t('common.loading')}</p>}>
              <Show when={waitingRows().length > 0} fallback={<p class="cv-list-empty">{t('queue.emptyWaiting')}</p>}>
                <ul class="qp-mine compact" aria-label={t('queue.waitingList')}>
                  <For each={waitingRows().slice(0, WAITING_SHOWN)}>
                    {(c) => (
                      <WaitingItem
                        item={c}
                        now={now()}
                        meId={meId()}
                        active={c.id === props.activeId}
                        targeted={c.targetUserId === meId() || offeredToMe(c, meId())}
                      />
                    )}
                  </For>
                </ul>
                <Show when={waitingRows().length > WAITING_SHOWN}>
                  <A href="/" class="cv-list-more">
                    {t('conversation.list.allWaiting', { count: waitingRows().length })}
                  </A>
                </Show>
              </Show>
            </Show>
          </Match>
        </Switch>
      </div>
    </nav>
  );
}

function WaitingItem(props: { item: QueueItem; now: number; meId: string; active: boolean; targeted: boolean }) {
  const c = () => props.item;
  const unread = () => c().unread ?? 0;
  const last = () => {
    const m = c().lastMessage;
    if (!m) return t('queue.noMessage');
    return m.kind === 'text' ? m.text : m.text || tValue('queue.kind', m.kind);
  };
  return (
    <li
      aria-label={contactLabel(c().contact)}
      data-conversation-id={c().id}
      data-unread={unread()}
      classList={{ unread: unread() > 0, targeted: props.targeted }}
    >
      <A href={`/conversations/${c().id}`} class="qp-mine-link" aria-current={props.active ? 'page' : undefined}>
        <span class="qp-mine-top">
          <ChannelTag channel={c().channel} />
          <strong class="qp-contact">{contactLabel(c().contact)}</strong>
          <UnreadCount count={unread()} />
          <SlaBadge sla={c().sla} now={props.now} />
        </span>
        <span class="qp-mine-last">{last()}</span>
        <span class="qp-mine-foot">
          <Show when={c().targetUserId === props.meId}>
            <span class="qp-badge">{t('queue.transferredToYou')}</span>
          </Show>
          <OfferBadge item={c()} meId={props.meId} now={props.now} />
          <span class="qp-wait" title={t('queue.waitingSince')}>
            <span class="visually-hidden">{t('queue.waitingFor')} </span>
            {formatElapsed(c().waitingSince, props.now)}
          </span>
        </span>
      </A>
    </li>
  );
}
