import { bottomFollower } from '../src/lib/follow-bottom.ts';
import { createEffect, createMemo, createSignal, For, Index, on, onCleanup, onMount, Show } from 'solid-js';
import { createStore, reconcile } from 'solid-js/store';
import {
  allowSites,
  ApiError,
  host,
  hostSession,
  loadSession,
  newClientMessageId,
  saveSession,
  WebchatApi,
  type ChannelProfile,
  type Session,
  type WidgetConversation,
  type WidgetMessage,
} from './api.ts';
import type { HostData } from './host.ts';
import { watchFileArrivals } from '../src/workspace/conversation/file-arrivals.ts';
import { brandColours } from './brand.ts';
import { FormattedText } from '../src/lib/formatted-text.tsx';
import { parseMenu } from './menu.ts';
import { lang, t } from './strings.ts';
import { openStream } from './stream.ts';

/*
 * The visitor's language (strings.ts): the first of the browser's languages the catalogue
 * has (pt-BR, en, es). A browser asking only for one it lacks gets its next preference, and
 * the catalogue's default (pt-BR) at last.
 */
function formatTime(at: string): string {
  const d = new Date(at);
  return Number.isNaN(d.getTime()) ? '' : new Intl.DateTimeFormat(lang, { hour: '2-digit', minute: '2-digit' }).format(d);
}

