import { createEffect, createMemo, onCleanup, type Accessor } from 'solid-js';
import { useQuery } from '@tanstack/solid-query';
import { keys } from '../../lib/keys.ts';
import { setUnreadInTitle } from '../../lib/title.ts';
import { meQuery } from '../../session.ts';
import { trpc } from '../../trpc.ts';

export interface ConversationCounts {
  /** Conversations waiting in my teams (and for me). */
  waiting: Accessor<number>;
  /** My conversations in service (not those waiting on the customer). */
  inService: Accessor<number>;
  /** Customer messages I have not read in my conversations in service. */
  unread: Accessor<number>;
  /** What waits on me personally: unread in my conversations, and in waiting ones transferred to me. */
  forMe: Accessor<number>;
}

/**
 * The counts of the rail, the phone's tabs and the tab title, from the same queries as the
 * lists (same keys: Waiting for all my teams, In service), so live events update them all.
 */
export function useConversationCounts(): ConversationCounts {
  const me = useQuery(meQuery);
  const waiting = useQuery(() => ({ queryKey: [...keys.queue, null] as const, queryFn: () => trpc.queue.list.query({}) }));
  const mine = useQuery(() => ({ queryKey: keys.mine, queryFn: () => trpc.conversations.mine.query() }));
  const unread = createMemo(() => (mine.data ?? []).reduce((sum, c) => sum + (c.unread ?? 0), 0));
  const forMe = createMemo(() => {
    const id = me.data?.user.id;
    const transferred = (waiting.data ?? []).filter((c) => id && c.targetUserId === id).reduce((sum, c) => sum + (c.unread ?? 0), 0);
    return unread() + transferred;
  });
  // Those waiting on the customer (Pending) are not in service right now.
  const inService = createMemo(() => (mine.data ?? []).filter((c) => !c.pending).length);
  return { waiting: () => waiting.data?.length ?? 0, inService, unread, forMe };
}

/** "(2) Atende": the tab's title counts what waits on me while the workspace is open. */
export function useUnreadTitle(): void {
  const counts = useConversationCounts();
  createEffect(() => setUnreadInTitle(counts.forMe()));
  onCleanup(() => setUnreadInTitle(0));
}
