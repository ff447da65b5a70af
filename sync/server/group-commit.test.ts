import { describe, expect, it } from 'vitest';
import { groupCommit } from './group-commit.ts';

const row = (docName: string) => ({ orgId: 'o', docName, data: new Uint8Array([1]), userId: null });

describe('groupCommit', () => {
  it('stores the flushes of one tick in one call, and what arrives meanwhile in the next', async () => {
    const calls: string[][] = [];
    let release: () => void = () => {};
    const append = groupCommit(async (rows) => {
      calls.push(rows.map((r) => r.docName));
      if (calls.length === 1) await new Promise<void>((r) => (release = r));
    });
    const first = [append([row('a')]), append([row('b'), row('c')])];
    await new Promise((r) => setImmediate(r));
    const later = append([row('d')]);
    release();
    await Promise.all([...first, later]);
    expect(calls).toEqual([['a', 'b', 'c'], ['d']]);
  });

  it('tells every caller of a failed group, and keeps working afterwards', async () => {
    let fail = true;
    const append = groupCommit(async () => {
      if (fail) throw new Error('database down');
    });
    const results = await Promise.allSettled([append([row('a')]), append([row('b')])]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    await expect(append([row('c')])).resolves.toBeUndefined();
  });
});
