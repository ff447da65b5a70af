import { Show } from 'solid-js';
import { A } from '@solidjs/router';
import { t } from '../../i18n.ts';
import type { Me } from '../../session.ts';
import { Menu } from './menu.tsx';
import { initialsOf } from './notify-setting.ts';
import { NotificationSwitch } from './notification-switch.tsx';

/** The person: photo and name; profile, teams, browser notifications, logout. */
export function AccountMenu(props: {
  me: Me;
  loggingOut: boolean;
  onLogout: () => void;
  onError: (message: string) => void;
  onShortcuts: () => void;
}) {
  const initials = () => initialsOf(props.me.user.name);
  return (
    <Menu
      label={t('shell.account', { name: props.me.user.name })}
      class="account-menu"
      button={
        <>
          {/* Initials drawn by CSS (data-initials): the button's visible text stays the name its label starts with. */}
          <Show when={props.me.user.photoUrl} fallback={<span class="avatar" data-initials={initials()} aria-hidden="true" />}>
            {(url) => <img class="avatar" src={url()} alt="" />}
          </Show>
          <span class="account-name">{props.me.user.name}</span>
        </>
      }
    >
      {(close) => (
        <>
          <div class="menu-who">
            <strong>{props.me.user.name}</strong>
            <span class="muted">{props.me.user.email}</span>
            <span class="muted">
              {t('shell.teams', { teams: props.me.teams.map((team) => team.name).join(', ') || t('shell.noTeams') })}
            </span>
          </div>
          <A class="menu-item" href="/profile" onClick={close}>
            {t('shell.profile')}
          </A>
          <NotificationSwitch userId={props.me.user.id} onError={(m) => props.onError(m)} />
          <button
            type="button"
            class="menu-item"
            // The key is shown, not read: aria-keyshortcuts tells assistive technology.
            aria-keyshortcuts="?"
            onClick={() => {
              close();
              props.onShortcuts();
            }}
          >
            {t('keys.open')}{' '}
            <span aria-hidden="true">
              <kbd>?</kbd>
            </span>
          </button>
          <button type="button" class="menu-item" disabled={props.loggingOut} onClick={props.onLogout}>
            {t('shell.logout')}
          </button>
        </>
      )}
    </Menu>
  );
}
