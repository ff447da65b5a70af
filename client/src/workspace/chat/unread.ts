import { createMemo, onCleanup, type Accessor } from 'solid-js';
import { useQuery, useQueryClient, type QueryClient } from '@tanstack/solid-query';
import { trpc } from '../../trpc.ts';
import { keys } from '../../lib/keys.ts';
import { onLiveEvent } from '../../lib/live-events.ts';

/**
 * The chat list and its unread counts, from the server (`chat.list`). No Yjs here: the eager
 * layout uses `useUnreadChats` for the nav badge. The server tells a room's members
 * `chat.message` once a new message is stored (the author's tab calls `chat.posted`), and
 * `chat.members` when a room appears; a slow poll covers a hint that never came (the author
 * closed the tab while offline).
 */
export type ChatRoom = Awaited<ReturnType<typeof trpc.chat.list.query>>[number];

const fetchChats = () => trpc.chat.list.query();

/** Refetch at least this often, whatever the live events say. */
const POLL_MS = 60_000;

let listening = 0;
let stopListening: (() => void) | null = null;

/** One live-event listener per tab, however many components show the list. */
function listen(queryClient: QueryClient): () => void {
  listening += 1;
  if (!stopListening) {
    stopListening = onLiveEvent((event) => {
      if (event.type === 'chat.message' || event.type === 'chat.members') void queryClient.invalidateQueries({ queryKey: keys.chats });
    });
  }
  return () => {
    listening -= 1;
    if (listening === 0 && stopListening) {
      stopListening();
      stopListening = null;
    }
  };
}

export function useChatList() {
  const queryClient = useQueryClient();
  onCleanup(listen(queryClient));
  return useQuery(() => ({
    queryKey: keys.chats,
    queryFn: fetchChats,
    refetchInterval: POLL_MS,
    refetchOnWindowFocus: true,
  }));
}

/** How many chat messages the signed-in person has not read, across all rooms (nav badge). */
export function useUnreadChats(): Accessor<number> {
  const list = useChatList();
  return createMemo(() => (list.data ?? []).reduce((sum, room) => sum + room.unread, 0));
}
