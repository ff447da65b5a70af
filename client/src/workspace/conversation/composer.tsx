import { createEffect, createMemo, createSignal, For, on, onCleanup, onMount, Show } from 'solid-js';
import { useQuery } from '@tanstack/solid-query';
import { t, type MessageKey } from '../../i18n.ts';
import { keys } from '../../lib/keys.ts';
import { enqueueMessage } from '../../offline/outbox.ts';
import { errorMessage, trpc } from '../../trpc.ts';
import { shortTime } from '../queue/format.ts';
import type { ConversationView } from '../queue/types.ts';
import {
  attachmentAllowed, cannedQuery, freeText, keySends, rankCanned, sendable, templatesOffered, type AttachmentBlock, type ComposerFacts,
} from './composer-rules.ts';
import { loadDraft, saveDraft } from './drafts.ts';
import { watchFileArrivals } from './file-arrivals.ts';
import { PaperclipIcon } from './icons.tsx';
import TemplatePicker from './template-picker.tsx';

const BLOCK_TEXT: Record<AttachmentBlock, MessageKey> = {
  closed: 'conversation.why.closed',
  waiting: 'conversation.why.waiting',
  readOnly: 'conversation.why.readOnly',
  windowNeverOpened: 'conversation.why.windowNeverOpened',
  windowExpired: 'conversation.why.windowExpired',
  badType: 'conversation.why.badType',
  tooLarge: 'conversation.why.tooLarge',
  empty: 'conversation.why.empty',
};

interface Uploaded { id: string; filename: string; contentType: string }

/** POST /uploads (multipart, one file) → the attachment id; the server's sentence on refusal. */
async function upload(file: File): Promise<Uploaded> {
  const form = new FormData();
  form.append('file', file, file.name);
  let res: Response;
  try {
    res = await fetch('/uploads?purpose=message', { method: 'POST', body: form, credentials: 'same-origin' });
  } catch {
    throw new Error(t('error.network'));
  }
  const body = (await res.json().catch(() => null)) as { id?: string; filename?: string; contentType?: string; error?: { message?: string } } | null;
  if (!res.ok || !body?.id) throw new Error(body?.error?.message ?? t('error.internal'));
  return { id: body.id, filename: body.filename ?? file.name, contentType: body.contentType ?? file.type };
}

/**
 * Writes to the customer: free text and attachments through the offline outbox (sent once,
 * in order, kept as a draft with the server's reason if refused), canned responses with `/`,
 * and templates when WhatsApp's window is closed — saying why free text is not possible.
 * Files come from the attach button, a paste or a drop on the conversation, all through
 * `addFiles` (the same checks, upload and sentences); each file is a message of its own,
 * the text going with the first.
 *
 * A canned response chosen with `/` is not sent: its text (variables filled by the server,
 * `conversations.fillCanned`) and its files fill the composer, for the agent to read and edit;
 * Enter then sends them like anything typed. What is typed and attached is kept per
 * conversation (drafts.ts) while the agent switches between conversations.
 */
