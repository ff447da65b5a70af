import { createEffect, createSignal, on, Show } from 'solid-js';
import { A, useLocation } from '@solidjs/router';
import { useQuery } from '@tanstack/solid-query';
import { language, t } from '../../i18n.ts';
import { dismissHandlers } from '../../lib/dismiss.ts';
import type { Me } from '../../session.ts';
import { agentMeQuery } from './agent-state.ts';
import { Icon } from './icons.tsx';
import { initialsOf } from './notify-setting.ts';
import { NotificationSwitch } from './notification-switch.tsx';

/**
 * The phone's side menu (SPEC §4), opened from the top bar's menu button: who I am (photo,
 * name, rating average, codename, extension, teams), my profile, the alert settings (sound,
 * browser notifications) and logout. A modal <dialog>: focus moves in, Tab stays inside,
 * Escape or a tap outside closes it and focus returns to the menu button.
 */
export function SideMenu(props: {
  me: Me;
  loggingOut: boolean;
  soundPending: boolean;
  onSound: (on: boolean) => void;
  onLogout: () => void;
  onError: (message: string) => void;
}) {
  const [open, setOpen] = createSignal(false);
  const agent = useQuery(agentMeQuery);
  const location = useLocation();
  let dialog: HTMLDialogElement | undefined;
  let opener: HTMLButtonElement | undefined;
  let closeButton: HTMLButtonElement | undefined;

  const close = () => setOpen(false);

  createEffect(
    on(open, (isOpen, wasOpen) => {
      if (!dialog) return;
      if (isOpen && !dialog.open) {
        dialog.showModal();
        closeButton?.focus();
      } else if (!isOpen && dialog.open) {
        dialog.close();
      }
      if (!isOpen && wasOpen) opener?.focus();
    }),
  );
  // A link inside took the person elsewhere: the menu has done its job.
  createEffect(on(() => location.pathname, close, { defer: true }));

  const initials = () => initialsOf(props.me.user.name);
  const rating = () => {
    const a = agent.data;
    if (!a || a.ratingAverage === null || a.ratingCount === 0) return t('shell.menu.noRating');
    const average = new Intl.NumberFormat(language(), { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(a.ratingAverage);
    return t('shell.menu.ratingValue', { average, count: a.ratingCount });
  };

  return (
    <>
      <button
        ref={opener}
        type="button"
        class="icon-button side-menu-button"
        aria-haspopup="dialog"
        aria-expanded={open()}
        aria-label={t('shell.menu.open')}
        title={t('shell.menu.open')}
        onClick={() => setOpen(true)}
      >
        <Icon name="menu" />
      </button>
      <dialog
        ref={dialog}
        class="side-menu"
        aria-label={t('shell.menu.title')}
        onCancel={(event) => {
          // Other close requests (a phone's Back): the same way out.
          event.preventDefault();
          close();
        }}
        onClose={() => setOpen(false)}
        {...dismissHandlers(() => dialog, close)}
      >
        <Show when={open()}>
          <div class="side-menu-head">
            <Show
              when={props.me.user.photoUrl}
              fallback={
                <span class="avatar avatar-large" aria-hidden="true">
                  {initials()}
                </span>
              }
            >
              {(url) => <img class="avatar avatar-large" src={url()} alt={t('shell.menu.photo', { name: props.me.user.name })} />}
            </Show>
            <div class="side-menu-who">
              <h2 class="side-menu-name">{props.me.user.name}</h2>
              <span class="muted">{props.me.user.email}</span>
            </div>
            <button
              ref={closeButton}
              type="button"
              class="icon-button side-menu-close"
              aria-label={t('shell.menu.close')}
              title={t('shell.menu.close')}
              onClick={close}
            >
              <Icon name="close" />
            </button>
          </div>
          <dl class="side-menu-facts">
            <div>
              <dt>{t('shell.menu.rating')}</dt>
              <dd>{rating()}</dd>
            </div>
            <div>
              <dt>{t('shell.menu.codename')}</dt>
              <dd>{props.me.user.codename || t('shell.menu.notSet')}</dd>
            </div>
            <div>
              <dt>{t('shell.menu.extension')}</dt>
              <dd>{props.me.user.extension || t('shell.menu.notSet')}</dd>
            </div>
            <div>
              <dt>{t('shell.profile.teams')}</dt>
              <dd>{props.me.teams.map((team) => team.name).join(', ') || t('shell.noTeams')}</dd>
            </div>
          </dl>
          <nav class="side-menu-links" aria-label={t('shell.menu.title')}>
            <A class="menu-item" href="/profile" onClick={close}>
              {t('shell.profile')}
            </A>
            <A class="menu-item" href="/history" onClick={close}>
              <Icon name="history" />
              {t('transcripts.nav')}
            </A>
            <A class="menu-item" href="/search" onClick={close}>
              <Icon name="search" />
              {t('search.nav')}
            </A>
            <Show when={props.me.user.role === 'admin' || props.me.user.role === 'supervisor'}>
              <A class="menu-item" href="/reports" onClick={close}>
                <Icon name="reports" />
                {t('shell.nav.reports')}
              </A>
            </Show>
            <Show when={props.me.user.role === 'admin'}>
              <A class="menu-item" href="/admin" onClick={close}>
                <Icon name="admin" />
                {t('shell.nav.admin')}
              </A>
            </Show>
            <Show when={props.me.user.role === 'supervisor'}>
              <A class="menu-item" href="/admin/monitor" onClick={close}>
                <Icon name="admin" />
                {t('shell.nav.monitor')}
              </A>
            </Show>
          </nav>
          <h3 class="menu-heading">{t('shell.menu.notificationSettings')}</h3>
          <button
            type="button"
            class="menu-item"
            role="switch"
            aria-checked={props.me.user.soundAlerts}
            disabled={props.soundPending}
            onClick={() => props.onSound(!props.me.user.soundAlerts)}
          >
            <span class="switch" aria-hidden="true" />
            {t('shell.sound')}
          </button>
          <NotificationSwitch userId={props.me.user.id} onError={(m) => props.onError(m)} />
          <div class="side-menu-foot">
            <button type="button" class="secondary" disabled={props.loggingOut} onClick={props.onLogout}>
              {t('shell.logout')}
            </button>
          </div>
        </Show>
      </dialog>
    </>
  );
}
