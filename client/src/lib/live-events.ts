import type { QueryClient } from '@tanstack/solid-query';
import { trpc } from '../trpc.ts';
import {
  applyReadMark,
  contactAction,
  conversationIdOf,
  isConversationEvent,
  mineAction,
  patchMine,
  patchRows,
  queueAction,
  readMarkOf,
  removeRow,
  type LiveEventLike,
  type MineRowLike,
  type QueueAction,
  type QueueRowLike,
} from './live-cache.ts';
import { adminKeys, keys } from './keys.ts';

/**
 * Live event → the cache. Conversation events are applied precisely (lib/live-cache.ts): the
 * Waiting lists drop a conversation that left Waiting and fetch alone (`queue.list` with
 * `conversationIds`) one that entered or changed there; In service fetches alone
 * (`conversations.mine` with `conversationIds`) a row the event concerns (its last message,
 * unread count and waiting-for-reply change with each message); `contacts.get` is refetched
 * only for its contact; a read mark (`read.marked`, from my other tabs) clears a row's unread
 * count locally. Everything else invalidates what it makes stale.
 */
export function applyLiveEvent(queryClient: QueryClient, event: LiveEventLike): void {
  const invalidate = (queryKey: readonly unknown[]) => void queryClient.invalidateQueries({ queryKey });
  const type = event.type;
  if (isConversationEvent(type)) {
    // Null for a conversation event of a type this build does not know (then everything refetches).
    const conversationId = conversationIdOf(event);
    applyToQueue(
      queryClient,
      conversationId,
      queueAction(event, (id) => inQueue(queryClient, id)),
    );
    const me = queryClient.getQueryData<{ user?: { id?: string } }>(keys.me)?.user?.id ?? null;
    const mine = queryClient.getQueryData<{ id: string }[]>(keys.mine);
    const action = mineAction(event, me, (id) => !!mine?.some((c) => c.id === id));
    if (action === 'refetch') invalidate(keys.mine);
    else if (action === 'fetch' && conversationId) fetchMineRow(queryClient, conversationId);
    if (conversationId) invalidate(keys.conversation(conversationId));
  }
  const mark = readMarkOf(event);
  if (mark) applyReadLocally(queryClient, mark.conversationId, mark.seq, false);
  const contact = contactAction(event);
  if (contact === 'all') invalidate(['contacts.get']);
  else if (contact !== 'none') invalidate(keys.contact(contact.contactId));
  if (type === 'contact.updated') invalidate(keys.contacts);
  if (type.startsWith('user.') || type.startsWith('agent.') || type === 'team.updated' || type === 'org.updated') {
    invalidate(keys.agents);
    invalidate(keys.agentMe);
  }
  // Team memberships (or my role) decide which waiting conversations I see.
  if (
    type === 'team.updated' ||
    (type === 'user.updated' && event.userId === queryClient.getQueryData<{ user?: { id?: string } }>(keys.me)?.user?.id)
  ) {
    invalidate(keys.queue);
    invalidate(keys.mine);
  }
  if (type === 'chat.members') invalidate(keys.chats);
  if (type === 'config.updated') {
    invalidate(keys.channels);
    invalidate(keys.canned);
    invalidate(['templates.list']);
    invalidate(keys.pauseTypes);
  }
}

type QueueRow = QueueRowLike & Record<string, unknown>;

/**
 * Per query client: ids waiting for a row fetch, requests in flight per id, and a counter per
 * id (kept only while it is pending or in flight) so a late answer never undoes a newer event.
 */
interface QueuePatches {
  pending: Set<string>;
  inFlight: Map<string, number>;
  generation: Map<string, number>;
  timer: ReturnType<typeof setTimeout> | null;
}
const patches = new WeakMap<QueryClient, QueuePatches>();
const FETCH_BATCH = 100;

function patchState(queryClient: QueryClient): QueuePatches {
  let state = patches.get(queryClient);
  if (!state) {
    state = { pending: new Set(), inFlight: new Map(), generation: new Map(), timer: null };
    patches.set(queryClient, state);
  }
  return state;
}

const queueLists = (queryClient: QueryClient) => queryClient.getQueriesData<QueueRow[]>({ queryKey: keys.queue });
const inQueue = (queryClient: QueryClient, id: string) => queueLists(queryClient).some(([, list]) => !!list?.some((r) => r.id === id));
const teamFilterOf = (queryKey: readonly unknown[]) => (typeof queryKey[1] === 'string' ? queryKey[1] : null);
const queueBusy = (queryClient: QueryClient) => queryClient.isFetching({ queryKey: keys.queue }) > 0;

