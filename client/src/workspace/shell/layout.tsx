import { createEffect, createSignal, lazy, on, onCleanup, Show, type ParentProps } from 'solid-js';
import { A, useLocation, useNavigate } from '@solidjs/router';
import { useMutation, useQuery, useQueryClient } from '@tanstack/solid-query';
import { setLanguage, t } from '../../i18n.ts';
import { errorMessage, trpc } from '../../trpc.ts';
import { meKey, meQuery, type Me } from '../../session.ts';
import { startOutbox } from '../../offline/outbox.ts';
import { connection } from '../../offline/connection.ts';
import { keys } from '../../lib/keys.ts';
import { startShortcuts } from '../../lib/shortcuts.ts';
import { wipeLocalData } from '../../offline/wipe.ts';
import { AccountMenu } from './account-menu.tsx';
import { startAlerts, unlockAudio } from './alerts.ts';
import { BottomTabs } from './bottom-tabs.tsx';
import { useUnreadTitle } from './conversation-counts.ts';
import { ConnectionIndicator, OfflineBanner } from './connection-indicator.tsx';
import { Icon } from './icons.tsx';
import { loadNotificationSetting } from './notify-setting.ts';
import { useNarrow } from './narrow.ts';
import { Rail } from './rail.tsx';
import { SideMenu } from './side-menu.tsx';
import { StatusMenu } from './status-menu.tsx';
import './keyboard.css';

const ShortcutsHelp = lazy(() => import('./shortcuts-help.tsx'));

/**
 * The frame of every agent screen: top bar (organization, connection, add contact, sound
 * alerts, status and pauses, account), left rail (screens and channels), the page. On a
 * phone-sized window the rail gives way to bottom tabs, and the account menu and sound
 * switch to a side menu; a conversation's side panel becomes a sheet opened from the top bar.
 * It also runs what lives as long as the person is signed in: the outbox sender and the alerts.
 */
