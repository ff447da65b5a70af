import { QueryClient } from '@tanstack/solid-query';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { LiveEventLike } from './live-cache.ts';

const queueQuery = vi.fn<(input: { conversationIds: string[] }) => Promise<unknown[]>>();
const mineQuery = vi.fn<(input: { conversationIds: string[] }) => Promise<unknown[]>>();
vi.mock('../trpc.ts', () => ({
  trpc: {
    queue: { list: { query: (input: { conversationIds: string[] }) => queueQuery(input) } },
    conversations: { mine: { query: (input: { conversationIds: string[] }) => mineQuery(input) } },
  },
}));

const { applyLiveEvent, applyReadLocally } = await import('./live-events.ts');
const { keys } = await import('./keys.ts');

const row = (id: string, minute: number, teamId = 'support') => ({
  id,
  waitingSince: `2026-01-01T10:${String(minute).padStart(2, '0')}:00.000Z`,
  team: { id: teamId, name: teamId },
  lastMessage: { text: `hi ${id}` },
});
const ids = (key: readonly unknown[]) => (client.getQueryData<{ id: string }[]>(key) ?? []).map((r) => r.id);
/** Runs the coalescing timer and every promise it chains (fake timers: no waiting on the clock). */
const settle = () => vi.runAllTimersAsync();

/** A conversation entering (or changing in) a team's Waiting list. */
const waiting = (conversationId: string, teamId: string, contactId: string): LiveEventLike => ({
  type: 'queue.changed',
  conversationId,
  status: 'waiting',
  teamId,
  assigneeId: null,
  targetUserId: null,
  contactId,
});

let client: QueryClient;
const all = [...keys.queue, null] as const;
const support = [...keys.queue, 'support'] as const;

beforeEach(() => {
  vi.useFakeTimers();
  client = new QueryClient({ defaultOptions: { queries: { retry: false, staleTime: Infinity } } });
  client.setQueryData(keys.me, { user: { id: 'ana' } });
  client.setQueryData(all, [row('a', 0), row('b', 1), row('d', 3, 'sales')]);
  client.setQueryData(support, [row('a', 0), row('b', 1)]);
  client.setQueryData(keys.mine, [{ id: 'm' }]);
  queueQuery.mockReset();
  mineQuery.mockReset();
});
afterEach(() => {
  client.clear();
  vi.useRealTimers();
});

const invalidated = (key: readonly unknown[]) => client.getQueryState(key)?.isInvalidated ?? false;

