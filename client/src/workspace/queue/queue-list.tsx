import { createEffect, Index, on, Show, type Accessor } from 'solid-js';
import { createVirtualizer } from '@tanstack/solid-virtual';
import { t, tValue } from '../../i18n.ts';
import { elapsed } from './format.ts';
import type { QueueItem } from './types.ts';
import './queue.css';

/** Height of one waiting row (fixed, so 5,000 rows cost only the ~15 on screen). */
export const ROW_HEIGHT = 112;

export interface QueueListProps {
  items: readonly QueueItem[];
  now: Accessor<number>;
  meId: string;
  claiming: (id: string) => boolean;
  onClaim: (item: QueueItem) => void;
  onTransfer: (item: QueueItem) => void;
}

/** The Waiting list, virtualized with @tanstack/solid-virtual. */
export default function QueueList(props: QueueListProps) {
  let scroller!: HTMLDivElement;
  const virtualizer = createVirtualizer({
    get count() {
      return props.items.length;
    },
    getScrollElement: () => scroller,
    estimateSize: () => ROW_HEIGHT,
    overscan: 6,
    getItemKey: (index) => props.items[index]?.id ?? index,
  });

  // Live updates must not move the keyboard focus to another customer: row slots are reused,
  // so when the list changes, the focus follows the conversation it was on (same control);
  // if that conversation left the list, the list itself takes the focus.
  let list!: HTMLUListElement;
  let focused: { id: string; control: number } | null = null;
  const controlsOf = (row: Element) => [...row.querySelectorAll<HTMLElement>('button, a[href]')];
  const onFocusIn = (event: FocusEvent) => {
    const target = event.target as HTMLElement;
    const row = target.closest<HTMLElement>('li[data-id]');
    focused = row ? { id: row.dataset.id!, control: controlsOf(row).indexOf(target) } : null;
  };
  // Leaving the list on purpose forgets the row; a focused control removed by an update does not.
  const onFocusOut = (event: FocusEvent) => {
    const target = event.target as HTMLElement;
    if (event.relatedTarget instanceof Node && list.contains(event.relatedTarget)) return;
    setTimeout(() => {
      if (target.isConnected && !list.contains(document.activeElement)) focused = null;
    }, 0);
  };
  createEffect(
    on(
      () => props.items,
      () =>
        queueMicrotask(() => {
          const active = document.activeElement;
          if (!focused || !list.isConnected) return;
          const lost = !active || active === document.body;
          if (!lost && !list.contains(active)) return;
          if (active?.closest<HTMLElement>('li[data-id]')?.dataset.id === focused.id) return;
          const home = list.querySelector(`li[data-id="${CSS.escape(focused.id)}"]`);
          const controls = home ? controlsOf(home) : [];
          const next = controls[focused.control] ?? controls[0];
          if (next) next.focus({ preventScroll: true });
          else list.focus({ preventScroll: true });
        }),
      { defer: true },
    ),
  );

  return (
    <div class="qp-scroll" ref={scroller} data-testid="waiting-scroll">
      <ul
        ref={list}
        class="qp-rows"
        role="list"
        tabindex="-1"
        aria-label={t('queue.waitingList')}
        style={{ height: `${virtualizer.getTotalSize()}px` }}
        onFocusIn={onFocusIn}
        onFocusOut={onFocusOut}
      >
        {/* Index, not For: a row slot is reused as the list scrolls (its texts change in place). */}
        <Index each={virtualizer.getVirtualItems()}>
          {(row) => (
            <Show when={props.items[row().index]}>
              {(item) => (
                <WaitingRow
                  item={item()}
                  index={row().index}
                  count={props.items.length}
                  top={row().start}
                  now={props.now}
                  targeted={item().targetUserId === props.meId}
                  claiming={props.claiming(item().id)}
                  onClaim={() => props.onClaim(item())}
                  onTransfer={() => props.onTransfer(item())}
                />
              )}
            </Show>
          )}
        </Index>
      </ul>
    </div>
  );
}

function WaitingRow(props: {
  item: QueueItem;
  index: number;
  count: number;
  top: number;
  now: Accessor<number>;
  targeted: boolean;
  claiming: boolean;
  onClaim: () => void;
  onTransfer: () => void;
}) {
  const c = () => props.item;
  const last = () => {
    const m = c().lastMessage;
    if (!m) return t('queue.noMessage');
    return m.kind === 'text' ? m.text : m.text || tValue('queue.kind', m.kind);
  };
  return (
    <li
      class="qp-row"
      classList={{ targeted: props.targeted }}
      style={{ transform: `translateY(${props.top}px)`, height: `${ROW_HEIGHT}px` }}
      aria-label={c().contact.name}
      data-id={c().id}
      aria-setsize={props.count}
      aria-posinset={props.index + 1}
    >
      <div class="qp-main">
        <div class="qp-line">
          <span class={`qp-channel ch-${c().channel.kind}`} title={c().channel.name}>{tValue('queue.channelKind', c().channel.kind)}</span>
          <strong class="qp-contact">{c().contact.name}</strong>
          <Show when={props.targeted}>
            <span class="qp-badge">{t('queue.transferredToYou')}</span>
          </Show>
          <span class="qp-wait" title={t('queue.waitingSince')}>
            <span class="visually-hidden">{t('queue.waitingFor')} </span>
            {elapsed(c().waitingSince, props.now())}
          </span>
        </div>
        <div class="qp-meta muted">
          {c().team?.name ?? t('queue.noTeam')} · {c().channel.name} · {t('queue.protocol', { protocol: c().protocol })}
        </div>
        <p class="qp-last">{last()}</p>
      </div>
      {/* Plain links: the router navigates same-origin links itself (cheaper than <A> per row). */}
      <div class="qp-actions">
        <button type="button" class="primary" disabled={props.claiming} onClick={() => props.onClaim()}>
          {t('queue.claim')}
        </button>
        <a class="qp-action" href={`/conversations/${c().id}`}>{t('queue.peek')}</a>
        <Show when={c().channel.kind === 'whatsapp'}>
          <a class="qp-action" href={`/conversations/${c().id}?template=1`}>{t('queue.sendTemplate')}</a>
        </Show>
        <a class="qp-action" href={`/contacts/${c().contact.id}`}>{t('queue.contact')}</a>
        <button type="button" class="qp-action" onClick={() => props.onTransfer()}>{t('queue.transfer')}</button>
      </div>
    </li>
  );
}
