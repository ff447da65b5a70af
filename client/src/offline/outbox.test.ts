import 'fake-indexeddb/auto';
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { closableStore, mutate } from './idb.ts';
import { addItem, drainOutbox, readItems, removeDraft, requeueDraft, type OutboxDeps, type OutboxItem } from './outbox-core.ts';

class Refused extends Error {}
class NetworkDown extends Error {}

/** A tab-independent mutex, standing in for navigator.locks across "tabs". */
function sharedLock() {
  let tail: Promise<void> = Promise.resolve();
  return (fn: () => Promise<void>) => {
    const run = tail.then(fn);
    tail = run.catch(() => {});
    return run;
  };
}

function setup(send: (item: OutboxItem) => Promise<unknown>, lock = sharedLock()) {
  const store = closableStore(`atende:test-${randomUUID()}:outbox`, 'items');
  const deps: OutboxDeps = {
    store,
    send,
    refusal: (error) => (error instanceof Refused ? error.message : null),
    withLock: lock,
    changed: () => {},
  };
  return { store, deps };
}

const later = () => new Promise((resolve) => setTimeout(resolve, 1));

describe('outbox', () => {
  it('stores a message before the first attempt and sends each conversation in order', async () => {
    const sent: string[] = [];
    const { store, deps } = setup(async (item) => {
      // Whatever is being sent is already stored (a crash now loses nothing).
      expect((await readItems(store)).map((i) => i.clientMessageId)).toContain(item.clientMessageId);
      sent.push(`${item.conversationId}:${item.text}`);
    });
    for (const [c, text] of [
      ['a', '1'],
      ['b', '1'],
      ['a', '2'],
      ['a', '3'],
      ['b', '2'],
    ] as const) {
      await addItem(store, { conversationId: c, text });
    }
    expect((await readItems(store)).every((i) => i.state === 'pending')).toBe(true);
    await drainOutbox(deps);
    expect(sent.filter((s) => s.startsWith('a:'))).toEqual(['a:1', 'a:2', 'a:3']);
    expect(sent.filter((s) => s.startsWith('b:'))).toEqual(['b:1', 'b:2']);
    expect(await readItems(store)).toEqual([]);
  });

  it('keeps messages pending on a network failure and stops only that conversation', async () => {
    let down = true;
    const sent: string[] = [];
    const { store, deps } = setup(async (item) => {
      if (down && item.conversationId === 'a') throw new NetworkDown('fetch failed');
      sent.push(`${item.conversationId}:${item.text}`);
    });
    await addItem(store, { conversationId: 'a', text: '1' });
    await addItem(store, { conversationId: 'a', text: '2' });
    await addItem(store, { conversationId: 'b', text: '1' });
    await drainOutbox(deps);
    expect(sent).toEqual(['b:1']);
    const left = await readItems(store);
    expect(left.map((i) => [i.text, i.state, i.error])).toEqual([
      ['1', 'pending', null],
      ['2', 'pending', null],
    ]);

    down = false;
    await drainOutbox(deps);
    expect(sent).toEqual(['b:1', 'a:1', 'a:2']);
    expect(await readItems(store)).toEqual([]);
  });

  it("turns a refused message into a draft with the server's reason; the line goes on", async () => {
    const sent: string[] = [];
    const { store, deps } = setup(async (item) => {
      if (item.text === 'late') throw new Refused('The 24-hour window is closed.');
      sent.push(item.text);
    });
    await addItem(store, { conversationId: 'a', text: 'late' });
    await addItem(store, { conversationId: 'a', text: 'next' });
    await drainOutbox(deps);
    expect(sent).toEqual(['next']);
    const [draft] = await readItems(store);
    expect(draft).toMatchObject({ text: 'late', state: 'draft', error: 'The 24-hour window is closed.' });

    // A later pass leaves drafts alone.
    await drainOutbox(deps);
    expect(sent).toEqual(['next']);
  });

  it('retries a draft under a new id in its old place, and discards only drafts', async () => {
    let refuse = true;
    const ids: string[] = [];
    const { store, deps } = setup(async (item) => {
      if (refuse) throw new Refused('No permission: the conversation is not yours.');
      ids.push(item.clientMessageId);
    });
    const first = await addItem(store, { conversationId: 'a', text: 'first' });
    await drainOutbox(deps);
    expect((await readItems(store))[0]!.state).toBe('draft');

    // A pending message cannot be discarded.
    const second = await addItem(store, { conversationId: 'a', text: 'second' });
    await removeDraft(store, second.clientMessageId);
    expect((await readItems(store)).length).toBe(2);

    const again = await requeueDraft(store, first.clientMessageId);
    expect(again).toMatchObject({ text: 'first', state: 'pending', error: null, createdAt: first.createdAt });
    expect(again!.clientMessageId).not.toBe(first.clientMessageId);
    expect(await requeueDraft(store, second.clientMessageId)).toBeNull(); // not a draft

    refuse = false;
    await drainOutbox(deps);
    expect(ids).toEqual([again!.clientMessageId, second.clientMessageId]);

    const third = await addItem(store, { conversationId: 'a', text: 'third' });
    await mutate<OutboxItem>(store, third.clientMessageId, (i) => ({ ...i!, state: 'draft', error: 'x' }));
    await removeDraft(store, third.clientMessageId);
    expect(await readItems(store)).toEqual([]);
  });

  it('sends each message once when several tabs drain at the same time', async () => {
    const count = new Map<string, number>();
    const lock = sharedLock();
    const send = async (item: OutboxItem) => {
      await later();
      count.set(item.clientMessageId, (count.get(item.clientMessageId) ?? 0) + 1);
    };
    const tab1 = setup(send, lock);
    // Another tab: the same database, its own connection.
    const tab2: OutboxDeps = { ...tab1.deps };
    const added: OutboxItem[] = [];
    for (let i = 0; i < 6; i++) added.push(await addItem(tab1.store, { conversationId: i % 2 ? 'a' : 'b', text: String(i) }));
    await Promise.all([drainOutbox(tab1.deps), drainOutbox(tab2), drainOutbox(tab1.deps)]);
    expect([...count.values()]).toEqual([1, 1, 1, 1, 1, 1]);
    expect(new Set(count.keys())).toEqual(new Set(added.map((i) => i.clientMessageId)));
  });

  it('retries a message left "sending" by a closed tab under the same clientMessageId', async () => {
    const ids: string[] = [];
    const { store, deps } = setup(async (item) => void ids.push(item.clientMessageId));
    const item = await addItem(store, { conversationId: 'a', text: 'interrupted' });
    await mutate<OutboxItem>(store, item.clientMessageId, (i) => ({ ...i!, state: 'sending' }));
    await drainOutbox(deps);
    expect(ids).toEqual([item.clientMessageId]);
  });
});
