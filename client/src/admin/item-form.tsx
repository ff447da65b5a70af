import type { JSX } from 'solid-js';
import { t } from '../i18n.ts';
import { useSave } from './api.ts';
import { Check, FormActions, focusFirstField } from './fields.tsx';
import { bool, submitted } from './form-data.ts';
import type { ListFormProps } from './list-screen.tsx';

type Item = { id: string; name: string; active: boolean };

/** "Active" / "Inactive" in a list's state column. */
export const activeBadge = (active: boolean) => (
  <span class="adm-badge" classList={{ 'adm-okb': active, 'adm-bad': !active }}>
    {active ? t('admin.active') : t('admin.inactive')}
  </span>
);

/**
 * The editor of a named configuration item that can be switched off (a tag, a disposition, a
 * pause type): its own fields, then "active", saved as a create or an update, closing with
 * "<name> saved".
 */
export function ItemForm<T extends Item, F>(
  props: ListFormProps<T> & {
    read: (fd: FormData) => F;
    create: (fields: F & { active: boolean }) => Promise<{ name: string }>;
    update: (input: F & { active: boolean; id: string }) => Promise<{ name: string }>;
    refresh: (readonly unknown[])[];
    title: { edit: (name: string) => string; create: string };
    children: JSX.Element;
  },
) {
  const item = props.item;
  const save = useSave(
    (fd: FormData) => {
      const fields = { ...props.read(fd), active: bool(fd, 'active') };
      return item ? props.update({ id: item.id, ...fields }) : props.create(fields);
    },
    props.refresh,
    (saved) => props.onDone(t('admin.savedNamed', { name: saved.name })),
  );
  const title = item ? props.title.edit(item.name) : props.title.create;
  return (
    <form class="adm-form" ref={focusFirstField} aria-label={title} onSubmit={(e) => save.mutate(submitted(e))}>
      <h3 class="adm-wide">{title}</h3>
      {props.children}
      <Check label={t('admin.active')} name="active" checked={item?.active ?? true} />
      <FormActions pending={save.isPending} onCancel={props.onCancel} error={save.error} />
    </form>
  );
}
