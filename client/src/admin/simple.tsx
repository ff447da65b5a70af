import { t } from '../i18n.ts';
import { trpc } from '../trpc.ts';
import { adminKeys, useList, useSave, type AdminDisposition, type AdminPauseType, type AdminTag } from './api.ts';
import { bool, Check, FormActions, Input, int, str, submitted, focusFirstField } from './ui.tsx';
import { ListScreen, type ListFormProps } from './list-screen.tsx';

type FormProps<T> = ListFormProps<T>;
const byName = (item: { name: string }) => item.name;

const activeBadge = (active: boolean) => (
  <span class="adm-badge" classList={{ 'adm-okb': active, 'adm-bad': !active }}>
    {active ? t('admin.active') : t('admin.inactive')}
  </span>
);

// ---- Tags

export function TagsScreen() {
  const query = useList('tags');
  return (
    <ListScreen<AdminTag>
      title={t('admin.nav.tags')}
      newLabel={t('admin.tags.new')}
      query={query}
      refresh={[adminKeys.tags]}
      nameOf={byName}
      remove={(tag) => trpc.admin.tags.delete.mutate({ id: tag.id })}
      columns={[
        { label: t('admin.name'), cell: (tag) => <span class="adm-tag" style={{ '--tag': tag.color }}>{tag.name}</span> },
        { label: t('admin.tags.color'), cell: (tag) => <code>{tag.color}</code> },
        { label: t('admin.state'), cell: (tag) => activeBadge(tag.active) },
      ]}
      form={TagForm}
    />
  );
}

function TagForm(props: FormProps<AdminTag>) {
  const tag = props.item;
  const save = useSave(
    (fd: FormData) => {
      const fields = { name: str(fd, 'name'), color: str(fd, 'color'), active: bool(fd, 'active') };
      return tag ? trpc.admin.tags.update.mutate({ id: tag.id, ...fields }) : trpc.admin.tags.create.mutate(fields);
    },
    [adminKeys.tags],
    (saved) => props.onDone(t('admin.savedNamed', { name: saved.name })),
  );
  const title = tag ? t('admin.tags.editTitle', { name: tag.name }) : t('admin.tags.newTitle');
  return (
    <form class="adm-form" ref={focusFirstField} aria-label={title} onSubmit={(e) => save.mutate(submitted(e))}>
      <h3 class="adm-wide">{title}</h3>
      <Input label={t('admin.name')} name="name" value={tag?.name} required maxLength={60} />
      <Input label={t('admin.tags.color')} name="color" type="color" value={tag?.color ?? '#0f766e'} required />
      <Check label={t('admin.active')} name="active" checked={tag?.active ?? true} />
      <FormActions pending={save.isPending} onCancel={props.onCancel} error={save.error} />
    </form>
  );
}

// ---- Dispositions

export function DispositionsScreen() {
  const query = useList('dispositions');
  return (
    <ListScreen<AdminDisposition>
      title={t('admin.nav.dispositions')}
      newLabel={t('admin.dispositions.new')}
      query={query}
      refresh={[adminKeys.dispositions]}
      nameOf={byName}
      remove={(d) => trpc.admin.dispositions.delete.mutate({ id: d.id })}
      columns={[
        { label: t('admin.name'), cell: (d) => d.name },
        { label: t('admin.state'), cell: (d) => activeBadge(d.active) },
      ]}
      form={DispositionForm}
    />
  );
}

function DispositionForm(props: FormProps<AdminDisposition>) {
  const d = props.item;
  const save = useSave(
    (fd: FormData) => {
      const fields = { name: str(fd, 'name'), active: bool(fd, 'active') };
      return d ? trpc.admin.dispositions.update.mutate({ id: d.id, ...fields }) : trpc.admin.dispositions.create.mutate(fields);
    },
    [adminKeys.dispositions],
    (saved) => props.onDone(t('admin.savedNamed', { name: saved.name })),
  );
  const title = d ? t('admin.dispositions.editTitle', { name: d.name }) : t('admin.dispositions.newTitle');
  return (
    <form class="adm-form" ref={focusFirstField} aria-label={title} onSubmit={(e) => save.mutate(submitted(e))}>
      <h3 class="adm-wide">{title}</h3>
      <Input label={t('admin.name')} name="name" value={d?.name} required maxLength={80} />
      <Check label={t('admin.active')} name="active" checked={d?.active ?? true} />
      <FormActions pending={save.isPending} onCancel={props.onCancel} error={save.error} />
    </form>
  );
}

// ---- Pause types

export function PauseTypesScreen() {
  const query = useList('pauseTypes');
  return (
    <ListScreen<AdminPauseType>
      title={t('admin.nav.pauses')}
      newLabel={t('admin.pauses.new')}
      query={query}
      refresh={[adminKeys.pauseTypes]}
      nameOf={byName}
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

function PauseTypeForm(props: FormProps<AdminPauseType>) {
  const p = props.item;
  const save = useSave(
    (fd: FormData) => {
      const fields = { name: str(fd, 'name'), maxMinutes: int(fd, 'maxMinutes'), earliestTime: str(fd, 'earliestTime') || null, active: bool(fd, 'active') };
      return p ? trpc.admin.pauseTypes.update.mutate({ id: p.id, ...fields }) : trpc.admin.pauseTypes.create.mutate(fields);
    },
    [adminKeys.pauseTypes],
    (saved) => props.onDone(t('admin.savedNamed', { name: saved.name })),
  );
  const title = p ? t('admin.pauses.editTitle', { name: p.name }) : t('admin.pauses.newTitle');
  return (
    <form class="adm-form" ref={focusFirstField} aria-label={title} onSubmit={(e) => save.mutate(submitted(e))}>
      <h3 class="adm-wide">{title}</h3>
      <Input label={t('admin.name')} name="name" value={p?.name} required maxLength={60} />
      <Input label={t('admin.pauses.maxLabel')} name="maxMinutes" type="number" value={p?.maxMinutes ?? 15} required min={1} max={24 * 60} />
      <Input
        label={t('admin.pauses.earliest')}
        name="earliestTime"
        value={p?.earliestTime}
        pattern="([01][0-9]|2[0-3]):[0-5][0-9]"
        placeholder="11:30"
        hint={t('admin.pauses.earliestHint')}
      />
      <Check label={t('admin.active')} name="active" checked={p?.active ?? true} />
      <FormActions pending={save.isPending} onCancel={props.onCancel} error={save.error} />
    </form>
  );
}
