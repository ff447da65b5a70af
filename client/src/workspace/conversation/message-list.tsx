import { createVirtualizer } from '@tanstack/solid-virtual';
import { createEffect, createMemo, For, on, onMount, Show } from 'solid-js';
import { t } from '../../i18n.ts';
import { bottomFollower } from '../../lib/follow-bottom.ts';
import type { OutboxItem } from '../../offline/outbox.ts';
import type { ConversationMessage } from '../queue/types.ts';
import { MessageBubble, OutboxBubble } from './message-bubble.tsx';
import './message-list.css';

type Row = ConversationMessage | OutboxItem;
const isMessage = (row: Row): row is ConversationMessage => 'seq' in row;
const keyOf = (row: Row): string => (isMessage(row) ? row.id : `outbox:${row.clientMessageId}`);
/** Older pages load while the agent is this close to the top (px), before the top is reached. */
const NEAR_TOP = 600;
/** Frames the top row is held in place after older messages are put above it (their heights are measured meanwhile). */
const HOLD_FRAMES = 10;
/** A row's height before it is measured (px). */
const ROW_ESTIMATE = 72;
/** The log's padding above and below the rows (px), inside the scrolled height; above, room for the start line. */
const PAD_TOP = 36;
const PAD_BOTTOM = 12;

export interface MessageListProps {
  messages: readonly ConversationMessage[];
  outbox: readonly OutboxItem[];
  zone: string | undefined;
  hasOlder: boolean;
  loadingOlder: boolean;
  /** Set when older messages could not be loaded (the next scroll up tries again). */
  olderProblem: 'paging.olderFailed' | null;
  onLoadOlder: () => void;
  /** Scrolled to and highlighted once loaded (`?message=`). */
  target: string | null;
  onRetry: (item: OutboxItem) => void;
  onDiscard: (item: OutboxItem) => void;
}

/**
 * The conversation's messages, then what this agent wrote that is still in the outbox (shown at
 * once, before the server has it) and refused drafts with the server's reason. Virtualized with
 * measured heights: a conversation of thousands of messages renders only those on screen. Older
 * pages load as the agent nears the top; the rows on screen stay put as they are put above.
 */
