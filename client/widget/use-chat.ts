import { createSignal, onCleanup, onMount } from 'solid-js';
import { createStore, reconcile } from 'solid-js/store';
import { CHANNEL_ID, type ChannelProfile, type WebchatConversation, type WebchatMessage } from '../../shared/webchat-wire.ts';
import { allowSites, ApiError, host, hostSession, loadSession, newClientMessageId, saveSession, WebchatApi, type Session } from './api.ts';
import { brandColours } from './brand.ts';
import type { HostData } from './host.ts';
import { localItem, mergeItems, sortItems, type Item } from './items.ts';
import { t } from './strings.ts';
import { openStream } from './stream.ts';

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

export type Chat = ReturnType<typeof useChat>;

/**
 * The visitor's conversation with the channel in the address (`?channel=`): the session (its
 * own storage or the embedding page's), the messages (fetched, streamed, and the ones being
 * sent), the conversation's state and the channel's profile. `onShown`: the embedding page
 * opened the chat.
 */
export function useChat(onShown: () => void) {
  const channelId = new URLSearchParams(location.search).get('channel') ?? '';
  const validChannel = CHANNEL_ID.test(channelId);
  const api = new WebchatApi(channelId, t('error.network'));

  const [session, setSession] = createSignal<Session | null>(validChannel ? loadSession(channelId) : null);
  // A store reconciled by id: an update (a status, a read mark) changes that message's fields
  // in place, so its row — and a focused menu button in it — is not re-created.
  const [itemStore, setItemStore] = createStore<Item[]>([]);
  const items = () => itemStore;
  const setItems = (next: (list: Item[]) => Item[]) => setItemStore(reconcile(next(itemStore), { key: 'id' }));
  const [conversation, setConversation] = createSignal<WebchatConversation | null>(null);
  const [connected, setConnected] = createSignal(true);
  const [unavailable, setUnavailable] = createSignal(!validChannel);
  const [error, setError] = createSignal<string | null>(validChannel ? null : t('webchat.unknownChannel'));
  const [open, setOpen] = createSignal(true);
  const [name, setName] = createSignal('');
  const [profile, setProfile] = createSignal<ChannelProfile | null>(null);
  let stream: { close(): void } | null = null;
  let starting: Promise<Session> | null = null;

  const patch = (clientMessageId: string, change: Partial<Item>) =>
    setItems((list) => list.map((i) => (i.local && i.clientMessageId === clientMessageId ? { ...i, ...change } : i)));
  const merge = (incoming: WebchatMessage[], full = false, olderExist = false) =>
    setItems((list) => mergeItems(list, incoming, full, olderExist));
  const refuseChannel = (e: unknown) => {
    if (e instanceof ApiError && e.status === 404) {
      setUnavailable(true);
      setError(e.message);
    }
  };

  /** The token is no longer valid: start over as a new visitor on the next message. */
  function forget() {
    stream?.close();
    stream = null;
    saveSession(channelId, null);
    setSession(null);
    setConversation(null);
    setItems((list) => list.filter((i) => i.local).map((i) => ({ ...i, attachmentId: undefined })));
  }

  // Whether messages older than the oldest shown exist (the newest page says, then each older page).
  const [older, setOlder] = createSignal(false);
  const [loadingOlder, setLoadingOlder] = createSignal(false);
  const oldestShown = () => items().find((i) => !i.local);

  async function refresh() {
    const s = session();
    if (!s) return;
    try {
      const r = await api.messages(s.token);
      const first = oldestShown();
      // Older pages already loaded keep their own answer; the newest page speaks only for itself.
      if (!first || !r.messages[0] || first.seq >= r.messages[0].seq) setOlder(r.older);
      merge(r.messages, true, r.older);
      setConversation(r.conversation);
      markRead();
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) forget();
    }
  }

  /** The page just older than what is shown (the visitor scrolled to the top). */
  async function loadOlder(): Promise<void> {
    const s = session();
    const first = oldestShown();
    if (!s || !first || !older() || loadingOlder()) return;
    setLoadingOlder(true);
    try {
      const r = await api.messages(s.token, first.id);
      merge(r.messages);
      setOlder(r.older);
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) forget();
    } finally {
      setLoadingOlder(false);
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
        refuseChannel(e);
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
      const { message } = await api.send(s.token, {
        clientMessageId: cid,
        ...(item.text ? { text: item.text } : {}),
        ...(attachmentId ? { attachmentId } : {}),
      });
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
    const item = localItem(newClientMessageId(), text, picked, menuChoice);
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
      const last = items()
        .filter((i) => i.direction === 'out' && !i.local && i.status !== 'read')
        .at(-1);
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
        onShown();
      }
    }
  };
  const onVisibility = () => markRead();

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
        .catch(refuseChannel);
    }
    onCleanup(host.onMessage(onParentMessage));
    document.addEventListener('visibilitychange', onVisibility);
    connect();
  });
  onCleanup(() => {
    stream?.close();
    clearTimeout(readTimer);
    document.removeEventListener('visibilitychange', onVisibility);
  });

  return {
    api,
    session,
    items,
    conversation,
    connected,
    unavailable,
    error,
    profile,
    name,
    setName,
    submit,
    deliver,
    older,
    loadingOlder,
    loadOlder,
  };
}
