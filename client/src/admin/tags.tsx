import { t } from '../i18n.ts';
import { adminKeys } from '../lib/keys.ts';
import { trpc } from '../trpc.ts';
import { useList, type AdminTag } from './api.ts';
import { Input } from './fields.tsx';
import { str } from './form-data.ts';
import { activeBadge, ItemForm } from './item-form.tsx';
import { ListScreen, type ListFormProps } from './list-screen.tsx';

export function TagsScreen() {
  const query = useList('tags');
  return (
    <ListScreen<AdminTag>
      title={t('admin.nav.tags')}
      newLabel={t('admin.tags.new')}
      query={query}
      refresh={[adminKeys.tags]}
      nameOf={(tag) => tag.name}
      remove={(tag) => trpc.admin.tags.delete.mutate({ id: tag.id })}
      columns={[
        {
          label: t('admin.name'),
          cell: (tag) => (
            <span class="adm-tag" style={{ '--tag': tag.color }}>
              {tag.name}
            </span>
          ),
        },
        { label: t('admin.tags.color'), cell: (tag) => <code>{tag.color}</code> },
        { label: t('admin.state'), cell: (tag) => activeBadge(tag.active) },
      ]}
      form={TagForm}
    />
  );
}

function TagForm(props: ListFormProps<AdminTag>) {
  const tag = props.item;
  return (
    <ItemForm
      {...props}
      read={(fd) => ({ name: str(fd, 'name'), color: str(fd, 'color') })}
      create={(fields) => trpc.admin.tags.create.mutate(fields)}
      update={(input) => trpc.admin.tags.update.mutate(input)}
      refresh={[adminKeys.tags]}
      title={{ edit: (name) => t('admin.tags.editTitle', { name }), create: t('admin.tags.newTitle') }}
    >
      <Input label={t('admin.name')} name="name" value={tag?.name} required maxLength={60} />
      <Input label={t('admin.tags.color')} name="color" type="color" value={tag?.color ?? '#0f766e'} required />
    </ItemForm>
  );
}
