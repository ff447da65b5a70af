import { useQuery } from '@tanstack/solid-query';
import { createMemo, createSignal, Show } from 'solid-js';
import { t } from '../i18n.ts';
import { formatMinutes } from '../lib/format.ts';
import { trpc } from '../trpc.ts';
import { adminKeys } from '../lib/keys.ts';
import { fetchers, useList, useSave, type AdminTeam, type AdminUser } from './api.ts';
import { all, bool, int, intOrNull, orNull, str, submitted } from './form-data.ts';
import { CapacityInput, Check, CheckGroup, FieldGroup, focusFirstField, FormActions, Input, Select, TextArea } from './fields.tsx';
import { HolidayList, submittedHolidays, submittedSchedule, WeeklySchedule } from './business-hours.tsx';
import { hasSchedule, type WorkHours } from './logic.ts';
import { ListScreen } from './list-screen.tsx';

const MAX_TIMEOUT = 60 * 24 * 30;
/** The server's bounds of the floor's minutes (re-queue, service levels): a week. */
const MAX_FLOOR_MINUTES = 10080;

export default function TeamsScreen() {
  const teams = useList('teams');
  const users = useList('users');
  const org = useList('org');
  const userName = createMemo(() => new Map((users.data ?? []).map((u) => [u.id, u.name])));
  // Open now, as the server says (the monitoring board's answer, in the organization's time zone),
  // without the board's refetch on every conversation event: a key under the teams list's, so
  // what refreshes the list (a save, team.updated) refreshes it; and each minute, for the clock.
  const openNow = useQuery(() => ({
    queryKey: [...adminKeys.teams, 'openNow'],
    queryFn: async (): Promise<Record<string, boolean>> =>
      Object.fromEntries((await fetchers.monitor()).teams.map((tm) => [tm.id, tm.open])),
    refetchInterval: 60_000,
  }));
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
        { label: t('admin.teams.hours'), cell: (tm) => <OpenNow team={tm} open={openNow.data?.[tm.id]} /> },
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
        <TeamForm
          team={f.item}
          users={(users.data ?? []).filter((u) => !u.deactivated)}
          timeZone={org.data?.timeZone ?? '…'}
          onDone={f.onDone}
          onCancel={f.onCancel}
        />
      )}
    />
  );
}

/** Always open (no schedule, no holidays), else open or closed now as the server says. */
function OpenNow(props: { team: AdminTeam; open: boolean | undefined }) {
  const always = () => !hasSchedule(props.team.businessHours.schedule as WorkHours) && props.team.businessHours.holidays.length === 0;
  return (
    <Show when={!always()} fallback={<span class="adm-muted">{t('admin.teams.alwaysOpen')}</span>}>
      <Show when={props.open !== undefined} fallback="—">
        <span class={`adm-badge ${props.open ? 'adm-okb' : 'adm-warn'}`}>
          {props.open ? t('admin.teams.openNow') : t('admin.teams.closedNow')}
        </span>
      </Show>
    </Show>
  );
}