function applyToQueue(queryClient: QueryClient, id: string | null, action: QueueAction): void {
  if (action === 'none') return;
  if (action === 'refetch' || id === null) {
    void queryClient.invalidateQueries({ queryKey: keys.queue });
    return;
  }
  // Nothing cached and nothing loading: the first load will bring the truth. A first load in
  // flight may have read the rows before this change: the row is fetched once it has landed.
  if (!queueLists(queryClient).some(([, list]) => list) && !queueBusy(queryClient)) return;
  const state = patchState(queryClient);
  if (state.pending.has(id) || state.inFlight.has(id)) state.generation.set(id, (state.generation.get(id) ?? 0) + 1);
  // A full load in flight may predate this event: ask the server for this row once it has landed.
  if (action === 'fetch' || queueBusy(queryClient)) {
    schedule(queryClient, state, id);
    return;
  }
  if (!inQueue(queryClient, id)) return;
  for (const [queryKey, list] of queueLists(queryClient)) {
    if (!list) continue;
    const next = removeRow(list, id);
    if (next === null) void queryClient.invalidateQueries({ queryKey, exact: true });
    else if (next !== list) queryClient.setQueryData(queryKey, next);
  }
}

function schedule(queryClient: QueryClient, state: QueuePatches, id: string): void {
  state.pending.add(id);
  // Events of one change arrive together: one request for all of them.
  state.timer ??= setTimeout(() => {
    state.timer = null;
    void flush(queryClient, state);
  }, 20);
}

/** Resolves when no full `queue.list` load is in flight. */
function queueIdle(queryClient: QueryClient): Promise<void> {
  if (!queueBusy(queryClient)) return Promise.resolve();
  return new Promise((resolve) => {
    const stop = queryClient.getQueryCache().subscribe(() => {
      if (queueBusy(queryClient)) return;
      stop();
      resolve();
    });
  });
}

async function flush(queryClient: QueryClient, state: QueuePatches): Promise<void> {
  await queueIdle(queryClient);
  const ids = [...state.pending].slice(0, FETCH_BATCH);
  for (const id of ids) state.pending.delete(id);
  if (state.pending.size > 0) {
    state.timer ??= setTimeout(() => {
      state.timer = null;
      void flush(queryClient, state);
    }, 0);
  }
  if (ids.length === 0) return;
  const asked = new Map(ids.map((id) => [id, state.generation.get(id) ?? 0]));
  for (const id of ids) state.inFlight.set(id, (state.inFlight.get(id) ?? 0) + 1);
  let rows: QueueRow[] | null = null;
  try {
    rows = (await trpc.queue.list.query({ conversationIds: ids })) as unknown as QueueRow[];
  } catch {
    void queryClient.invalidateQueries({ queryKey: keys.queue });
  }
  // An id touched again meanwhile has a newer request (or a local removal) of its own.
  const current = ids.filter((id) => (state.generation.get(id) ?? 0) === asked.get(id));
  for (const id of ids) {
    const left = (state.inFlight.get(id) ?? 1) - 1;
    if (left > 0) state.inFlight.set(id, left);
    else state.inFlight.delete(id);
    if (left <= 0 && !state.pending.has(id)) state.generation.delete(id);
  }
  if (!rows) return;
  if (current.length === 0) return;
  for (const [queryKey, list] of queueLists(queryClient)) {
    if (!list) continue;
    const next = patchRows(list, current, rows, teamFilterOf(queryKey));
    if (next === null) void queryClient.invalidateQueries({ queryKey, exact: true });
    else if (next !== list) queryClient.setQueryData(queryKey, next);
  }
}

type MineRow = MineRowLike & Record<string, unknown>;

/**
 * In service rows fetched alone, batched like the Waiting ones; a counter per id so a late
 * answer never undoes a newer event, and the read marks made in this tab (per user) so a row
 * fetched just before the mark landed does not bring back an unread count already seen.
 */
interface MinePatches {
  pending: Set<string>;
  generation: Map<string, number>;
  timer: ReturnType<typeof setTimeout> | null;
  marks: Map<string, number>;
  marksOf: string | null;
}
const minePatches = new WeakMap<QueryClient, MinePatches>();

function mineState(queryClient: QueryClient): MinePatches {
  let state = minePatches.get(queryClient);
  if (!state) {
    state = { pending: new Set(), generation: new Map(), timer: null, marks: new Map(), marksOf: null };
    minePatches.set(queryClient, state);
  }
  // Marks belong to whoever is signed in (a logout clears the cache, another user starts afresh).
  const me = queryClient.getQueryData<{ user?: { id?: string } }>(keys.me)?.user?.id ?? null;
  if (state.marksOf !== me) {
    state.marks.clear();
    state.marksOf = me;
  }
  return state;
}

/** A row's unread count as this tab knows it: none once my mark reaches its last message. */
function withLocalMark<T extends MineRowLike>(state: MinePatches, row: T): T {
  const mark = state.marks.get(row.id);
  if (mark === undefined || !row.unread || !row.lastSeq || row.lastSeq > mark) return row;
  return { ...row, unread: 0 };
}

