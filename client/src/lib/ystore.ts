import type * as Y from 'yjs';
import { createStore, reconcile, type Store } from 'solid-js/store';
import { createComputed, onCleanup, type Accessor } from 'solid-js';

/**
 * The one primitive that turns a Yjs type into a Solid store (CONVENTIONS, "Client").
 * Components never call `observe` themselves: they read the store, which is reconciled
 * (fine-grained: only what changed re-renders) after every transaction touching the type
 * or anything inside it. `type` may change (or be null); the observer follows it and is
 * removed on cleanup.
 *
 *   const entries = useYStore(() => doc()?.doc.getArray('entries'), (arr) => arr.toArray().map(read), []);
 */
// biome-ignore lint/suspicious/noExplicitAny: a shared type's event type is invariant (its handler field); any shared type fits
export function useYStore<T extends Y.AbstractType<any>, V extends object>(
  type: Accessor<T | null | undefined>,
  read: (type: T) => V,
  empty: V,
): Store<V> {
  const [store, setStore] = createStore<V>(structuredClone(empty));
  let observed: T | null = null;
  const update = () => {
    setStore(reconcile(observed ? read(observed) : structuredClone(empty), { key: 'id', merge: true }));
  };
  const stop = () => {
    observed?.unobserveDeep(update);
    observed = null;
  };
  createComputed(() => {
    const next = type() ?? null;
    if (next === observed) return;
    stop();
    observed = next;
    observed?.observeDeep(update);
    update();
  });
  onCleanup(stop);
  return store;
}
