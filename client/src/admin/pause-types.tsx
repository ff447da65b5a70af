import { t } from '../i18n.ts';
import { adminKeys } from '../lib/keys.ts';
import { trpc } from '../trpc.ts';
import { useList, type AdminPauseType } from './api.ts';
import { Input } from './fields.tsx';
import { int, str } from './form-data.ts';
import { activeBadge, ItemForm } from './item-form.tsx';
import { ListScreen, type ListFormProps } from './list-screen.tsx';

export function PauseTypesScreen() {
  const query = useList('pauseTypes');
  return (
    <ListScreen<AdminPauseType>
      title={t('admin.nav.pauses')}
      newLabel={t('admin.pauses.new')}
      query={query}
      refresh={[adminKeys.pauseTypes]}
      nameOf={(p) => p.name}
      remove={(p) => trpc.admin.pauseTypes.delete.mutate({ id: p.id })}
      columns={[
        { label: t('admin.name'), cell: (p) => p.name },
        { label: t('admin.pauses.max'), cell: (p) => t('admin.minutesValue', { n: p.maxMinutes }), class: 'adm-num' },
        { label: t('admin.pauses.earliest'), cell: (p) => p.earliestTime ?? '—' },
        { label: t('admin.state'), cell: (p) => activeBadge(p.active) },
      ]}
      form={PauseTypeForm}
    />
  );
}

function PauseTypeForm(props: ListFormProps<AdminPauseType>) {
  const p = props.item;
  return (
    <ItemForm
      {...props}
      read={(fd) => ({ name: str(fd, 'name'), maxMinutes: int(fd, 'maxMinutes'), earliestTime: str(fd, 'earliestTime') || null })}
      create={(fields) => trpc.admin.pauseTypes.create.mutate(fields)}
      update={(input) => trpc.admin.pauseTypes.update.mutate(input)}
      refresh={[adminKeys.pauseTypes]}
      title={{ edit: (name) => t('admin.pauses.editTitle', { name }), create: t('admin.pauses.newTitle') }}
    >
      <Input label={t('admin.name')} name="name" value={p?.name} required maxLength={60} />
      <Input
        label={t('admin.pauses.maxLabel')}
        name="maxMinutes"
        type="number"
        value={p?.maxMinutes ?? 15}
        required
        min={1}
        max={24 * 60}
      />
      <Input
        label={t('admin.pauses.earliest')}
        name="earliestTime"
        value={p?.earliestTime}
        pattern="([01][0-9]|2[0-3]):[0-5][0-9]"
        placeholder="11:30"
        hint={t('admin.pauses.earliestHint')}
      />
    </ItemForm>
  );
}
