import { createEffect, createMemo, createSignal, For, lazy, onCleanup, Show, Suspense } from 'solid-js';
import * as Y from 'yjs';
import { useQuery, useQueryClient } from '@tanstack/solid-query';
import { keys } from '../../lib/keys.ts';
import { onLiveEvent } from '../../lib/live-events.ts';
import { useSharedDoc } from '../../lib/ydoc.ts';
import { useYStore } from '../../lib/ystore.ts';
import { t } from '../../i18n.ts';
import { meQuery } from '../../session.ts';
import { trpc } from '../../trpc.ts';
import { docName } from '../../../../sync/shared/doc-name.ts';
import {
  addNoteEntry,
  deleteNoteEntry,
  noteBody,
  noteEntries,
  readNoteEntry,
  restoreNoteEntry,
  type EntryMap,
} from '../../../../sync/shared/schemas.ts';
import { useAgentNames, useTimeFormat, userColor, settled } from './data.ts';
import './contacts.css';

// CodeMirror comes with the first note shown, never with the first load.
const NoteEditor = lazy(() => import('./note-editor.tsx'));

interface EntryView {
  id: string;
  authorId: string;
  createdAt: number;
  deleted: boolean;
  deletedBy: string | null;
  deletedAt: number | null;
  body: string;
}

function readEntry(entry: EntryMap): EntryView {
  const e = readNoteEntry(entry);
  const by = entry.get('deletedBy');
  const at = entry.get('deletedAt');
  return { ...e, deletedBy: typeof by === 'string' ? by : null, deletedAt: typeof at === 'number' ? at : null };
}

/**
 * A contact's notes: the shared `notes:<contactId>` document, one entry per note, each
 * co-edited live in its own editor. Works offline (the document lives in IndexedDB too);
 * the sync state is shown discreetly.
 */
