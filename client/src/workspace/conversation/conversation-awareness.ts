import { createMemo, type Accessor } from 'solid-js';
import { useQuery } from '@tanstack/solid-query';
import { meQuery } from '../../session.ts';
import { useSharedDoc } from '../../lib/ydoc.ts';
import { docName } from '../../../../sync/shared/doc-name.ts';
import { useAgentNames } from '../chat/agents-query.ts';
import { useDocAwareness, type Person } from '../chat/awareness.ts';

/**
 * "Bruno is viewing / typing" on a conversation (SPEC §6–7), so two agents do not answer one
 * customer at once: the awareness of the `conversation:<id>` document. While mounted, this tab
 * announces `{ user: { id, name }, viewing: true (while the tab is visible), typing }`; the
 * composer calls `setTyping(true)` on keystrokes and `setTyping(false)` on send (it also ends
 * by itself ~5 s after the last keystroke). `viewers` / `typers` are the other people (never
 * me), named by the server's record. Peeking team members count as viewers too.
 */
export function useConversationAwareness(conversationId: () => string): {
  viewers: Accessor<Person[]>;
  typers: Accessor<Person[]>;
  setTyping(on: boolean): void;
} {
  const me = useQuery(meQuery);
  const person = createMemo<Person | null>(() => (me.data ? { id: me.data.user.id, name: me.data.user.name } : null));
  const shared = useSharedDoc(
    () => me.data?.user.id,
    () => {
      const id = conversationId();
      return id ? docName.conversation(id) : null;
    },
  );
  const names = useAgentNames();
  const { viewers, typers, setTyping } = useDocAwareness(shared, person, names, { viewing: true });
  return { viewers, typers, setTyping };
}
