import { describe, expect, it } from 'vitest';
import {
  applyReadMark,
  compareMine,
  compareRows,
  contactAction,
  mineAction,
  patchMine,
  patchRows,
  QUEUE_LIMIT,
  queueAction,
  readMarkOf,
  removeRow,
  type LiveEventLike,
  type MineRowLike,
  type QueueRowLike,
} from './live-cache.ts';
import type { ConversationRef, EventData } from '../../../shared/events.ts';

const row = (id: string, waitingSince: string, teamId: string | null = 'support'): QueueRowLike => ({
  id,
  waitingSince,
  team: teamId ? { id: teamId } : null,
});
const list = [row('a', '2026-01-01T10:00:00.000Z'), row('b', '2026-01-01T10:01:00.000Z'), row('d', '2026-01-01T10:03:00.000Z', 'sales')];
const inList = (id: string) => list.some((r) => r.id === id);

type Status = EventData<'queue.changed'>['status'];
const ref = (conversationId: string, extra: Partial<ConversationRef> = {}): ConversationRef => ({
  conversationId,
  teamId: 'support',
  assigneeId: null,
  targetUserId: null,
  contactId: 'k1',
  ...extra,
});
const conv = (
  type: 'queue.changed' | 'conversation.updated',
  conversationId: string,
  status: Status,
  extra: Partial<ConversationRef> = {},
) => ({ type, status, ...ref(conversationId, extra) });
const message = (
  conversationId: string,
  conversationStatus: Status,
  direction: 'in' | 'out' = 'in',
  extra: Partial<ConversationRef> = {},
) => ({
  type: 'message.created' as const,
  messageId: 'm1',
  status: direction === 'in' ? ('received' as const) : ('queued' as const),
  direction,
  conversationStatus,
  ...ref(conversationId, extra),
});
/** An event of a type this build does not know (a newer server's). */
const newer = (event: { type: string; [field: string]: unknown }) => event as unknown as LiveEventLike;

describe('queueAction: what an event means for the cached Waiting lists', () => {
  it('leaves the lists alone for a message on a conversation that is not waiting and not listed', () => {
    expect(queueAction(message('x', 'active'), inList)).toBe('remove');
    // `remove` of an id that is in no list changes nothing and asks nothing (see removeRow).
    expect(removeRow(list, 'x')).toBe(list);
    expect(queueAction(message('x', 'bot'), inList)).toBe('remove');
    expect(queueAction({ ...message('x', 'active'), type: 'message.status' }, inList)).toBe('none');
  });

  it('drops a conversation that left Waiting (claimed, closed) without asking the server', () => {
    expect(queueAction(conv('queue.changed', 'a', 'active', { assigneeId: 'bruno' }), inList)).toBe('remove');
    expect(queueAction(conv('conversation.updated', 'b', 'closed'), inList)).toBe('remove');
    expect(queueAction(message('a', 'active', 'out'), inList)).toBe('remove');
  });

  it('fetches alone a conversation that entered or changed in Waiting', () => {
    expect(queueAction(conv('queue.changed', 'new', 'waiting'), inList)).toBe('fetch');
    expect(queueAction(conv('conversation.updated', 'a', 'waiting'), inList)).toBe('fetch');
    // A new customer message changes the row's last message; the bot's own message does not.
    expect(queueAction(message('a', 'waiting'), inList)).toBe('fetch');
    expect(queueAction(message('a', 'waiting', 'out'), inList)).toBe('none');
    // A message on a waiting conversation I do not list (not mine to see) asks nothing.
    expect(queueAction(message('zz', 'waiting'), inList)).toBe('none');
  });

  it('asks the server about a listed conversation transferred away (it decides whether I still see it)', () => {
    expect(queueAction({ type: 'conversation.left', ...ref('a') }, inList)).toBe('fetch');
    expect(queueAction({ type: 'conversation.left', ...ref('zz') }, inList)).toBe('none');
  });

  it('ignores invitations and delivery statuses', () => {
    expect(queueAction({ type: 'conversation.participants', userId: 'u', ...ref('a') }, inList)).toBe('none');
    expect(queueAction({ ...message('a', 'waiting', 'out'), type: 'message.status', status: 'read' }, inList)).toBe('none');
  });

  it('falls back to a refetch for a conversation event it does not know; ignores the others', () => {
    expect(queueAction(newer({ type: 'conversation.somethingNew', conversationId: 'a', status: 'waiting' }), inList)).toBe('refetch');
    expect(queueAction(newer({ type: 'message.somethingNew', conversationId: 'a' }), inList)).toBe('refetch');
    expect(queueAction({ type: 'user.status', userId: 'u', status: 'online' }, inList)).toBe('none');
    expect(queueAction(newer({ type: 'user.somethingNew', userId: 'u' }), inList)).toBe('none');
  });
});

