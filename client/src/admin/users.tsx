import { createMemo, createSignal, For, Show } from 'solid-js';
import { LANGUAGES } from '../../../i18n/index.ts';
import { language, t, tValue } from '../i18n.ts';
import { formatDateTimeIn } from '../lib/format.ts';
import { trpc } from '../trpc.ts';
import { adminKeys } from '../lib/keys.ts';
import { useList, useSave, type AdminTeam, type AdminUser } from './api.ts';
import { DAY_PATTERN, formatDay, parseWorkHours, WEEKDAYS, type Weekday, type WorkHours } from './logic.ts';
import { all, bool, intOrNull, orNull, str, submitted } from './form-data.ts';
import { CapacityInput, Check, CheckGroup, focusFirstField, FormActions, Input, Select, TimeZoneList } from './fields.tsx';
import { ConfirmButton, Loaded, Refusal, Saved } from './feedback.tsx';
import { Section, TableHead, useEditor } from './screen.tsx';

type Editing = AdminUser | 'new' | null;

export default function UsersScreen() {
  const users = useList('users');
  const teams = useList('teams');
  const { editing, notice, setNotice, open, done, cancel } = useEditor<NonNullable<Editing>>();
  const refresh = [adminKeys.users, adminKeys.teams, adminKeys.monitor];

  const unlock = useSave(
    (u: AdminUser) => trpc.admin.users.unlock.mutate({ userId: u.id }),
    refresh,
    (_o, u) => setNotice(t('admin.users.unlocked', { name: u.name })),
  );
  const resend = useSave(
    (u: AdminUser) => trpc.admin.users.resendInvite.mutate({ userId: u.id }),
    refresh,
    (_o, u) => setNotice(t('admin.users.inviteResent', { email: u.email })),
  );
  const deactivate = useSave(
    (u: AdminUser) => trpc.admin.users.deactivate.mutate({ userId: u.id }),
    refresh,
    (_o, u) => setNotice(t('admin.users.deactivated', { name: u.name })),
  );
  const actionError = () => unlock.error ?? resend.error ?? deactivate.error;
  const teamName = createMemo(() => new Map((teams.data ?? []).map((tm) => [tm.id, tm.name])));

  return (
    <Section
      title={t('admin.nav.users')}
      actions={
        <button type="button" class="primary" onClick={() => open('new')}>
          {t('admin.users.invite')}
        </button>
      }
    >
      <Show when={editing()} keyed>
        {(target) => <UserForm user={target === 'new' ? null : target} teams={teams.data ?? []} onDone={done} onCancel={cancel} />}
      </Show>
      <Saved when={notice() !== null} message={notice() ?? undefined} />
      <Refusal error={actionError()} />
      <Loaded query={users}>
        {(list) => (
          <table class="adm-table">
            <TableHead
              labels={[
                t('admin.name'),
                t('admin.users.email'),
                t('admin.users.role'),
                t('admin.users.teams'),
                t('admin.users.state'),
                t('admin.actions'),
              ]}
            />
            <tbody>
              <For each={list()}>
                {(u) => {
                  const locked = () => u.lockedUntil !== null && new Date(u.lockedUntil).getTime() > Date.now();
                  return (
                    <tr classList={{ 'adm-dim': u.deactivated }}>
                      <td>
                        {u.name}
                        <Show when={u.codename}>
                          <span class="adm-muted"> ({u.codename})</span>
                        </Show>
                      </td>
                      <td>{u.email}</td>
                      <td>{tValue('role', u.role)}</td>
                      <td>
                        {u.teamIds
                          .map((id) => teamName().get(id) ?? '')
                          .filter(Boolean)
                          .join(', ') || '—'}
                      </td>
                      <td>
                        <div class="adm-badges">
                          <Show when={u.deactivated}>
                            <span class="adm-badge">{t('admin.users.deactivatedBadge')}</span>
                          </Show>
                          <Show when={!u.deactivated && u.invitationPending}>
                            <span class="adm-badge adm-warn">{t('admin.users.pending')}</span>
                          </Show>
                          <Show when={locked()}>
                            <span class="adm-badge adm-bad">
                              {t('admin.users.lockedUntil', { time: formatDateTimeIn(u.lockedUntil!, { language: language() }) })}
                            </span>
                          </Show>
                          <Show when={!u.deactivated && !u.invitationPending && !locked()}>
                            <span class="adm-badge adm-okb">{tValue('status', u.status)}</span>
                          </Show>
                        </div>
                      </td>
                      <td>
                        <div class="adm-row-actions">
                          <button
                            type="button"
                            class="adm-small secondary"
                            aria-label={t('admin.editNamed', { name: u.name })}
                            onClick={() => open(u)}
                          >
                            {t('admin.edit')}
                          </button>
                          <Show when={locked()}>
                            <button
                              type="button"
                              class="adm-small secondary"
                              aria-label={t('admin.users.unlockNamed', { name: u.name })}
                              onClick={() => unlock.mutate(u)}
                            >
                              {t('admin.users.unlock')}
                            </button>
                          </Show>
                          <Show when={u.invitationPending && !u.deactivated}>
                            <button
                              type="button"
                              class="adm-small secondary"
                              aria-label={t('admin.users.resendNamed', { name: u.name })}
                              onClick={() => resend.mutate(u)}
                            >
                              {t('admin.users.resend')}
                            </button>
                          </Show>
                          <Show when={!u.deactivated}>
                            <ConfirmButton
                              label={t('admin.users.deactivate')}
                              ariaLabel={t('admin.users.deactivateNamed', { name: u.name })}
                              confirmLabel={t('admin.users.confirmDeactivate', { name: u.name })}
                              onConfirm={() => deactivate.mutate(u)}
                            />
                          </Show>
                        </div>
                      </td>
                    </tr>
                  );
                }}
              </For>
            </tbody>
          </table>
        )}
      </Loaded>
    </Section>
  );
}

