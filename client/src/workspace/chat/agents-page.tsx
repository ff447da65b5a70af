import { createMemo, createSignal, For, Show } from 'solid-js';
import { A, useNavigate, useParams } from '@solidjs/router';
import { useMutation, useQuery, useQueryClient } from '@tanstack/solid-query';
import { language, t, useTitle } from '../../i18n.ts';
import { formatTime } from '../../lib/format.ts';
import { errorMessage, trpc } from '../../trpc.ts';
import { useNow } from '../../lib/clock.ts';
import { keys } from '../../lib/keys.ts';
import { meQuery } from '../../session.ts';
import { useAgents, type Agent } from './agents-query.ts';
import { useChatList, type ChatRoom } from './unread.ts';
import { useConnectedUsers, type PresenceMe } from './presence.ts';
import { Avatar } from './message-thread.tsx';
import ChatRoomView, { roomTitle } from './chat-room.tsx';
import './chat.css';

const STATUS_ORDER: Record<string, number> = { online: 0, paused: 1, offline: 2 };

function formatClock(iso: string): string {
  return formatTime(iso); // in the person's language and time zone
}

function formatRating(average: number): string {
  return new Intl.NumberFormat(language(), { minimumFractionDigits: 1, maximumFractionDigits: 2 }).format(average);
}

/**
 * Agents (SPEC §4, §7): the organization's agents with online / paused / offline (the
 * server's record, live through `user.status` events), "no device" for an online agent the
 * server counts without a device (`connected`, live through `user.presence`), and whether
 * they are connected right now (awareness of `presence:<orgId>`), their teams and rating;
 * internal chat with unread counts; the room on `/chat/:roomId`.
 */
