import { createEffect, createMemo, createSignal, For, on, onCleanup, onMount, Show } from 'solid-js';
import { pickLanguage, translate, type MessageKey } from '../../i18n/index.ts';
import { ApiError, loadSession, newClientMessageId, saveSession, WebchatApi, type Session, type WidgetConversation, type WidgetMessage } from './api.ts';
import { parseMenu } from './menu.ts';
import { openStream } from './stream.ts';

export const lang = pickLanguage(typeof navigator === 'undefined' ? [] : navigator.languages);
export const t = (key: MessageKey, params?: Record<string, string | number>) => translate(lang, key, params);

/** A message on screen: the server's view, or one the visitor is still sending. */
interface Item extends WidgetMessage {
  local?: 'pending' | 'failed';
  error?: string;
  /** The file the visitor picked, until the server has the message. */
  file?: File;
  /** Uploaded already: a retry sends the message without uploading again. */
  attachmentId?: string;
}

const ACCEPT = 'image/*,audio/*,video/*,.pdf,.txt,.csv,.doc,.docx,.xls,.xlsx,.ppt,.pptx,.zip';
const STATUS_RANK: Record<string, number> = { queued: 1, sending: 2, unknown: 3, sent: 4, delivered: 5, read: 6 };

function sortItems(list: Item[]): Item[] {
  return [...list].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.direction === b.direction ? 0 : a.direction === 'in' ? -1 : 1));
}

/**
 * Never show a status older than the one on screen (events and fetches may cross); keep the
 * same object when nothing changed, so the row (and its image) is not rendered again.
 */
function newer(current: Item | undefined, next: WidgetMessage): Item {
  if (current && !current.local && current.id === next.id) {
    const status = (STATUS_RANK[current.status] ?? 0) >= (STATUS_RANK[next.status] ?? 0) ? current.status : next.status;
    if (status === current.status && current.text === next.text && current.author === next.author) return current;
    return { ...next, status };
  }
  return { ...next };
}

