import { createMemo, createSignal, For, onCleanup, Show } from 'solid-js';
import { useMutation, useQuery, useQueryClient } from '@tanstack/solid-query';
import { t, type MessageKey } from '../../i18n.ts';
import { keys } from '../../lib/keys.ts';
import { enqueueMessage } from '../../offline/outbox.ts';
import { errorMessage, trpc } from '../../trpc.ts';
import { shortTime } from '../queue/format.ts';
import type { ConversationView } from '../queue/types.ts';
import {
  attachmentAllowed, cannedQuery, freeText, keySends, rankCanned, sendable, templatesOffered, type AttachmentBlock, type ComposerFacts,
} from './composer-rules.ts';
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
 */
export default function Composer(props: {
  view: ConversationView;
  userId: string;
  zone: string | undefined;
  openTemplates?: boolean;
  setTyping?: (on: boolean) => void;
}) {
  const queryClient = useQueryClient();
  const [text, setText] = createSignal('');
  const [attachment, setAttachment] = createSignal<Uploaded | null>(null);
  const [uploading, setUploading] = createSignal(false);
  const [problem, setProblem] = createSignal<string | null>(null);
  const [active, setActive] = createSignal(0);
  const [showTemplates, setShowTemplates] = createSignal(!!props.openTemplates);
  let box!: HTMLTextAreaElement;
  let fileInput!: HTMLInputElement;
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

  const sendCanned = useMutation(() => ({
    mutationFn: (cannedId: string) =>
      trpc.conversations.sendCanned.mutate({ conversationId: props.view.id, cannedId, clientMessageId: crypto.randomUUID() }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: keys.conversation(props.view.id) }),
    onError: (error) => setProblem(errorMessage(error)),
  }));

  const typing = (on: boolean) => {
    clearTimeout(typingTimer);
    props.setTyping?.(on);
    if (on) typingTimer = setTimeout(() => props.setTyping?.(false), 4000);
  };
  onCleanup(() => {
    clearTimeout(typingTimer);
    props.setTyping?.(false);
  });

  const pickCanned = (id: string) => {
    setText('');
    setProblem(null);
    typing(false);
    sendCanned.mutate(id);
    box.focus();
  };

  const send = async () => {
    if (!state().allowed) return;
    const body = text();
    const att = attachment();
    if (!sendable(body, att?.id ?? null) || uploading()) return;
    setText('');
    setAttachment(null);
    setProblem(null);
    typing(false);
    box.focus();
    try {
      await enqueueMessage(props.userId, { conversationId: props.view.id, text: body.trim(), attachmentId: att?.id ?? null });
    } catch {
      // IndexedDB refused (private mode, quota): nothing typed is lost — it goes back in the box.
      setText(body);
      setAttachment(att);
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
        pickCanned(list[Math.min(active(), list.length - 1)]!.id);
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

  const chooseFile = async (file: File | undefined) => {
    fileInput.value = '';
    if (!file) return;
    const ok = attachmentAllowed(facts(), file);
    if (!ok.allowed) {
      setProblem(ok.reason === 'badType' ? t('conversation.why.badTypeNamed', { type: file.type || file.name }) : t(BLOCK_TEXT[ok.reason]));
      return;
    }
    setProblem(null);
    setUploading(true);
    try {
      setAttachment(await upload(file));
    } catch (error) {
      setProblem(error instanceof Error ? error.message : t('error.internal'));
    } finally {
      setUploading(false);
      box.focus();
    }
  };

  const listId = () => `canned-${props.view.id}`;

  return (
    <section class="cv-composer" aria-label={t('conversation.composer')}>
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
                      pickCanned(c.id);
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
          <Show when={attachment()}>
            {(a) => (
              <div class="cv-attached">
                <PaperclipIcon /> {a().filename}
                <button type="button" class="secondary" aria-label={t('conversation.removeAttachment', { name: a().filename })} onClick={() => setAttachment(null)}>
                  ×
                </button>
              </div>
            )}
          </Show>
          <div class="cv-compose-row">
            <label class="cv-attach" classList={{ disabled: !state().allowed || uploading() }} title={t('conversation.attach')}>
              <PaperclipIcon />
              <span class="visually-hidden">{t('conversation.attach')}</span>
              <input
                ref={fileInput}
                type="file"
                class="visually-hidden"
                disabled={!state().allowed || uploading()}
                onChange={(e) => void chooseFile(e.currentTarget.files?.[0])}
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
              disabled={!state().allowed || uploading() || !sendable(text(), attachment()?.id ?? null)}
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
