import { createEffect, createSignal, lazy, on, onCleanup, Show, type ParentProps } from 'solid-js';
import { A, useLocation, useNavigate } from '@solidjs/router';
import { useMutation, useQuery, useQueryClient } from '@tanstack/solid-query';
import { setLanguage, t } from '../../i18n.ts';
import { errorMessage, trpc } from '../../trpc.ts';
import { meQuery, type Me } from '../../session.ts';
import { connection } from '../../offline/connection.ts';
import { keys } from '../../lib/keys.ts';
import { wipeLocalData } from '../../offline/wipe.ts';
import { AccountMenu } from './account-menu.tsx';
import { BottomTabs } from './bottom-tabs.tsx';
import { ConnectionIndicator, OfflineBanner } from './connection-indicator.tsx';
import { Icon } from './icons.tsx';
import { useNarrow } from './narrow.ts';
import { Rail } from './rail.tsx';
import { ReturnedNotices } from './returned-notices.tsx';
import { SideMenu } from './side-menu.tsx';
import { useSignedInServices } from './signed-in-services.ts';
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
  createEffect(
    on(
      () => location.pathname,
      () => setSheet(false),
      { defer: true },
    ),
  );
  let main: HTMLDivElement | undefined;
  useFocusAfterNavigation(() => main);
  const sheetButton = useSheetKeys(sheet, setSheet);

  // Keyboard shortcuts (lib/shortcuts.ts); `?` lists them.
  const [help, setHelp] = createSignal(false);
  useSignedInServices(() => setHelp(true));

  const setMe = (user: Me['user']) => queryClient.setQueryData<Me>(keys.me, (old) => (old ? { ...old, user } : old));

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
        <div
          class="workspace"
          classList={{ narrow: narrow() }}
          data-sheet={sheet() && inConversation() ? 'open' : undefined}
          data-connection={connection()}
        >
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
            <A href="/" class="brand">
              {t('app.name')}
            </A>
            <span class="org-name">{data().organization.name}</span>
            <ConnectionIndicator />
            <div class="topbar-actions">
              <Show when={narrow() && inConversation()}>
                <button
                  ref={sheetButton.ref}
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
                <AccountMenu
                  me={data()}
                  loggingOut={logout.isPending}
                  onLogout={() => logout.mutate()}
                  onError={setProblem}
                  onShortcuts={() => setHelp(true)}
                />
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
          <ReturnedNotices userId={data().user.id} />
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

/**
 * After a navigation whose control went away with the old page (focus fell to <body>),
 * keyboard users continue from the new page's content instead of the top of the document.
 */
function useFocusAfterNavigation(main: () => HTMLElement | undefined) {
  const location = useLocation();
  createEffect(
    on(
      () => location.pathname,
      () =>
        requestAnimationFrame(() => {
          const active = document.activeElement;
          if (!active || active === document.body) main()?.focus({ preventScroll: true });
        }),
      { defer: true },
    ),
  );
}

/**
 * The conversation's side panel as a sheet (phones): focus moves into it, Escape closes it
 * and gives focus back to the button that opened it (`ref` of that button).
 */
function useSheetKeys(sheet: () => boolean, setSheet: (open: boolean) => void) {
  let button: HTMLButtonElement | undefined;
  createEffect(() => {
    if (!sheet()) return;
    queueMicrotask(() =>
      document.querySelector<HTMLElement>('.cv-side [role="tab"][aria-selected="true"], .cv-side [role="tab"]')?.focus(),
    );
    const key = (event: KeyboardEvent) => {
      if (event.key !== 'Escape' || document.querySelector('dialog[open]')) return;
      setSheet(false);
      button?.focus();
    };
    document.addEventListener('keydown', key);
    onCleanup(() => document.removeEventListener('keydown', key));
  });
  return { ref: (el: HTMLButtonElement) => (button = el) };
}
