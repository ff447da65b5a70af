import { For, Show } from 'solid-js';
import { A } from '@solidjs/router';
import { t, type MessageKey } from '../../i18n.ts';
import { useUnreadChats } from '../chat/unread.ts';
import { useConversationCounts } from './conversation-counts.ts';
import { Icon, type IconName } from './icons.tsx';

/**
 * The phone's main navigation: Waiting, In service, Contacts, Agents, with the counts of the
 * queue and of my conversations (their unread customer messages first) and the unread chats.
 * The queries are the queue page's own (same keys, conversation-counts.ts), so the tabs and
 * the lists never disagree and live events refresh both.
 */
export function BottomTabs() {
  const counts = useConversationCounts();
  const unread = useUnreadChats();

  const tabs: {
    href: string;
    label: MessageKey;
    icon: IconName;
    end: boolean;
    count: () => number;
    countLabel: (count: number) => string;
  }[] = [
    {
      href: '/',
      label: 'shell.nav.waiting',
      icon: 'waiting',
      end: true,
      count: counts.waiting,
      countLabel: (count) => t('shell.tabs.waitingCount', { count }),
    },
    {
      href: '/in-service',
      label: 'shell.nav.inService',
      icon: 'inService',
      end: true,
      count: counts.inService,
      countLabel: (count) => t('shell.tabs.inServiceCount', { count }),
    },
    { href: '/contacts', label: 'shell.nav.contacts', icon: 'contacts', end: false, count: () => 0, countLabel: () => '' },
    {
      href: '/agents',
      label: 'shell.nav.agents',
      icon: 'agents',
      end: false,
      count: unread,
      countLabel: (count) => t('chat.unreadCount', { count }),
    },
  ];

  return (
    <nav class="bottom-tabs" aria-label={t('shell.tabs.label')}>
      <ul>
        <For each={tabs}>
          {(tab) => (
            <li>
              <A href={tab.href} end={tab.end} class="bottom-tab" activeClass="active">
                <span class="bottom-tab-icon">
                  <Icon name={tab.icon} />
                  {/* In service: unread customer messages stand out; otherwise the (calm) number served. */}
                  <Show
                    when={tab.href === '/in-service' && counts.unread() > 0}
                    fallback={
                      <Show when={tab.count() > 0}>
                        <span class="bottom-tab-badge" classList={{ calm: tab.href === '/in-service' }} aria-hidden="true">
                          {tab.count() > 99 ? '99+' : tab.count()}
                        </span>
                      </Show>
                    }
                  >
                    <span class="bottom-tab-badge" aria-hidden="true">
                      {counts.unread() > 99 ? '99+' : counts.unread()}
                    </span>
                  </Show>
                </span>
                <span class="bottom-tab-label">{t(tab.label)}</span>
                <Show when={tab.count() > 0}>
                  <span class="visually-hidden">({tab.countLabel(tab.count())})</span>
                </Show>
                <Show when={tab.href === '/in-service' && counts.unread() > 0}>
                  <span class="visually-hidden">({t('queue.unread', { count: counts.unread() })})</span>
                </Show>
              </A>
            </li>
          )}
        </For>
      </ul>
    </nav>
  );
}
