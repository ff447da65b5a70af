import type { QueryClient } from '@tanstack/solid-query';

/**
 * Automatic routing's offers (issue 12) as the agent's screens see them: a waiting row offered
 * to me (`offeredTo`, until `offerExpiresAt`) shows on top of Waiting with Accept / Decline and
 * the seconds left; one offered to a colleague says so and cannot be claimed. Pure helpers, and
 * the watcher that rings the alert when a new offer to me arrives.
 */
export interface OfferLike {
  id: string;
  targetUserId?: string | null;
  offeredTo?: { id: string; name: string } | null;
  offerExpiresAt?: string | null;
}

/** Offered to me right now (the server decides when it ends; its event updates the row). */
export const offeredToMe = (item: OfferLike, meId: string): boolean => !!meId && item.offeredTo?.id === meId;

/** Offered to someone else: only they may take it until the offer ends. */
export const offeredToOther = (item: OfferLike, meId: string): boolean => !!item.offeredTo && item.offeredTo.id !== meId;

/** Milliseconds left to accept at `now`, never below zero (the server ends it within seconds). */
export function offerTimeLeft(expiresAt: string | null | undefined, now: number): number {
  if (!expiresAt) return 0;
  return Math.max(0, new Date(expiresAt).getTime() - now);
}

/**
 * Waiting's order: offered to me first (the one running out first on top), then transferred to
 * me, then the others in the server's order (returned ones, then by service-level due time,
 * then oldest first).
 */
export function waitingOrder<T extends OfferLike>(list: readonly T[], meId: string): T[] {
  const offers = list
    .filter((c) => offeredToMe(c, meId))
    .sort((a, b) => (a.offerExpiresAt ?? '').localeCompare(b.offerExpiresAt ?? '') || a.id.localeCompare(b.id));
  const targeted = list.filter((c) => !offeredToMe(c, meId) && !!meId && c.targetUserId === meId);
  const rest = list.filter((c) => !offeredToMe(c, meId) && !(!!meId && c.targetUserId === meId));
  return [...offers, ...targeted, ...rest];
}

/** An offer is the conversation and its deadline: a new offer of the same conversation is a new one. */
export const offerKey = (item: OfferLike): string => `${item.id}@${item.offerExpiresAt ?? ''}`;

/**
 * The offers to me in `rows` not in `seen` (by offerKey), which learns them. `seen` null (the
 * first look) only learns them: offers already there when the app opens are on screen, not
 * news. `seen` never forgets, so an offer that leaves the list and comes back (a refused
 * decline, a refetch) is not announced twice.
 */
export function newOffers<T extends OfferLike>(
  rows: readonly T[],
  meId: string,
  seen: Set<string> | null,
): { fresh: T[]; seen: Set<string> } {
  const mine = rows.filter((c) => offeredToMe(c, meId));
  if (seen === null) return { fresh: [], seen: new Set(mine.map(offerKey)) };
  const fresh = mine.filter((c) => !seen.has(offerKey(c)));
  for (const c of fresh) seen.add(offerKey(c));
  return { fresh, seen };
}

/**
 * Watches the Waiting list of all my teams (the query the rail and the tab title keep live:
 * `[...queueKey, null]`) and calls `onOffer` once for each new offer to me. Returns the stop.
 */
export function watchOffers<T extends OfferLike>(
  queryClient: QueryClient,
  queryKey: readonly unknown[],
  meId: string,
  onOffer: (offer: T) => void,
): () => void {
  let seen: Set<string> | null = null;
  const check = () => {
    const rows = queryClient.getQueryData<T[]>(queryKey);
    if (!rows) return;
    const next = newOffers(rows, meId, seen);
    seen = next.seen;
    for (const offer of next.fresh) onOffer(offer);
  };
  check();
  const hash = JSON.stringify(queryKey);
  return queryClient.getQueryCache().subscribe((event) => {
    if (event.type === 'updated' && JSON.stringify(event.query.queryKey) === hash) check();
  });
}
