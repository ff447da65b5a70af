import { createMemo, createSignal, Show } from 'solid-js';
import { t } from '../i18n.ts';
import { formatMinutes } from '../lib/format.ts';
import { trpc } from '../trpc.ts';
import { adminKeys } from '../lib/keys.ts';
import { useList, useSave, type AdminTeam, type AdminUser } from './api.ts';
import { all, bool, int, intOrNull, str, submitted } from './form-data.ts';
import { CapacityInput, Check, CheckGroup, focusFirstField, FormActions, Input, Select } from './fields.tsx';
import { ListScreen } from './list-screen.tsx';

const MAX_TIMEOUT = 60 * 24 * 30;

export default function TeamsScreen() {
  const teams = useList('teams');
  const users = useList('users');
  const userName = createMemo(() => new Map((users.data ?? []).map((u) => [u.id, u.name])));
  return (
    <ListScreen<AdminTeam>
      title={t('admin.nav.teams')}
      newLabel={t('admin.teams.new')}
      query={teams}
      refresh={[adminKeys.teams, adminKeys.users]}
      remove={(tm) => trpc.admin.teams.delete.mutate({ teamId: tm.id })}
      nameOf={(tm) => tm.name}
      columns={[
        { label: t('admin.name'), cell: (tm) => tm.name },
        { label: t('admin.teams.timeout'), cell: (tm) => formatMinutes(tm.queueTimeoutMinutes), class: 'adm-num' },
        { label: t('admin.teams.routing'), cell: (tm) => t(`admin.teams.routing.${tm.routing}`) },
        {
          label: t('admin.teams.capacity'),
          cell: (tm) => (tm.maxPerAgent === null ? t('admin.teams.noLimit') : String(tm.maxPerAgent)),
          class: 'adm-num',
        },
        {
          label: t('admin.teams.rules'),
          cell: (tm) => (
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
          ),
        },
        {
          label: t('admin.teams.members'),
          cell: (tm) =>
            tm.memberIds
              .map((id) => userName().get(id) ?? '')
              .filter(Boolean)
              .join(', ') || '—',
        },
      ]}
      form={(f) => (
        <TeamForm team={f.item} users={(users.data ?? []).filter((u) => !u.deactivated)} onDone={f.onDone} onCancel={f.onCancel} />
      )}
    />
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
        routing: str(fd, 'routing') as 'pull' | 'auto',
        maxPerAgent: intOrNull(fd, 'maxPerAgent'),
        acceptTimeoutSeconds: int(fd, 'acceptTimeoutSeconds'),
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
  // The minutes typed, read back as hours and minutes ("1440" → "24 h").
  const [timeoutMinutes, setTimeoutMinutes] = createSignal(tm?.queueTimeoutMinutes ?? 1440);
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
        hint={t('admin.teams.timeoutHint', {
          time: Number.isFinite(timeoutMinutes()) && timeoutMinutes() > 0 ? formatMinutes(timeoutMinutes()) : '—',
        })}
        onInput={(value) => setTimeoutMinutes(Number.parseInt(value, 10))}
      />
      <Select
        label={t('admin.teams.routing')}
        name="routing"
        value={tm?.routing ?? 'pull'}
        options={(['pull', 'auto'] as const).map((m) => ({ value: m, label: t(`admin.teams.routing.${m}`) }))}
      />
      <Input
        label={t('admin.teams.acceptTimeout')}
        name="acceptTimeoutSeconds"
        type="number"
        value={tm?.acceptTimeoutSeconds ?? 60}
        required
        min={10}
        max={3600}
        hint={t('admin.teams.acceptTimeoutHint')}
      />
      <CapacityInput
        label={t('admin.teams.maxPerAgent')}
        name="maxPerAgent"
        value={tm?.maxPerAgent}
        hint={t('admin.teams.maxPerAgentHint')}
      />
      <div class="adm-checks adm-wide">
        <Check label={t('admin.teams.dispositionRequired')} name="dispositionRequired" checked={tm?.dispositionRequired ?? false} />
        <Check label={t('admin.teams.internalChat')} name="internalChat" checked={tm?.internalChat ?? true} />
        <Check label={t('admin.teams.tagsAllowed')} name="tagsAllowed" checked={tm?.tagsAllowed ?? true} />
      </div>
      <CheckGroup
        legend={t('admin.teams.members')}
        name="members"
        options={props.users.map((u) => ({ value: u.id, label: u.name }))}
        selected={tm?.memberIds ?? []}
      />
      <FormActions pending={save.isPending} onCancel={props.onCancel} error={save.error} />
    </form>
  );
}