describe('mineAction: In service fetches one row, only when concerned', () => {
  const mine = (id: string) => id === 'm';
  it('fetches that row alone for my conversations, ones assigned to me, and my invitations', () => {
    expect(mineAction(message('m', 'active'), 'ana', mine)).toBe('fetch');
    expect(mineAction(message('m', 'active', 'out'), 'ana', mine)).toBe('fetch');
    expect(mineAction(conv('queue.changed', 'a', 'active', { assigneeId: 'ana' }), 'ana', mine)).toBe('fetch');
    expect(mineAction({ type: 'conversation.participants', userId: 'ana', ...ref('x') }, 'ana', mine)).toBe('fetch');
    expect(mineAction({ type: 'conversation.left', ...ref('m', { assigneeId: 'ana' }) }, 'ana', mine)).toBe('fetch');
  });
  it('a read mark is no conversation event (it changes nobody else’s lists)', () => {
    expect(mineAction({ type: 'read.marked', conversationId: 'm', userId: 'ana', seq: 4 }, 'ana', mine)).toBe('none');
    expect(queueAction({ type: 'read.marked', conversationId: 'a', userId: 'ana', seq: 4 }, inList)).toBe('none');
  });
  it('leaves it alone for others\u2019 conversations and for delivery statuses', () => {
    expect(mineAction(message('x', 'active', 'in', { assigneeId: 'bruno' }), 'ana', mine)).toBe('none');
    expect(mineAction(conv('queue.changed', 'x', 'waiting'), 'ana', mine)).toBe('none');
    expect(mineAction({ ...message('m', 'active'), type: 'message.status' }, 'ana', mine)).toBe('none');
  });
  it('refetches when it cannot tell', () => {
    expect(mineAction(message('x', 'active'), null, mine)).toBe('refetch');
    expect(mineAction(newer({ type: 'conversation.somethingNew', conversationId: 'x' }), 'ana', mine)).toBe('refetch');
  });
});

describe('contactAction', () => {
  it('names only the affected contact, all of them when unknown', () => {
    expect(contactAction(message('x', 'active'))).toEqual({ contactId: 'k1' });
    expect(contactAction({ type: 'contact.updated', contactId: 'k2' })).toEqual({ contactId: 'k2' });
    expect(contactAction(newer({ type: 'conversation.somethingNew', conversationId: 'x', status: 'waiting' }))).toBe('all');
    expect(contactAction({ type: 'user.status', userId: 'u', status: 'online' })).toBe('none');
  });
});

describe('patching the cached list', () => {
  it('inserts a new row in the server order (oldest first, then id) and honours the team filter', () => {
    const c = row('c', '2026-01-01T10:02:00.000Z');
    expect(patchRows(list, ['c'], [c], null)!.map((r) => r.id)).toEqual(['a', 'b', 'c', 'd']);
    expect(
      patchRows(
        list.filter((r) => r.team?.id === 'support'),
        ['c'],
        [c],
        'support',
      )!.map((r) => r.id),
    ).toEqual(['a', 'b', 'c']);
    expect(patchRows([list[2]!], ['c'], [c], 'sales')!.map((r) => r.id)).toEqual(['d']);
    // Same time: the id decides, as in SQL.
    const b2 = row('b2', '2026-01-01T10:01:00.000Z');
    expect(patchRows(list, ['b2'], [b2], null)!.map((r) => r.id)).toEqual(['a', 'b', 'b2', 'd']);
  });

  it('replaces a changed row in place and drops a requested row the server no longer returns', () => {
    const changed = { ...list[1]!, lastMessage: 'new' };
    const patched = patchRows(list, ['b'], [changed], null)!;
    expect(patched.map((r) => r.id)).toEqual(['a', 'b', 'd']);
    expect(patched[1]).toBe(changed);
    expect(patchRows(list, ['b'], [], null)!.map((r) => r.id)).toEqual(['a', 'd']);
    // A row moved to another team leaves that team's filtered list.
    expect(patchRows(list, ['a'], [row('a', list[0]!.waitingSince, 'sales')], 'support')!.map((r) => r.id)).toEqual(['b', 'd']);
    expect(patchRows(list, ['zz'], [], null)).toBe(list);
  });

  it('removes locally, but cannot be exact when the list is at the server cap', () => {
    expect(removeRow(list, 'a')!.map((r) => r.id)).toEqual(['b', 'd']);
    const full = Array.from({ length: QUEUE_LIMIT }, (_, i) =>
      row(`r${String(i).padStart(5, '0')}`, `2026-01-01T10:00:00.${String(i % 1000).padStart(3, '0')}Z`),
    );
    expect(removeRow(full, full[10]!.id)).toBeNull();
    expect(patchRows(full, [full[10]!.id], [], null)).toBeNull();
    // A newer row than all on a full list is not among the server's first 5,000 either.
    const newest = row('zzz', '2027-01-01T00:00:00.000Z');
    const patched = patchRows(full, ['zzz'], [newest], null)!;
    expect(patched).toHaveLength(QUEUE_LIMIT);
    expect(patched.some((r) => r.id === 'zzz')).toBe(false);
  });
});

