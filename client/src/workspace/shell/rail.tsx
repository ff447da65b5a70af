import { For, Show } from 'solid-js';
import { A } from '@solidjs/router';
import { useQuery } from '@tanstack/solid-query';
import { t, tValue } from '../../i18n.ts';
import { keys } from '../../lib/keys.ts';
import { trpc } from '../../trpc.ts';
import { meQuery } from '../../session.ts';
import { useUnreadChats } from '../chat/unread.ts';
import { useConversationCounts } from './conversation-counts.ts';
import { Icon } from './icons.tsx';

const NAV = [
  { href: '/', label: 'shell.nav.waiting', icon: 'waiting', end: true },
  { href: '/in-service', label: 'shell.nav.inService', icon: 'inService', end: true },
  { href: '/contacts', label: 'shell.nav.contacts', icon: 'contacts', end: false },
  { href: '/agents', label: 'shell.nav.agents', icon: 'agents', end: false },
  { href: '/history', label: 'transcripts.nav', icon: 'history', end: false },
  { href: '/search', label: 'search.nav', icon: 'search', end: false },
] as const;

/** Only administrators see the admin screens (the server refuses the rest). */
const ADMIN = { href: '/admin', label: 'shell.nav.admin', icon: 'admin', end: false } as const;
/** Administrators and supervisors see the reports; a supervisor's board is the monitor of their teams. */
const REPORTS = { href: '/reports', label: 'shell.nav.reports', icon: 'reports', end: false } as const;
const MONITOR = { href: '/admin/monitor', label: 'shell.nav.monitor', icon: 'admin', end: false } as const;

/** The left rail: the agent's screens and the organization's channels. */
export function Rail() {
  const channels = useQuery(() => ({ queryKey: keys.channels, queryFn: () => trpc.channels.list.query() }));
  const me = useQuery(meQuery);
  const unread = useUnreadChats();
  const counts = useConversationCounts();
  const nav = () => {
    const role = me.data?.user.role;
    return role === 'admin' ? [...NAV, REPORTS, ADMIN] : role === 'supervisor' ? [...NAV, REPORTS, MONITOR] : NAV;
  };
  return (
    <nav class="rail" aria-label={t('shell.nav.label')}>
      <ul class="rail-list">
        <For each={nav()}>
          {(item) => (
            <li>
              <A href={item.href} end={item.end} class="rail-link" activeClass="active">
                <Icon name={item.icon} />
                {t(item.label)}
                <Show when={item.href === '/agents' && unread() > 0}>
                  <span class="nav-badge" role="img" aria-label={t('chat.unreadCount', { count: unread() })}>
                    {unread()}
                  </span>
                </Show>
                <Show when={item.href === '/' && counts.waiting() > 0}>
                  <span class="nav-badge calm" role="img" aria-label={t('shell.tabs.waitingCount', { count: counts.waiting() })}>
                    {counts.waiting()}
                  </span>
                </Show>
                {/* Unread customer messages in my conversations; otherwise how many I serve. */}
                <Show when={item.href === '/in-service' && (counts.unread() > 0 || counts.inService() > 0)}>
                  <Show
                    when={counts.unread() > 0}
                    fallback={
                      <span class="nav-badge calm" role="img" aria-label={t('shell.tabs.inServiceCount', { count: counts.inService() })}>
                        {counts.inService()}
                      </span>
                    }
                  >
                    <span class="nav-badge" role="img" aria-label={t('queue.unread', { count: counts.unread() })}>
                      {counts.unread()}
                    </span>
                  </Show>
                </Show>
              </A>
            </li>
          )}
        </For>
      </ul>
      <h2 class="rail-heading">{t('shell.nav.channels')}</h2>
      <ul class="rail-list">
        <For
          each={channels.data ?? []}
          fallback={
            <Show when={channels.isSuccess}>
              <li class="rail-note">{t('shell.nav.noChannels')}</li>
            </Show>
          }
        >
          {(channel) => (
            <li>
              <A href={`/channels/${channel.id}`} class="rail-link" activeClass="active" title={tValue('shell.channelKind', channel.kind)}>
                <span class={`channel-badge channel-${channel.kind}`} aria-hidden="true" />
                {channel.name}
              </A>
            </li>
          )}
        </For>
      </ul>
    </nav>
  );
}
