import { createSignal } from 'solid-js';
import type { QueryClient } from '@tanstack/solid-query';
import { keys } from '../../lib/keys.ts';
import { errorMessage, trpc } from '../../trpc.ts';
import type { ConversationView, QueueItem } from './types.ts';

/** The last refused claim (the server's sentence), shown where the agent is now. */
const [claimRefusal, setClaimRefusal] = createSignal<{ conversationId: string; message: string } | null>(null);
/** Conversations this tab is claiming right now (the conversation page says "Claiming…"). */
const [claiming, setClaiming] = createSignal<ReadonlySet<string>>(new Set());

export { claimRefusal, claiming };
export const dismissClaimRefusal = () => setClaimRefusal(null);

/**
 * Optimistic claim (issue 6, "Fast"): the item leaves Waiting and the agent is taken to the
 * conversation at once; the server decides (exactly one winner). A refusal puts the item
 * back, returns to Waiting when the claim started there, and shows the server's sentence
 * ("already taken by …"). `accept`: the same for an offer of automatic routing made to me
 * (`conversations.accept`, refused once the offer is no longer mine).
 */
export async function claimConversation(
  queryClient: QueryClient,
  conversationId: string,
  opts: { navigate?: (to: string) => void; from: 'queue' | 'conversation'; onPath?: () => string; accept?: boolean },
): Promise<boolean> {
  if (claiming().has(conversationId)) return false;
  setClaimRefusal(null);
  setClaiming((s) => new Set([...s, conversationId]));
  await queryClient.cancelQueries({ queryKey: keys.queue });
  const snapshot = queryClient.getQueriesData<QueueItem[]>({ queryKey: keys.queue });
  queryClient.setQueriesData<QueueItem[]>({ queryKey: keys.queue }, (list) => list?.filter((c) => c.id !== conversationId));
  if (opts.from === 'queue') opts.navigate?.(`/conversations/${conversationId}`);
  try {
    const claimed = opts.accept
      ? await trpc.conversations.accept.mutate({ conversationId })
      : await trpc.conversations.claim.mutate({ conversationId });
    // The answer says who has it now and what I may do; the messages shown stay until the
    // conversation is read again (below).
    const { status, assignee, targetUser, offeredTo, offerExpiresAt, waitingSince, claimedAt, lastActivityAt, can } = claimed;
    queryClient.setQueryData<ConversationView>(keys.conversation(conversationId), (view) =>
      view ? { ...view, status, assignee, targetUser, offeredTo, offerExpiresAt, waitingSince, claimedAt, lastActivityAt, can } : view,
    );
    focusComposer(conversationId);
    return true;
  } catch (error) {
    for (const [key, data] of snapshot) queryClient.setQueryData(key, data);
    void queryClient.invalidateQueries({ queryKey: keys.queue });
    setClaimRefusal({ conversationId, message: errorMessage(error) });
    // Back to Waiting only if the agent is still where the optimistic claim took them.
    if (opts.from === 'queue' && (!opts.onPath || opts.onPath() === `/conversations/${conversationId}`)) opts.navigate?.('/');
    return false;
  } finally {
    setClaiming((s) => {
      const next = new Set(s);
      next.delete(conversationId);
      return next;
    });
    // Waiting needs no refetch: the item left it here, and the claim's live event confirms it.
    void queryClient.invalidateQueries({ queryKey: keys.mine });
    // The conversation's first read may still be in flight from before the claim (the
    // navigation started it): with no data yet, a refetch would join it and show the old
    // state, so it is cancelled first.
    const conversation = { queryKey: keys.conversation(conversationId) };
    void queryClient.cancelQueries(conversation).then(() => queryClient.invalidateQueries(conversation));
  }
}

/** Conversations this tab is declining right now (their Accept / Decline wait for the answer). */
const [declining, setDeclining] = createSignal<ReadonlySet<string>>(new Set());
export { declining };

/**
 * Declines an offer made to me: at once the row is no longer offered to me (it stays in
 * Waiting, for the next agent the server offers it to; its event brings the new state). A
 * refusal (the offer had already ended) puts the row back and shows the server's sentence.
 */
export async function declineOffer(queryClient: QueryClient, conversationId: string): Promise<boolean> {
  if (declining().has(conversationId) || claiming().has(conversationId)) return false;
  setClaimRefusal(null);
  setDeclining((s) => new Set([...s, conversationId]));
  await queryClient.cancelQueries({ queryKey: keys.queue });
  const snapshot = queryClient.getQueriesData<QueueItem[]>({ queryKey: keys.queue });
  queryClient.setQueriesData<QueueItem[]>({ queryKey: keys.queue }, (list) =>
    list?.map((c) => (c.id === conversationId ? { ...c, offeredTo: null, offerExpiresAt: null } : c)),
  );
  try {
    await trpc.conversations.decline.mutate({ conversationId });
    return true;
  } catch (error) {
    for (const [key, data] of snapshot) queryClient.setQueryData(key, data);
    void queryClient.invalidateQueries({ queryKey: keys.queue });
    setClaimRefusal({ conversationId, message: errorMessage(error) });
    return false;
  } finally {
    setDeclining((s) => {
      const next = new Set(s);
      next.delete(conversationId);
      return next;
    });
    void queryClient.invalidateQueries({ queryKey: keys.conversation(conversationId) });
  }
}

/**
 * Keyboard users who claimed (from the queue, or from the conversation they were peeking at)
 * land in the composer of their new conversation once it is writable, unless they have put
 * the focus somewhere themselves meanwhile (the Claim button they pressed does not count).
 */
function focusComposer(conversationId: string): void {
  if (typeof requestAnimationFrame === 'undefined') return;
  // A deadline, not a number of frames: on a busy machine the conversation's chunk and data may
  // take a few seconds (frames come slower, too).
  const until = Date.now() + 10_000;
  const attempt = () => {
    if (window.location.pathname !== `/conversations/${conversationId}`) return;
    const active = document.activeElement;
    if (active && active !== document.body && !active.classList.contains('workspace-main') && !active.matches('[data-shortcut="claim"]'))
      return;
    const box = document.querySelector<HTMLTextAreaElement>('.cv-composer textarea');
    if (box && !box.disabled) box.focus();
    else if (Date.now() < until) requestAnimationFrame(attempt);
  };
  requestAnimationFrame(attempt);
}