export default function AgentsPage() {
  useTitle('chat.agentsTitle');
  const params = useParams<{ roomId?: string }>();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const me = useQuery(meQuery);
  const agents = useAgents();
  const chats = useChatList();

  const presenceMe = createMemo<PresenceMe | null>(() =>
    me.data ? { id: me.data.user.id, name: me.data.user.name, orgId: me.data.organization.id } : null,
  );
  const connected = useConnectedUsers(presenceMe);

  // Pause overrun is also judged locally as time passes (the list is fetched once).
  // The app's one clock, read every 30 s: the list is not re-sorted each second.
  const clock = useNow();
  const now = createMemo((last: number) => (clock() - last >= 30_000 ? clock() : last), clock());

  const [search, setSearch] = createSignal('');
  const [selected, setSelected] = createSignal<string[]>([]);
  const agentMap = createMemo(() => new Map((agents.data ?? []).map((a) => [a.id, a])));

  const shownAgents = createMemo(() => {
    const q = search().trim().toLocaleLowerCase();
    return (agents.data ?? [])
      .filter((a) => !q || a.name.toLocaleLowerCase().includes(q) || (a.codename ?? '').toLocaleLowerCase().includes(q))
      .slice()
      .sort((a, b) => (STATUS_ORDER[a.status] ?? 3) - (STATUS_ORDER[b.status] ?? 3));
  });

  const open = useMutation(() => ({
    mutationFn: (userIds: string[]) => trpc.chat.open.mutate({ userIds }),
    onSuccess: async (room) => {
      setSelected([]);
      // The room is in the list before it is shown (a new one was just made).
      await queryClient.invalidateQueries({ queryKey: keys.chats });
      navigate(`/chat/${room.roomId}`);
    },
  }));

  const toggle = (id: string, on: boolean) => setSelected((list) => (on ? [...new Set([...list, id])] : list.filter((x) => x !== id)));

  const currentRoom = (): ChatRoom | undefined => chats.data?.find((r) => r.roomId === params.roomId);
  const sortedChats = createMemo(() => (chats.data ?? []).slice().sort((a, b) => b.unread - a.unread));

  return (
    <main class="page chat-page">
      <div class={`chat-layout${params.roomId ? ' has-room' : ''}`}>
        <div class="chat-side">
          <section class="chat-panel chat-list-panel" aria-labelledby="chat-chats-heading">
            <h2 id="chat-chats-heading">{t('chat.chatsHeading')}</h2>
            <Show
              when={(chats.data ?? []).length > 0}
              fallback={<p class="muted chat-empty">{chats.isLoading ? t('common.loading') : t('chat.noChats')}</p>}
            >
              <ul class="chat-list" aria-label={t('chat.chatsLabel')}>
                <For each={sortedChats()}>
                  {(room) => {
                    const title = () => roomTitle(room, me.data?.user.id ?? '');
                    const label = () => (room.unread > 0 ? `${title()} · ${t('chat.unreadCount', { count: room.unread })}` : title());
                    return (
                      <li>
                        <A
                          href={`/chat/${room.roomId}`}
                          class={`chat-list-item${room.unread > 0 ? ' unread' : ''}`}
                          aria-label={label()}
                          aria-current={params.roomId === room.roomId ? 'page' : undefined}
                        >
                          <Avatar name={room.members.find((m) => m.id !== me.data?.user.id)?.name ?? '?'} size="sm" />
                          <span class="chat-list-title">{title()}</span>
                          <Show when={room.unread > 0}>
                            <span class="unread-badge" aria-hidden="true">
                              {room.unread > 99 ? '99+' : room.unread}
                            </span>
                          </Show>
                        </A>
                      </li>
                    );
                  }}
                </For>
              </ul>
            </Show>
          </section>

          <section class="chat-panel agents-panel" aria-labelledby="chat-agents-heading">
            <div class="agents-head">
              <h2 id="chat-agents-heading">{t('chat.agentsHeading')}</h2>
              <input
                type="search"
                class="agents-search"
                aria-label={t('chat.searchAgents')}
                placeholder={t('chat.searchAgents')}
                value={search()}
                onInput={(e) => setSearch(e.currentTarget.value)}
              />
            </div>
            <Show when={open.isError}>
              <p class="alert" role="alert">
                {errorMessage(open.error)}
              </p>
            </Show>
            <Show when={agents.isError}>
              <p class="alert" role="alert">
                {errorMessage(agents.error)}
              </p>
            </Show>
            <Show when={selected().length > 0}>
              <div class="group-bar">
                <button type="button" class="primary" disabled={open.isPending} onClick={() => open.mutate(selected())}>
                  {open.isPending ? t('chat.opening') : t('chat.startGroup', { count: selected().length })}
                </button>
                <button type="button" class="secondary" onClick={() => setSelected([])}>
                  {t('chat.clearSelection')}
                </button>
              </div>
            </Show>
            <ul class="agents-list" aria-label={t('chat.agentsLabel')}>
              <For
                each={shownAgents()}
                fallback={<li class="muted chat-empty">{agents.isLoading ? t('common.loading') : t('chat.noAgents')}</li>}
              >
                {(agent) => (
                  <AgentRow
                    agent={agent}
                    isMe={agent.id === me.data?.user.id}
                    connected={connected().has(agent.id)}
                    now={now()}
                    selected={selected().includes(agent.id)}
                    busy={open.isPending}
                    onSelect={(on) => toggle(agent.id, on)}
                    onChat={() => open.mutate([agent.id])}
                  />
                )}
              </For>
            </ul>
          </section>
        </div>

        <div class="chat-main">
          <Show
            when={params.roomId && me.data}
            fallback={
              <div class="chat-placeholder">
                <span class="chat-placeholder-icon" aria-hidden="true" />
                <p>{t('chat.pickRoom')}</p>
              </div>
            }
          >
            <Show
              when={currentRoom() || !chats.isSuccess || chats.isFetching}
              fallback={
                <p class="alert" role="alert">
                  {t('chat.unknownRoom')}
                </p>
              }
            >
              <ChatRoomView
                roomId={params.roomId!}
                room={currentRoom()}
                me={{ id: me.data!.user.id, name: me.data!.user.name }}
                agents={agentMap()}
              />
            </Show>
          </Show>
        </div>
      </div>
    </main>
  );
}

