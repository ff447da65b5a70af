import type { QueryClient } from '@tanstack/solid-query';
import { databasesStartingWith, deleteDatabase, userDbPrefix } from './idb.ts';
import { stopOutbox } from './outbox.ts';
import { lastUserId, setLastUserId, stopQueryPersistence } from './persist.ts';

/**
 * Logout (or a session found gone): nothing of this user stays in the browser (SPEC §8) —
 * the outbox and query persistence stop, the shared documents close, every IndexedDB
 * database and local setting under the user's prefix is deleted, and the cache is cleared.
 */
export async function wipeLocalData(userId: string, queryClient: QueryClient): Promise<void> {
  stopOutbox();
  stopQueryPersistence();
  queryClient.clear();
  try {
    // Loaded on demand: yjs stays out of the first load.
    const { closeAllDocs } = await import('../lib/ydoc.ts');
    closeAllDocs();
  } catch (error) {
    console.error('closing the shared documents', error);
  }
  const prefix = userDbPrefix(userId);
  try {
    await Promise.all((await databasesStartingWith(prefix)).map((name) => deleteDatabase(name)));
  } catch (error) {
    console.error('deleting the local databases', error);
  }
  try {
    for (const key of Object.keys(localStorage)) if (key.startsWith(prefix)) localStorage.removeItem(key);
  } catch {
    /* storage disabled */
  }
  if (lastUserId() === userId) setLastUserId(null);
}