export function App() {
  const channelId = new URLSearchParams(location.search).get('channel') ?? '';
  const validChannel = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(channelId);
  const embedded = window.parent !== window;
  const api = new WebchatApi(channelId, t('error.network'));

  const [session, setSession] = createSignal<Session | null>(validChannel ? loadSession(channelId) : null);
  const [items, setItems] = createSignal<Item[]>([]);
  const [conversation, setConversation] = createSignal<WidgetConversation | null>(null);
  const [connected, setConnected] = createSignal(true);
  const [unavailable, setUnavailable] = createSignal(!validChannel);
  const [error, setError] = createSignal<string | null>(validChannel ? null : t('webchat.unknownChannel'));
  const [open, setOpen] = createSignal(true);
  const [name, setName] = createSignal('');
  const [draft, setDraft] = createSignal('');
  const [file, setFile] = createSignal<File | null>(null);
  let stream: { close(): void } | null = null;
  let starting: Promise<Session> | null = null;
  let logEl: HTMLDivElement | undefined;
  let fileInput: HTMLInputElement | undefined;
  let textEl: HTMLTextAreaElement | undefined;

  const patch = (clientMessageId: string, change: Partial<Item>) =>
    setItems((list) => list.map((i) => (i.local && i.clientMessageId === clientMessageId ? { ...i, ...change } : i)));

  /** Adds or updates messages from the server; a full list replaces all but the visitor's unsent ones. */
  function merge(incoming: WidgetMessage[], full = false) {
    setItems((list) => {
      const next = full ? list.filter((i) => i.local) : [...list];
      for (const m of incoming) {
        const at = next.findIndex((x) => x.id === m.id || (m.direction === 'in' && m.clientMessageId !== null && x.direction === 'in' && x.clientMessageId === m.clientMessageId));
        if (at >= 0) next[at] = newer(next[at], m);
        else next.push(newer(list.find((x) => x.id === m.id), m));
      }
      return sortItems(next);
    });
  }

  /** The token is no longer valid: start over as a new visitor on the next message. */
  function forget() {
    stream?.close();
    stream = null;
    saveSession(channelId, null);
    setSession(null);
    setConversation(null);
    setItems((list) => list.filter((i) => i.local).map((i) => ({ ...i, attachmentId: undefined })));
  }

  async function refresh() {
    const s = session();
    if (!s) return;
    try {
      const r = await api.messages(s.token);
      merge(r.messages, true);
      setConversation(r.conversation);
      markRead();
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) forget();
    }
  }

  function connect() {
    const s = session();
    if (!s || stream) return;
    stream = openStream(channelId, s.token, {
      onReady: () => void refresh(),
      onMessage: (m) => {
        merge([m]);
        markRead();
      },
      onConversation: setConversation,
      onConnected: setConnected,
      onGone: () => {
        stream = null;
        void refresh();
      },
    });
  }

  function ensureSession(): Promise<Session> {
    const s = session();
    if (s) return Promise.resolve(s);
    starting ??= api
      .session(name().trim(), null)
      .then((r) => {
        const next = { token: r.visitorToken, visitorId: r.visitorId };
        saveSession(channelId, next);
        setSession(next);
        connect();
        return next;
      })
      .catch((e: unknown) => {
        if (e instanceof ApiError && e.status === 404) {
          setUnavailable(true);
          setError(e.message);
        }
        throw e;
      })
      .finally(() => {
        starting = null;
      });
    return starting;
  }

  async function deliver(item: Item) {
    const cid = item.clientMessageId!;
    patch(cid, { local: 'pending', error: undefined });
    try {
      const s = await ensureSession();
      let attachmentId = items().find((i) => i.local && i.clientMessageId === cid)?.attachmentId;
      if (item.file && !attachmentId) {
        attachmentId = (await api.upload(s.token, item.file)).attachmentId;
        patch(cid, { attachmentId });
      }
      const { message } = await api.send(s.token, { clientMessageId: cid, ...(item.text ? { text: item.text } : {}), ...(attachmentId ? { attachmentId } : {}) });
      merge([message]);
      setError(null);
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) forget();
      patch(cid, { local: 'failed', error: e instanceof Error ? e.message : t('widget.failed') });
    }
  }

  function submit(text: string, picked: File | null) {
    if (unavailable() || (!text.trim() && !picked)) return;
    const cid = newClientMessageId();
    const item: Item = {
      id: `local:${cid}`,
      conversationId: '',
      direction: 'in',
      kind: picked ? 'document' : 'text',
      text: text.trim(),
      author: null,
      isBot: false,
      status: 'pending',
      clientMessageId: cid,
      attachment: picked ? { id: '', filename: picked.name, contentType: picked.type, size: picked.size, url: '' } : null,
      at: new Date().toISOString(),
      local: 'pending',
      ...(picked ? { file: picked } : {}),
    };
    setItems((list) => sortItems([...list, item]));
    void deliver(item);
  }

  let readTimer: ReturnType<typeof setTimeout> | undefined;
  /** Outbound messages count as read only while the chat is open on a visible page. */
  function markRead() {
    clearTimeout(readTimer);
    readTimer = setTimeout(() => {
      const s = session();
      if (!s || !open() || document.visibilityState !== 'visible') return;
      const last = items().filter((i) => i.direction === 'out' && !i.local && i.status !== 'read').at(-1);
      if (!last) return;
      api
        .read(s.token, last.id)
        .then(({ read }) => {
          const done = new Set(read);
          setItems((list) => list.map((i) => (done.has(i.id) ? { ...i, status: 'read' } : i)));
        })
        .catch(() => {});
    }, 300);
  }

  const onParentMessage = (e: MessageEvent) => {
    if (e.source !== window.parent || typeof e.data !== 'object' || e.data === null) return;
    if ((e.data as { type?: unknown }).type === 'atende:visibility') {
      setOpen(Boolean((e.data as { open?: unknown }).open));
      if (open()) {
        markRead();
        textEl?.focus();
      }
    }
  };
  const onVisibility = () => markRead();

  onMount(() => {
    window.addEventListener('message', onParentMessage);
    document.addEventListener('visibilitychange', onVisibility);
    connect();
    textEl?.focus();
  });
  onCleanup(() => {
    stream?.close();
    clearTimeout(readTimer);
    window.removeEventListener('message', onParentMessage);
    document.removeEventListener('visibilitychange', onVisibility);
  });

  // Keep the newest message in view.
  createEffect(
    on(items, () => {
      requestAnimationFrame(() => {
        if (logEl) logEl.scrollTop = logEl.scrollHeight;
      });
    }),
  );

  /** The visitor's messages count as read once an agent has answered after them. */
  const lastAgentIndex = createMemo(() => {
    const list = items();
    for (let i = list.length - 1; i >= 0; i--) if (list[i]!.direction === 'out' && !list[i]!.isBot) return i;
    return -1;
  });

  const onSubmit = (e: SubmitEvent) => {
    e.preventDefault();
    submit(draft(), file());
    setDraft('');
    setFile(null);
    textEl?.focus();
  };

  return (
    <div class="w-root">
      <header class="w-header">
        <div>
          <h1 class="w-title">{t('widget.title')}</h1>
          <Show when={conversation()}>{(c) => <p class="w-protocol">{t('widget.protocol', { protocol: c().protocol })}</p>}</Show>
        </div>
        <Show when={embedded}>
          <button type="button" class="w-close" aria-label={t('widget.close')} title={t('widget.close')} onClick={() => window.parent.postMessage({ type: 'atende:close' }, '*')}>
            <svg width="20" height="20" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" aria-hidden="true">
              <path d="M18 6 6 18M6 6l12 12" />
            </svg>
          </button>
        </Show>
      </header>
      <Show when={session() && !connected()}>
        <p class="w-banner" role="status">
          {t('widget.reconnecting')}
        </p>
      </Show>
      <div class="w-log" role="log" aria-live="polite" aria-label={t('widget.messages')} tabindex="0" ref={logEl}>
        <Show when={items().length === 0 && !unavailable()}>
          <p class="w-welcome">{t('widget.welcome')}</p>
        </Show>
        <For each={items()}>
          {(item, index) => (
            <MessageRow
              item={item}
              last={index() === items().length - 1}
              read={item.direction === 'in' && index() < lastAgentIndex()}
              token={() => session()?.token ?? null}
              api={api}
              onChoose={(key) => submit(key, null)}
              onRetry={(i) => void deliver(i)}
            />
          )}
        </For>
      </div>
      <Show when={error()}>
        <p class="w-error" role="alert">
          {error()}
        </p>
      </Show>
      <form class="w-composer" onSubmit={onSubmit}>
        <Show when={!session() && !unavailable()}>
          <label class="w-name">
            <span>{t('widget.name')}</span>
            <input name="name" autocomplete="name" maxlength={120} value={name()} onInput={(e) => setName(e.currentTarget.value)} />
          </label>
        </Show>
        <Show when={file()}>
          {(f) => (
            <div class="w-chip">
              <span>{f().name}</span>
              <button type="button" aria-label={t('widget.removeFile', { name: f().name })} title={t('widget.removeFile', { name: f().name })} onClick={() => setFile(null)}>
                ×
              </button>
            </div>
          )}
        </Show>
        <div class="w-row">
          <button type="button" class="w-attach" aria-label={t('widget.attach')} title={t('widget.attach')} disabled={unavailable()} onClick={() => fileInput?.click()}>
            <svg width="20" height="20" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true">
              <path d="m21.44 11.05-9.19 9.19a6 6 0 0 1-8.49-8.49l9.19-9.19a4 4 0 0 1 5.66 5.66l-9.2 9.19a2 2 0 0 1-2.83-2.83l8.49-8.48" />
            </svg>
          </button>
          <input
            type="file"
            class="w-hidden"
            tabindex="-1"
            aria-hidden="true"
            accept={ACCEPT}
            ref={fileInput}
            onChange={(e) => {
              setFile(e.currentTarget.files?.[0] ?? null);
              e.currentTarget.value = '';
            }}
          />
          <label class="w-sr" for="w-text">
            {t('widget.message')}
          </label>
          <textarea
            id="w-text"
            name="message"
            rows={2}
            maxlength={4096}
            placeholder={t('widget.placeholder')}
            value={draft()}
            disabled={unavailable()}
            ref={textEl}
            onInput={(e) => setDraft(e.currentTarget.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
                e.preventDefault();
                e.currentTarget.form?.requestSubmit();
              }
            }}
          />
          <button type="submit" class="w-send" disabled={unavailable()}>
            {t('widget.send')}
          </button>
        </div>
      </form>
    </div>
  );
}

