import * as Y from 'yjs';
import { createEffect, createSignal, For, on, Show, type Accessor, type JSX } from 'solid-js';
import { t } from '../../i18n.ts';
import { dayKeyIn, formatDay as formatWeekday, formatTime as formatClock, timeZone } from '../../lib/format.ts';
import type { SharedDoc } from '../../lib/ydoc.ts';
import { useYStore } from '../../lib/ystore.ts';
import {
  addChatMessage,
  chatMessages,
  deleteChatMessage,
  readChatMessage,
  type ChatMessage,
  type EntryMap,
} from '../../../../sync/shared/schemas.ts';
import { joinNames, type Person } from './awareness.ts';
import { TypingDots } from './presence-badge.tsx';
import './chat.css';

/** The messages of a `messages` array (chat room or colleague thread), as a Solid store. */
export function useThreadMessages(shared: Accessor<SharedDoc | null>): ChatMessage[] {
  return useYStore(
    () => {
      const sd = shared();
      return sd ? chatMessages(sd.doc) : null;
    },
    (list: Y.Array<EntryMap>) => list.toArray().flatMap((m) => (m instanceof Y.Map ? [readChatMessage(m)] : [])),
    [] as ChatMessage[],
  );
}

/** A message written before (archived, from the server) — same look as a live one. */
export interface ShownMessage {
  id: string;
  authorId: string | null;
  authorName: string;
  at: number;
  text: string;
  mine: boolean;
}

const MAX_LENGTH = 4_000;

/** Unsent text per document, so switching rooms (or a re-render) never loses what was typed. */
const drafts = new Map<string, string>();

function dayKey(at: number): string {
  return dayKeyIn(at, { timeZone: timeZone() }); // the day in the person's time zone
}

function formatTime(at: number): string {
  return formatClock(at);
}

function formatDay(at: number): string {
  if (dayKey(at) === dayKey(Date.now())) return t('chat.today');
  return formatWeekday(at);
}

function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  return ((parts[0]?.[0] ?? '?') + (parts.length > 1 ? parts.at(-1)![0]! : '')).toUpperCase();
}

export function Avatar(props: { name: string; photoUrl?: string | null; size?: 'sm' | 'md' }) {
  return (
    // Initials drawn by CSS (data-initials), so they never count as the visible text of a link or button.
    <span class={`chat-avatar ${props.size ?? 'md'}`} data-initials={props.photoUrl ? undefined : initials(props.name)} aria-hidden="true">
      <Show when={props.photoUrl}>{(url) => <img src={url()} alt="" />}</Show>
    </span>
  );
}

export interface ThreadProps {
  shared: Accessor<SharedDoc | null>;
  me: Person;
  canWrite: boolean;
  /** Author name from the server's record. */
  nameOf: (authorId: string) => string;
  inputLabel: string;
  placeholder: string;
  empty: string;
  typers: Accessor<Person[]>;
  onTyping?: (on: boolean) => void;
  /** Called after a message of mine is added to the document (its id). */
  onSent?: (messageId: string) => void;
  /** Older messages shown above the live ones (oldest first), and what loads more. */
  older?: ShownMessage[];
  olderControl?: JSX.Element;
  /** The live messages (a store from useThreadMessages); the thread reads them, never observes. */
  messages: ChatMessage[];
  allowDelete?: boolean;
}

/**
 * A message list and its composer over a `messages` array. Writing adds one whole Y.Map
 * (addChatMessage) under my client id; it lands in IndexedDB at once and reaches the others
 * when connected (merged on reconnect, never duplicated: it is one Yjs item).
 */
