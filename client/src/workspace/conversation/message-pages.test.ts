import { describe, expect, it } from 'vitest';
import { gapBelow, mergeBySeq, withNewest } from './message-pages.ts';

const m = (seq: number, v = '') => ({ id: `m${seq}`, seq, v });
const seqs = (ms: readonly { seq: number }[]) => ms.map((x) => x.seq);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => m(from + i));

describe('mergeBySeq', () => {
  it('keeps stored order and each message once, the second list winning', () => {
    const merged = mergeBySeq([m(1), m(3), m(5, 'old')], [m(2), m(5, 'new'), m(6)]);
    expect(seqs(merged)).toEqual([1, 2, 3, 5, 6]);
    expect(merged.find((x) => x.seq === 5)!.v).toBe('new');
    expect(seqs(mergeBySeq([], range(1, 3)))).toEqual([1, 2, 3]);
    expect(seqs(mergeBySeq(range(1, 3), []))).toEqual([1, 2, 3]);
  });

  it('prepends an older page overlapping what is loaded', () => {
    expect(seqs(mergeBySeq(range(1, 120), range(101, 200)))).toEqual(seqs(range(1, 200)));
  });
});

describe('withNewest', () => {
  it('keeps older pages below a refetched newest page, never twice', () => {
    const loaded = range(1, 200);
    const next = withNewest(loaded, [...range(102, 200), m(201)]);
    expect(seqs(next)).toEqual(seqs(range(1, 201)));
    expect(new Set(next.map((x) => x.id)).size).toBe(next.length);
  });

  it('takes the new copy of a message (its status changed)', () => {
    const next = withNewest([m(1), m(2, 'sent')], [m(2, 'read'), m(3)]);
    expect(next.map((x) => x.v)).toEqual(['', 'read', '']);
  });

  it('keeps what is loaded when the page is empty', () => {
    expect(seqs(withNewest(range(1, 3), []))).toEqual([1, 2, 3]);
  });
});

describe('gapBelow', () => {
  it('sees a newest page that no longer reaches what is loaded', () => {
    expect(gapBelow(range(1, 200), range(301, 400), true)).toBe(true);
    expect(gapBelow(range(1, 200), range(200, 299), true)).toBe(false);
    // The whole conversation fits the page: nothing can be missing.
    expect(gapBelow(range(1, 200), range(301, 400), false)).toBe(false);
    expect(gapBelow([], range(301, 400), true)).toBe(false);
  });
});
