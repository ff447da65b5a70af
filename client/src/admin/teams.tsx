import { createMemo, For, Show } from 'solid-js';
import { t } from '../i18n.ts';
import { trpc } from '../trpc.ts';
import { adminKeys, useList, useSave, type AdminTeam, type AdminUser } from './api.ts';
import { bool, Check, CheckGroup, ConfirmButton, FormActions, Input, int, Loaded, Refusal, Saved, Section, Select, str, submitted, all, focusFirstField, useEditor } from './ui.tsx';

type Editing = AdminTeam | 'new' | null;
const MAX_TIMEOUT = 60 * 24 * 30;

export default function TeamsScreen() {
  const teams = useList('teams');
  const users = useList('users');
  const { editing, notice, setNotice, open, done, cancel } = useEditor<NonNullable<Editing>>();
  const remove = useSave((tm: AdminTeam) => trpc.admin.teams.delete.mutate({ teamId: tm.id }), [adminKeys.teams, adminKeys.users], (_o, tm) =>
    setNotice(t('admin.deletedNamed', { name: tm.name })),
  );
  const userName = createMemo(() => new Map((users.data ?? []).map((u) => [u.id, u.name])));

  return (
    <Section
      title={t('admin.nav.teams')}
      actions={
        <button type="button" class="primary" onClick={() => open('new')}>
          {t('admin.teams.new')}
        </button>
      }
    >
      <Show when={editing()} keyed>
        {(target) => (
          <TeamForm
            team={target === 'new' ? null : target}
            users={(users.data ?? []).filter((u) => !u.deactivated)}
            onDone={done}
            onCancel={cancel}
          />
        )}
      </Show>
      <Saved when={notice() !== null} message={notice() ?? undefined} />
      <Refusal error={remove.error} />
      <Loaded query={teams}>
        {(list) => (
          <table class="adm-table">
            <thead>
              <tr>
                <th scope="col">{t('admin.name')}</th>
                <th scope="col">{t('admin.teams.timeout')}</th>
                <th scope="col">{t('admin.teams.queueMode')}</th>
                <th scope="col">{t('admin.teams.rules')}</th>
                <th scope="col">{t('admin.teams.members')}</th>
                <th scope="col">{t('admin.actions')}</th>
              </tr>
            </thead>
            <tbody>
              <For each={list()}>
                {(tm) => (
                  <tr>
                    <td>{tm.name}</td>
                    <td class="adm-num">{t('admin.minutesValue', { n: tm.queueTimeoutMinutes })}</td>
                    <td>{t(`admin.teams.mode.${tm.queueMode}`)}</td>
                    <td>
                      <div class="adm-badges">
                        <Show when={tm.dispositionRequired}>
                          <span class="adm-badge">{t('admin.teams.dispositionRequired')}</span>
                        </Show>
                        <Show when={tm.internalChat}>
                          <span class="adm-badge">{t('admin.teams.internalChat')}</span>
                        </Show>
                        <Show when={tm.tagsAllowed}>
                          <span class="adm-badge">{t('admin.teams.tagsAllowed')}</span>
                        </Show>
                      </div>
                    </td>
                    <td>{tm.memberIds.map((id) => userName().get(id) ?? '').filter(Boolean).join(', ') || '—'}</td>
                    <td>
                      <div class="adm-row-actions">
                        <button type="button" class="adm-small secondary" aria-label={t('admin.editNamed', { name: tm.name })} onClick={() => open(tm)}>
                          {t('admin.edit')}
                        </button>
                        <ConfirmButton label={t('admin.delete')} ariaLabel={t('admin.deleteNamed', { name: tm.name })} confirmLabel={t('admin.confirmDelete', { name: tm.name })} onConfirm={() => remove.mutate(tm)} />
                      </div>
                    </td>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
        )}
      </Loaded>
    </Section>
  );
}

function TeamForm(props: { team: AdminTeam | null; users: AdminUser[]; onDone: (message: string) => void; onCancel: () => void }) {
  const tm = props.team;
  const save = useSave(
    async (fd: FormData) => {
      const fields = {
        name: str(fd, 'name'),
        queueTimeoutMinutes: int(fd, 'queueTimeoutMinutes'),
        dispositionRequired: bool(fd, 'dispositionRequired'),
        internalChat: bool(fd, 'internalChat'),
        tagsAllowed: bool(fd, 'tagsAllowed'),
        queueMode: str(fd, 'queueMode') as 'shared' | 'targeted',
      };
      const members = all(fd, 'members');
      const saved = tm ? await trpc.admin.teams.update.mutate({ teamId: tm.id, ...fields }) : await trpc.admin.teams.create.mutate(fields);
      const before = new Set(tm?.memberIds ?? []);
      if (members.length !== before.size || members.some((id) => !before.has(id))) {
        await trpc.admin.teams.setMembers.mutate({ teamId: saved.id, userIds: members });
      }
      return saved;
    },
    [adminKeys.teams, adminKeys.users, adminKeys.monitor],
    (saved) => props.onDone(t('admin.savedNamed', { name: saved.name })),
  );
  const title = tm ? t('admin.teams.editTitle', { name: tm.name }) : t('admin.teams.newTitle');
  return (
    <form class="adm-form" ref={focusFirstField} aria-label={title} onSubmit={(e) => save.mutate(submitted(e))}>
      <h3 class="adm-wide">{title}</h3>
      <Input label={t('admin.name')} name="name" value={tm?.name} required maxLength={120} />
      <Input
        label={t('admin.teams.timeoutLabel')}
        name="queueTimeoutMinutes"
        type="number"
        value={tm?.queueTimeoutMinutes ?? 1440}
        required
        min={1}
        max={MAX_TIMEOUT}
        hint={t('admin.teams.timeoutHint')}
      />
      <Select
        label={t('admin.teams.queueMode')}
        name="queueMode"
        value={tm?.queueMode ?? 'shared'}
        options={(['shared', 'targeted'] as const).map((m) => ({ value: m, label: t(`admin.teams.mode.${m}`) }))}
      />
      <div class="adm-checks adm-wide">
        <Check label={t('admin.teams.dispositionRequired')} name="dispositionRequired" checked={tm?.dispositionRequired ?? false} />
        <Check label={t('admin.teams.internalChat')} name="internalChat" checked={tm?.internalChat ?? true} />
        <Check label={t('admin.teams.tagsAllowed')} name="tagsAllowed" checked={tm?.tagsAllowed ?? true} />
      </div>
      <CheckGroup legend={t('admin.teams.members')} name="members" options={props.users.map((u) => ({ value: u.id, label: u.name }))} selected={tm?.memberIds ?? []} />
      <div class="adm-wide">
        <Refusal error={save.error} />
      </div>
      <FormActions pending={save.isPending} onCancel={props.onCancel} />
    </form>
  );
}
