import { createMemo, createSignal, For, Index, Show } from 'solid-js';
import { t } from '../i18n.ts';
import { trpc } from '../trpc.ts';
import { adminKeys, useList, useSave, type AdminChannel, type AdminTemplate } from './api.ts';
import { paramCount, previewTemplate } from './logic.ts';
import { ConfirmButton, FormActions, Input, Loaded, Refusal, Saved, Section, Select, str, submitted, TextArea, focusFirstField, useEditor } from './ui.tsx';

type Editing = AdminTemplate | 'new' | null;
const CATEGORIES = ['utility', 'marketing', 'authentication'] as const;
const STATUSES = ['approved', 'pending', 'rejected', 'paused', 'disabled'] as const;

export default function TemplatesScreen() {
  const templates = useList('templates');
  const channels = useList('channels');
  const { editing, notice, setNotice, open, done, cancel } = useEditor<NonNullable<Editing>>();
  const [channelFilter, setChannelFilter] = createSignal('');
  const whatsapp = createMemo(() => (channels.data ?? []).filter((c) => c.kind === 'whatsapp'));
  const channelName = (id: string) => channels.data?.find((c) => c.id === id)?.name ?? '—';
  const remove = useSave((tp: AdminTemplate) => trpc.admin.templates.delete.mutate({ id: tp.id }), [adminKeys.templates], (o, tp) =>
    setNotice(o.deactivated ? t('admin.deactivatedNamed', { name: tp.name }) : t('admin.deletedNamed', { name: tp.name })),
  );

  return (
    <Section
      title={t('admin.nav.templates')}
      actions={
        <button type="button" class="primary" disabled={whatsapp().length === 0} onClick={() => open('new')}>
          {t('admin.templates.new')}
        </button>
      }
    >
      <Show when={channels.data && whatsapp().length === 0}>
        <p class="adm-muted">{t('admin.templates.noChannel')}</p>
      </Show>
      <Show when={editing()} keyed>
        {(target) => (
          <TemplateForm
            template={target === 'new' ? null : target}
            channels={whatsapp()}
            onDone={done}
            onCancel={cancel}
          />
        )}
      </Show>
      <Saved when={notice() !== null} message={notice() ?? undefined} />
      <Refusal error={remove.error} />
      <div class="adm-toolbar">
        <Select
          label={t('admin.templates.channel')}
          name="channelFilter"
          value={channelFilter()}
          options={[{ value: '', label: t('admin.all') }, ...whatsapp().map((c) => ({ value: c.id, label: c.name }))]}
          onChange={setChannelFilter}
        />
      </div>
      <Loaded query={templates}>
        {(list) => (
          <table class="adm-table">
            <thead>
              <tr>
                <th scope="col">{t('admin.name')}</th>
                <th scope="col">{t('admin.templates.channel')}</th>
                <th scope="col">{t('admin.templates.language')}</th>
                <th scope="col">{t('admin.templates.category')}</th>
                <th scope="col">{t('admin.templates.status')}</th>
                <th scope="col">{t('admin.templates.body')}</th>
                <th scope="col">{t('admin.actions')}</th>
              </tr>
            </thead>
            <tbody>
              <For each={list().filter((tp) => !channelFilter() || tp.channelId === channelFilter())}>
                {(tp) => (
                  <tr>
                    <td><code>{tp.name}</code></td>
                    <td>{channelName(tp.channelId)}</td>
                    <td>{tp.language}</td>
                    <td>{t(`admin.templates.category.${tp.category as (typeof CATEGORIES)[number]}`)}</td>
                    <td>
                      <span class="adm-badge" classList={{ 'adm-okb': tp.status === 'approved', 'adm-bad': tp.status === 'rejected' || tp.status === 'disabled' }}>
                        {t(`admin.templates.status.${tp.status}`)}
                      </span>
                    </td>
                    <td class="adm-text">{tp.body}</td>
                    <td>
                      <div class="adm-row-actions">
                        <button type="button" class="adm-small secondary" aria-label={t('admin.editNamed', { name: tp.name })} onClick={() => open(tp)}>
                          {t('admin.edit')}
                        </button>
                        <ConfirmButton label={t('admin.delete')} ariaLabel={t('admin.deleteNamed', { name: tp.name })} confirmLabel={t('admin.confirmDelete', { name: tp.name })} onConfirm={() => remove.mutate(tp)} />
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

function TemplateForm(props: { template: AdminTemplate | null; channels: AdminChannel[]; onDone: (message: string) => void; onCancel: () => void }) {
  const tp = props.template;
  const [body, setBody] = createSignal(tp?.body ?? '');
  const [samples, setSamples] = createSignal<string[]>([]);
  const count = createMemo(() => paramCount(body()));
  const save = useSave(
    (fd: FormData) => {
      const fields = {
        name: str(fd, 'name'),
        language: str(fd, 'language'),
        category: str(fd, 'category') as (typeof CATEGORIES)[number],
        status: str(fd, 'status') as (typeof STATUSES)[number],
        body: str(fd, 'body'),
      };
      return tp ? trpc.admin.templates.update.mutate({ id: tp.id, ...fields }) : trpc.admin.templates.create.mutate({ channelId: str(fd, 'channelId'), ...fields });
    },
    [adminKeys.templates],
    (saved) => props.onDone(t('admin.savedNamed', { name: saved.name })),
  );
  const title = tp ? t('admin.templates.editTitle', { name: tp.name }) : t('admin.templates.newTitle');
  return (
    <form class="adm-form" ref={focusFirstField} aria-label={title} onSubmit={(e) => save.mutate(submitted(e))}>
      <h3 class="adm-wide">{title}</h3>
      <Show when={!tp}>
        <Select label={t('admin.templates.channel')} name="channelId" required options={props.channels.map((c) => ({ value: c.id, label: c.name }))} />
      </Show>
      <Input label={t('admin.templates.name')} name="name" value={tp?.name} required maxLength={512} pattern="[a-z0-9_]{1,512}" hint={t('admin.templates.nameHint')} />
      <Input label={t('admin.templates.language')} name="language" value={tp?.language ?? 'pt_BR'} required pattern="[a-z]{2,3}(_[A-Z]{2})?" hint={t('admin.templates.languageHint')} />
      <Select label={t('admin.templates.category')} name="category" value={tp?.category ?? 'utility'} options={CATEGORIES.map((c) => ({ value: c, label: t(`admin.templates.category.${c}`) }))} />
      <Select label={t('admin.templates.status')} name="status" value={tp?.status ?? 'approved'} options={STATUSES.map((s) => ({ value: s, label: t(`admin.templates.status.${s}`) }))} />
      <TextArea label={t('admin.templates.body')} name="body" value={tp?.body} required maxLength={1024} rows={4} hint={t('admin.templates.bodyHint')} onInput={setBody} />
      <Show when={count() === null}>
        <p class="adm-alert adm-wide" role="alert">{t('config.templatePlaceholders')}</p>
      </Show>
      <fieldset class="adm-group adm-wide adm-grid">
        <legend>{t('admin.templates.preview', { n: count() ?? 0 })}</legend>
        <Index each={Array.from({ length: count() ?? 0 })}>
          {(_, i) => (
            <label class="adm-field">
              <span class="adm-label">{t('admin.templates.sample', { n: i + 1 })}</span>
              <input
                value={samples()[i] ?? ''}
                placeholder={`{{${i + 1}}}`}
                onInput={(e) => {
                  const next = [...samples()];
                  next[i] = e.currentTarget.value;
                  setSamples(next);
                }}
              />
            </label>
          )}
        </Index>
        <output class="adm-preview adm-wide" aria-label={t('admin.templates.previewLabel')}>
          {previewTemplate(body(), samples())}
        </output>
      </fieldset>
      <div class="adm-wide">
        <Refusal error={save.error} />
      </div>
      <FormActions pending={save.isPending} onCancel={props.onCancel} />
    </form>
  );
}
