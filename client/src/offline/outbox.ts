import { createMemo, createSignal, type Accessor } from 'solid-js';
import type { UseStore } from 'idb-keyval';
import { errorCode, errorMessage, trpc } from '../trpc.ts';
import { keys } from '../lib/keys.ts';
import { queryClient } from './query-client.ts';
import { onReconnect } from './connection.ts';
import { closableStore, userDbPrefix } from './idb.ts';
import * as core from './outbox-core.ts';
import type { OutboxItem } from './outbox-core.ts';

export type { OutboxItem };

/**
 * The customer-message outbox of the signed-in user (SPEC §8): IndexedDB per user, sent in
 * order per conversation on start, on reconnect and periodically, once across every open
 * tab (a Web Lock around the sender, a BroadcastChannel to keep every tab's list current).
 */
const outboxDbName = (userId: string) => `${userDbPrefix(userId)}outbox`;
const lockName = (userId: string) => `${userDbPrefix(userId)}outbox`;
const RETRY_EVERY_MS = 15_000;
/** How long a send waits for the conversation to show the sent message before leaving the outbox. */
const SHOW_SENT_WAIT_MS = 3_000;

/** Errors worth retrying: the server said "not now", not "no". */
const TRANSIENT = new Set([
  'INTERNAL_SERVER_ERROR',
  'SERVICE_UNAVAILABLE',
  'TOO_MANY_REQUESTS',
  'TIMEOUT',
  'BAD_GATEWAY',
  'GATEWAY_TIMEOUT',
  'UNAUTHORIZED',
  'CLIENT_CLOSED_REQUEST',
]);

export function refusalOf(error: unknown): string | null {
  const code = errorCode(error);
  if (code === undefined || TRANSIENT.has(code)) return null;
  return errorMessage(error);
}

const stores = new Map<string, UseStore>();
function storeOf(userId: string): UseStore {
  let store = stores.get(userId);
  if (!store) {
    store = closableStore(outboxDbName(userId), 'items');
    stores.set(userId, store);
  }
  return store;
}

const [items, setItems] = createSignal<OutboxItem[]>([]);

interface Active {
  userId: string;
  channel: BroadcastChannel | null;
  kick: () => void;
}
let active: Active | null = null;

async function reload(userId: string): Promise<void> {
  const list = await core.readItems(storeOf(userId));
  if (active?.userId === userId) setItems(list);
}

function changed(userId: string): void {
  void reload(userId);
  if (active?.userId === userId) active.channel?.postMessage('changed');
  else if (typeof BroadcastChannel !== 'undefined') {
    const once = new BroadcastChannel(lockName(userId));
    once.postMessage('changed');
    once.close();
  }
}

/** Inside one tab the Web Lock is the mutex too; without Web Locks (old browsers) a tab-local one. */
function lockFor(userId: string): (fn: () => Promise<void>) => Promise<void> {
  let tail: Promise<void> = Promise.resolve();
  return (fn) => {
    if (typeof navigator !== 'undefined' && navigator.locks) return navigator.locks.request(lockName(userId), () => fn()).then(() => {});
    const run = tail.then(fn, fn);
    tail = run.catch(() => {});
    return run;
  };
}

function depsFor(userId: string): core.OutboxDeps {
  return {
    store: storeOf(userId),
    send: (item) =>
      trpc.conversations.send.mutate({
        conversationId: item.conversationId,
        text: item.text,
        clientMessageId: item.clientMessageId,
        attachmentId: item.attachmentId,
      }),
    refusal: refusalOf,
    withLock: lockFor(userId),
    changed: () => changed(userId),
    // The conversation shows the sent message before the outbox copy goes (no flicker).
    sent: (item) =>
      Promise.race([
        queryClient.invalidateQueries({ queryKey: keys.conversation(item.conversationId) }),
        new Promise((resolve) => setTimeout(resolve, SHOW_SENT_WAIT_MS)),
      ]).then(() => {}),
  };
}

/** Saved to IndexedDB before the first attempt; then the sender is kicked. */
export async function enqueueMessage(
  userId: string,
  m: { conversationId: string; text: string; attachmentId?: string | null },
): Promise<OutboxItem> {
  const item = await core.addItem(storeOf(userId), m);
  changed(userId);
  if (active?.userId === userId) active.kick();
  return item;
}

/** This conversation's messages still in the outbox (pending, sending, or refused drafts), in order. */
export function useOutbox(conversationId: () => string): Accessor<OutboxItem[]> {
  return createMemo(() => {
    const id = conversationId();
    return items().filter((i) => i.conversationId === id);
  });
}

/** Every message of the outbox (the top menu counts what waits). */
export const outboxItems = items;

export async function discardDraft(userId: string, clientMessageId: string): Promise<void> {
  await core.removeDraft(storeOf(userId), clientMessageId);
  changed(userId);
}

/** A draft back in line: the server re-checks it (window, assignment) when it is sent. */
export async function retryDraft(userId: string, clientMessageId: string): Promise<void> {
  await core.requeueDraft(storeOf(userId), clientMessageId);
  changed(userId);
  if (active?.userId === userId) active.kick();
}

/** Called once by the signed-in layout; returns the stop function (logout calls it too). */
export function startOutbox(userId: string): () => void {
  stopOutbox();
  const deps = depsFor(userId);
  let running = false;
  let again = false;
  const kick = () => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    void (async () => {
      try {
        do {
          again = false;
          await core.drainOutbox(deps);
        } while (again && active === me);
      } catch (error) {
        console.error('outbox', error);
      } finally {
        running = false;
      }
    })();
  };
  const channel = typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel(lockName(userId));
  const me: Active = { userId, channel, kick };
  active = me;
  if (channel) channel.onmessage = () => void reload(userId);
  const offReconnect = onReconnect(kick);
  const timer = setInterval(() => {
    if (items().some((i) => i.state !== 'draft')) kick();
  }, RETRY_EVERY_MS);
  void reload(userId).then(kick);
  const stop = () => {
    clearInterval(timer);
    offReconnect();
    channel?.close();
    if (active === me) {
      active = null;
      setItems([]);
    }
  };
  stopCurrent = stop;
  return () => {
    if (stopCurrent === stop) stopOutbox();
  };
}

let stopCurrent: (() => void) | null = null;

export function stopOutbox(): void {
  const stop = stopCurrent;
  stopCurrent = null;
  stop?.();
}