export default function Workspace(props: ParentProps) {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const me = useQuery(meQuery);
  const [problem, setProblem] = createSignal<string | null>(null);
  const userId = () => me.data?.user.id;
  const narrow = useNarrow();
  const location = useLocation();
  const [sheet, setSheet] = createSignal(false);
  const inConversation = () => location.pathname.startsWith('/conversations/');
  let sheetButton: HTMLButtonElement | undefined;
  createEffect(on(() => location.pathname, () => setSheet(false), { defer: true }));
  // After a navigation whose control went away with the old page (focus fell to <body>),
  // keyboard users continue from the new page's content instead of the top of the document.
  let main: HTMLDivElement | undefined;
  createEffect(
    on(
      () => location.pathname,
      () =>
        requestAnimationFrame(() => {
          const active = document.activeElement;
          if (!active || active === document.body) main?.focus({ preventScroll: true });
        }),
      { defer: true },
    ),
  );
  // The conversation's side panel as a sheet (phones): focus moves into it, Escape closes it
  // and gives focus back to the button that opened it.
  createEffect(() => {
    if (!sheet()) return;
    queueMicrotask(() => document.querySelector<HTMLElement>('.cv-side [role="tab"][aria-selected="true"], .cv-side [role="tab"]')?.focus());
    const key = (event: KeyboardEvent) => {
      if (event.key !== 'Escape' || document.querySelector('dialog[open]')) return;
      setSheet(false);
      sheetButton?.focus();
    };
    document.addEventListener('keydown', key);
    onCleanup(() => document.removeEventListener('keydown', key));
  });

  createEffect(
    on(userId, (id) => {
      if (!id) return;
      loadNotificationSetting(id);
      const stopOutbox = startOutbox(id);
      const stopAlerts = startAlerts({
        userId: id,
        teams: () => me.data?.teams ?? [],
        sound: () => me.data?.user.soundAlerts ?? false,
        open: (conversationId) => navigate(`/conversations/${conversationId}`),
      });
      // Presence ("connected now" in the agents list): loaded on demand, yjs stays out of the first load.
      let leavePresence: (() => void) | undefined;
      let gone = false;
      const m = me.data!;
      void import('../chat/presence.ts').then((p) => {
        if (!gone) leavePresence = p.joinPresence({ id: m.user.id, name: m.user.name, orgId: m.organization.id });
      });
      onCleanup(() => {
        gone = true;
        leavePresence?.();
        stopAlerts();
        stopOutbox();
      });
    }),
  );

  // Keyboard shortcuts (lib/shortcuts.ts); `?` lists them.
  const [help, setHelp] = createSignal(false);
  const conversationOrder = () =>
    [...(queryClient.getQueryData<{ id: string }[]>(keys.mine) ?? []), ...queryClient.getQueriesData<{ id: string }[]>({ queryKey: keys.queue }).flatMap(([, list]) => list ?? [])]
      .map((c) => c.id)
      .filter((id, i, all) => all.indexOf(id) === i);
  onCleanup(startShortcuts({ navigate: (to) => navigate(to), openHelp: () => setHelp(true), conversationOrder }));

  // "(2) Atende": customer messages waiting on me, in the tab's title (conversation-counts.ts).
  useUnreadTitle();

  const unlock = () => unlockAudio();
  document.addEventListener('pointerdown', unlock, { once: true });
  onCleanup(() => document.removeEventListener('pointerdown', unlock));

  const setMe = (user: Me['user']) => queryClient.setQueryData<Me>(meKey, (old) => (old ? { ...old, user } : old));

  const sound = useMutation(() => ({
    mutationFn: (soundAlerts: boolean) => trpc.auth.updateProfile.mutate({ soundAlerts }),
    onSuccess: (result) => setMe(result.user),
    onError: (error) => setProblem(errorMessage(error)),
  }));

  const logout = useMutation(() => ({
    mutationFn: () => trpc.auth.logout.mutate(),
    // Signed out either way: even if the call failed, this tab forgets the session and its data.
    onSettled: async () => {
      const id = userId();
      navigate('/login', { replace: true });
      setLanguage(null);
      if (id) await wipeLocalData(id, queryClient);
    },
  }));

  return (
    <Show when={me.data}>
      {(data) => (
        <div class="workspace" classList={{ narrow: narrow() }} data-sheet={sheet() && inConversation() ? 'open' : undefined} data-connection={connection()}>
          <a
            class="skip-link"
            href="#main"
            ref={(link) =>
              // Its own listener runs before the router's (which would treat #main as a navigation).
              link.addEventListener('click', (event) => {
                event.preventDefault();
                main?.focus();
              })
            }
          >
            {t('keys.skip')}
          </a>
          <header class="topbar">
            <Show when={narrow()}>
              <SideMenu
                me={data()}
                loggingOut={logout.isPending}
                soundPending={sound.isPending}
                onSound={(on) => sound.mutate(on)}
                onLogout={() => logout.mutate()}
                onError={setProblem}
              />
            </Show>
            <A href="/" class="brand">{t('app.name')}</A>
            <span class="org-name">{data().organization.name}</span>
            <ConnectionIndicator />
            <div class="topbar-actions">
              <Show when={narrow() && inConversation()}>
                <button
                  ref={sheetButton}
                  type="button"
                  class="icon-button sheet-button"
                  aria-expanded={sheet()}
                  aria-label={t('shell.details.show')}
                  title={t('shell.details.show')}
                  onClick={() => setSheet(!sheet())}
                >
                  <Icon name="details" />
                </button>
              </Show>
              <button type="button" class="icon-button" onClick={() => navigate('/contacts?new=1')} title={t('shell.addContact')}>
                <Icon name="addContact" />
                <span class="label">{t('shell.addContact')}</span>
              </button>
              <Show when={!narrow()}>
                <button
                  type="button"
                  class="icon-button"
                  aria-pressed={data().user.soundAlerts}
                  aria-label={t('shell.sound')}
                  title={t('shell.sound')}
                  disabled={sound.isPending}
                  onClick={() => sound.mutate(!data().user.soundAlerts)}
                >
                  <Icon name={data().user.soundAlerts ? 'sound' : 'soundOff'} />
                </button>
              </Show>
              <StatusMenu onError={(error) => setProblem(errorMessage(error))} />
              <Show when={!narrow()}>
                <AccountMenu me={data()} loggingOut={logout.isPending} onLogout={() => logout.mutate()} onError={setProblem} onShortcuts={() => setHelp(true)} />
              </Show>
            </div>
          </header>
          <OfflineBanner />
          <Show when={problem()}>
            {(message) => (
              <div class="shell-alert" role="alert">
                <span>{message()}</span>
                <button type="button" class="link-button" onClick={() => setProblem(null)}>
                  {t('shell.dismiss')}
                </button>
              </div>
            )}
          </Show>
          <div class="workspace-body">
            <Show when={!narrow()}>
              <Rail />
            </Show>
            <div class="workspace-main" id="main" ref={main} tabindex="-1">
              {props.children}
            </div>
          </div>
          <Show when={narrow()}>
            <BottomTabs />
          </Show>
          <Show when={help()}>
            <ShortcutsHelp onClose={() => setHelp(false)} />
          </Show>
        </div>
      )}
    </Show>
  );
}
