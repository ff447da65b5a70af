import { createSignal, For, Show } from 'solid-js';
import { t } from '../i18n.ts';
import { trpc } from '../trpc.ts';
import { adminKeys } from '../lib/keys.ts';
import { uploadCannedFile, useList, useSave, type AdminCanned, type AdminTeam } from './api.ts';
import { str, submitted } from './form-data.ts';
import { focusFirstField, FormActions, Input, Select } from './fields.tsx';
import { ListScreen } from './list-screen.tsx';

type FileRef = { id: string; name: string };
/** The variables the server fills in when an agent uses the response. */
const CANNED_VARIABLES = ['{contact.name}', '{agent.name}', '{protocol}'] as const;

export default function CannedScreen() {
  const canned = useList('canned');
  const teams = useList('teams');
  const teamName = (id: string | null) => (id ? (teams.data?.find((tm) => tm.id === id)?.name ?? '—') : t('admin.canned.everyone'));
  return (
    <ListScreen<AdminCanned>
      title={t('admin.nav.canned')}
      newLabel={t('admin.canned.new')}
      query={canned}
      refresh={[adminKeys.canned]}
      remove={(c) => trpc.admin.canned.delete.mutate({ id: c.id })}
      nameOf={(c) => c.title}
      columns={[
        { label: t('admin.canned.shortcut'), cell: (c) => <code>/{c.shortcut}</code> },
        { label: t('admin.canned.title'), cell: (c) => c.title },
        { label: t('admin.canned.body'), cell: (c) => c.body, class: 'adm-text' },
        { label: t('admin.canned.team'), cell: (c) => teamName(c.teamId) },
        { label: t('admin.canned.files'), cell: (c) => c.attachmentIds.length, class: 'adm-num' },
      ]}
      form={(f) => <CannedForm canned={f.item} teams={teams.data ?? []} onDone={f.onDone} onCancel={f.onCancel} />}
    />
  );
}

function CannedForm(props: { canned: AdminCanned | null; teams: AdminTeam[]; onDone: (message: string) => void; onCancel: () => void }) {
  const c = props.canned;
  const [files, setFiles] = createSignal<FileRef[]>(
    (c?.attachmentIds ?? []).map((id, i) => ({ id, name: t('admin.canned.fileN', { n: i + 1 }) })),
  );
  const [uploading, setUploading] = createSignal(false);
  const [uploadError, setUploadError] = createSignal<string | null>(null);
  let bodyEl: HTMLTextAreaElement | undefined;

  const save = useSave(
    (fd: FormData) => {
      const fields = {
        shortcut: str(fd, 'shortcut'),
        title: str(fd, 'title'),
        body: str(fd, 'body'),
        teamId: str(fd, 'teamId') || null,
        attachmentIds: files().map((f) => f.id),
      };
      return c ? trpc.admin.canned.update.mutate({ id: c.id, ...fields }) : trpc.admin.canned.create.mutate(fields);
    },
    [adminKeys.canned],
    (saved) => props.onDone(t('admin.savedNamed', { name: saved.title })),
  );

  const upload = async (input: HTMLInputElement) => {
    const chosen = [...(input.files ?? [])];
    if (chosen.length === 0) return;
    setUploadError(null);
    setUploading(true);
    try {
      for (const file of chosen) {
        if (files().length >= 10) break;
        const up = await uploadCannedFile(file, t('error.network'));
        setFiles([...files(), { id: up.id, name: up.filename }]);
      }
    } catch (err) {
      setUploadError(err instanceof Error ? err.message : t('error.network'));
    } finally {
      setUploading(false);
      input.value = '';
    }
  };

  const insertVariable = (v: string) => {
    if (!bodyEl) return;
    const start = bodyEl.selectionStart ?? bodyEl.value.length;
    const end = bodyEl.selectionEnd ?? start;
    bodyEl.setRangeText(v, start, end, 'end');
    bodyEl.focus();
  };

  const title = c ? t('admin.canned.editTitle', { name: c.title }) : t('admin.canned.newTitle');
  return (
    <form class="adm-form" ref={focusFirstField} aria-label={title} onSubmit={(e) => save.mutate(submitted(e))}>
      <h3 class="adm-wide">{title}</h3>
      <Input
        label={t('admin.canned.shortcut')}
        name="shortcut"
        value={c?.shortcut}
        required
        maxLength={40}
        pattern="[A-Za-z0-9_\-]{1,40}"
        hint={t('admin.canned.shortcutHint')}
      />
      <Input label={t('admin.canned.title')} name="title" value={c?.title} required maxLength={120} />
      <Select
        label={t('admin.canned.team')}
        name="teamId"
        value={c?.teamId ?? ''}
        options={[{ value: '', label: t('admin.canned.everyone') }, ...props.teams.map((tm) => ({ value: tm.id, label: tm.name }))]}
      />
      <label class="adm-field adm-wide">
        <span class="adm-label">{t('admin.canned.body')}</span>
        <textarea ref={bodyEl} name="body" rows={4} required maxLength={4000} value={c?.body ?? ''} />
      </label>
      <fieldset class="adm-wide adm-row-actions">
        <legend class="adm-hint">{t('admin.canned.variables')}</legend>
        <For each={CANNED_VARIABLES}>
          {(v) => (
            <button
              type="button"
              class="adm-small secondary"
              aria-label={t('admin.canned.insert', { variable: v })}
              onClick={() => insertVariable(v)}
            >
              {v}
            </button>
          )}
        </For>
      </fieldset>
      <fieldset class="adm-group adm-wide">
        <legend>{t('admin.canned.files')}</legend>
        <ul class="adm-files">
          <For each={files()} fallback={<li class="adm-muted">{t('admin.none')}</li>}>
            {(f) => (
              <li>
                <a href={`/uploads/${f.id}`} target="_blank" rel="noopener">
                  {f.name}
                </a>
                <button
                  type="button"
                  class="adm-small secondary"
                  aria-label={t('admin.canned.removeFile', { name: f.name })}
                  onClick={() => setFiles(files().filter((x) => x !== f))}
                >
                  {t('admin.remove')}
                </button>
              </li>
            )}
          </For>
        </ul>
        <label class="adm-field">
          <span class="adm-label">{t('admin.canned.addFile')}</span>
          <input type="file" multiple disabled={uploading() || files().length >= 10} onChange={(e) => void upload(e.currentTarget)} />
        </label>
        <Show when={uploading()}>
          <p class="adm-muted" role="status">
            {t('admin.canned.uploading')}
          </p>
        </Show>
        <Show when={uploadError()}>
          <p class="adm-alert" role="alert">
            {uploadError()}
          </p>
        </Show>
      </fieldset>
      <FormActions pending={save.isPending || uploading()} onCancel={props.onCancel} error={save.error} />
    </form>
  );
}
