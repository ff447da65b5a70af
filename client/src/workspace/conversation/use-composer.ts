import { createEffect, createMemo, createSignal, on, onCleanup, type Accessor, type Setter } from 'solid-js';
import { useQuery } from '@tanstack/solid-query';
import { t, type MessageKey } from '../../i18n.ts';
import { keys } from '../../lib/keys.ts';
import { enqueueMessage } from '../../offline/outbox.ts';
import { errorMessage, trpc } from '../../trpc.ts';
import { shortTime } from '../queue/format.ts';
import type { ConversationView } from '../queue/types.ts';
import {
  attachmentAllowed,
  cannedQuery,
  freeText,
  keySends,
  rankCanned,
  sendable,
  templatesOffered,
  type AttachmentBlock,
  type ComposerFacts,
} from './composer-rules.ts';
import { loadDraft, saveDraft } from './drafts.ts';

const BLOCK_TEXT: Record<AttachmentBlock, MessageKey> = {
  closed: 'conversation.why.closed',
  waiting: 'conversation.why.waiting',
  offered: 'conversation.why.offered',
  readOnly: 'conversation.why.readOnly',
  windowNeverOpened: 'conversation.why.windowNeverOpened',
  windowExpired: 'conversation.why.windowExpired',
  // The server's own refusal sentence for a free-form send in this state.
  awaitingReply: 'conv.awaitingReply',
  badType: 'conversation.why.badType',
  tooLarge: 'conversation.why.tooLarge',
  empty: 'conversation.why.empty',
};

export interface Uploaded {
  id: string;
  filename: string;
  contentType: string;
}

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
  const body = (await res.json().catch(() => null)) as {
    id?: string;
    filename?: string;
    contentType?: string;
    error?: { message?: string };
  } | null;
  if (!res.ok || !body?.id) throw new Error(body?.error?.message ?? t('error.internal'));
  return { id: body.id, filename: body.filename ?? file.name, contentType: body.contentType ?? file.type };
}

export interface ComposerProps {
  view: ConversationView;
  userId: string;
  zone: string | undefined;
  openTemplates?: boolean;
  setTyping?: (on: boolean) => void;
}

/** "Typing" for the others (awareness), switched off after 4 s without a key. */
function useTyping(setTyping: () => ((on: boolean) => void) | undefined) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  onCleanup(() => {
    clearTimeout(timer);
    setTyping()?.(false);
  });
  return (on: boolean) => {
    clearTimeout(timer);
    setTyping()?.(on);
    if (on) timer = setTimeout(() => setTyping()?.(false), 4000);
  };
}

/** The canned responses offered while the text is `/…`, and the one highlighted. */
function useCannedMenu(allowed: Accessor<boolean>, text: Accessor<string>) {
  const query = createMemo(() => (allowed() ? cannedQuery(text()) : null));
  const canned = useQuery(() => ({
    queryKey: [...keys.canned, query() ?? ''] as const,
    queryFn: () => trpc.canned.list.query(query() ? { query: query()! } : {}),
    enabled: query() !== null,
    staleTime: 30_000,
  }));
  const options = createMemo(() => (query() === null ? [] : rankCanned(canned.data ?? [], query()!).slice(0, 8)));
  const [active, setActive] = createSignal(0);
  const none = () => query() !== null && options().length === 0 && canned.isSuccess;
  return { options, active, setActive, none };
}

/**
 * The one way in for files (the attach button, a paste, a drop): each is checked (window,
 * type, size), then uploaded and attached; the refused ones say why and are left out.
 */
function useFileIntake(facts: () => ComposerFacts, attach: (file: Uploaded) => void, setProblem: Setter<string | null>, focus: () => void) {
  const [uploads, setUploads] = createSignal(0);
  const addFiles = async (files: readonly File[]) => {
    if (files.length === 0) return;
    const problems: string[] = [];
    const say = () => setProblem(problems.length > 0 ? [...new Set(problems)].join(' ') : null);
    const accepted = files.filter((file) => {
      const ok = attachmentAllowed(facts(), file);
      if (!ok.allowed)
        problems.push(
          ok.reason === 'badType' ? t('conversation.why.badTypeNamed', { type: file.type || file.name }) : t(BLOCK_TEXT[ok.reason]),
        );
      return ok.allowed;
    });
    say();
    if (accepted.length === 0) return;
    setUploads((n) => n + 1);
    try {
      for (const file of accepted) {
        try {
          attach(await upload(file));
        } catch (error) {
          problems.push(error instanceof Error ? error.message : t('error.internal'));
          say();
        }
      }
    } finally {
      setUploads((n) => n - 1);
      focus();
    }
  };
  return { addFiles, uploading: () => uploads() > 0 };
}

