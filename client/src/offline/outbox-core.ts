import { promisifyRequest, type UseStore } from 'idb-keyval';
import { mutate } from './idb.ts';

/**
 * The outbox's rules, apart from the browser wiring (outbox.ts) so they can be tested with
 * fake-indexeddb: a customer message is stored before its first attempt, sent in order per
 * conversation under one lock across tabs, and either removed (sent), kept pending (the
 * server never answered) or turned into a draft with the server's reason (refused).
 */
export interface OutboxItem {
  clientMessageId: string;
  conversationId: string;
  text: string;
  attachmentId: string | null;
  createdAt: number;
  state: 'pending' | 'sending' | 'draft';
  error: string | null;
}

export interface OutboxDeps {
  store: UseStore;
  /** Sends one message; resolves when the server accepted it (or replayed its first answer). */
  send: (item: OutboxItem) => Promise<unknown>;
  /** The server's sentence when the error is its final verdict; null when it may succeed later. */
  refusal: (error: unknown) => string | null;
  /** Runs `fn` holding the outbox lock of this user (Web Locks across tabs). */
  withLock: (fn: () => Promise<void>) => Promise<void>;
  /** Called after every change of the stored items. */
  changed: () => void;
  /** Awaited after the server accepted a message, before it leaves the outbox. */
  sent?: (item: OutboxItem) => Promise<void> | void;
}

export async function readItems(store: UseStore): Promise<OutboxItem[]> {
  const items = await store('readonly', (s) => promisifyRequest(s.getAll() as IDBRequest<OutboxItem[]>));
  return items.sort((a, b) => a.createdAt - b.createdAt || (a.clientMessageId < b.clientMessageId ? -1 : 1));
}

let lastCreatedAt = 0;
/** Strictly increasing in this tab, so two messages typed in one millisecond keep their order. */
function nextCreatedAt(now = Date.now()): number {
  lastCreatedAt = Math.max(now, lastCreatedAt + 1);
  return lastCreatedAt;
}

export function newClientMessageId(): string {
  return crypto.randomUUID();
}

export async function addItem(
  store: UseStore,
  m: { conversationId: string; text: string; attachmentId?: string | null },
): Promise<OutboxItem> {
  const item: OutboxItem = {
    clientMessageId: newClientMessageId(),
    conversationId: m.conversationId,
    text: m.text,
    attachmentId: m.attachmentId ?? null,
    createdAt: nextCreatedAt(),
    state: 'pending',
    error: null,
  };
  await mutate<OutboxItem>(store, item.clientMessageId, () => item);
  return item;
}

/** A draft is gone only on purpose; a message being sent or waiting cannot be discarded. */
export function removeDraft(store: UseStore, clientMessageId: string): Promise<unknown> {
  return mutate<OutboxItem>(store, clientMessageId, (item) => (item?.state === 'draft' ? null : undefined));
}

/**
 * A refused draft goes back in line under a new clientMessageId: the server remembers its
 * verdict for the old id (a replay would refuse again), and a refused message was never
 * created, so a new id cannot duplicate anything. It keeps its place in the order.
 */
export function requeueDraft(store: UseStore, clientMessageId: string): Promise<OutboxItem | null> {
  return store('readwrite', (s) => {
    let requeued: OutboxItem | null = null;
    const read = s.get(clientMessageId);
    read.onsuccess = () => {
      const draft = read.result as OutboxItem | undefined;
      if (draft?.state !== 'draft') return;
      requeued = { ...draft, clientMessageId: newClientMessageId(), state: 'pending', error: null };
      s.delete(clientMessageId);
      s.put(requeued, requeued.clientMessageId);
    };
    return promisifyRequest(s.transaction).then(() => requeued);
  });
}

/**
 * One pass of the sender, under the lock: repeatedly takes the oldest message that is not a
 * draft and whose conversation's line is not blocked, and sends it. A network failure
 * blocks that conversation's line for this pass (order is kept); a refusal turns the
 * message into a draft and the line goes on. A message found `sending` here was left by a
 * tab that closed mid-send (the lock says nobody else is sending): it is retried under the
 * same clientMessageId, which the server deduplicates.
 */
export async function drainOutbox(deps: OutboxDeps): Promise<void> {
  await deps.withLock(async () => {
    const blocked = new Set<string>();
    for (;;) {
      const items = await readItems(deps.store);
      const next = items.find((i) => i.state !== 'draft' && !blocked.has(i.conversationId));
      if (!next) return;
      const sending = await mutate<OutboxItem>(deps.store, next.clientMessageId, (i) =>
        i && i.state !== 'draft' ? { ...i, state: 'sending' } : undefined,
      );
      if (!sending) continue;
      deps.changed();
      let outcome: { ok: true } | { ok: false; reason: string | null };
      try {
        await deps.send(sending);
        outcome = { ok: true };
      } catch (error) {
        outcome = { ok: false, reason: deps.refusal(error) };
      }
      if (outcome.ok) {
        await deps.sent?.(sending);
        await mutate<OutboxItem>(deps.store, sending.clientMessageId, () => null);
        deps.changed();
      } else if (outcome.reason === null) {
        await mutate<OutboxItem>(deps.store, sending.clientMessageId, (i) => (i ? { ...i, state: 'pending' } : undefined));
        blocked.add(sending.conversationId);
        deps.changed();
      } else {
        const reason = outcome.reason;
        await mutate<OutboxItem>(deps.store, sending.clientMessageId, (i) => (i ? { ...i, state: 'draft', error: reason } : undefined));
        deps.changed();
      }
    }
  });
}