function MessageRow(props: {
  item: Item;
  last: boolean;
  read: boolean;
  token: () => string | null;
  api: WebchatApi;
  onChoose: (key: string) => void;
  onRetry: (item: Item) => void;
}) {
  const mine = () => props.item.direction === 'in';
  // Only the bot's latest question offers buttons; an old menu stays text.
  const menu = createMemo(() => (!mine() && props.item.isBot && props.last ? parseMenu(props.item.text) : { text: props.item.text, options: [] }));
  return (
    <div class={`w-msg ${mine() ? 'w-in' : 'w-out'}`}>
      <Show when={!mine() && props.item.author}>
        <p class="w-author">{props.item.author}</p>
      </Show>
      <Show when={props.item.attachment}>{(a) => <Attachment file={a()} local={props.item.file ?? null} token={props.token} api={props.api} />}</Show>
      <Show when={menu().text}>
        <p class="w-text">{menu().text}</p>
      </Show>
      <Show when={menu().options.length > 0}>
        <div class="w-options" role="group" aria-label={t('widget.options')}>
          <For each={menu().options}>
            {(o) => (
              <button type="button" onClick={() => props.onChoose(o.key)}>
                {o.label}
              </button>
            )}
          </For>
        </div>
      </Show>
      <Show when={mine()}>
        <p class="w-status">
          <Show when={props.item.local === 'pending'}>{t('widget.pending')}</Show>
          <Show when={props.item.local === 'failed'}>
            <span class="w-failed">{props.item.error ?? t('widget.failed')}</span>{' '}
            <button type="button" class="w-retry" onClick={() => props.onRetry(props.item)}>
              {t('widget.retry')}
            </button>
          </Show>
          <Show when={!props.item.local}>
            <span aria-hidden="true">{props.read ? '✓✓' : '✓'}</span>
            <span class="w-sr" data-status={props.read ? 'read' : 'delivered'}>
              {props.read ? t('widget.read') : t('widget.delivered')}
            </span>
          </Show>
        </p>
      </Show>
    </div>
  );
}