function fetchMineRow(queryClient: QueryClient, id: string): void {
  // Nothing cached and nothing loading: the first load will bring the truth (one in flight may
  // predate this event: flushMine waits for it and patches what it brings).
  if (!queryClient.getQueryData(keys.mine) && queryClient.isFetching({ queryKey: keys.mine }) === 0) return;
  const state = mineState(queryClient);
  state.generation.set(id, (state.generation.get(id) ?? 0) + 1);
  state.pending.add(id);
  state.timer ??= setTimeout(() => {
    state.timer = null;
    void flushMine(queryClient, state);
  }, 20);
}

async function flushMine(queryClient: QueryClient, state: MinePatches): Promise<void> {
  // A full load in flight may predate these events: patch what it brings.
  if (queryClient.isFetching({ queryKey: keys.mine }) > 0) {
    await new Promise<void>((resolve) => {
      const stop = queryClient.getQueryCache().subscribe(() => {
        if (queryClient.isFetching({ queryKey: keys.mine }) > 0) return;
        stop();
        resolve();
      });
    });
  }
  const ids = [...state.pending].slice(0, FETCH_BATCH);
  for (const id of ids) state.pending.delete(id);
  if (state.pending.size > 0) {
    state.timer ??= setTimeout(() => {
      state.timer = null;
      void flushMine(queryClient, state);
    }, 0);
  }
  if (ids.length === 0) return;
  const asked = new Map(ids.map((id) => [id, state.generation.get(id) ?? 0]));
  let rows: MineRow[];
  try {
    rows = (await trpc.conversations.mine.query({ conversationIds: ids })) as unknown as MineRow[];
  } catch {
    void queryClient.invalidateQueries({ queryKey: keys.mine });
    return;
  }
  // An id touched again meanwhile has a newer request of its own. (Counters stay: one number per
  // conversation touched in this tab, and no late answer can ever match a reused one.)
  const current = ids.filter((id) => (state.generation.get(id) ?? 0) === asked.get(id));
  if (current.length === 0) return;
  const list = queryClient.getQueryData<MineRow[]>(keys.mine);
  if (!list) return;
  const next = patchMine(
    list,
    current,
    rows.map((r) => withLocalMark(state, r)),
  );
  if (next !== list) queryClient.setQueryData(keys.mine, next);
}

/**
 * Read up to `seq` (this tab's mark, `mine` true, or `read.marked` from another): the rows
 * of that conversation show nothing unread at once when the mark reaches their last message;
 * otherwise the server counts (that row alone).
 */
export function applyReadLocally(queryClient: QueryClient, conversationId: string, seq: number, mine = true): void {
  const state = mineState(queryClient);
  if (mine) state.marks.set(conversationId, Math.max(seq, state.marks.get(conversationId) ?? 0));
  const list = queryClient.getQueryData<MineRow[]>(keys.mine);
  if (list) {
    const { list: next, fetch } = applyReadMark(list, conversationId, seq);
    if (fetch) fetchMineRow(queryClient, conversationId);
    else if (next !== list) queryClient.setQueryData(keys.mine, next);
  }
  // A Waiting row has no seq of its own: a mark from the page that shows the newest message
  // clears it; one from elsewhere asks the server for that row.
  if (!inQueue(queryClient, conversationId)) return;
  if (!mine) {
    const patchesOfQueue = patchState(queryClient);
    // A row already on its way may predate the mark: only the newer request counts.
    if (patchesOfQueue.pending.has(conversationId) || patchesOfQueue.inFlight.has(conversationId)) {
      patchesOfQueue.generation.set(conversationId, (patchesOfQueue.generation.get(conversationId) ?? 0) + 1);
    }
    schedule(queryClient, patchesOfQueue, conversationId);
    return;
  }
  for (const [queryKey, rows] of queueLists(queryClient)) {
    if (!rows?.some((r) => r.id === conversationId && r.unread)) continue;
    queryClient.setQueryData(
      queryKey,
      rows.map((r) => (r.id === conversationId ? { ...r, unread: 0 } : r)),
    );
  }
}

type Key = readonly unknown[];

/** Which admin queries a live event makes stale (events carry ids only; admin/api.ts listens). */
export function adminKeysForEvent(type: string): Key[] {
  const out: Key[] = [];
  if (type === 'queue.changed' || type.startsWith('conversation.') || type.startsWith('message.')) out.push(adminKeys.monitor);
  if (type.startsWith('user.') || type.startsWith('agent.')) out.push(adminKeys.monitor, adminKeys.users);
  if (type === 'team.updated') out.push(adminKeys.teams, adminKeys.users, adminKeys.monitor);
  if (type === 'org.updated') out.push(adminKeys.org, adminKeys.monitor);
  if (type === 'config.updated') {
    out.push(adminKeys.channels, adminKeys.templates, adminKeys.canned, adminKeys.tags, adminKeys.dispositions, adminKeys.pauseTypes);
  }
  return out;
}

type Listener = (event: LiveEventLike) => void;
const listeners = new Set<Listener>();

/** For side effects of live events (sound and notifications); returns the unsubscribe. */
export function onLiveEvent(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function emitLiveEvent(event: LiveEventLike): void {
  for (const l of listeners) l(event);
}
