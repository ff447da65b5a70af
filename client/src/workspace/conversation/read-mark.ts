import { createEffect, createSignal, onCleanup, type Accessor } from 'solid-js';
import { useQueryClient } from '@tanstack/solid-query';
import { applyReadLocally } from '../../lib/live-events.ts';
import { trpc } from '../../trpc.ts';

/**
 * While a conversation is on screen (the tab visible), the agent has read it up to its
 * newest message: the lists' unread counts drop at once (lib/live-events.ts applyReadLocally) and
 * the server keeps the mark (`conversations.markRead`; the agent's other tabs hear of it). A
 * message arriving while it is shown is read too; one arriving in a hidden tab is not, so
 * the tab's title counts it.
 */
export function useReadMark(conversationId: Accessor<string>, newestSeq: Accessor<number | null>): void {
  const queryClient = useQueryClient();
  const [visible, setVisible] = createSignal(typeof document === 'undefined' || document.visibilityState === 'visible');
  const onVisibility = () => setVisible(document.visibilityState === 'visible');
  document.addEventListener('visibilitychange', onVisibility);
  onCleanup(() => document.removeEventListener('visibilitychange', onVisibility));

  let marked = 0;
  createEffect(() => {
    const id = conversationId();
    const seq = newestSeq();
    if (!seq || !visible() || seq <= marked) return;
    const before = marked;
    marked = seq;
    applyReadLocally(queryClient, id, seq);
    // Not kept (offline, say): the next message or the next time the tab shows tries again.
    trpc.conversations.markRead.mutate({ conversationId: id, seq }).catch(() => {
      if (marked === seq) marked = before;
    });
  });
}