function Attachment(props: { file: NonNullable<Item['attachment']>; local: File | null; token: () => string | null; api: WebchatApi }) {
  const isImage = () => props.file.contentType.startsWith('image/');
  const [url, setUrl] = createSignal<string | null>(null);
  const blob = async (): Promise<Blob | null> => {
    if (props.local) return props.local;
    const token = props.token();
    return token && props.file.url ? props.api.file(token, props.file.url).catch(() => null) : null;
  };
  onMount(async () => {
    if (!isImage()) return;
    const b = await blob();
    if (b) setUrl(URL.createObjectURL(b));
  });
  onCleanup(() => {
    const u = url();
    if (u) URL.revokeObjectURL(u);
  });
  const download = async () => {
    const b = await blob();
    if (!b) return;
    const u = URL.createObjectURL(b);
    const link = document.createElement('a');
    link.href = u;
    link.download = props.file.filename;
    link.click();
    setTimeout(() => URL.revokeObjectURL(u), 10_000);
  };
  return (
    <Show
      when={isImage() && url()}
      fallback={
        <button type="button" class="w-file" onClick={() => void download()}>
          {t('widget.file', { name: props.file.filename })}
        </button>
      }
    >
      {(u) => <img class="w-image" src={u()} alt={props.file.filename} />}
    </Show>
  );
}