function UserForm(props: { user: AdminUser | null; teams: AdminTeam[]; onDone: (message: string) => void; onCancel: () => void }) {
  const u = props.user;
  const [dayError, setDayError] = createSignal<string | null>(null);
  const save = useSave(
    (fd: FormData) => {
      const days: Partial<Record<Weekday, string>> = {};
      for (const d of WEEKDAYS) days[d] = str(fd, `day-${d}`);
      const hours = parseWorkHours(days);
      if (!hours.ok) {
        setDayError(t('admin.users.badHours', { day: t(`admin.day.${hours.day}`) }));
        return Promise.reject(new Error(t('admin.users.badHours', { day: t(`admin.day.${hours.day}`) })));
      }
      setDayError(null);
      const common = {
        name: str(fd, 'name'),
        email: str(fd, 'email'),
        role: str(fd, 'role') as 'admin' | 'supervisor' | 'agent',
        language: str(fd, 'language') as (typeof LANGUAGES)[number],
        teamIds: all(fd, 'teamIds'),
        historyAccess: str(fd, 'historyAccess') as 'own_teams' | 'all' | 'none',
        internalChat: bool(fd, 'internalChat'),
        workHours: hours.value as WorkHours,
        timeZone: orNull(str(fd, 'timeZone')),
        codename: orNull(str(fd, 'codename')),
        extension: orNull(str(fd, 'extension')),
        maxConversations: intOrNull(fd, 'maxConversations'),
      };
      return u ? trpc.admin.users.update.mutate({ userId: u.id, ...common }) : trpc.admin.users.invite.mutate(common);
    },
    [adminKeys.users, adminKeys.teams, adminKeys.monitor],
    (saved) => props.onDone(u ? t('admin.savedNamed', { name: saved.name }) : t('admin.users.invited', { email: saved.email })),
  );
  const title = u ? t('admin.users.editTitle', { name: u.name }) : t('admin.users.inviteTitle');

  return (
    <form class="adm-form" ref={focusFirstField} aria-label={title} onSubmit={(e) => save.mutate(submitted(e))}>
      <h3 class="adm-wide">{title}</h3>
      <Input label={t('admin.name')} name="name" value={u?.name} required maxLength={120} autocomplete="name" />
      <Input label={t('admin.users.email')} name="email" type="email" value={u?.email} required maxLength={254} autocomplete="email" />
      <Select
        label={t('admin.users.role')}
        name="role"
        value={u?.role ?? 'agent'}
        options={[
          { value: 'agent', label: t('role.agent') },
          { value: 'supervisor', label: t('role.supervisor') },
          { value: 'admin', label: t('role.admin') },
        ]}
      />
      <Select
        label={t('admin.users.language')}
        name="language"
        value={u?.language ?? language()}
        options={LANGUAGES.map((l) => ({ value: l, label: tValue('admin.language', l) }))}
      />
      <CheckGroup
        legend={t('admin.users.teams')}
        name="teamIds"
        options={props.teams.map((tm) => ({ value: tm.id, label: tm.name }))}
        selected={u?.teamIds ?? []}
      />
      <Select
        label={t('admin.users.history')}
        name="historyAccess"
        value={u?.historyAccess ?? 'own_teams'}
        options={(['own_teams', 'all', 'none'] as const).map((v) => ({ value: v, label: t(`admin.users.history.${v}`) }))}
      />
      <Check label={t('admin.users.internalChat')} name="internalChat" checked={u?.internalChat ?? true} />
      <CapacityInput
        label={t('admin.users.maxConversations')}
        name="maxConversations"
        value={u?.maxConversations}
        hint={t('admin.users.maxConversationsHint')}
      />
      <Input label={t('admin.users.codename')} name="codename" value={u?.codename} maxLength={40} hint={t('admin.users.codenameHint')} />
      <Input
        label={t('admin.users.extension')}
        name="extension"
        value={u?.extension}
        maxLength={15}
        pattern="[0-9*#]{0,15}"
        hint={t('admin.users.extensionHint')}
      />
      <Input
        label={t('admin.users.timeZone')}
        name="timeZone"
        value={u?.timeZone}
        maxLength={64}
        list="adm-user-zones"
        hint={t('admin.users.timeZoneHint')}
      />
      <TimeZoneList id="adm-user-zones" />
      <fieldset class="adm-group adm-wide adm-hours">
        <legend>{t('admin.users.workHours')}</legend>
        <p class="adm-hint">{t('admin.users.workHoursHint')}</p>
        <For each={WEEKDAYS}>
          {(d) => (
            <Input
              label={t(`admin.day.${d}`)}
              name={`day-${d}`}
              value={formatDay((u?.workHours as WorkHours | undefined)?.[d])}
              pattern={DAY_PATTERN}
            />
          )}
        </For>
      </fieldset>
      <Show when={dayError()}>
        <p class="adm-alert adm-wide" role="alert">
          {dayError()}
        </p>
      </Show>
      <FormActions
        pending={save.isPending}
        submitLabel={u ? t('admin.save') : t('admin.users.sendInvite')}
        onCancel={props.onCancel}
        error={dayError() ? null : save.error}
      />
    </form>
  );
}
