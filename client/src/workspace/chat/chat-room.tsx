import { createEffect, createMemo, createSignal, For, onCleanup, Show } from 'solid-js';
import { A } from '@solidjs/router';
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/solid-query';
import { t } from '../../i18n.ts';
import { errorCode, trpc } from '../../trpc.ts';
import { keys } from '../../lib/keys.ts';
import { useSharedDoc } from '../../lib/ydoc.ts';
import { docName } from '../../../../sync/shared/doc-name.ts';
import { useDocAwareness, joinNames, type Person } from './awareness.ts';
import { MessageThread, SyncNote, useThreadMessages, type ShownMessage } from './message-thread.tsx';
import type { ChatRoom } from './unread.ts';
import type { Agent } from './agents-query.ts';
import GroupMembers from './group-members.tsx';
import './chat.css';

/**
 * "There is a new message" hints not yet delivered (offline when written): sent again when
 * the room's document reconnects. In memory only — the list's slow poll covers a reload.
 */
const pendingPosted = new Map<string, Set<string>>();

async function announce(roomId: string, messageId: string): Promise<void> {
  const pending = pendingPosted.get(roomId) ?? new Set<string>();
  pendingPosted.set(roomId, pending);
  pending.add(messageId);
  try {
    await trpc.chat.posted.mutate({ roomId, messageId });
    pending.delete(messageId);
  } catch (error) {
    // A refusal is final (not a member any more); a network failure is retried on reconnect.
    if (errorCode(error) !== undefined) pending.delete(messageId);
  }
}

function flushAnnouncements(roomId: string): void {
  for (const id of [...(pendingPosted.get(roomId) ?? [])]) void announce(roomId, id);
}

const visibleNow = () => typeof document === 'undefined' || document.visibilityState === 'visible';

export function roomTitle(room: ChatRoom | undefined, meId: string): string {
  const others = (room?.members ?? []).filter((m) => m.id !== meId).map((m) => m.name);
  const names = joinNames(others, (first, last) => t('chat.and', { first, last }));
  return room?.kind === 'group' ? t('chat.groupOf', { names }) : names;
}

