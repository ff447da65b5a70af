import { createEffect, createSignal, Index, Match, on, Show, Switch, type Accessor } from 'solid-js';
import { createVirtualizer } from '@tanstack/solid-virtual';
import { t, tValue } from '../../i18n.ts';
import { contactLabel } from '../../lib/contact.ts';
import { dismissHandlers } from '../../lib/dismiss.ts';
import { useNarrow } from '../shell/narrow.ts';
import { formatElapsed } from '../../lib/format.ts';
import type { QueueItem } from './types.ts';
import { ChannelTag, OfferBadge, SlaBadge, UnreadCount } from './badges.tsx';
import { offeredToMe, offeredToOther } from './offers.ts';
import './queue.css';
import './mine.css';

/** Height of one waiting row (fixed, so 5,000 rows cost only the ~15 on screen). */
const ROW_HEIGHT = 112;
/**
 * On a phone (shell/narrow.ts) a row is taller and still fixed: three lines of text, then one
 * line of thumb-sized actions (Claim, Peek, More) that never scrolls sideways.
 */
const PHONE_ROW_HEIGHT = 126;

export interface QueueListProps {
  items: readonly QueueItem[];
  now: Accessor<number>;
  meId: string;
  claiming: (id: string) => boolean;
  /** Declining an offer made to me (its Accept / Decline wait). */
  declining: (id: string) => boolean;
  onClaim: (item: QueueItem) => void;
  /** Accepts the offer automatic routing made to me (a claim of it). */
  onAccept: (item: QueueItem) => void;
  onDecline: (item: QueueItem) => void;
  onTransfer: (item: QueueItem) => void;
}

/** The Waiting list, virtualized with @tanstack/solid-virtual. */
export default function QueueList(props: QueueListProps) {
  let scroller!: HTMLDivElement;
  const narrow = useNarrow();
  const rowHeight = () => (narrow() ? PHONE_ROW_HEIGHT : ROW_HEIGHT);
  const virtualizer = createVirtualizer({
    get count() {
      return props.items.length;
    },
    getScrollElement: () => scroller,
    estimateSize: () => rowHeight(),
    overscan: 6,
    getItemKey: (index) => props.items[index]?.id ?? index,
  });
  // Rotating a phone or resizing a window across the breakpoint changes every row's height.
  createEffect(on(narrow, () => virtualizer.measure(), { defer: true }));

  // The phone's "More" sheet: one per list, bound to the conversation (not to a row slot, which
  // the virtualizer reuses), so a live update under it never retargets its actions.
  const [more, setMore] = createSignal<QueueItem | null>(null);
  let moreOpener: { id: string } | null = null;
  const openMore = (item: QueueItem) => {
    moreOpener = { id: item.id };
    setMore(item);
  };
  const closeMore = () => {
    setMore(null);
    // Focus returns to that conversation's More button (or to the list if it left Waiting).
    const id = moreOpener?.id;
    moreOpener = null;
    if (!id || !list.isConnected) return;
    const home = list.querySelector<HTMLElement>(`li[data-id="${CSS.escape(id)}"] .qp-more`);
    if (home) home.focus({ preventScroll: true });
    else list.focus({ preventScroll: true });
  };
  // Its conversation left Waiting (claimed, transferred away) while the sheet was open: close it.
  createEffect(
    on(
      () => props.items,
      (items) => {
        const open = more();
        if (open && !items.some((i) => i.id === open.id)) closeMore();
      },
      { defer: true },
    ),
  );

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
                  height={rowHeight()}
                  narrow={narrow()}
                  moreOpen={more()?.id === item().id}
                  onMore={() => openMore(item())}
                  now={props.now}
                  meId={props.meId}
                  targeted={item().targetUserId === props.meId}
                  claiming={props.claiming(item().id)}
                  declining={props.declining(item().id)}
                  onClaim={() => props.onClaim(item())}
                  onAccept={() => props.onAccept(item())}
                  onDecline={() => props.onDecline(item())}
                  onTransfer={() => props.onTransfer(item())}
                />
              )}
            </Show>
          )}
        </Index>
      </ul>
      <Show when={more()}>
        {(item) => (
          <MoreSheet
            item={item()}
            peek={offeredToMe(item(), props.meId)}
            onClose={closeMore}
            onTransfer={() => {
              const target = item();
              setMore(null);
              moreOpener = null;
              props.onTransfer(target);
            }}
          />
        )}
      </Show>
    </div>
  );
}

/**
 * A phone row's other actions as a bottom sheet (modal <dialog>): focus moves in, Tab stays
 * inside, Escape, the Close button or a tap outside closes it and focus goes back to More.
 */
function MoreSheet(props: { item: QueueItem; peek: boolean; onClose: () => void; onTransfer: () => void }) {
  let dialog!: HTMLDialogElement;
  const c = () => props.item;
  const titleId = `qp-more-title-${c().id}`;
  queueMicrotask(() => {
    if (!dialog.isConnected || dialog.open) return;
    dialog.showModal();
    dialog.querySelector<HTMLElement>('a, button')?.focus();
  });
  return (
    <dialog
      ref={dialog}
      class="qp-sheet"
      aria-labelledby={titleId}
      onClose={() => props.onClose()}
      {...dismissHandlers(
        () => dialog,
        () => dialog.close(),
      )}
    >
      <h2 id={titleId} class="qp-sheet-title">
        {t('queue.moreTitle', { name: contactLabel(c().contact) })}
      </h2>
      <ul class="qp-sheet-actions">
        {/* An offer's row has Accept and Decline in place of Claim and Peek: Peek is here. */}
        <Show when={props.peek}>
          <li>
            <a class="qp-sheet-action" href={`/conversations/${c().id}`}>
              {t('queue.peek')}
            </a>
          </li>
        </Show>
        <Show when={c().channel.kind === 'whatsapp'}>
          <li>
            <a class="qp-sheet-action" href={`/conversations/${c().id}?template=1`}>
              {t('queue.sendTemplate')}
            </a>
          </li>
        </Show>
        <li>
          <a class="qp-sheet-action" href={`/contacts/${c().contact.id}`}>
            {t('queue.contact')}
          </a>
        </li>
        <li>
          <button
            type="button"
            class="qp-sheet-action"
            onClick={() => {
              dialog.close();
              props.onTransfer();
            }}
          >
            {t('queue.transfer')}
          </button>
        </li>
      </ul>
      <button type="button" class="secondary qp-sheet-close" onClick={() => dialog.close()}>
        {t('queue.close')}
      </button>
    </dialog>
  );
}