export default function MessageList(props: MessageListProps) {
  let log!: HTMLDivElement;
  const rows = createMemo<Row[]>(() => [...props.messages, ...props.outbox]);
  const virtualizer = createVirtualizer({
    get count() {
      return rows().length;
    },
    getScrollElement: () => log,
    estimateSize: () => ROW_ESTIMATE,
    overscan: 8,
    paddingStart: PAD_TOP,
    paddingEnd: PAD_BOTTOM,
    getItemKey: (i) => {
      const row = rows()[i];
      return row ? keyOf(row) : i;
    },
    // Rows put above (older pages) keep the one at the top of the screen in place.
    anchorTo: 'end',
  });
  const placed = createMemo(() => new Map(virtualizer.getVirtualItems().map((v) => [v.key, v] as const)));
  const visible = createMemo(() => {
    const all = rows();
    return virtualizer
      .getVirtualItems()
      .map((v) => all[v.index])
      .filter((r): r is Row => r !== undefined);
  });

  // Follow new messages unless the agent scrolled up to read, also while heights are measured.
  const follower = bottomFollower(40);
  const pin = () => queueMicrotask(() => follower.toBottom(log));
  onMount(pin);
  createEffect(on(() => [rows().length, virtualizer.getTotalSize()], pin));

  // The message at the top of the screen, as the DOM last showed it (updated on every scroll).
  let topRow: { id: string; top: number } | null = null;
  const readTopRow = () => {
    const edge = log.getBoundingClientRect().top;
    let best: { id: string; top: number } | null = null;
    for (const el of log.querySelectorAll<HTMLElement>('.cv-row[data-key]')) {
      const box = el.getBoundingClientRect();
      if (box.bottom > edge && (!best || box.top < best.top)) best = { id: el.dataset.key!, top: box.top - edge };
    }
    topRow = best;
  };
  const onScroll = () => {
    follower.onScroll(log);
    readTopRow();
    if (!follower.following && log.scrollTop < NEAR_TOP && props.hasOlder && !props.loadingOlder) props.onLoadOlder();
  };
  // Older messages put above: the row at the top of the screen stays where the DOM last had it.
  // The virtualizer (anchorTo 'end') places it; the heights measured in the next frames (rows
  // around it, first seen) must not move it either, so it is held there for a few frames, or
  // until the agent scrolls by hand.
  let held: { id: string; top: number } | null = null;
  const hold = () => {
    if (!held) return;
    const el = log.querySelector<HTMLElement>(`.cv-row[data-key="${CSS.escape(held.id)}"]`);
    if (el) {
      const off = el.getBoundingClientRect().top - log.getBoundingClientRect().top - held.top;
      if (Math.abs(off) > 1) log.scrollTop += off;
      return;
    }
    const index = rows().findIndex((r) => keyOf(r) === held!.id);
    const start = index < 0 ? undefined : virtualizer.measurementsCache[index]?.start;
    if (start !== undefined) virtualizer.scrollToOffset(start - held.top);
  };
  const release = () => {
    held = null;
  };
  /** Holds `row` at `top` pixels below the log's top for the next frames (see above). */
  const holdRow = (row: { id: string; top: number }) => {
    held = row;
    hold();
    let frames = HOLD_FRAMES;
    const next = () => {
      if (held !== row) return;
      hold();
      if (--frames > 0) requestAnimationFrame(next);
      else release();
    };
    requestAnimationFrame(next);
  };
  createEffect(
    on(
      () => props.messages[0]?.id,
      () => {
        if (!topRow || follower.following) return;
        holdRow(topRow);
      },
      { defer: true },
    ),
  );
  createEffect(on(virtualizer.getTotalSize, hold, { defer: true }));

  // Opened at a message: scroll it to the middle once loaded, and stop following the bottom.
  let shown: string | null = null;
  createEffect(() => {
    const id = props.target;
    if (!id || shown === id) return;
    const index = rows().findIndex((r) => isMessage(r) && r.id === id);
    if (index < 0) return;
    shown = id;
    follower.stop();
    virtualizer.scrollToIndex(index, { align: 'center' });
    // The pages loaded down to it were just put above the rows that were on screen, and the
    // virtualizer may still carry that insertion's scroll correction (it applies it a frame
    // later when the log was scrolling): the message itself is held in the middle for the
    // next frames instead, as rows are when older pages load, until the agent scrolls.
    holdRow({ id: keyOf(rows()[index]!), top: Math.max(0, (log.clientHeight - ROW_ESTIMATE) / 2) });
  });

  return (
    <div
      class="cv-log cv-virtual"
      role="log"
      aria-label={t('conversation.messages')}
      ref={log}
      tabindex="0"
      onScroll={onScroll}
      onWheel={release}
      onPointerDown={release}
      onTouchStart={release}
      onKeyDown={release}
    >
      <Show when={rows().length === 0}>
        <p class="muted cv-empty">{t('conversation.noMessages')}</p>
      </Show>
      <TopLine loading={props.loadingOlder} problem={props.olderProblem} />
      <div class="cv-rows" style={{ height: `${virtualizer.getTotalSize()}px` }}>
        <Show when={!props.hasOlder && rows().length > 0}>
          <p class="cv-start muted">{t('paging.start')}</p>
        </Show>
        <For each={visible()}>
          {(row) => {
            const place = () => placed().get(keyOf(row));
            return (
              <div
                class="cv-row"
                data-index={place()?.index}
                data-key={keyOf(row)}
                ref={(el) => queueMicrotask(() => el.isConnected && virtualizer.measureElement(el))}
                style={{ transform: `translateY(${place()?.start ?? 0}px)` }}
              >
                <Show
                  when={isMessage(row) && row}
                  fallback={<OutboxBubble item={row as OutboxItem} onRetry={props.onRetry} onDiscard={props.onDiscard} />}
                >
                  {(m) => <MessageBubble message={m()} zone={props.zone} highlighted={props.target === m().id} />}
                </Show>
              </div>
            );
          }}
        </For>
      </div>
    </div>
  );
}

/**
 * Over the top of the log while older messages load, or why they did not (it takes no room, so
 * row offsets stay the virtualizer's).
 */
function TopLine(props: { loading: boolean; problem: 'paging.olderFailed' | null }) {
  const text = () => (props.problem ? t(props.problem) : props.loading ? t('paging.loadingOlder') : '');
  return (
    <div class="cv-top" role="status">
      <Show when={text()}>
        <span class="cv-top-text">{text()}</span>
      </Show>
    </div>
  );
}