export default function Notes(props: { contactId: string }) {
  const me = useQuery(meQuery);
  const userId = () => settled(me)?.user.id ?? null;
  const shared = useSharedDoc(userId, () => docName.notes(props.contactId.toLowerCase()));
  const entriesType = () => {
    const s = shared();
    return s ? noteEntries(s.doc) : null;
  };
  const entries = useYStore(
    entriesType,
    (list) =>
      list
        .toArray()
        .filter((e): e is EntryMap => e instanceof Y.Map)
        .map(readEntry),
    [] as EntryView[],
  );
  const nameOf = useAgentNames();
  const format = useTimeFormat();
  const [showDeleted, setShowDeleted] = createSignal(false);
  const [focusId, setFocusId] = createSignal<string | null>(null);

  // Colleagues see this person's cursor with their name and colour (y-codemirror.next's shape).
  createEffect(() => {
    const s = shared();
    const user = settled(me)?.user;
    if (s && user) s.awareness.setLocalStateField('user', { name: user.name, ...userColor(user.id) });
  });

  const activity = useQuery(() => ({
    queryKey: keys.noteActivity(props.contactId),
    queryFn: () => trpc.notes.activity.query({ contactId: props.contactId }),
  }));
  // The server announces stored edits (`notes.changed`, at most every 2 s per contact).
  const queryClient = useQueryClient();
  onCleanup(
    onLiveEvent((e) => {
      if (e.type === 'notes.changed' && e.contactId === props.contactId)
        void queryClient.invalidateQueries({ queryKey: keys.noteActivity(props.contactId) });
    }),
  );

  const live = createMemo(() => entries.filter((e) => !e.deleted).reverse());
  const deleted = createMemo(() => entries.filter((e) => e.deleted).reverse());
  const mapOf = (id: string): EntryMap | null =>
    entriesType()
      ?.toArray()
      .find((e) => e instanceof Y.Map && e.get('id') === id) ?? null;
  const author = (id: string | null) => nameOf(id) ?? t('contacts.notes.someone');

  const add = () => {
    const s = shared();
    const id = userId();
    if (!s || !id) return;
    const entry = addNoteEntry(s.doc, id);
    setFocusId(String(entry.get('id')));
  };
  const remove = (id: string) => {
    const entry = mapOf(id);
    const user = userId();
    if (entry && user) deleteNoteEntry(entry, user);
  };
  const restore = (id: string) => {
    const entry = mapOf(id);
    if (entry) restoreNoteEntry(entry);
  };

  const status = () => shared()?.status() ?? 'connecting';
  const ready = () => {
    const s = shared();
    return !!s && (s.local() || s.synced());
  };

  return (
    <section class="notes" aria-labelledby={`notes-title-${props.contactId}`}>
      <header class="notes-head">
        <h3 id={`notes-title-${props.contactId}`}>{t('contacts.notes.title')}</h3>
        <span class="sync-state" data-status={status()} role="status" aria-live="polite">
          {t(`contacts.notes.sync.${status()}`)}
        </span>
        <button type="button" class="secondary ct-small" onClick={add} disabled={!ready() || status() === 'refused'}>
          {t('contacts.notes.add')}
        </button>
      </header>
      <Show when={ready()} fallback={<p class="muted">{t('contacts.notes.loading')}</p>}>
        <Show when={live().length > 0} fallback={<p class="muted ct-empty">{t('contacts.notes.empty')}</p>}>
          <ol class="note-list">
            <For each={live()}>
              {(entry) => {
                const text = mapOf(entry.id);
                const label = () => t('contacts.notes.editor', { name: author(entry.authorId), time: format(entry.createdAt) });
                return (
                  <li class="note" data-note-id={entry.id}>
                    <div class="note-meta">
                      <span>{t('contacts.notes.by', { name: author(entry.authorId), time: format(entry.createdAt) })}</span>
                      <button
                        type="button"
                        class="ct-icon-button"
                        aria-label={t('contacts.notes.delete', { name: author(entry.authorId) })}
                        title={t('contacts.notes.delete', { name: author(entry.authorId) })}
                        onClick={() => remove(entry.id)}
                      >
                        ×
                      </button>
                    </div>
                    <Show when={text && shared()}>
                      {(s) => (
                        <Suspense fallback={<p class="muted">{t('contacts.notes.loadingEditor')}</p>}>
                          <NoteEditor text={noteBody(text!)} awareness={s().awareness} label={label()} autofocus={focusId() === entry.id} />
                        </Suspense>
                      )}
                    </Show>
                  </li>
                );
              }}
            </For>
          </ol>
        </Show>
        <Show when={deleted().length > 0}>
          <label class="ct-toggle">
            <input type="checkbox" checked={showDeleted()} onChange={(e) => setShowDeleted(e.currentTarget.checked)} />
            {t('contacts.notes.showDeleted', { count: deleted().length })}
          </label>
          <Show when={showDeleted()}>
            <ol class="note-list ct-deleted">
              <For each={deleted()}>
                {(entry) => (
                  <li class="note is-deleted" data-note-id={entry.id}>
                    <div class="note-meta">
                      <span>{t('contacts.notes.by', { name: author(entry.authorId), time: format(entry.createdAt) })}</span>
                      <button type="button" class="secondary ct-small" onClick={() => restore(entry.id)}>
                        {t('contacts.notes.restore', { name: author(entry.authorId) })}
                      </button>
                    </div>
                    <p class="note-preview">{entry.body}</p>
                    <p class="muted ct-small-text">
                      {t('contacts.notes.deletedBy', { name: author(entry.deletedBy), time: format(entry.deletedAt) })}
                    </p>
                  </li>
                )}
              </For>
            </ol>
          </Show>
        </Show>
      </Show>
      <Show when={(settled(activity)?.length ?? 0) > 0}>
        <details class="note-activity">
          <summary>{t('contacts.notes.activity')}</summary>
          <ul>
            <For each={settled(activity)!.slice(0, 8)}>
              {(a) => <li>{t('contacts.notes.activityItem', { name: a.name ?? t('contacts.notes.someone'), time: format(a.at) })}</li>}
            </For>
          </ul>
        </details>
      </Show>
    </section>
  );
}