/**
 * The composer's state and actions (the view is composer.tsx). What is typed and attached is
 * kept per conversation (drafts.ts) while the agent switches between conversations.
 */
export function useComposer(props: ComposerProps, box: () => HTMLTextAreaElement | undefined) {
  const draft = loadDraft(props.userId, props.view.id);
  const [text, setText] = createSignal(draft.text);
  const [attachments, setAttachments] = createSignal<Uploaded[]>(draft.attachments);
  // Every change is kept at once: switching to another conversation loses nothing.
  createEffect(
    on([text, attachments], ([body, files]) => saveDraft(props.userId, props.view.id, { text: body, attachments: files }), { defer: true }),
  );
  const [filling, setFilling] = createSignal(false);
  const [problem, setProblem] = createSignal<string | null>(null);
  const focus = () => box()?.focus();

  const facts = (): ComposerFacts => ({
    status: props.view.status,
    channelKind: props.view.channel.kind,
    canWrite: props.view.can.write,
    canClaim: props.view.can.claim,
    canAccept: props.view.can.accept,
    window: props.view.window,
  });
  const state = createMemo(() => freeText(facts()));
  const offerTemplates = createMemo(() => templatesOffered(facts()));
  const why = () => {
    const s = state();
    if (s.allowed) return null;
    const w = props.view.window;
    if (s.reason === 'windowExpired' && !w.open && w.closedAt)
      return t('conversation.why.windowExpiredAt', { time: shortTime(w.closedAt, props.zone) });
    if (s.reason === 'readOnly' && props.view.assignee) return t('conversation.why.servedBy', { name: props.view.assignee.name });
    return t(BLOCK_TEXT[s.reason]);
  };
  const menu = useCannedMenu(() => state().allowed, text);
  const typing = useTyping(() => props.setTyping);
  const files = useFileIntake(facts, (file) => setAttachments((list) => [...list, file]), setProblem, focus);

  /** The chosen canned response fills the box (text and files); nothing is sent until Enter. */
  const pickCanned = async (id: string) => {
    const typed = text();
    setText('');
    setProblem(null);
    setFilling(true);
    focus();
    try {
      const filled = await trpc.conversations.fillCanned.query({ conversationId: props.view.id, cannedId: id });
      setText(filled.text);
      setAttachments((list) => [
        ...list,
        ...filled.attachments
          .filter((f) => !list.some((a) => a.id === f.id))
          .map((f) => ({ id: f.id, filename: f.filename, contentType: f.contentType })),
      ]);
      typing(filled.text.length > 0);
      // Ready to edit: the caret after the text.
      queueMicrotask(() => {
        const el = box();
        if (!el) return;
        el.focus();
        el.setSelectionRange(el.value.length, el.value.length);
      });
    } catch (error) {
      if (text() === '') setText(typed);
      setProblem(errorMessage(error));
    } finally {
      setFilling(false);
    }
  };

  const canSend = () => state().allowed && !files.uploading() && !filling() && sendable(text(), attachments()[0]?.id ?? null);
  const send = async () => {
    if (!canSend()) return;
    const body = text();
    const atts = attachments();
    setText('');
    setAttachments([]);
    setProblem(null);
    typing(false);
    focus();
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
    const list = menu.options();
    if (list.length > 0) {
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        const step = e.key === 'ArrowDown' ? 1 : -1;
        menu.setActive((i) => (i + step + list.length) % list.length);
        return;
      }
      if (e.key === 'Enter' && !e.shiftKey) {
        e.preventDefault();
        void pickCanned(list[Math.min(menu.active(), list.length - 1)]!.id);
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
  const onInput = (value: string) => {
    setText(value);
    menu.setActive(0);
    typing(value.length > 0);
  };
  const detach = (file: Uploaded) => setAttachments((list) => list.filter((x) => x !== file));

  return {
    state,
    why,
    offerTemplates,
    menu,
    text,
    attachments,
    detach,
    problem,
    ...files,
    canSend,
    send,
    pickCanned,
    onKeyDown,
    onInput,
    typing,
  };
}
