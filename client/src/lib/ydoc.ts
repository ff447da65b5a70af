import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { IndexeddbPersistence } from 'y-indexeddb';
import { createComputed, createSignal, onCleanup, type Accessor } from 'solid-js';
import { CloseCode } from '../../../sync/shared/close-codes.ts';

/**
 * One shared Yjs document per name per tab: the stock y-websocket provider against our
 * `/sync`, persisted in IndexedDB under the signed-in user's prefix (wiped at logout), and
 * reference-counted so every component that shows the same document shares one connection.
 */
export type SyncStatus = 'connecting' | 'connected' | 'offline' | 'refused';

export interface SharedDoc {
  name: string;
  doc: Y.Doc;
  provider: WebsocketProvider;
  awareness: WebsocketProvider['awareness'];
  /** Loaded from IndexedDB (readable offline). */
  local: Accessor<boolean>;
  /** In step with the server at least once in this tab. */
  synced: Accessor<boolean>;
  status: Accessor<SyncStatus>;
  /** The close code of a refusal (4401 session ended, 4403 no permission, …), if refused. */
  refusal: Accessor<number | null>;
}

interface Entry extends SharedDoc {
  refs: number;
  idb: IndexeddbPersistence;
  userId: string;
  releaseTimer?: ReturnType<typeof setTimeout>;
}

const docs = new Map<string, Entry>();
/** A released document stays open this long, so switching screens does not reconnect. */
const LINGER_MS = 10_000;
/**
 * The stock provider never reconnects after a 44xx close (sync/shared/close-codes.ts): every one of
 * them is a refusal here too, or the screen would say "offline, reconnecting" for ever.
 */
const isRefusal = (code: number): boolean => code >= 4400 && code < 4500;

/** The IndexedDB database name of a user's copy of a document. */
const localDbName = (userId: string, name: string) => `atende:${userId}:${name}`;
/** Every local database of a user starts with this (the logout wipe deletes them all). */
export const localDbPrefix = (userId: string) => `atende:${userId}:`;

function syncUrl(): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/sync`;
}

/**
 * A provider's status, from its events. A 44xx close is a refusal: the provider stops and the
 * screen says why. A 1012 close (the server process drains: a deploy, a scale-down) means
 * "reconnect now": the status stays `connecting` — never `offline` — and the provider's
 * back-off starts over, so it is back within its first delay (200 ms), on another process.
 * Any other close is `offline` while the provider retries with its back-off.
 */
export function trackStatus(provider: WebsocketProvider): { status: Accessor<SyncStatus>; refusal: Accessor<number | null> } {
  const [status, setStatus] = createSignal<SyncStatus>('connecting');
  const [refusal, setRefusal] = createSignal<number | null>(null);
  let restarting = false;
  provider.on('status', ({ status: s }: { status: string }) => {
    if (refusal() !== null) return;
    if (s === 'connected') restarting = false;
    setStatus(s === 'connected' ? 'connected' : s === 'connecting' || restarting ? 'connecting' : 'offline');
  });
  provider.on('connection-close', (event: CloseEvent | null) => {
    restarting = false;
    if (event && isRefusal(event.code)) {
      // The server will say the same again: stop retrying, show why.
      setRefusal(event.code);
      setStatus('refused');
      provider.disconnect();
    } else if (event?.code === CloseCode.ServiceRestart) {
      // Counted as a failed attempt right after this event: from 0, the next try is the first one.
      restarting = true;
      provider.wsUnsuccessfulReconnects = 0;
      setStatus('connecting');
    } else if (status() !== 'refused') {
      setStatus('offline');
    }
  });
  return { status, refusal };
}

function open(userId: string, name: string): Entry {
  const doc = new Y.Doc();
  const idb = new IndexeddbPersistence(localDbName(userId, name), doc);
  const provider = new WebsocketProvider(syncUrl(), name, doc, { disableBc: false });
  const [local, setLocal] = createSignal(false);
  const [synced, setSynced] = createSignal(false);
  void idb.whenSynced.then(() => setLocal(true));
  provider.on('sync', (isSynced: boolean) => {
    if (isSynced) setSynced(true);
  });
  const { status, refusal } = trackStatus(provider);
  return { name, doc, provider, awareness: provider.awareness, local, synced, status, refusal, refs: 0, idb, userId };
}

/** Takes a reference to a document; pair with releaseDoc. */
export function acquireDoc(userId: string, name: string): SharedDoc {
  let entry = docs.get(name);
  if (entry && entry.userId !== userId) {
    destroy(entry);
    entry = undefined;
  }
  if (!entry) {
    entry = open(userId, name);
    docs.set(name, entry);
  }
  clearTimeout(entry.releaseTimer);
  entry.refs += 1;
  return entry;
}

export function releaseDoc(name: string): void {
  const entry = docs.get(name);
  if (!entry) return;
  entry.refs -= 1;
  if (entry.refs > 0) return;
  entry.releaseTimer = setTimeout(() => {
    if (entry.refs <= 0) destroy(entry);
  }, LINGER_MS);
}

function destroy(entry: Entry): void {
  clearTimeout(entry.releaseTimer);
  docs.delete(entry.name);
  entry.provider.destroy();
  void entry.idb.destroy();
  entry.doc.destroy();
}

/** Closes every open document (logout); the local copies are deleted by the caller. */
export function closeAllDocs(): void {
  for (const entry of [...docs.values()]) destroy(entry);
}

/**
 * Inside a component: the shared document for a reactive name (null → none). The document
 * is acquired when the name appears and released on change and on cleanup.
 */
export function useSharedDoc(
  userId: Accessor<string | null | undefined>,
  name: Accessor<string | null | undefined>,
): Accessor<SharedDoc | null> {
  const [current, setCurrent] = createSignal<SharedDoc | null>(null);
  let held: string | null = null;
  const sync = () => {
    const u = userId();
    const n = name();
    const key = u && n ? n : null;
    if (key === held) return;
    if (held) releaseDoc(held);
    held = key;
    setCurrent(key && u ? acquireDoc(u, key) : null);
  };
  createComputed(sync);
  onCleanup(() => {
    if (held) releaseDoc(held);
    held = null;
  });
  return current;
}
