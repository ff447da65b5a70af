import { createMemo, createSignal, Index, Show } from 'solid-js';
import { t } from '../i18n.ts';
import { trpc } from '../trpc.ts';
import { adminKeys } from '../lib/keys.ts';
import { useList, useSave, type AdminChannel, type AdminTemplate } from './api.ts';
import { paramCount, previewTemplate } from './logic.ts';
import { str, submitted } from './form-data.ts';
import { focusFirstField, FormActions, Input, Select, TextArea } from './fields.tsx';
import { ListScreen } from './list-screen.tsx';
import { statusLabel, TemplateStatusCell, TemplateSyncBar } from './template-sync.tsx';

const CATEGORIES = ['utility', 'marketing', 'authentication'] as const;
const STATUSES = ['approved', 'pending', 'rejected', 'paused', 'disabled'] as const;

export default function TemplatesScreen() {
  const templates = useList('templates');
  const channels = useList('channels');
  const [channelFilter, setChannelFilter] = createSignal('');
  const whatsapp = createMemo(() => (channels.data ?? []).filter((c) => c.kind === 'whatsapp'));
  const channelName = (id: string) => channels.data?.find((c) => c.id === id)?.name ?? '—';
  return (
    <ListScreen<AdminTemplate>
      title={t('admin.nav.templates')}
      newLabel={t('admin.templates.new')}
      newDisabled={whatsapp().length === 0}
      query={templates}
      refresh={[adminKeys.templates]}
      remove={(tp) => trpc.admin.templates.delete.mutate({ id: tp.id })}
      nameOf={(tp) => tp.name}
      show={(tp) => !channelFilter() || tp.channelId === channelFilter()}
      toolbar={
        <>
          <Show when={channels.data && whatsapp().length === 0}>
            <p class="adm-muted">{t('admin.templates.noChannel')}</p>
          </Show>
          <TemplateSyncBar channels={whatsapp()} />
          <div class="adm-toolbar">
            <Select
              label={t('admin.templates.channel')}
              name="channelFilter"
              value={channelFilter()}
              options={[{ value: '', label: t('admin.all') }, ...whatsapp().map((c) => ({ value: c.id, label: c.name }))]}
              onChange={setChannelFilter}
            />
          </div>
        </>
      }
      columns={[
        { label: t('admin.name'), cell: (tp) => <code>{tp.name}</code> },
        { label: t('admin.templates.channel'), cell: (tp) => channelName(tp.channelId) },
        { label: t('admin.templates.language'), cell: (tp) => <span class="adm-badge">{tp.language}</span> },
        {
          label: t('admin.templates.category'),
          cell: (tp) => (
            <span class="adm-badge">
              {(CATEGORIES as readonly string[]).includes(tp.category)
                ? t(`admin.templates.category.${tp.category as (typeof CATEGORIES)[number]}`)
                : tp.category}
            </span>
          ),
        },
        { label: t('admin.templates.status'), cell: (tp) => <TemplateStatusCell template={tp} /> },
        { label: t('admin.templates.body'), cell: (tp) => tp.body, class: 'adm-text' },
      ]}
      form={(f) => <TemplateForm template={f.item} channels={whatsapp()} onDone={f.onDone} onCancel={f.onCancel} />}
    />
  );
}

function TemplateForm(props: {
  template: AdminTemplate | null;
  channels: AdminChannel[];
  onDone: (message: string) => void;
  onCancel: () => void;
}) {
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
      return tp
        ? trpc.admin.templates.update.mutate({ id: tp.id, ...fields })
        : trpc.admin.templates.create.mutate({ channelId: str(fd, 'channelId'), ...fields });
    },
    [adminKeys.templates],
    (saved) => props.onDone(t('admin.savedNamed', { name: saved.name })),
  );
  const title = tp ? t('admin.templates.editTitle', { name: tp.name }) : t('admin.templates.newTitle');
  return (
    <form class="adm-form" ref={focusFirstField} aria-label={title} onSubmit={(e) => save.mutate(submitted(e))}>
      <h3 class="adm-wide">{title}</h3>
      <Show when={!tp}>
        <Select
          label={t('admin.templates.channel')}
          name="channelId"
          required
          options={props.channels.map((c) => ({ value: c.id, label: c.name }))}
        />
      </Show>
      <Input
        label={t('admin.templates.name')}
        name="name"
        value={tp?.name}
        required
        maxLength={512}
        pattern="[a-z0-9_]{1,512}"
        hint={t('admin.templates.nameHint')}
      />
      <Input
        label={t('admin.templates.language')}
        name="language"
        value={tp?.language ?? 'pt_BR'}
        required
        pattern="[a-z]{2,3}(_[A-Z]{2})?"
        hint={t('admin.templates.languageHint')}
      />
      <Select
        label={t('admin.templates.category')}
        name="category"
        value={tp?.category ?? 'utility'}
        options={CATEGORIES.map((c) => ({ value: c, label: t(`admin.templates.category.${c}`) }))}
      />
      <Select
        label={t('admin.templates.status')}
        name="status"
        value={tp?.status ?? 'approved'}
        options={STATUSES.map((s) => ({ value: s, label: statusLabel(s) }))}
      />
      <TextArea
        label={t('admin.templates.body')}
        name="body"
        value={tp?.body}
        required
        maxLength={1024}
        rows={4}
        hint={t('admin.templates.bodyHint')}
        onInput={setBody}
      />
      <Show when={count() === null}>
        <p class="adm-alert adm-wide" role="alert">
          {t('config.templatePlaceholders')}
        </p>
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
      <FormActions pending={save.isPending} onCancel={props.onCancel} error={save.error} />
    </form>
  );
}