function formatSize(bytes: number): string {
  const n = (x: number) => new Intl.NumberFormat(lang, { maximumFractionDigits: 1 }).format(x);
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${n(bytes / 1024)} KB`;
  return `${n(bytes / 1024 / 1024)} MB`;
}

/** The brand colour as the widget's accent (CSS variables of widget.css). */
function applyBrand(color: string | null) {
  const b = brandColours(color);
  if (!b) return;
  const style = document.documentElement.style;
  style.setProperty('--w-accent', b.accent);
  style.setProperty('--w-accent-text', b.onAccent);
  style.setProperty('--w-accent-hover', b.hover);
  style.setProperty('--w-accent-ink', b.ink);
}

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

/** The server's order (seq); what the visitor is still sending comes after it, in the order written. */
function sortItems(list: Item[]): Item[] {
  const key = (i: Item) => (i.local ? Number.MAX_SAFE_INTEGER : i.seq);
  return [...list].sort((a, b) => key(a) - key(b) || (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
}

/**
 * Never show a status older than the one on screen (events and fetches may cross); keep the
 * same object when nothing changed, so the row (and its image) is not rendered again.
 */
function newer(current: Item | undefined, next: WidgetMessage): Item {
  if (current && !current.local && current.id === next.id) {
    const status = (STATUS_RANK[current.status] ?? 0) >= (STATUS_RANK[next.status] ?? 0) ? current.status : next.status;
    if (status === current.status && current.text === next.text && current.author === next.author && current.menuChoice === next.menuChoice) return current;
    return { ...next, status };
  }
  return { ...next };
}

export function App() {
  const channelId = new URLSearchParams(location.search).get('channel') ?? '';
  const validChannel = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(channelId);
  const embedded = host.embedded;
  const api = new WebchatApi(channelId, t('error.network'));

  const [session, setSession] = createSignal<Session | null>(validChannel ? loadSession(channelId) : null);
  // A store reconciled by id: an update (a status, a read mark) changes that message's fields
  // in place, so its row — and a focused menu button in it — is not re-created.
  const [itemStore, setItemStore] = createStore<Item[]>([]);
  const items = () => itemStore;
  const setItems = (next: (list: Item[]) => Item[]) => setItemStore(reconcile(next(itemStore), { key: 'id' }));
  const [conversation, setConversation] = createSignal<WidgetConversation | null>(null);
  const [connected, setConnected] = createSignal(true);
  const [unavailable, setUnavailable] = createSignal(!validChannel);
  const [error, setError] = createSignal<string | null>(validChannel ? null : t('webchat.unknownChannel'));
  const [open, setOpen] = createSignal(true);
  const [name, setName] = createSignal('');
  const [draft, setDraft] = createSignal('');
  const [files, setFiles] = createSignal<File[]>([]);
  const [dragging, setDragging] = createSignal(false);
  const [profile, setProfile] = createSignal<ChannelProfile | null>(null);
  let stream: { close(): void } | null = null;
  let starting: Promise<Session> | null = null;
  let rootEl!: HTMLDivElement;
  let logEl: HTMLDivElement | undefined;
  let fileInput: HTMLInputElement | undefined;
  let textEl: HTMLTextAreaElement | undefined;

  const patch = (clientMessageId: string, change: Partial<Item>) =>
    setItems((list) => list.map((i) => (i.local && i.clientMessageId === clientMessageId ? { ...i, ...change } : i)));

  /**
   * Adds or updates messages from the server. A full list replaces what it covers, but keeps
   * the visitor's unsent ones and whatever arrived after it was read: a list fetched as the
   * stream opened can answer after the first messages came by the stream, and must not wipe them.
   */
  function merge(incoming: WidgetMessage[], full = false) {
    setItems((list) => {
      const newest = incoming.reduce((max, m) => Math.max(max, m.seq), 0);
      const next = full ? list.filter((i) => i.local || i.seq > newest) : [...list];
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

  /** Sends one message; a token that expired meanwhile starts a new visitor and sends once more. */
  async function deliver(item: Item, retried = false): Promise<void> {
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
      if (e instanceof ApiError && e.status === 401) {
        forget();
        if (!retried) return deliver(item, true);
      }
      patch(cid, { local: 'failed', error: e instanceof Error ? e.message : t('widget.failed') });
    }
  }

  /** `menuChoice`: the menu option's name, shown in the bubble while the server has the message. */
  function submit(text: string, picked: File | null, menuChoice: string | null = null) {
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
      notice: null,
      menuChoice,
      status: 'pending',
      clientMessageId: cid,
      attachment: picked ? { id: '', filename: picked.name, contentType: picked.type, size: picked.size, url: '' } : null,
      at: new Date().toISOString(),
      seq: 0,
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

  /** The session a page the channel allows keeps for us (api.ts hostSession), unless we have one. */
  function adoptHostSession() {
    if (!validChannel || session() || starting) return;
    const held = hostSession(channelId);
    if (!held) return;
    setSession(held);
    connect();
  }

  const onParentMessage = (data: HostData) => {
    if (data.type === 'atende:session') adoptHostSession();
    if (data.type === 'atende:visibility') {
      setOpen(data.open);
      if (open()) {
        markRead();
        textEl?.focus();
      }
    }
  };
  const onVisibility = () => markRead();

  /** Files from the attach button, a paste or a drop: attached, sent with the next Send. */
  const addFiles = (list: readonly File[]) => {
    if (unavailable() || list.length === 0) return;
    setFiles((current) => [...current, ...list]);
    textEl?.focus();
  };

  onMount(() => {
    if (validChannel) {
      api
        .profile()
        .then((p) => {
          setProfile(p);
          allowSites(p.allowedSites ?? []);
          adoptHostSession();
          applyBrand(p.organization.brandColor);
          document.title = `${p.organization.name} · ${t('widget.title')}`;
        })
        .catch((e: unknown) => {
          if (e instanceof ApiError && e.status === 404) {
            setUnavailable(true);
            setError(e.message);
          }
        });
    }
    onCleanup(host.onMessage(onParentMessage));
    document.addEventListener('visibilitychange', onVisibility);
    connect();
    textEl?.focus();
    onCleanup(watchFileArrivals(rootEl, { accepts: () => !unavailable(), dragging: setDragging, files: addFiles }));
  });
  onCleanup(() => {
    stream?.close();
    clearTimeout(readTimer);
    document.removeEventListener('visibilitychange', onVisibility);
  });

  /*
   * Follow the newest line: while the visitor is at the bottom of the log (or has just
   * written), a new message, notice or loaded image keeps the bottom in view; scrolled up to
   * read, they stay where they are.
   */
  const follower = bottomFollower();
  const toBottom = () => follower.toBottom(logEl);
  const onLogScroll = () => {
    if (logEl) follower.onScroll(logEl);
  };

  /*
   * What happened to the current conversation, as lines between the messages: "You're in
   * the queue for Support" after the visitor's answer, "Ana joined" when an agent claimed it
   * (from the conversation the stream sends on queue and claim events).
   */
  const notices = createMemo(() => {
    const c = conversation();
    const list: { key: string; text: string; afterSeq: number }[] = [];
    if (!c || c.status === 'bot') return list;
    if (c.queued) list.push({ key: 'queued', text: c.queued.team ? t('widget.queued', { team: c.queued.team }) : t('widget.queuedAny'), afterSeq: c.queued.afterSeq });
    if (c.joined) list.push({ key: 'joined', text: c.joined.agent ? t('widget.joined', { name: c.joined.agent }) : t('widget.agentJoined'), afterSeq: c.joined.afterSeq });
    return list.sort((a, b) => a.afterSeq - b.afterSeq);
  });
  /** Each notice after the last message of the conversation it follows (at the end when that is not loaded). */
  const noticesAt = createMemo(() => {
    const c = conversation();
    const at = new Map<string, { key: string; text: string }[]>();
    const list = items();
    for (const n of notices()) {
      let anchor = 'end';
      for (const i of list) if (!i.local && i.conversationId === c?.id && i.seq <= n.afterSeq) anchor = i.id;
      at.set(anchor, [...(at.get(anchor) ?? []), n]);
    }
    return at;
  });
  createEffect(
    on(
      () => [items().length, items().at(-1)?.id, notices().length, conversation()?.status],
      () => {
        if (items().at(-1)?.local === 'pending') follower.follow();
        requestAnimationFrame(toBottom);
      },
    ),
  );
  onMount(() => {
    // An image that loads below the fold pushes the bottom down.
    logEl?.addEventListener('load', toBottom, true);
    onCleanup(() => logEl?.removeEventListener('load', toBottom, true));
  });

  /** The visitor's messages count as read once an agent has answered after them. */
  const lastAgentIndex = createMemo(() => {
    const list = items();
    for (let i = list.length - 1; i >= 0; i--) if (list[i]!.direction === 'out' && !list[i]!.isBot) return i;
    return -1;
  });

  const onSubmit = (e: SubmitEvent) => {
    e.preventDefault();
    // One message per file (the text goes with the first), each through the same upload.
    const [first = null, ...rest] = files();
    submit(draft(), first);
    for (const more of rest) submit('', more);
    setDraft('');
    setFiles([]);
    textEl?.focus();
  };

  const orgName = () => profile()?.organization.name ?? '';

  return (
    <div class={`w-root${embedded ? '' : ' w-page'}`} ref={rootEl}>
      <div class="w-dropzone" classList={{ 'w-on': dragging() }} role="status">
        <Show when={dragging()}>
          <span>{t('widget.dropHere')}</span>
        </Show>
      </div>
      <header class="w-header">
        <span class="w-avatar" aria-hidden="true">
          {(orgName().trim()[0] ?? '').toUpperCase() || (
            <svg width="20" height="20" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">
              <path d="M21 15a2 2 0 0 1-2 2H7l-4 4V5a2 2 0 0 1 2-2h14a2 2 0 0 1 2 2z" />
            </svg>
          )}
        </span>
        <div class="w-heading">
          <h1 class="w-title">{orgName() || t('widget.title')}</h1>
          <p class="w-subtitle">
            <Show when={orgName()}>
              <span>{t('widget.title')}</span>
            </Show>
            <Show when={conversation()}>{(c) => <span class="w-protocol">{t('widget.protocol', { protocol: c().protocol })}</span>}</Show>
          </p>
        </div>
        <Show when={embedded}>
          <button type="button" class="w-close" aria-label={t('widget.close')} title={t('widget.close')} onClick={() => host.close()}>
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
      <div class="w-log" role="log" aria-live="polite" aria-label={t('widget.messages')} tabindex="0" ref={logEl} onScroll={onLogScroll}>
        <Show when={items().length === 0 && !unavailable()}>
          <p class="w-welcome">{t('widget.welcome')}</p>
        </Show>
        <For each={items()}>
          {(item, index) => (
            <>
              <MessageRow
                item={item}
                last={index() === items().length - 1}
                read={item.direction === 'in' && index() < lastAgentIndex()}
                rateable={conversation()?.status === 'closed' && conversation()?.id === item.conversationId}
                profile={profile()}
                token={() => session()?.token ?? null}
                api={api}
                onChoose={(key, label) => {
                  submit(key, null, label);
                  // The buttons go away with the choice: keep the keyboard in the message box.
                  textEl?.focus();
                }}
                onRetry={(i) => void deliver(i)}
              />
              <For each={noticesAt().get(item.id)}>{(n) => <p class="w-event" data-notice={n.key}>{n.text}</p>}</For>
            </>
          )}
        </For>
        <For each={noticesAt().get('end')}>{(n) => <p class="w-event" data-notice={n.key}>{n.text}</p>}</For>
        <Show when={conversation()?.status === 'closed' && items().at(-1)?.direction === 'out'}>
          <p class="w-ended">{t('widget.ended')}</p>
        </Show>
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
        <For each={files()}>
          {(f) => (
            <div class="w-chip">
              <svg width="16" height="16" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true">
                <path d="M14 2H6a2 2 0 0 0-2 2v16a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2V8z" />
                <path d="M14 2v6h6" />
              </svg>
              <span>{f.name}</span>
              <small>{formatSize(f.size)}</small>
              <button
                type="button"
                aria-label={t('widget.removeFile', { name: f.name })}
                title={t('widget.removeFile', { name: f.name })}
                onClick={() => setFiles((list) => list.filter((x) => x !== f))}
              >
                ×
              </button>
            </div>
          )}
        </For>
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
            multiple
            ref={fileInput}
            onChange={(e) => {
              const picked = Array.from(e.currentTarget.files ?? []);
              e.currentTarget.value = '';
              addFiles(picked);
            }}
          />
          <label class="w-sr" for="w-text">
            {t('widget.message')}
          </label>
          <textarea
            id="w-text"
            name="message"
            rows={1}
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
          <button type="submit" class="w-send" aria-label={t('widget.send')} title={t('widget.send')} disabled={unavailable()}>
            <svg width="18" height="18" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true">
              <path d="m22 2-7 20-4-9-9-4z" />
              <path d="M22 2 11 13" />
            </svg>
            <span class="w-send-label">{t('widget.send')}</span>
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
  /** Its conversation is finished: a rating request offers its star buttons. */
  rateable: boolean;
  profile: ChannelProfile | null;
  token: () => string | null;
  api: WebchatApi;
  onChoose: (key: string, label: string | null) => void;
  onRetry: (item: Item) => void;
}) {
  const mine = () => props.item.direction === 'in';
  const notice = () => !mine() && props.item.notice === 'noOneAvailable';
  // Only the bot's latest question offers buttons; an old menu stays text.
  const menu = createMemo(() =>
    !mine() && props.item.isBot && props.last ? parseMenu(props.item.text, props.profile?.menu ?? null) : { text: props.item.text, options: [] },
  );
  const time = () => formatTime(props.item.at);
  const rating = () => !mine() && props.item.notice === 'ratingRequest';
  return (
    <Show
      when={!notice()}
      fallback={
        <div class="w-notice">
          <svg width="18" height="18" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true">
            <circle cx="12" cy="12" r="10" />
            <path d="M12 6v6l4 2" />
          </svg>
          <div>
            <p class="w-notice-title">{t('widget.noOneAvailable')}</p>
            <p class="w-text">{props.item.text}</p>
          </div>
        </div>
      }
    >
      <div class={`w-msg ${mine() ? 'w-in' : 'w-out'}${props.item.isBot ? ' w-bot' : ''}`}>
        <Show when={!mine() && (props.item.author || props.item.isBot)}>
          <p class="w-author">{props.item.author ?? t('widget.automatic')}</p>
        </Show>
        <Show when={props.item.attachment}>{(a) => <Attachment file={a()} local={props.item.file ?? null} token={props.token} api={props.api} />}</Show>
        <Show when={rating()}>
          <p class="w-text">{t('widget.rate')}</p>
          <Show when={props.last && props.rateable}>
            <div class="w-stars" role="group" aria-label={t('widget.rate')}>
              <For each={[1, 2, 3, 4, 5]}>
                {(n) => (
                  <button type="button" aria-label={t('widget.stars', { n })} title={t('widget.stars', { n })} onClick={() => props.onChoose(String(n), null)}>
                    ★
                  </button>
                )}
              </For>
            </div>
          </Show>
        </Show>
        <Show when={!rating() && (mine() ? props.item.menuChoice ?? props.item.text : menu().text)}>
          {(text) => <FormattedText class="w-text" text={text()} />}
        </Show>
        <Show when={menu().options.length > 0}>
          <div class="w-options" role="group" aria-label={t('widget.options')}>
            {/* By position: the menu is parsed again when the channel's profile or a status
                arrives, and the same options must stay the same buttons (focus, a click under way). */}
            <Index each={menu().options}>
              {(o) => (
                <button type="button" onClick={() => props.onChoose(o().key, o().label)}>
                  {o().label}
                </button>
              )}
            </Index>
          </div>
        </Show>
        <p class="w-meta">
          <Show when={!props.item.local}>
            <time datetime={props.item.at}>{time()}</time>
          </Show>
          <Show when={mine()}>
            <Show when={props.item.local === 'pending'}>
              <span>{t('widget.pending')}</span>
            </Show>
            <Show when={props.item.local === 'failed'}>
              <span class="w-failed">{props.item.error ?? t('widget.failed')}</span>{' '}
              <button type="button" class="w-retry" onClick={() => props.onRetry(props.item)}>
                {t('widget.retry')}
              </button>
            </Show>
            <Show when={!props.item.local}>
              <span class={`w-mark${props.read ? ' w-mark-read' : ''}`} data-status={props.read ? 'read' : 'delivered'} title={props.read ? t('widget.read') : t('widget.delivered')}>
                <span aria-hidden="true">{props.read ? '✓✓' : '✓'}</span>
                <span class="w-sr">{props.read ? t('widget.read') : t('widget.delivered')}</span>
              </span>
            </Show>
          </Show>
        </p>
      </div>
    </Show>
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
          <svg width="18" height="18" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true">
            <path d="M21 15v4a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2v-4" />
            <path d="m7 10 5 5 5-5" />
            <path d="M12 15V3" />
          </svg>
          <span>{t('widget.file', { name: props.file.filename })}</span>
          <Show when={props.file.size > 0}>
            <small>{formatSize(props.file.size)}</small>
          </Show>
        </button>
      }
    >
      {(u) => <img class="w-image" src={u()} alt={props.file.filename} />}
    </Show>
  );
}