describe('Waiting order with service levels', () => {
  const at = (minute: number) => `2026-01-01T10:${String(minute).padStart(2, '0')}:00.000Z`;
  const waiting = (id: string, since: number, due: number | null, headOfQueue = false): QueueRowLike => ({
    ...row(id, at(since)),
    headOfQueue,
    sla: due === null ? null : { dueAt: at(due) },
  });

  it('returned first, then the running targets soonest due first, then oldest first, then the id', () => {
    const rows = [
      waiting('old-no-sla', 0, null),
      waiting('due-late', 1, 40),
      waiting('returned-no-sla', 9, null, true),
      waiting('due-soon', 5, 20),
      waiting('returned-due', 8, 30, true),
      waiting('new-no-sla', 7, null),
      waiting('b-same-due', 3, 40),
      waiting('a-same-all', 3, 40),
    ];
    expect([...rows].sort(compareRows).map((r) => r.id)).toEqual([
      'returned-due',
      'returned-no-sla',
      'due-soon',
      'due-late',
      'a-same-all',
      'b-same-due',
      'old-no-sla',
      'new-no-sla',
    ]);
  });

  it('a row whose target appears or changes is patched into its place in that order', () => {
    const list = [waiting('a', 0, 10), waiting('b', 1, null), waiting('c', 2, null)];
    expect(patchRows(list, ['c'], [waiting('c', 2, 5)], null)!.map((r) => r.id)).toEqual(['c', 'a', 'b']);
    // An agent's answer ends the target: back among the others by waiting time.
    expect(patchRows(list, ['a'], [waiting('a', 0, null)], null)!.map((r) => r.id)).toEqual(['a', 'b', 'c']);
  });
});

describe('In service order, patches and read marks', () => {
  const mineRow = (id: string, awaitingReplySince: string | null, lastActivityAt: string, unread = 0, seq = 10): MineRowLike => ({
    id,
    awaitingReplySince,
    lastActivityAt,
    unread,
    lastSeq: seq,
  });
  const a = mineRow('a', '2026-01-01T10:00:00.000Z', '2026-01-01T10:05:00.000Z', 2);
  const b = mineRow('b', '2026-01-01T10:03:00.000Z', '2026-01-01T10:03:00.000Z', 1);
  const c = mineRow('c', null, '2026-01-01T10:09:00.000Z');
  const d = mineRow('d', null, '2026-01-01T10:01:00.000Z');

  it('puts who has waited longest for an answer first, then the answered ones by latest activity', () => {
    expect([d, c, b, a].sort(compareMine).map((r) => r.id)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('puts the running service-level targets first, soonest due first, before the rest in their order', () => {
    const due = (r: MineRowLike, dueAt: string): MineRowLike => ({ ...r, sla: { dueAt } });
    const sorted = [a, b, due(c, '2026-01-01T10:30:00.000Z'), due(d, '2026-01-01T10:20:00.000Z')].sort(compareMine);
    expect(sorted.map((r) => r.id)).toEqual(['d', 'c', 'a', 'b']);
    // Same due time: the order without targets decides.
    const same = [due(b, '2026-01-01T10:20:00.000Z'), due(a, '2026-01-01T10:20:00.000Z')].sort(compareMine);
    expect(same.map((r) => r.id)).toEqual(['a', 'b']);
  });

  it('a new customer message moves the answered row among the waiting ones, in order', () => {
    const list = [a, b, c, d];
    const waitingNow = mineRow('c', '2026-01-01T10:10:00.000Z', '2026-01-01T10:10:00.000Z', 1, 11);
    expect(patchMine(list, ['c'], [waitingNow]).map((r) => r.id)).toEqual(['a', 'b', 'c', 'd']);
    const older = mineRow('d', '2026-01-01T09:00:00.000Z', '2026-01-01T10:10:00.000Z', 1, 12);
    const patched = patchMine(list, ['d'], [older]);
    expect(patched.map((r) => r.id)).toEqual(['d', 'a', 'b', 'c']);
    expect(patched[0]).toBe(older);
  });

  it('drops a requested row the server no longer returns (not mine any more), and leaves an untouched list as is', () => {
    expect(patchMine([a, b, c], ['b'], []).map((r) => r.id)).toEqual(['a', 'c']);
    const list = [a, b];
    expect(patchMine(list, ['zz'], [])).toBe(list);
  });

  it('a mark that reaches the last message clears the count locally; an older one asks the server', () => {
    const list = [a, b, c];
    const cleared = applyReadMark(list, 'a', 10);
    expect(cleared.fetch).toBe(false);
    expect(cleared.list.map((r) => r.unread)).toEqual([0, 1, 0]);
    expect(applyReadMark(list, 'a', 9)).toEqual({ list, fetch: true });
    expect(applyReadMark(list, 'c', 1)).toEqual({ list, fetch: false });
    expect(applyReadMark(list, 'zz', 99)).toEqual({ list, fetch: false });
  });

  it('reads a read.marked event, and nothing else', () => {
    expect(readMarkOf({ type: 'read.marked', conversationId: 'a', userId: 'ana', seq: 7 })).toEqual({ conversationId: 'a', seq: 7 });
    expect(readMarkOf(message('a', 'active'))).toBeNull();
  });
});
