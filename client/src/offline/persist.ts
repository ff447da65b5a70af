import { dehydrate, hydrate, type DehydratedState, type QueryClient } from '@tanstack/solid-query';
import { get, set, type UseStore } from 'idb-keyval';
import { closableStore, userDbPrefix } from './idb.ts';

/**
 * The query cache kept in IndexedDB per user (SPEC §8: the last queue, conversations and
 * contacts stay readable offline). Restored only for the user the server (or, offline, the
 * last confirmed session of this browser) says is signed in; wiped at logout.
 */
const queryCacheDbName = (userId: string) => `${userDbPrefix(userId)}query-cache`;
/** Bumped when the shape of what the client stores changes; an older copy is ignored. */
const BUSTER = 'atende-1';
const MAX_AGE_MS = 7 * 24 * 60 * 60 * 1000;
const SAVE_AFTER_MS = 1_000;

interface Saved {
  buster: string;
  savedAt: number;
  state: DehydratedState;
}

const stores = new Map<string, UseStore>();
function storeOf(userId: string): UseStore {
  let store = stores.get(userId);
  if (!store) {
    store = closableStore(queryCacheDbName(userId), 'cache');
    stores.set(userId, store);
  }
  return store;
}

/** Puts the user's saved queries into the cache (older than what is there is ignored); true when found. */
export async function restoreQueryCache(queryClient: QueryClient, userId: string): Promise<boolean> {
  try {
    const saved = await get<Saved>('client', storeOf(userId));
    if (!saved || saved.buster !== BUSTER || Date.now() - saved.savedAt > MAX_AGE_MS) return false;
    hydrate(queryClient, saved.state);
    return true;
  } catch (error) {
    console.error('restoring the saved queries', error);
    return false;
  }
}

/**
 * What is kept: every query that has data, even when its last refetch failed (offline is
 * exactly when they fail), stored as the last good answer, without the error.
 */
function savedState(queryClient: QueryClient): DehydratedState {
  const state = dehydrate(queryClient, {
    shouldDehydrateQuery: (query) => query.state.data !== undefined && !String(query.queryKey[0]).startsWith('admin.'),
  });
  return {
    ...state,
    queries: state.queries.map((q) => ({
      ...q,
      state: { ...q.state, status: 'success', error: null, fetchFailureReason: null, fetchFailureCount: 0, fetchStatus: 'idle' },
    })),
  };
}

let stopCurrent: (() => void) | null = null;

/** Saves the cache (throttled) while it changes; returns the stop function. */
export function persistQueryCache(queryClient: QueryClient, userId: string): () => void {
  stopQueryPersistence();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  const save = () => {
    timer = undefined;
    if (stopped) return;
    const state = savedState(queryClient);
    void set('client', { buster: BUSTER, savedAt: Date.now(), state } satisfies Saved, storeOf(userId)).catch((error: unknown) =>
      console.error('saving the queries', error),
    );
  };
  const unsubscribe = queryClient.getQueryCache().subscribe((event) => {
    if (stopped || timer || (event.type !== 'updated' && event.type !== 'removed' && event.type !== 'added')) return;
    timer = setTimeout(save, SAVE_AFTER_MS);
  });
  const stop = () => {
    stopped = true;
    clearTimeout(timer);
    unsubscribe();
  };
  stopCurrent = stop;
  return () => {
    if (stopCurrent === stop) stopQueryPersistence();
  };
}

export function stopQueryPersistence(): void {
  const stop = stopCurrent;
  stopCurrent = null;
  stop?.();
}

const LAST_USER = 'atende:lastUser';

/** The user this browser last confirmed with the server: whose saved data a reload while offline shows. */
export function lastUserId(): string | null {
  try {
    return localStorage.getItem(LAST_USER);
  } catch {
    return null;
  }
}

export function setLastUserId(userId: string | null): void {
  try {
    if (userId) localStorage.setItem(LAST_USER, userId);
    else localStorage.removeItem(LAST_USER);
  } catch {
    /* storage disabled: offline reloads just start signed out */
  }
}
