import { A, useLocation } from '@solidjs/router';
import { useQuery } from '@tanstack/solid-query';
import { createMemo, For, Match, Switch, type Component } from 'solid-js';
import { Dynamic } from 'solid-js/web';
import { t, useTitle, type MessageKey } from '../i18n.ts';
import { meQuery } from '../session.ts';
import { useAdminLive } from './api.ts';
import ApiTokensScreen from './api-tokens.tsx';
import AuditScreen from './audit.tsx';
import CannedScreen from './canned.tsx';
import ChannelsScreen from './channels.tsx';
import MonitorScreen from './monitor.tsx';
import OrganizationScreen from './organization.tsx';
import PrivacyScreen from './privacy.tsx';
import { DispositionsScreen } from './dispositions.tsx';
import { PauseTypesScreen } from './pause-types.tsx';
import { TagsScreen } from './tags.tsx';
import TeamsScreen from './teams.tsx';
import TemplatesScreen from './templates.tsx';
import UsersScreen from './users.tsx';
import WebhooksScreen from './webhooks.tsx';
import SecurityScreen from './security.tsx';
import './admin.css';

type Screen = { path: string; label: MessageKey; component: Component };

/** The admin's screens, in the order of the sub-navigation; `/admin` opens the monitoring board. */
const SCREENS: Screen[] = [
  { path: '/admin/monitor', label: 'admin.nav.monitor', component: MonitorScreen },
  { path: '/admin/users', label: 'admin.nav.users', component: UsersScreen },
  { path: '/admin/teams', label: 'admin.nav.teams', component: TeamsScreen },
  { path: '/admin/channels', label: 'admin.nav.channels', component: ChannelsScreen },
  { path: '/admin/templates', label: 'admin.nav.templates', component: TemplatesScreen },
  { path: '/admin/canned', label: 'admin.nav.canned', component: CannedScreen },
  { path: '/admin/tags', label: 'admin.nav.tags', component: TagsScreen },
  { path: '/admin/dispositions', label: 'admin.nav.dispositions', component: DispositionsScreen },
  { path: '/admin/pauses', label: 'admin.nav.pauses', component: PauseTypesScreen },
  { path: '/admin/organization', label: 'admin.nav.organization', component: OrganizationScreen },
  { path: '/admin/api-tokens', label: 'admin.nav.apiTokens', component: ApiTokensScreen },
  { path: '/admin/webhooks', label: 'admin.nav.webhooks', component: WebhooksScreen },
  { path: '/admin/audit', label: 'admin.nav.audit', component: AuditScreen },
  { path: '/admin/security', label: 'twofactor.admin.title', component: SecurityScreen },
  { path: '/admin/privacy', label: 'admin.nav.privacy', component: PrivacyScreen },
];

/** A supervisor sees the monitoring board (of their teams) and no configuration. */
const SUPERVISOR_SCREENS = SCREENS.filter((s) => s.path === '/admin/monitor');

/** The screen for a path ("/admin" and unknown sub-paths → the monitoring board). */
function screenFor(screens: Screen[], pathname: string): Screen {
  const clean = pathname.replace(/\/+$/, '');
  return screens.find((s) => clean === s.path || clean.startsWith(`${s.path}/`)) ?? screens[0]!;
}

export default function AdminPage() {
  const me = useQuery(meQuery);
  const location = useLocation();
  const screens = () => (me.data?.user.role === 'admin' ? SCREENS : SUPERVISOR_SCREENS);
  const screen = createMemo(() => screenFor(screens(), location.pathname));
  useTitle(() => screen().label);
  useAdminLive();

  return (
    <Switch fallback={<p class="adm-muted">{t('common.loading')}</p>}>
      <Match when={me.data && me.data.user.role !== 'admin' && me.data.user.role !== 'supervisor'}>
        <div class="adm-page">
          <p class="adm-alert" role="alert">
            {t('error.adminOnly')}
          </p>
        </div>
      </Match>
      <Match when={me.data}>
        <div class="adm-page">
          <nav class="adm-nav" aria-label={t('admin.title')}>
            <h1 class="adm-nav-title">{t('admin.title')}</h1>
            <ul>
              <For each={screens()}>
                {(s) => (
                  <li>
                    <A
                      href={s.path}
                      aria-current={screen().path === s.path ? 'page' : undefined}
                      classList={{ 'adm-current': screen().path === s.path }}
                    >
                      {t(s.label)}
                    </A>
                  </li>
                )}
              </For>
            </ul>
          </nav>
          <div class="adm-main">
            <Dynamic component={screen().component} />
          </div>
        </div>
      </Match>
    </Switch>
  );
}
