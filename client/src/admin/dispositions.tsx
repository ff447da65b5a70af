import { t } from '../i18n.ts';
import { adminKeys } from '../lib/keys.ts';
import { trpc } from '../trpc.ts';
import { useList, type AdminDisposition } from './api.ts';
import { Input } from './fields.tsx';
import { str } from './form-data.ts';
import { activeBadge, ItemForm } from './item-form.tsx';
import { ListScreen, type ListFormProps } from './list-screen.tsx';

export function DispositionsScreen() {
  const query = useList('dispositions');
  return (
    <ListScreen<AdminDisposition>
      title={t('admin.nav.dispositions')}
      newLabel={t('admin.dispositions.new')}
      query={query}
      refresh={[adminKeys.dispositions]}
      nameOf={(d) => d.name}
      remove={(d) => trpc.admin.dispositions.delete.mutate({ id: d.id })}
      columns={[
        { label: t('admin.name'), cell: (d) => d.name },
        { label: t('admin.state'), cell: (d) => activeBadge(d.active) },
      ]}
      form={DispositionForm}
    />
  );
}

function DispositionForm(props: ListFormProps<AdminDisposition>) {
  return (
    <ItemForm
      {...props}
      read={(fd) => ({ name: str(fd, 'name') })}
      create={(fields) => trpc.admin.dispositions.create.mutate(fields)}
      update={(input) => trpc.admin.dispositions.update.mutate(input)}
      refresh={[adminKeys.dispositions]}
      title={{ edit: (name) => t('admin.dispositions.editTitle', { name }), create: t('admin.dispositions.newTitle') }}
    >
      <Input label={t('admin.name')} name="name" value={props.item?.name} required maxLength={80} />
    </ItemForm>
  );
}
