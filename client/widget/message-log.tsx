import { createEffect, createMemo, For, on, onCleanup, onMount, Show } from 'solid-js';
import { bottomFollower } from '../src/lib/follow-bottom.ts';
import { lastAgentIndex, noticesAt, type Notice } from './items.ts';
import { MessageRow } from './message-row.tsx';
import { t } from './strings.ts';
import type { Chat } from './use-chat.ts';

/** Older messages load while the visitor is this close to the top (px). */
const NEAR_TOP = 200;

const NoticeLines = (props: { notices: Notice[] | undefined }) => (
  <For each={props.notices}>
    {(n) => (
      <p class="w-event" data-notice={n.key}>
        {n.text}
      </p>
    )}
  </For>
);

/** The conversation as the visitor reads it: messages, what happened between them, the end. */
export function MessageLog(props: { chat: Chat; onChoose: (key: string, label: string | null) => void }) {
  const chat = props.chat;
  const items = chat.items;
  let logEl: HTMLDivElement | undefined;
  const notices = createMemo(() => noticesAt(chat.conversation(), items()));
  const noticeCount = () => [...notices().values()].reduce((n, list) => n + list.length, 0);
  const agentIndex = createMemo(() => lastAgentIndex(items()));

  /*
   * Follow the newest line: while the visitor is at the bottom of the log (or has just
   * written), a new message, notice or loaded image keeps the bottom in view; scrolled up to
   * read, they stay where they are.
   */
  const follower = bottomFollower();
  const toBottom = () => follower.toBottom(logEl);
  createEffect(
    on(
      () => [items().length, items().at(-1)?.id, noticeCount(), chat.conversation()?.status],
      () => {
        if (items().at(-1)?.local === 'pending') follower.follow();
        requestAnimationFrame(toBottom);
      },
    ),
  );
  // Scrolled near the top: the older page goes above, and what the visitor reads stays put.
  const onScroll = () => {
    if (!logEl) return;
    follower.onScroll(logEl);
    if (follower.following || logEl.scrollTop > NEAR_TOP || !chat.older() || chat.loadingOlder()) return;
    const el = logEl;
    const fromBottom = el.scrollHeight - el.scrollTop;
    void chat.loadOlder().then(() => {
      el.scrollTop = el.scrollHeight - fromBottom;
    });
  };
  onMount(() => {
    // An image that loads below the fold pushes the bottom down.
    logEl?.addEventListener('load', toBottom, true);
    onCleanup(() => logEl?.removeEventListener('load', toBottom, true));
  });

  return (
    <div class="w-log" role="log" aria-live="polite" aria-label={t('widget.messages')} tabindex="0" ref={logEl} onScroll={onScroll}>
      <Show when={items().length === 0 && !chat.unavailable()}>
        <p class="w-welcome">{t('widget.welcome')}</p>
      </Show>
      <For each={items()}>
        {(item, index) => (
          <>
            <MessageRow
              item={item}
              last={index() === items().length - 1}
              read={item.direction === 'in' && index() < agentIndex()}
              rateable={chat.conversation()?.status === 'closed' && chat.conversation()?.id === item.conversationId}
              profile={chat.profile()}
              token={() => chat.session()?.token ?? null}
              api={chat.api}
              onChoose={props.onChoose}
              onRetry={(i) => void chat.deliver(i)}
            />
            <NoticeLines notices={notices().get(item.id)} />
          </>
        )}
      </For>
      <NoticeLines notices={notices().get('end')} />
      <Show when={chat.conversation()?.status === 'closed' && items().at(-1)?.direction === 'out'}>
        <p class="w-ended">{t('widget.ended')}</p>
      </Show>
    </div>
  );
}
