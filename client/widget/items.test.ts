import { describe, expect, it } from 'vitest';
import type { WebchatConversation, WebchatMessage } from '../../shared/webchat-wire.ts';
import { lastAgentIndex, localItem, mergeItems, noticesAt, type Item } from './items.ts';

const message = (seq: number, over: Partial<WebchatMessage> = {}): WebchatMessage => ({
  id: `m${seq}`,
  conversationId: 'c1',
  direction: 'out',
  kind: 'text',
  text: `text ${seq}`,
  author: null,
  isBot: false,
  notice: null,
  menuChoice: null,
  status: 'delivered',
  clientMessageId: null,
  attachment: null,
  at: `2026-01-01T10:00:0${seq}.000Z`,
  seq,
  ...over,
});
const ids = (list: Item[]) => list.map((i) => i.id);

describe('mergeItems', () => {
  it('a full newest page keeps the older pages loaded below it, each message once', () => {
    const older = mergeItems([], [message(1), message(2), message(3)]);
    const withNewest = mergeItems(older, [message(3), message(4), message(5)]);
    const refreshed = mergeItems(withNewest, [message(4), message(5, { status: 'read' }), message(6)], true, true);
    expect(ids(refreshed)).toEqual(['m1', 'm2', 'm3', 'm4', 'm5', 'm6']);
    expect(refreshed.find((i) => i.id === 'm5')!.status).toBe('read');
  });

  it('a full list answering late keeps what the stream brought after it, and the unsent ones', () => {
    const pending = localItem('k1', 'still sending', null, null);
    const list = mergeItems([pending], [message(1), message(2), message(3)]);
    const merged = mergeItems(list, [message(1), message(2)], true);
    expect(ids(merged)).toEqual(['m1', 'm2', 'm3', 'local:k1']);
  });

  it('a full list drops what it no longer covers', () => {
    const list = mergeItems([], [message(1), message(2)]);
    expect(ids(mergeItems(list, [message(2)], true))).toEqual(['m2']);
  });

  it('never shows an older status, and keeps the same object when nothing changed', () => {
    const [read] = mergeItems([], [message(1, { status: 'read' })]);
    const [again] = mergeItems([read!], [message(1, { status: 'delivered' })]);
    expect(again).toBe(read);
    const [edited] = mergeItems([read!], [message(1, { status: 'sent', text: 'edited' })]);
    expect(edited).toMatchObject({ status: 'read', text: 'edited' });
  });

  it("replaces the visitor's unsent message by the server's, matched by its client id", () => {
    const local = localItem('k1', ' hello ', null, null);
    expect(local.text).toBe('hello');
    const merged = mergeItems([local], [message(4, { direction: 'in', clientMessageId: 'k1', text: 'hello' })]);
    expect(merged).toHaveLength(1);
    expect(merged[0]).toMatchObject({ id: 'm4', seq: 4 });
    expect(merged[0]!.local).toBeUndefined();
  });
});

describe('noticesAt', () => {
  const conversation = (over: Partial<WebchatConversation>): WebchatConversation => ({
    id: 'c1',
    protocol: 'P1',
    status: 'active',
    queued: null,
    joined: null,
    ...over,
  });

  it('places "in the queue" and "joined" after the message each follows, or at the end when it is not loaded', () => {
    const list = mergeItems([], [message(1, { direction: 'in' }), message(2), message(3)]);
    const at = noticesAt(conversation({ queued: { team: 'Support', afterSeq: 1 }, joined: { agent: 'Ana', afterSeq: 2 } }), list);
    expect(at.get('m1')?.map((n) => n.key)).toEqual(['queued']);
    expect(at.get('m2')?.map((n) => n.key)).toEqual(['joined']);
    const older = mergeItems([], [message(1, { conversationId: 'c0' })]);
    expect(
      noticesAt(conversation({ joined: { agent: null, afterSeq: 1 } }), older)
        .get('end')
        ?.map((n) => n.key),
    ).toEqual(['joined']);
  });

  it('says nothing while the bot is talking', () => {
    expect(noticesAt(conversation({ status: 'bot', queued: { team: null, afterSeq: 1 } }), []).size).toBe(0);
  });
});

it('lastAgentIndex: the last message an agent (not the bot) wrote', () => {
  const list = mergeItems([], [message(1), message(2, { isBot: true }), message(3, { direction: 'in' })]);
  expect(lastAgentIndex(list)).toBe(0);
  expect(lastAgentIndex([])).toBe(-1);
});
