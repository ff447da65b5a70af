import { For, Show, type JSX } from 'solid-js';
import { t } from '../i18n.ts';
import { useSave } from './api.ts';
import { ConfirmButton, Loaded, Refusal, Saved } from './feedback.tsx';
import { Section, TableHead, useEditor } from './screen.tsx';

/** What an item's editor gets: the item (null: a new one), and how to close. */
export type ListFormProps<T> = { item: T | null; onDone: (message: string) => void; onCancel: () => void };

/**
 * A configuration list: "new", a table with "edit" and "delete" per row, the editor above it,
 * the last notice and the server's sentence when a removal is refused. A removal the server
 * turns into a deactivation (the item is in use) says so.
 */
export function ListScreen<T extends { id: string }>(props: {
  title: string;
  newLabel: string;
  newDisabled?: boolean;
  query: { data: T[] | undefined; error: unknown; isError: boolean };
  columns: { label: string; cell: (item: T) => JSX.Element; class?: string }[];
  form: (props: ListFormProps<T>) => JSX.Element;
  remove: (item: T) => Promise<unknown>;
  /** Queries a change makes stale. */
  refresh: (readonly unknown[])[];
  /** How an item is named in buttons and notices. */
  nameOf: (item: T) => string;
  /** Which items the table shows (with a filter in `toolbar`). */
  show?: (item: T) => boolean;
  /** Above the table: notes and filters. */
  toolbar?: JSX.Element;
}) {
  const { editing, notice, setNotice, open, done, cancel } = useEditor<T | 'new'>();
  const remove = useSave(props.remove, props.refresh, (o, item) =>
    setNotice(
      (o as { deactivated?: boolean } | null)?.deactivated
        ? t('admin.deactivatedNamed', { name: props.nameOf(item) })
        : t('admin.deletedNamed', { name: props.nameOf(item) }),
    ),
  );
  return (
    <Section
      title={props.title}
      actions={
        <button type="button" class="primary" disabled={props.newDisabled} onClick={() => open('new')}>
          {props.newLabel}
        </button>
      }
    >
      <Show when={editing()} keyed>
        {(target) => props.form({ item: target === 'new' ? null : target, onDone: done, onCancel: cancel })}
      </Show>
      <Saved when={notice() !== null} message={notice() ?? undefined} />
      <Refusal error={remove.error} />
      {props.toolbar}
      <Loaded query={props.query}>
        {(list) => (
          <table class="adm-table">
            <TableHead labels={[...props.columns.map((c) => c.label), t('admin.actions')]} />
            <tbody>
              <For each={props.show ? list().filter((item) => props.show!(item)) : list()}>
                {(item) => (
                  <tr>
                    <For each={props.columns}>{(c) => <td class={c.class}>{c.cell(item)}</td>}</For>
                    <td>
                      <div class="adm-row-actions">
                        <button
                          type="button"
                          class="adm-small secondary"
                          aria-label={t('admin.editNamed', { name: props.nameOf(item) })}
                          onClick={() => open(item)}
                        >
                          {t('admin.edit')}
                        </button>
                        <ConfirmButton
                          label={t('admin.delete')}
                          ariaLabel={t('admin.deleteNamed', { name: props.nameOf(item) })}
                          confirmLabel={t('admin.confirmDelete', { name: props.nameOf(item) })}
                          onConfirm={() => remove.mutate(item)}
                        />
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
