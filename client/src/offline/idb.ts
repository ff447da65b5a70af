import { promisifyRequest, type UseStore } from 'idb-keyval';

/**
 * Every database a user's browser keeps for them starts with this (the same prefix as
 * `localDbPrefix` in lib/ydoc.ts, which is not imported here to keep yjs out of the first load).
 * The logout wipe deletes every database with it.
 */
export const userDbPrefix = (userId: string) => `atende:${userId}:`;

/**
 * An idb-keyval store that lets go of its connection when someone deletes the database
 * (`versionchange`), so the logout wipe is never blocked by an open tab; it reopens on next use.
 */
export function closableStore(dbName: string, storeName: string): UseStore {
  let db: Promise<IDBDatabase> | null = null;
  const open = (): Promise<IDBDatabase> => {
    const request = indexedDB.open(dbName);
    request.onupgradeneeded = () => request.result.createObjectStore(storeName);
    const opened = promisifyRequest(request).then((connection) => {
      connection.onversionchange = () => {
        connection.close();
        if (db === opened) db = null;
      };
      connection.onclose = () => {
        if (db === opened) db = null;
      };
      return connection;
    });
    opened.catch(() => {
      if (db === opened) db = null;
    });
    db = opened;
    return opened;
  };
  return (mode, callback) => (db ?? open()).then((connection) => callback(connection.transaction(storeName, mode).objectStore(storeName)));
}

/**
 * Read-modify-write of one key in one transaction: `change` returns the new value, `null`
 * to delete it, or `undefined` to leave it as it is. Resolves with what was stored.
 */
export function mutate<T>(
  store: UseStore,
  key: IDBValidKey,
  change: (current: T | undefined) => T | null | undefined,
): Promise<T | null | undefined> {
  return store('readwrite', (s) => {
    let result: T | null | undefined;
    const read = s.get(key);
    read.onsuccess = () => {
      result = change(read.result as T | undefined);
      if (result === null) s.delete(key);
      else if (result !== undefined) s.put(result, key);
    };
    return promisifyRequest(s.transaction).then(() => result);
  });
}

/** Deletes a database; gives up waiting after a while if another connection blocks it. */
export function deleteDatabase(name: string, waitMs = 5_000): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, waitMs);
    const request = indexedDB.deleteDatabase(name);
    request.onsuccess = request.onerror = () => {
      clearTimeout(timer);
      resolve();
    };
  });
}

/** Names of every database of this origin whose name starts with `prefix`. */
export async function databasesStartingWith(prefix: string): Promise<string[]> {
  if (typeof indexedDB.databases !== 'function') return [];
  const all = await indexedDB.databases();
  return all.map((d) => d.name ?? '').filter((name) => name.startsWith(prefix));
}
