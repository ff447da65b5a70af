import { createSignal, getOwner, onCleanup, runWithOwner, type Accessor } from 'solid-js';

import type { Person } from './people.ts';

export type { Person };
export interface ConversationAwareness {
  viewers: Accessor<Person[]>;
  typers: Accessor<Person[]>;
  setTyping(on: boolean): void;
}

/**
 * "Bruno is viewing / typing" (Yjs awareness of `conversation:<id>`), loaded with `import()`
 * so Yjs stays out of this chunk until the page is up. Until it is loaded the lists are empty
 * and typing is remembered and handed over.
 */
export function useLazyAwareness(conversationId: () => string): ConversationAwareness {
  const [inner, setInner] = createSignal<ConversationAwareness | null>(null);
  const owner = getOwner();
  let disposed = false;
  let typing = false;
  onCleanup(() => (disposed = true));
  void import('./conversation-awareness.ts')
    .then((m) => {
      if (disposed || !owner) return;
      const a = runWithOwner(owner, () => m.useConversationAwareness(conversationId));
      if (!a) return;
      setInner(a);
      if (typing) a.setTyping(true);
    })
    .catch((error: unknown) => console.warn('conversation awareness unavailable', error));
  return {
    viewers: () => inner()?.viewers() ?? [],
    typers: () => inner()?.typers() ?? [],
    setTyping(on: boolean) {
      typing = on;
      inner()?.setTyping(on);
    },
  };
}