export default function Composer(props: {
  view: ConversationView;
  userId: string;
  zone: string | undefined;
  openTemplates?: boolean;
  setTyping?: (on: boolean) => void;
}) {
  const draft = loadDraft(props.userId, props.view.id);
  const [text, setText] = createSignal(draft.text);
  const [attachments, setAttachments] = createSignal<Uploaded[]>(draft.attachments);
  // Every change is kept at once: switching to another conversation loses nothing.
  createEffect(on([text, attachments], ([body, files]) => saveDraft(props.userId, props.view.id, { text: body, attachments: files }), { defer: true }));
  const [filling, setFilling] = createSignal(false);
  const [uploads, setUploads] = createSignal(0);
  const uploading = () => uploads() > 0;
  const [dragging, setDragging] = createSignal(false);
  const [problem, setProblem] = createSignal<string | null>(null);
  const [active, setActive] = createSignal(0);
  const [showTemplates, setShowTemplates] = createSignal(!!props.openTemplates);
  let section!: HTMLElement;
  // Only there while the agent may write; a paste or a drop can happen without it.
  let box: HTMLTextAreaElement | undefined;
  let typingTimer: ReturnType<typeof setTimeout> | undefined;

  const facts = (): ComposerFacts => ({
    status: props.view.status,
    channelKind: props.view.channel.kind,
    canWrite: props.view.can.write,
    canClaim: props.view.can.claim,
    window: props.view.window,
  });
  const state = createMemo(() => freeText(facts()));
  const offerTemplates = createMemo(() => templatesOffered(facts()));
  const why = () => {
    const s = state();
    if (s.allowed) return null;
    const w = props.view.window;
    if (s.reason === 'windowExpired' && !w.open && w.closedAt) return t('conversation.why.windowExpiredAt', { time: shortTime(w.closedAt, props.zone) });
    if (s.reason === 'readOnly' && props.view.assignee) return t('conversation.why.servedBy', { name: props.view.assignee.name });
    return t(BLOCK_TEXT[s.reason]);
  };

  const query = createMemo(() => (state().allowed ? cannedQuery(text()) : null));
  const canned = useQuery(() => ({
    queryKey: [...keys.canned, query() ?? ''] as const,
    queryFn: () => trpc.canned.list.query(query() ? { query: query()! } : {}),
    enabled: query() !== null,
    staleTime: 30_000,
  }));
  const options = createMemo(() => (query() === null ? [] : rankCanned(canned.data ?? [], query()!).slice(0, 8)));

  const typing = (on: boolean) => {
    clearTimeout(typingTimer);
    props.setTyping?.(on);
    if (on) typingTimer = setTimeout(() => props.setTyping?.(false), 4000);
  };
  onCleanup(() => {
    clearTimeout(typingTimer);
    props.setTyping?.(false);
  });

  /** The chosen canned response fills the box (text and files); nothing is sent until Enter. */
  const pickCanned = async (id: string) => {
    const typed = text();
    setText('');
    setProblem(null);
    setFilling(true);
    box?.focus();
    try {
      const filled = await trpc.conversations.fillCanned.query({ conversationId: props.view.id, cannedId: id });
      setText(filled.text);
      setAttachments((list) => [
        ...list,
        ...filled.attachments.filter((f) => !list.some((a) => a.id === f.id)).map((f) => ({ id: f.id, filename: f.filename, contentType: f.contentType })),
      ]);
      typing(filled.text.length > 0);
      // Ready to edit: the caret after the text.
      queueMicrotask(() => {
        if (!box) return;
        box.focus();
        box.setSelectionRange(box.value.length, box.value.length);
      });
    } catch (error) {
      if (text() === '') setText(typed);
      setProblem(errorMessage(error));
    } finally {
      setFilling(false);
    }
  };

  const send = async () => {
    if (!state().allowed) return;
    const body = text();
    const atts = attachments();
    if (!sendable(body, atts[0]?.id ?? null) || uploading() || filling()) return;
    setText('');
    setAttachments([]);
    setProblem(null);
    typing(false);
    box?.focus();
    // One message per file, in order (the outbox keeps it); the text goes with the first.
    let queued = 0;
    try {
      await enqueueMessage(props.userId, { conversationId: props.view.id, text: body.trim(), attachmentId: atts[0]?.id ?? null });
      queued = 1;
      for (const a of atts.slice(1)) {
        await enqueueMessage(props.userId, { conversationId: props.view.id, text: '', attachmentId: a.id });
        queued += 1;
      }
    } catch {
      // IndexedDB refused (private mode, quota): nothing typed is lost — it goes back in the box.
      if (queued === 0) setText(body);
      setAttachments(atts.slice(queued));
      setProblem(t('conversation.outboxUnavailable'));
    }
  };

  const onKeyDown = (e: KeyboardEvent) => {
    const list = options();
    if (list.length > 0) {
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        const step = e.key === 'ArrowDown' ? 1 : -1;
        setActive((i) => (i + step + list.length) % list.length);
        return;
      }
      if (e.key === 'Enter' && !e.shiftKey) {
        e.preventDefault();
        void pickCanned(list[Math.min(active(), list.length - 1)]!.id);
        return;
      }
      if (e.key === 'Escape') {
        e.preventDefault();
        setText('');
        return;
      }
    }
    if (keySends(e)) {
      e.preventDefault();
      void send();
    }
  };

  /**
   * The one way in for files (the attach button, a paste, a drop): each is checked (window,
   * type, size), then uploaded and attached; the refused ones say why and are left out.
   */
  const addFiles = async (files: readonly File[]) => {
    if (files.length === 0) return;
    const problems: string[] = [];
    const say = () => setProblem(problems.length > 0 ? [...new Set(problems)].join(' ') : null);
    const accepted = files.filter((file) => {
      const ok = attachmentAllowed(facts(), file);
      if (!ok.allowed) problems.push(ok.reason === 'badType' ? t('conversation.why.badTypeNamed', { type: file.type || file.name }) : t(BLOCK_TEXT[ok.reason]));
      return ok.allowed;
    });
    say();
    if (accepted.length === 0) return;
    setUploads((n) => n + 1);
    try {
      for (const file of accepted) {
        try {
          const uploaded = await upload(file);
          setAttachments((list) => [...list, uploaded]);
        } catch (error) {
          problems.push(error instanceof Error ? error.message : t('error.internal'));
          say();
        }
      }
    } finally {
      setUploads((n) => n - 1);
      box?.focus();
    }
  };

  onMount(() => {
    // Drops land anywhere on the conversation (messages, header, composer); pastes in it.
    const area = section.closest<HTMLElement>('.cv-main') ?? section;
    const stop = watchFileArrivals(area, {
      accepts: () => state().allowed,
      dragging: setDragging,
      files: (list) => void addFiles(list),
    });
    onCleanup(stop);
  });

  const listId = () => `canned-${props.view.id}`;

  return (
    <section class="cv-composer" aria-label={t('conversation.composer')} ref={section}>
      <div class="cv-dropzone" classList={{ on: dragging() }} role="status">
        <Show when={dragging()}>
          <span class="cv-dropzone-text">
            <PaperclipIcon /> {t('conversation.dropHere')}
          </span>
        </Show>
      </div>
      <Show when={!state().allowed}>
        <p class="cv-why" role="status">
          {why()}
        </p>
      </Show>
      <Show when={offerTemplates()}>
        <Show
          when={showTemplates() || !props.view.can.write}
          fallback={
            <button type="button" class="primary cv-open-templates" onClick={() => setShowTemplates(true)}>
              {t('conversation.chooseTemplateButton')}
            </button>
          }
        >
          <TemplatePicker conversationId={props.view.id} channelId={props.view.channel.id} claims={!props.view.can.write} onSent={() => setShowTemplates(false)} />
        </Show>
      </Show>
      <Show when={props.view.can.write}>
        <div class="cv-compose-box" classList={{ disabled: !state().allowed }}>
          <Show when={options().length > 0}>
            <ul class="cv-canned" role="listbox" id={listId()} aria-label={t('conversation.cannedList')}>
              <For each={options()}>
                {(c, i) => (
                  <li
                    role="option"
                    id={`${listId()}-${c.id}`}
                    aria-selected={i() === active()}
                    onMouseDown={(e) => {
                      e.preventDefault();
                      void pickCanned(c.id);
                    }}
                    onMouseEnter={() => setActive(i())}
                  >
                    <strong>/{c.shortcut}</strong> <span class="muted">{c.title}</span>
                    <span class="cv-canned-body">{c.body}</span>
                  </li>
                )}
              </For>
            </ul>
          </Show>
          <Show when={query() !== null && options().length === 0 && canned.isSuccess}>
            <p class="cv-canned-none muted" role="status">{t('conversation.noCanned')}</p>
          </Show>
          <For each={attachments()}>
            {(a) => (
              <div class="cv-attached">
                <PaperclipIcon /> {a.filename}
                <button
                  type="button"
                  class="secondary"
                  aria-label={t('conversation.removeAttachment', { name: a.filename })}
                  onClick={() => setAttachments((list) => list.filter((x) => x !== a))}
                >
                  ×
                </button>
              </div>
            )}
          </For>
          <div class="cv-compose-row">
            <label class="cv-attach" classList={{ disabled: !state().allowed || uploading() }} title={t('conversation.attach')}>
              <PaperclipIcon />
              <span class="visually-hidden">{t('conversation.attach')}</span>
              <input
                type="file"
                multiple
                class="visually-hidden"
                disabled={!state().allowed || uploading()}
                onChange={(e) => {
                  const files = Array.from(e.currentTarget.files ?? []);
                  e.currentTarget.value = '';
                  void addFiles(files);
                }}
              />
            </label>
            <textarea
              ref={box}
              rows={2}
              value={text()}
              disabled={!state().allowed}
              aria-label={t('conversation.message')}
              aria-describedby={!state().allowed ? undefined : `hint-${props.view.id}`}
              aria-autocomplete="list"
              aria-controls={options().length > 0 ? listId() : undefined}
              aria-activedescendant={options().length > 0 ? `${listId()}-${options()[active()]?.id}` : undefined}
              placeholder={state().allowed ? t('conversation.placeholder') : t('conversation.placeholderBlocked')}
              onInput={(e) => {
                setText(e.currentTarget.value);
                setActive(0);
                typing(e.currentTarget.value.length > 0);
              }}
              onKeyDown={onKeyDown}
              onBlur={() => typing(false)}
            />
            <button
              type="button"
              class="primary cv-send"
              disabled={!state().allowed || uploading() || filling() || !sendable(text(), attachments()[0]?.id ?? null)}
              onClick={() => void send()}
            >
              {uploading() ? t('conversation.uploading') : t('conversation.send')}
            </button>
          </div>
          <p class="cv-hint muted" id={`hint-${props.view.id}`}>{t('conversation.hint')}</p>
        </div>
      </Show>
      <Show when={problem()}>
        <p class="alert" role="alert">{problem()}</p>
      </Show>
    </section>
  );
}
