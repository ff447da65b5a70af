import { createEffect, createMemo, createSignal, For, on, Show, type Accessor, type JSX } from 'solid-js';
import { A } from '@solidjs/router';
import { t, tValue } from '../../i18n.ts';
import { contactLabel } from '../../lib/contact.ts';
import { formatElapsed } from '../../lib/format.ts';
import { fullTime } from './format.ts';
import type { MineItem } from './types.ts';
import { ChannelTag, pendingText, SlaBadge, UnreadCount } from './badges.tsx';
import { splitPending } from './sla.ts';
import './mine.css';

/** The row's last message as one line: the customer's text, or who answered ("You: …", "Bot: …"). */
function lastLine(item: Pick<MineItem, 'lastMessage'>, meId: string): string {
  const m = item.lastMessage;
  if (!m) return t('queue.noMessage');
  const text = m.kind === 'text' ? m.text : m.text || tValue('queue.kind', m.kind);
  if (m.direction === 'in') return text;
  if (m.isBot || !m.author) return t('queue.lastBot', { text });
  return m.author.id === meId ? t('queue.lastYou', { text }) : t('queue.lastAgent', { name: m.author.name, text });
}

/**
 * In service as the agent reads it: the conversations being served (the active list), then, when
 * there are any, those waiting on the customer under "Pending" (out of the active list, each with
 * "Waiting for the customer" or "Snoozed until 14:30"). `empty` is said when nothing is served.
 */
export function InService(props: {
  items: readonly MineItem[];
  now: Accessor<number>;
  meId: string;
  zone: string | undefined;
  compact?: boolean;
  activeId?: string | null;
  empty: (pendingToo: boolean) => JSX.Element;
}) {
  const split = createMemo(() => splitPending(props.items));
  const headingId = `qp-pending-${Math.random().toString(36).slice(2, 9)}`;
  return (
    <>
      <Show when={split().active.length > 0} fallback={props.empty(split().pending.length > 0)}>
        <MineList
          items={split().active}
          now={props.now}
          meId={props.meId}
          zone={props.zone}
          compact={props.compact}
          activeId={props.activeId}
        />
      </Show>
      <Show when={split().pending.length > 0}>
        <section class="qp-pending" classList={{ compact: !!props.compact }} aria-labelledby={headingId}>
          <h2 id={headingId} class="qp-pending-title">
            {t('queue.pending')} <span class="qp-count">{split().pending.length}</span>
          </h2>
          <Show when={!props.compact}>
            <p class="muted qp-pending-explain">{t('queue.pendingExplain')}</p>
          </Show>
          <MineList
            items={split().pending}
            label={t('queue.pendingList')}
            now={props.now}
            meId={props.meId}
            zone={props.zone}
            compact={props.compact}
            activeId={props.activeId}
          />
        </section>
      </Show>
    </>
  );
}

/**
 * Conversations in service (`conversations.mine`, in the server's order: the service-level
 * targets soonest due first, then who has waited longest for an answer). Each row: contact, last message, unread count, and how long the customer
 * has waited for a reply (when they spoke last). A row with unread messages is highlighted; one
 * whose count just grew flashes once, so a new message is seen wherever it lands in the list.
 * Used by the In service page (phones too) and beside the open conversation (`compact`).
 */
export default function MineList(props: {
  items: readonly MineItem[];
  /** The list's name (default: the conversations in service). */
  label?: string;
  now: Accessor<number>;
  meId: string;
  zone: string | undefined;
  compact?: boolean;
  /** The conversation open beside the list (marked as the current page). */
  activeId?: string | null;
}) {
  // Which rows just got a new customer message (their count grew since the last list).
  const [fresh, setFresh] = createSignal<ReadonlySet<string>>(new Set());
  const seen = new Map<string, number>();
  createEffect(
    on(
      () => props.items,
      (items) => {
        const grew = items.filter((c) => (c.unread ?? 0) > (seen.get(c.id) ?? Infinity)).map((c) => c.id);
        seen.clear();
        for (const c of items) seen.set(c.id, c.unread ?? 0);
        if (grew.length > 0) setFresh((s) => new Set([...s, ...grew]));
      },
    ),
  );
  const settle = (id: string) =>
    setFresh((s) => {
      if (!s.has(id)) return s;
      const next = new Set(s);
      next.delete(id);
      return next;
    });

  // Rows are keyed by conversation id: a live update changes a row's texts in place (the
  // focus stays on its link) and moves it, instead of replacing it.
  const byId = createMemo(() => new Map(props.items.map((c) => [c.id, c])));
  const ids = createMemo(() => props.items.map((c) => c.id), undefined, {
    equals: (a, b) => a.length === b.length && a.every((id, i) => id === b[i]),
  });

  return (
    <ul class="qp-mine" classList={{ compact: !!props.compact }} aria-label={props.label ?? t('queue.inServiceList')}>
      <For each={ids()}>
        {(id) => (
          <Show when={byId().get(id)}>
            {(c) => (
              <MineRow
                item={c()}
                now={props.now}
                meId={props.meId}
                zone={props.zone}
                compact={!!props.compact}
                active={props.activeId === id}
                fresh={fresh().has(id)}
                onSettled={() => settle(id)}
              />
            )}
          </Show>
        )}
      </For>
    </ul>
  );
}

function MineRow(props: {
  item: MineItem;
  now: Accessor<number>;
  meId: string;
  zone: string | undefined;
  compact: boolean;
  active: boolean;
  fresh: boolean;
  onSettled: () => void;
}) {
  const c = () => props.item;
  const unread = () => c().unread ?? 0;
  const awaiting = () => c().awaitingReplySince ?? null;
  return (
    <li
      aria-label={contactLabel(c().contact)}
      data-conversation-id={c().id}
      data-unread={unread()}
      classList={{ unread: unread() > 0, fresh: props.fresh }}
      onAnimationEnd={() => props.onSettled()}
    >
      <A href={`/conversations/${c().id}`} class="qp-mine-link" aria-current={props.active ? 'page' : undefined}>
        <span class="qp-mine-top">
          <ChannelTag channel={c().channel} />
          <strong class="qp-contact">{contactLabel(c().contact)}</strong>
          <Show when={c().role === 'participant'}>
            <span class="qp-badge">{t('queue.invited')}</span>
          </Show>
          <UnreadCount count={unread()} />
          <SlaBadge sla={c().sla} now={props.now()} />
        </span>
        <span class="qp-mine-last">{lastLine(c(), props.meId)}</span>
        <span class="qp-mine-foot">
          <Show when={!props.compact}>
            <span class="muted qp-mine-meta">
              {c().team?.name ?? t('queue.noTeam')} · {c().channel.name} · {t('queue.protocol', { protocol: c().protocol })}
            </span>
          </Show>
          {/* Set aside: what it waits for, not how long the customer has (the agent chose to wait). */}
          <Show when={c().pending}>{(pending) => <span class="qp-pending-note">{pendingText(pending(), props.zone)}</span>}</Show>
          <Show
            when={!c().pending && awaiting()}
            fallback={
              <span class="qp-wait" title={t('queue.lastActivity')}>
                {formatElapsed(c().lastActivityAt, props.now())}
              </span>
            }
          >
            {(since) => (
              <span class="qp-wait awaiting" title={t('queue.awaitingSince', { time: fullTime(since(), props.zone) })}>
                {t('queue.awaitingReply', { time: formatElapsed(since(), props.now()) })}
              </span>
            )}
          </Show>
        </span>
      </A>
    </li>
  );
}