describe('applyLiveEvent on the Waiting and In-service caches', () => {
  it('a message on an unrelated active conversation fetches nothing and keeps every list valid', async () => {
    applyLiveEvent(client, {
      type: 'message.created',
      conversationId: 'x',
      messageId: 'm1',
      status: 'received',
      direction: 'in',
      conversationStatus: 'active',
      teamId: 'support',
      assigneeId: 'bruno',
      targetUserId: null,
      contactId: 'k9',
    });
    expect(vi.getTimerCount()).toBe(0);
    await settle();
    expect(queueQuery).not.toHaveBeenCalled();
    expect(invalidated(all) || invalidated(support) || invalidated(keys.mine)).toBe(false);
    expect(ids(all)).toEqual(['a', 'b', 'd']);
  });

  it('a claimed conversation leaves every Waiting list locally; In service fetches that row alone when it is mine', async () => {
    mineQuery.mockResolvedValue([
      { id: 'a', lastActivityAt: '2026-01-01T10:06:00.000Z', awaitingReplySince: '2026-01-01T10:00:00.000Z', unread: 2, lastSeq: 3 },
    ]);
    applyLiveEvent(client, {
      type: 'queue.changed',
      conversationId: 'a',
      status: 'active',
      teamId: 'support',
      assigneeId: 'ana',
      targetUserId: null,
      contactId: 'k1',
    });
    expect(ids(all)).toEqual(['b', 'd']);
    expect(ids(support)).toEqual(['b']);
    expect(queueQuery).not.toHaveBeenCalled();
    expect(invalidated(all)).toBe(false);
    await settle();
    expect(mineQuery).toHaveBeenCalledTimes(1);
    expect(mineQuery.mock.calls[0]![0]).toEqual({ conversationIds: ['a'] });
    expect(invalidated(keys.mine)).toBe(false);
    expect(ids(keys.mine)).toEqual(['a', 'm']);
  });

  it('new waiting conversations are fetched alone, in one request, and patched in order and per team', async () => {
    queueQuery.mockResolvedValue([row('c', 2), row('e', 4, 'sales')]);
    applyLiveEvent(client, waiting('c', 'support', 'k3'));
    applyLiveEvent(client, waiting('e', 'sales', 'k5'));
    await settle();
    expect(queueQuery).toHaveBeenCalledTimes(1);
    expect(queueQuery.mock.calls[0]![0]).toEqual({ conversationIds: ['c', 'e'] });
    expect(ids(all)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(ids(support)).toEqual(['a', 'b', 'c']);
    expect(invalidated(all)).toBe(false);
  });

  it('an event during the first load of Waiting (which may have read before it) fetches that row once the load lands', async () => {
    client.removeQueries({ queryKey: keys.queue });
    // The first load read the queue before the conversation arrived; its answer lands after the event.
    let land!: (rows: unknown[]) => void;
    const firstLoad = client.fetchQuery({ queryKey: all, queryFn: () => new Promise<unknown[]>((resolve) => (land = resolve)) });
    queueQuery.mockResolvedValue([row('c', 2)]);
    applyLiveEvent(client, waiting('c', 'support', 'k3'));
    await settle();
    expect(queueQuery).not.toHaveBeenCalled();
    land([row('a', 0)]);
    await firstLoad;
    await settle();
    expect(queueQuery).toHaveBeenCalledWith({ conversationIds: ['c'] });
    expect(ids(all)).toEqual(['a', 'c']);
  });

  it('an event during the first load of In service fetches that row once the load lands', async () => {
    client.removeQueries({ queryKey: keys.mine });
    let land!: (rows: unknown[]) => void;
    const firstLoad = client.fetchQuery({ queryKey: keys.mine, queryFn: () => new Promise<unknown[]>((resolve) => (land = resolve)) });
    mineQuery.mockResolvedValue([{ id: 'n', lastActivityAt: '2026-01-01T10:06:00.000Z', unread: 0, lastSeq: 2 }]);
    applyLiveEvent(client, {
      type: 'queue.changed',
      conversationId: 'n',
      status: 'active',
      teamId: 'support',
      assigneeId: 'ana',
      targetUserId: null,
      contactId: 'k7',
    });
    await settle();
    expect(mineQuery).not.toHaveBeenCalled();
    land([{ id: 'm', lastActivityAt: '2026-01-01T10:01:00.000Z' }]);
    await firstLoad;
    await settle();
    expect(mineQuery).toHaveBeenCalledWith({ conversationIds: ['n'] });
    expect(ids(keys.mine)).toEqual(['n', 'm']);
  });

  it('a row the server no longer returns (transferred away) leaves the list', async () => {
    queueQuery.mockResolvedValue([]);
    applyLiveEvent(client, {
      type: 'conversation.left',
      conversationId: 'b',
      teamId: 'support',
      assigneeId: null,
      targetUserId: null,
      contactId: 'k2',
    });
    await settle();
    expect(ids(all)).toEqual(['a', 'd']);
    expect(ids(support)).toEqual(['a']);
  });

  it('a late answer never undoes a newer event (claimed while its row was being fetched)', async () => {
    let answer!: (rows: unknown[]) => void;
    queueQuery.mockImplementation(() => new Promise((resolve) => (answer = resolve)));
    applyLiveEvent(client, {
      type: 'message.created',
      conversationId: 'a',
      messageId: 'm1',
      status: 'received',
      direction: 'in',
      conversationStatus: 'waiting',
      teamId: 'support',
      assigneeId: null,
      targetUserId: null,
      contactId: 'k1',
    });
    await settle();
    applyLiveEvent(client, {
      type: 'queue.changed',
      conversationId: 'a',
      status: 'active',
      teamId: 'support',
      assigneeId: 'bruno',
      targetUserId: null,
      contactId: 'k1',
    });
    expect(ids(all)).toEqual(['b', 'd']);
    answer([row('a', 0)]);
    await settle();
    expect(ids(all)).toEqual(['b', 'd']);
  });

  it('falls back to invalidating when it cannot be precise (unknown shape, failed fetch)', async () => {
    // A conversation event of a type this build does not know (sent by a newer server).
    applyLiveEvent(client, { type: 'conversation.somethingNew', conversationId: 'a' } as unknown as LiveEventLike);
    expect(invalidated(all)).toBe(true);
    client.setQueryData(all, [row('a', 0)]);
    expect(invalidated(all)).toBe(false);
    queueQuery.mockRejectedValue(new Error('offline'));
    applyLiveEvent(client, {
      type: 'queue.changed',
      conversationId: 'z',
      status: 'waiting',
      teamId: 'support',
      assigneeId: null,
      targetUserId: null,
      contactId: 'k',
    });
    await settle();
    expect(invalidated(all)).toBe(true);
  });

  it('invalidates only the affected contact', () => {
    client.setQueryData(keys.contact('k1'), { id: 'k1' });
    client.setQueryData(keys.contact('k2'), { id: 'k2' });
    applyLiveEvent(client, {
      type: 'message.created',
      conversationId: 'x',
      messageId: 'm1',
      status: 'received',
      direction: 'in',
      conversationStatus: 'active',
      teamId: 'support',
      assigneeId: 'bruno',
      targetUserId: null,
      contactId: 'k1',
    });
    expect(invalidated(keys.contact('k1'))).toBe(true);
    expect(invalidated(keys.contact('k2'))).toBe(false);
  });

  it('a new customer message on one of my conversations updates that row alone: preview, unread, order', async () => {
    const m = {
      id: 'm',
      lastActivityAt: '2026-01-01T10:09:00.000Z',
      awaitingReplySince: null,
      unread: 0,
      lastSeq: 5,
      lastMessage: { text: 'Pronto' },
    };
    const n = {
      id: 'n',
      lastActivityAt: '2026-01-01T10:05:00.000Z',
      awaitingReplySince: '2026-01-01T10:05:00.000Z',
      unread: 1,
      lastSeq: 6,
      lastMessage: { text: 'Oi' },
    };
    client.setQueryData(keys.mine, [n, m]);
    const urgent = {
      ...m,
      lastActivityAt: '2026-01-01T10:10:00.000Z',
      awaitingReplySince: '2026-01-01T10:01:00.000Z',
      unread: 1,
      lastSeq: 7,
      lastMessage: { text: 'Alô? Ainda está aí? É urgente.' },
    };
    mineQuery.mockResolvedValue([urgent]);
    applyLiveEvent(client, {
      type: 'message.created',
      conversationId: 'm',
      messageId: 'm1',
      status: 'received',
      direction: 'in',
      conversationStatus: 'active',
      teamId: 'support',
      assigneeId: 'ana',
      targetUserId: null,
      contactId: 'k1',
    });
    await settle();
    expect(mineQuery).toHaveBeenCalledTimes(1);
    expect(invalidated(keys.mine)).toBe(false);
    expect(client.getQueryData(keys.mine)).toEqual([urgent, n]);
  });

  it('a read mark clears a row at once; a row fetched before my mark landed does not bring its count back', async () => {
    const row = {
      id: 'm',
      lastActivityAt: '2026-01-01T10:09:00.000Z',
      awaitingReplySince: '2026-01-01T10:09:00.000Z',
      unread: 1,
      lastSeq: 7,
    };
    client.setQueryData(keys.mine, [row]);
    // Another tab of mine read it.
    applyLiveEvent(client, { type: 'read.marked', conversationId: 'm', userId: 'ana', seq: 7 });
    expect(client.getQueryData<{ unread: number }[]>(keys.mine)![0]!.unread).toBe(0);
    expect(mineQuery).not.toHaveBeenCalled();
    // This tab reads it, while the row of the message that just arrived is on its way (counted before the mark).
    client.setQueryData(keys.mine, [{ ...row, unread: 0 }]);
    mineQuery.mockResolvedValue([{ ...row, unread: 1, lastSeq: 8 }]);
    applyLiveEvent(client, {
      type: 'message.created',
      conversationId: 'm',
      messageId: 'm1',
      status: 'received',
      direction: 'in',
      conversationStatus: 'active',
      teamId: 'support',
      assigneeId: 'ana',
      targetUserId: null,
      contactId: 'k1',
    });
    applyReadLocally(client, 'm', 8);
    await settle();
    expect(client.getQueryData<{ unread: number }[]>(keys.mine)![0]!.unread).toBe(0);
    // A mark older than the last message: the server counts what is left (that row alone).
    client.setQueryData(keys.mine, [{ ...row, unread: 3, lastSeq: 12 }]);
    mineQuery.mockResolvedValue([{ ...row, unread: 1, lastSeq: 12 }]);
    applyLiveEvent(client, { type: 'read.marked', conversationId: 'm', userId: 'ana', seq: 11 });
    await settle();
    expect(client.getQueryData<{ unread: number }[]>(keys.mine)![0]!.unread).toBe(1);
  });

  it('my mark on a waiting conversation I peek at clears its row in every Waiting list', () => {
    client.setQueryData(all, [{ ...row('a', 0), unread: 2 }, row('b', 1)]);
    client.setQueryData(support, [{ ...row('a', 0), unread: 2 }]);
    applyReadLocally(client, 'a', 4);
    expect(client.getQueryData<{ unread?: number }[]>(all)![0]!.unread).toBe(0);
    expect(client.getQueryData<{ unread?: number }[]>(support)![0]!.unread).toBe(0);
    expect(queueQuery).not.toHaveBeenCalled();
  });

  it('a mark from another tab on a waiting conversation asks the server for that row alone', async () => {
    client.setQueryData(all, [{ ...row('a', 0), unread: 2 }, row('b', 1)]);
    queueQuery.mockResolvedValue([{ ...row('a', 0), unread: 0 }]);
    applyLiveEvent(client, { type: 'read.marked', conversationId: 'a', userId: 'ana', seq: 4 });
    await settle();
    expect(queueQuery).toHaveBeenCalledWith({ conversationIds: ['a'] });
    expect(client.getQueryData<{ unread?: number }[]>(all)![0]!.unread).toBe(0);
    expect(invalidated(all)).toBe(false);
  });

  it('a change of team memberships refetches the lists (visibility changed)', () => {
    applyLiveEvent(client, { type: 'team.updated', teamId: 'support' });
    expect(invalidated(all)).toBe(true);
    expect(invalidated(keys.mine)).toBe(true);
  });
});