/** One internal chat room: the `chat:<roomId>` document's messages, archived ones on demand. */
export default function ChatRoomView(props: { roomId: string; room: ChatRoom | undefined; me: Person; agents: Map<string, Agent> }) {
  const queryClient = useQueryClient();
  const shared = useSharedDoc(
    () => props.me.id,
    () => docName.chat(props.roomId),
  );
  const messages = useThreadMessages(shared);
  const names = createMemo(() => {
    const map = new Map<string, string>();
    for (const m of props.room?.members ?? []) map.set(m.id, m.name);
    for (const [id, a] of props.agents) map.set(id, a.name);
    return map;
  });
  const awareness = useDocAwareness(shared, () => props.me, names, { viewing: true });
  const nameOf = (id: string) => names().get(id) ?? t('chat.someone');

  // Read position: everything shown counts as read while the tab is visible and in step.
  const [visible, setVisible] = createSignal(visibleNow());
  const onVisibility = () => setVisible(visibleNow());
  document.addEventListener('visibilitychange', onVisibility);
  onCleanup(() => document.removeEventListener('visibilitychange', onVisibility));

  const markRead = useMutation(() => ({
    mutationFn: (count: number) => trpc.chat.markRead.mutate({ roomId: props.roomId, count }),
    onSuccess: (result) => {
      queryClient.setQueryData<ChatRoom[]>(keys.chats, (rooms) =>
        rooms?.map((r) => (r.roomId === props.roomId ? { ...r, unread: result.unread } : r)),
      );
      // A refetch already under way may bring the old count back: ask once more.
      void queryClient.invalidateQueries({ queryKey: keys.chats });
    },
  }));
  let lastMarked = '';
  createEffect(() => {
    const sd = shared();
    const count = messages.length;
    const unread = props.room?.unread ?? 0;
    if (!sd?.synced() || sd.status() !== 'connected' || !visible()) return;
    const key = `${props.roomId}:${count}:${unread}`;
    if (key === lastMarked || (unread === 0 && lastMarked.startsWith(`${props.roomId}:${count}:`))) return;
    lastMarked = key;
    markRead.mutate(count);
  });

  // Hints written offline go out when the room's document is connected again.
  createEffect(() => {
    if (shared()?.status() === 'connected') flushAnnouncements(props.roomId);
  });

  // Archived messages (older than the live document keeps), on demand.
  const [showOlder, setShowOlder] = createSignal(false);
  createEffect(() => {
    props.roomId;
    setShowOlder(false);
  });
  const history = useInfiniteQuery(() => ({
    queryKey: keys.chatHistory(props.roomId),
    queryFn: ({ pageParam }: { pageParam: number | null }) =>
      trpc.chat.history.query({ roomId: props.roomId, before: pageParam ?? undefined }),
    initialPageParam: null as number | null,
    getNextPageParam: (last: { nextBefore: number | null }) => last.nextBefore,
    enabled: showOlder(),
  }));
  const older = createMemo<ShownMessage[]>(() => {
    if (!showOlder()) return [];
    const live = new Set(messages.map((m) => m.id));
    return (history.data?.pages ?? [])
      .flatMap((p) => p.messages)
      .filter((m) => !live.has(m.id))
      .reverse()
      .map((m) => ({
        id: m.id,
        authorId: m.authorId,
        authorName: m.authorName ?? (m.authorId ? nameOf(m.authorId) : t('chat.someone')),
        at: Date.parse(m.at),
        text: m.text,
        mine: m.authorId === props.me.id,
      }));
  });
  const olderControl = () => (
    <Show when={(props.room?.archived ?? 0) > 0 && (!showOlder() || history.hasNextPage || history.isFetching)}>
      <li class="thread-older">
        <Show when={!history.isFetching} fallback={<span class="muted">{t('chat.loadingOlder')}</span>}>
          <button type="button" class="link-button" onClick={() => (showOlder() ? void history.fetchNextPage() : setShowOlder(true))}>
            {t('chat.loadOlder')}
          </button>
        </Show>
      </li>
    </Show>
  );

  const others = () => (props.room?.members ?? []).filter((m) => m.id !== props.me.id);

  return (
    <section class="chat-room" aria-label={t('chat.roomLabel', { names: roomTitle(props.room, props.me.id) })}>
      <header class="chat-room-head">
        <A class="chat-back" href="/agents" aria-label={t('chat.backToAgents')}>
          ‹
        </A>
        <div class="chat-room-title">
          <h2>{roomTitle(props.room, props.me.id)}</h2>
          <ul class="chat-room-members">
            <For each={others()}>
              {(m) => {
                const status = () => props.agents.get(m.id)?.status ?? m.status;
                return (
                  <li>
                    <span class={`status-dot ${status()}`} aria-hidden="true" />
                    {m.name} · {t(`status.${status()}` as 'status.online')}
                  </li>
                );
              }}
            </For>
          </ul>
        </div>
        <Show when={props.room?.kind === 'group' ? props.room : undefined}>
          {(room) => <GroupMembers room={room()} meId={props.me.id} agents={props.agents} />}
        </Show>
      </header>
      <SyncNote shared={shared} />
      <MessageThread
        shared={shared}
        me={props.me}
        canWrite={shared()?.status() !== 'refused'}
        nameOf={nameOf}
        inputLabel={t('chat.messageInput')}
        placeholder={t('chat.messagePlaceholder')}
        empty={t('chat.noMessages')}
        typers={awareness.typers}
        onTyping={(on) => awareness.setTyping(on)}
        onSent={(id) => void announce(props.roomId, id)}
        older={older()}
        olderControl={olderControl()}
        messages={messages}
        allowDelete
      />
    </section>
  );
}
