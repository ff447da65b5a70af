import { QueryClient } from '@tanstack/solid-query';
import { describe, expect, it } from 'vitest';
import { newOffers, offeredToMe, offeredToOther, offerKey, offerTimeLeft, waitingOrder, watchOffers, type OfferLike } from './offers.ts';

const ana = { id: 'ana', name: 'Ana Souza' };
const bruno = { id: 'bruno', name: 'Bruno Lima' };
const row = (id: string, extra: Partial<OfferLike> = {}): OfferLike => ({
  id,
  targetUserId: null,
  offeredTo: null,
  offerExpiresAt: null,
  ...extra,
});

describe('offers of automatic routing', () => {
  it('tells an offer to me from one to a colleague', () => {
    const mine = row('c1', { offeredTo: ana, offerExpiresAt: '2025-01-01T10:00:30.000Z' });
    const theirs = row('c2', { offeredTo: bruno, offerExpiresAt: '2025-01-01T10:00:30.000Z' });
    expect([offeredToMe(mine, 'ana'), offeredToOther(mine, 'ana')]).toEqual([true, false]);
    expect([offeredToMe(theirs, 'ana'), offeredToOther(theirs, 'ana')]).toEqual([false, true]);
    expect([offeredToMe(row('c3'), 'ana'), offeredToOther(row('c3'), 'ana')]).toEqual([false, false]);
    // Not signed in yet: nothing is mine.
    expect(offeredToMe(row('c4', { offeredTo: { id: '', name: '' } }), '')).toBe(false);
  });

  it('counts the time left down to zero, never below', () => {
    const at = Date.parse('2025-01-01T10:00:00.000Z');
    expect(offerTimeLeft('2025-01-01T10:00:45.000Z', at)).toBe(45_000);
    expect(offerTimeLeft('2025-01-01T10:00:45.000Z', at + 50_000)).toBe(0);
    expect(offerTimeLeft(null, at)).toBe(0);
  });

  it('puts my offers on top (soonest deadline first), then transfers to me, then the server order', () => {
    const list = [
      row('old'),
      row('theirs', { offeredTo: bruno, offerExpiresAt: '2025-01-01T10:00:10.000Z' }),
      row('transferred', { targetUserId: 'ana' }),
      row('late', { offeredTo: ana, offerExpiresAt: '2025-01-01T10:00:50.000Z' }),
      row('soon', { offeredTo: ana, offerExpiresAt: '2025-01-01T10:00:20.000Z' }),
      row('new'),
    ];
    expect(waitingOrder(list, 'ana').map((r) => r.id)).toEqual(['soon', 'late', 'transferred', 'old', 'theirs', 'new']);
    expect(waitingOrder(list, 'carla').map((r) => r.id)).toEqual(list.map((r) => r.id));
  });

  it('announces each new offer to me once, not those there when the app opened', () => {
    const first = row('c1', { offeredTo: ana, offerExpiresAt: '2025-01-01T10:00:30.000Z' });
    let state = newOffers([first], 'ana', null);
    expect(state.fresh).toEqual([]);
    const second = row('c2', { offeredTo: ana, offerExpiresAt: '2025-01-01T10:01:00.000Z' });
    const colleague = row('c3', { offeredTo: bruno, offerExpiresAt: '2025-01-01T10:01:00.000Z' });
    state = newOffers([first, second, colleague], 'ana', state.seen);
    expect(state.fresh.map((r) => r.id)).toEqual(['c2']);
    // It left (a decline being sent) and came back (the decline was refused): not news again.
    state = newOffers([first], 'ana', state.seen);
    state = newOffers([first, second], 'ana', state.seen);
    expect(state.fresh).toEqual([]);
    // Offered again later (a new deadline): a new offer.
    const again = { ...second, offerExpiresAt: '2025-01-01T10:05:00.000Z' };
    expect(offerKey(again)).not.toBe(offerKey(second));
    expect(newOffers([first, again], 'ana', state.seen).fresh.map((r) => r.id)).toEqual(['c2']);
  });

  it('watches the cached Waiting list and calls back for new offers to me', () => {
    const client = new QueryClient();
    const key = ['queue.list', null] as const;
    client.setQueryData(key, [row('c1', { offeredTo: ana, offerExpiresAt: '2025-01-01T10:00:30.000Z' })]);
    const heard: string[] = [];
    const stop = watchOffers<OfferLike>(client, key, 'ana', (offer) => heard.push(offer.id));
    client.setQueryData(['queue.list', 'support'], [row('c9', { offeredTo: ana, offerExpiresAt: '2025-01-01T10:00:30.000Z' })]);
    client.setQueryData(key, (list: OfferLike[] | undefined) => [
      ...(list ?? []),
      row('c2', { offeredTo: ana, offerExpiresAt: '2025-01-01T10:00:40.000Z' }),
    ]);
    expect(heard).toEqual(['c2']);
    stop();
    client.setQueryData(key, [row('c3', { offeredTo: ana, offerExpiresAt: '2025-01-01T10:00:40.000Z' })]);
    expect(heard).toEqual(['c2']);
  });
});