function WaitingRow(props: {
  item: QueueItem;
  index: number;
  count: number;
  top: number;
  height: number;
  narrow: boolean;
  moreOpen: boolean;
  onMore: () => void;
  now: Accessor<number>;
  meId: string;
  targeted: boolean;
  claiming: boolean;
  declining: boolean;
  onClaim: () => void;
  onAccept: () => void;
  onDecline: () => void;
  onTransfer: () => void;
}) {
  const c = () => props.item;
  const offerMine = () => offeredToMe(c(), props.meId);
  // Being offered to a colleague: only they may take it for now (the server refuses a claim).
  const offerOther = () => offeredToOther(c(), props.meId);
  const contactId = () => `qp-contact-${c().id}`;
  const last = () => {
    const m = c().lastMessage;
    if (!m) return t('queue.noMessage');
    return m.kind === 'text' ? m.text : m.text || tValue('queue.kind', m.kind);
  };
  return (
    <li
      class="qp-row"
      classList={{ targeted: props.targeted || offerMine() }}
      style={{ transform: `translateY(${props.top}px)`, height: `${props.height}px` }}
      aria-label={contactLabel(c().contact)}
      data-id={c().id}
      data-conversation-id={c().id}
      aria-setsize={props.count}
      aria-posinset={props.index + 1}
    >
      <div class="qp-main">
        <div class="qp-line">
          <ChannelTag channel={c().channel} />
          <strong class="qp-contact" id={contactId()}>
            {contactLabel(c().contact)}
          </strong>
          <Show when={props.targeted}>
            <span class="qp-badge">{t('queue.transferredToYou')}</span>
          </Show>
          <OfferBadge item={c()} meId={props.meId} now={props.now()} compact={props.narrow} />
          {/* The customer's messages I have not seen (all of them until I open it). */}
          <UnreadCount count={c().unread ?? 0} />
          {/* The service level beside the waiting time; a phone's first line has no room: its meta line has it. */}
          <Show when={!props.narrow}>
            <SlaBadge sla={c().sla} now={props.now()} />
          </Show>
          <span class="qp-wait" title={t('queue.waitingSince')}>
            <span class="visually-hidden">{t('queue.waitingFor')} </span>
            {formatElapsed(c().waitingSince, props.now())}
          </span>
        </div>
        <div class="qp-meta muted">
          <Show when={props.narrow && c().sla}>
            <SlaBadge sla={c().sla} now={props.now()} />{' '}
          </Show>
          {c().team?.name ?? t('queue.noTeam')} · {c().channel.name} · {t('queue.protocol', { protocol: c().protocol })}
        </div>
        <p class="qp-last">{last()}</p>
      </div>
      {/* Plain links: the router navigates same-origin links itself (cheaper than <A> per row). */}
      <div class="qp-actions">
        <Switch>
          <Match when={offerMine()}>
            {/* The offer made to me: Accept is a claim of it ("c" presses it too). */}
            <button
              type="button"
              class="primary"
              data-shortcut="claim"
              aria-describedby={contactId()}
              disabled={props.claiming || props.declining}
              onClick={() => props.onAccept()}
            >
              {t('queue.accept')}
            </button>
            <button
              type="button"
              class="qp-action"
              aria-describedby={contactId()}
              disabled={props.claiming || props.declining}
              onClick={() => props.onDecline()}
            >
              {t('queue.decline')}
            </button>
          </Match>
          <Match when={!offerOther()}>
            <button type="button" class="primary" data-shortcut="claim" disabled={props.claiming} onClick={() => props.onClaim()}>
              {t('queue.claim')}
            </button>
          </Match>
          {/* A phone's first line has no room for it: who it is offered to takes Claim's place. */}
          <Match when={props.narrow && c().offeredTo}>
            {(to) => <span class="qp-offered-note">{t('queue.offeredTo', { name: to().name })}</span>}
          </Match>
        </Switch>
        <Show when={!(offerMine() && props.narrow)}>
          <a class="qp-action" href={`/conversations/${c().id}`}>
            {t('queue.peek')}
          </a>
        </Show>
        <Show
          when={!props.narrow}
          fallback={
            <button
              type="button"
              class="qp-action qp-more"
              aria-haspopup="dialog"
              aria-expanded={props.moreOpen}
              onClick={() => props.onMore()}
            >
              {t('queue.more')}
            </button>
          }
        >
          <Show when={c().channel.kind === 'whatsapp'}>
            <a class="qp-action" href={`/conversations/${c().id}?template=1`}>
              {t('queue.sendTemplate')}
            </a>
          </Show>
          <a class="qp-action" href={`/contacts/${c().contact.id}`}>
            {t('queue.contact')}
          </a>
          <button type="button" class="qp-action" onClick={() => props.onTransfer()}>
            {t('queue.transfer')}
          </button>
        </Show>
      </div>
    </li>
  );
}