function AgentRow(props: {
  agent: Agent;
  isMe: boolean;
  connected: boolean;
  now: number;
  selected: boolean;
  busy: boolean;
  onSelect: (on: boolean) => void;
  onChat: () => void;
}) {
  const a = () => props.agent;
  const overrun = () => {
    const p = a().pause;
    return !!p && (p.overrun || Date.parse(p.endsBy) < props.now);
  };
  const checkboxId = () => `agent-select-${a().id}`;
  return (
    <li class={`agent-row ${a().status}`} aria-label={a().name}>
      <span class="agent-avatar-wrap">
        <Avatar name={a().name} photoUrl={a().photoUrl} />
        <span
          class={`connection-dot${props.connected ? ' on' : ''}`}
          role="img"
          aria-label={props.connected ? t('chat.connected') : t('chat.notConnected')}
          title={props.connected ? t('chat.connected') : t('chat.notConnected')}
        />
      </span>
      <div class="agent-info">
        <div class="agent-name-line">
          <span class="agent-name">{a().name}</span>
          <Show when={a().codename && a().codename !== a().name}>
            <span class="agent-codename">“{a().codename}”</span>
          </Show>
          <Show when={props.isMe}>
            <span class="agent-you">({t('chat.you')})</span>
          </Show>
        </div>
        <div class="agent-state-line">
          <span class={`status-pill ${a().status}`}>
            <span class={`status-dot ${a().status}`} aria-hidden="true" />
            {t(`status.${a().status}` as 'status.online')}
          </span>
          <Show when={a().pause}>
            {(p) => (
              <span class={`agent-pause${overrun() ? ' overrun' : ''}`}>
                <span class="visually-hidden">{t('chat.pausedAs', { pause: p().name })}</span>
                <span aria-hidden="true">{p().name}</span> · {t('chat.pauseEndsBy', { time: formatClock(p().endsBy) })}
                <Show when={overrun()}>
                  {' · '}
                  <strong>{t('chat.pauseOverrun')}</strong>
                </Show>
              </span>
            )}
          </Show>
          {/* The server's view (any process, with the grace period): online but no device → not available. */}
          <Show when={a().status === 'online' && !a().connected}>
            <strong class="agent-no-device">{t('chat.noDevice')}</strong>
          </Show>
          <span class="agent-connected">{props.connected ? t('chat.connected') : t('chat.notConnected')}</span>
        </div>
        <div class="agent-meta-line">
          <span>
            {a().teams.length > 0
              ? t('chat.teamsOf', {
                  teams: a()
                    .teams.map((x) => x.name)
                    .join(', '),
                })
              : t('chat.noTeams')}
          </span>
          <span class="agent-rating">
            <Show when={a().ratingAverage !== null} fallback={t('chat.noRating')}>
              <span aria-hidden="true">★ </span>
              {t('chat.rating', { average: formatRating(a().ratingAverage!), count: a().ratingCount })}
            </Show>
          </span>
        </div>
      </div>
      <Show when={!props.isMe}>
        <div class="agent-actions">
          {/* A visible label ("Add to group"); the accessible name starts with it and says who. */}
          <label class="agent-select" for={checkboxId()}>
            <input
              id={checkboxId()}
              type="checkbox"
              checked={props.selected}
              aria-label={t('chat.selectAgent', { name: a().name })}
              onChange={(e) => props.onSelect(e.currentTarget.checked)}
            />
            <span aria-hidden="true">{t('chat.addToGroup')}</span>
          </label>
          <button
            type="button"
            class="chat-button"
            disabled={props.busy}
            aria-label={t('chat.startChatWith', { name: a().name })}
            onClick={() => props.onChat()}
          >
            <span class="chat-bubble-icon" aria-hidden="true" />
            {t('chat.chatButton')}
          </button>
        </div>
      </Show>
    </li>
  );
}