function TeamForm(props: {
  team: AdminTeam | null;
  users: AdminUser[];
  timeZone: string;
  onDone: (message: string) => void;
  onCancel: () => void;
}) {
  const tm = props.team;
  const [hoursError, setHoursError] = createSignal<string | null>(null);
  let form: HTMLFormElement | undefined;
  const save = useSave(
    async (fd: FormData) => {
      const schedule = submittedSchedule(fd, 'hours');
      if (!schedule.ok) {
        const message = t(schedule.reason === 'order' ? 'admin.teams.badHoursOrder' : 'admin.teams.badHours', {
          day: t(`admin.day.${schedule.day}`),
        });
        setHoursError(message);
        form?.querySelector<HTMLInputElement>(`[name="hours-${schedule.day}"]`)?.focus();
        throw new Error(message);
      }
      setHoursError(null);
      const fields = {
        name: str(fd, 'name'),
        queueTimeoutMinutes: int(fd, 'queueTimeoutMinutes'),
        dispositionRequired: bool(fd, 'dispositionRequired'),
        internalChat: bool(fd, 'internalChat'),
        tagsAllowed: bool(fd, 'tagsAllowed'),
        routing: str(fd, 'routing') as 'pull' | 'auto',
        maxPerAgent: intOrNull(fd, 'maxPerAgent'),
        acceptTimeoutSeconds: int(fd, 'acceptTimeoutSeconds'),
        pendingCounts: bool(fd, 'pendingCounts'),
        noAnswerMinutes: intOrNull(fd, 'noAnswerMinutes'),
        absentMinutes: intOrNull(fd, 'absentMinutes'),
        businessHours: { schedule: schedule.value, holidays: submittedHolidays(fd, 'holiday') },
        outOfHoursMessage: orNull(str(fd, 'outOfHoursMessage')),
        outOfHoursAction: str(fd, 'outOfHoursAction') as 'wait' | 'close',
        slaFirstResponseMinutes: intOrNull(fd, 'slaFirstResponseMinutes'),
        slaNextResponseMinutes: intOrNull(fd, 'slaNextResponseMinutes'),
        slaBusinessHours: bool(fd, 'slaBusinessHours'),
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
  // The standard sentence an empty message stands for depends on what happens next.
  const [action, setAction] = createSignal(tm?.outOfHoursAction ?? 'wait');
  const minutes = (label: string, name: string, value: number | null | undefined, hint: string) => (
    <Input label={label} name={name} type="number" value={value ?? ''} min={1} max={MAX_FLOOR_MINUTES} hint={hint} />
  );
  return (
    <form
      class="adm-form"
      ref={(el) => {
        form = el;
        focusFirstField(el);
      }}
      aria-label={title}
      onSubmit={(e) => save.mutate(submitted(e))}
    >
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
      <div class="adm-checks adm-wide">
        <Check label={t('admin.teams.dispositionRequired')} name="dispositionRequired" checked={tm?.dispositionRequired ?? false} />
        <Check label={t('admin.teams.internalChat')} name="internalChat" checked={tm?.internalChat ?? true} />
        <Check label={t('admin.teams.tagsAllowed')} name="tagsAllowed" checked={tm?.tagsAllowed ?? true} />
      </div>
      <FieldGroup legend={t('admin.teams.routingGroup')} hint={t('admin.teams.routingGroupHint')}>
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
        <div class="adm-wide">
          <Check label={t('admin.teams.pendingCounts')} name="pendingCounts" checked={tm?.pendingCounts ?? false} />
        </div>
      </FieldGroup>
      <FieldGroup legend={t('admin.teams.requeueGroup')} hint={t('admin.teams.requeueGroupHint')}>
        {minutes(t('admin.teams.noAnswerMinutes'), 'noAnswerMinutes', tm?.noAnswerMinutes, t('admin.teams.noAnswerMinutesHint'))}
        {minutes(t('admin.teams.absentMinutes'), 'absentMinutes', tm?.absentMinutes, t('admin.teams.absentMinutesHint'))}
      </FieldGroup>
      <FieldGroup legend={t('admin.teams.hours')} hint={t('admin.teams.hoursHint', { zone: props.timeZone })}>
        <WeeklySchedule prefix="hours" schedule={tm?.businessHours.schedule as WorkHours | undefined} />
        <Show when={hoursError()}>
          <p class="adm-alert adm-wide" role="alert">
            {hoursError()}
          </p>
        </Show>
        <HolidayList name="holiday" dates={tm?.businessHours.holidays ?? []} />
        <TextArea
          label={t('admin.teams.outOfHoursMessage')}
          name="outOfHoursMessage"
          value={tm?.outOfHoursMessage}
          rows={2}
          maxLength={1000}
          hint={t('admin.teams.outOfHoursMessageHint', {
            text: t(action() === 'close' ? 'conv.outOfHoursClosing' : 'conv.outOfHoursWaiting'),
          })}
        />
        <Select
          label={t('admin.teams.outOfHoursAction')}
          name="outOfHoursAction"
          value={tm?.outOfHoursAction ?? 'wait'}
          options={(['wait', 'close'] as const).map((a) => ({ value: a, label: t(`admin.teams.outOfHoursAction.${a}`) }))}
          onChange={(value) => setAction(value as 'wait' | 'close')}
        />
      </FieldGroup>
      <FieldGroup legend={t('admin.teams.slaGroup')} hint={t('admin.teams.slaGroupHint')}>
        {minutes(t('admin.teams.slaFirst'), 'slaFirstResponseMinutes', tm?.slaFirstResponseMinutes, t('admin.teams.slaFirstHint'))}
        {minutes(t('admin.teams.slaNext'), 'slaNextResponseMinutes', tm?.slaNextResponseMinutes, t('admin.teams.slaNextHint'))}
        <div class="adm-wide">
          <Check label={t('admin.teams.slaBusinessHours')} name="slaBusinessHours" checked={tm?.slaBusinessHours ?? true} />
        </div>
      </FieldGroup>
      <CheckGroup
        legend={t('admin.teams.members')}
        name="members"
        options={props.users.map((u) => ({ value: u.id, label: u.name }))}
        selected={tm?.memberIds ?? []}
      />
      <FormActions pending={save.isPending} onCancel={props.onCancel} error={hoursError() ? null : save.error} />
    </form>
  );
}