export function MessageThread(props: ThreadProps) {
  let list: HTMLOListElement | undefined;
  let input: HTMLTextAreaElement | undefined;
  const draftKey = () => `${props.me.id}:${props.shared()?.name ?? ''}`;
  const [draftVersion, setDraftVersion] = createSignal(0);
  const draft = () => {
    draftVersion();
    return drafts.get(draftKey()) ?? '';
  };
  const setDraft = (text: string) => {
    const key = draftKey();
    if (text) drafts.set(key, text);
    else drafts.delete(key);
    setDraftVersion((v) => v + 1);
  };
  const [stick, setStick] = createSignal(true);

  const shown = (): ShownMessage[] => [
    ...(props.older ?? []),
    ...props.messages.map((m) => ({
      id: m.id,
      authorId: m.authorId,
      authorName: props.nameOf(m.authorId),
      at: m.at,
      text: m.text,
      mine: m.authorId === props.me.id,
    })),
  ];

  // Follow new messages while the reader is at the bottom.
  createEffect(
    on(
      () => props.messages.length,
      () => {
        if (!list || !stick()) return;
        queueMicrotask(() => {
          if (list) list.scrollTop = list.scrollHeight;
        });
      },
    ),
  );

  const onScroll = () => {
    if (!list) return;
    setStick(list.scrollHeight - list.scrollTop - list.clientHeight < 48);
  };

  const send = (event?: Event) => {
    event?.preventDefault();
    const sd = props.shared();
    const text = draft().trim();
    if (!sd || !text || !props.canWrite) return;
    const message = addChatMessage(sd.doc, props.me.id, text.slice(0, MAX_LENGTH));
    setDraft('');
    setStick(true);
    props.onTyping?.(false);
    props.onSent?.(String(message.get('id')));
    input?.focus();
  };

  const remove = (id: string) => {
    const sd = props.shared();
    if (sd) deleteChatMessage(sd.doc, id);
  };

  const typingText = () => {
    const people = props.typers();
    const names = joinNames(
      people.map((p) => p.name),
      (first, last) => t('chat.and', { first, last }),
    );
    return people.length === 1 ? t('chat.typingOne', { name: names }) : t('chat.typingMany', { names });
  };

  return (
    <div class="thread">
      <ol class="thread-messages" ref={list} onScroll={onScroll} aria-label={t('chat.messagesLabel')} tabindex="0">
        {props.olderControl}
        <For each={shown()} fallback={<li class="thread-empty">{props.empty}</li>}>
          {(m, i) => {
            const prev = () => shown()[i() - 1];
            const newDay = () => !prev() || dayKey(prev()!.at) !== dayKey(m.at);
            const grouped = () => !newDay() && prev()!.authorId === m.authorId && m.at - prev()!.at < 5 * 60_000;
            return (
              <>
                <Show when={newDay()}>
                  {/* A list item that says the day (a separator's text would not be read: its children are presentational). */}
                  <li class="thread-day">
                    <time dateTime={dayKey(m.at)}>{formatDay(m.at)}</time>
                  </li>
                </Show>
                <li
                  class={`thread-message${m.mine ? ' mine' : ''}${grouped() ? ' grouped' : ''}`}
                  aria-label={`${m.authorName}: ${m.text}`}
                >
                  <Show when={!grouped()}>
                    <div class="thread-meta">
                      <Avatar name={m.authorName} size="sm" />
                      <span class="thread-author">{m.authorName}</span>
                      <time dateTime={new Date(m.at).toISOString()}>{formatTime(m.at)}</time>
                    </div>
                  </Show>
                  <div class="thread-bubble">
                    <p class="thread-text">{m.text}</p>
                    <Show when={props.allowDelete && m.mine && props.canWrite && props.messages.some((x) => x.id === m.id)}>
                      <button
                        type="button"
                        class="thread-delete"
                        aria-label={t('chat.deleteMessage')}
                        title={t('chat.deleteMessage')}
                        onClick={() => remove(m.id)}
                      >
                        ×
                      </button>
                    </Show>
                  </div>
                </li>
              </>
            );
          }}
        </For>
      </ol>
      <div class="thread-typing" role="status" aria-live="polite">
        <Show when={props.typers().length > 0}>
          <TypingDots />
          <span>{typingText()}</span>
        </Show>
      </div>
      <Show when={props.canWrite}>
        <form class="thread-composer" onSubmit={send}>
          <textarea
            ref={input}
            rows="2"
            maxLength={MAX_LENGTH}
            aria-label={props.inputLabel}
            placeholder={props.placeholder}
            value={draft()}
            onInput={(e) => {
              setDraft(e.currentTarget.value);
              props.onTyping?.(e.currentTarget.value.length > 0);
            }}
            onBlur={() => props.onTyping?.(false)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) send(e);
            }}
          />
          <button type="submit" class="thread-send" disabled={!draft().trim()}>
            {t('chat.send')}
          </button>
        </form>
      </Show>
    </div>
  );
}

/** The sync status line of a document: offline (kept locally), connecting, refused. */
export function SyncNote(props: { shared: Accessor<SharedDoc | null> }) {
  const status = () => props.shared()?.status();
  // Once in step with the server, any later "connecting" is a reconnect attempt: offline.
  const offline = () => status() === 'offline' || (status() === 'connecting' && props.shared()?.synced() === true);
  return (
    <Show when={status() && status() !== 'connected'}>
      <p class={`thread-sync ${offline() ? 'offline' : status()}`} role={status() === 'refused' ? 'alert' : 'status'}>
        {status() === 'refused' ? t('chat.refused') : offline() ? t('chat.offlineNote') : t('chat.connecting')}
      </p>
    </Show>
  );
}
