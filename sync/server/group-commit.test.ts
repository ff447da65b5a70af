import { describe, expect, it } from 'vitest';
import { groupBind, groupCommit, type Bind } from './group-commit.ts';

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

describe('groupBind', () => {
  it('binds the pairs of one tick in one call, each pair once, and tells every caller its holder', async () => {
    const calls: Bind[][] = [];
    const bind = groupBind(async (binds) => {
      calls.push(binds);
      // The first user to bind a pair keeps it: here "u1" already held client 2 of "d".
      return new Map(binds.map((b) => [`${b.docName} ${b.clientId}`, b.docName === 'd' && b.clientId === 2 ? 'u1' : b.userId]));
    });
    const holders = await Promise.all([bind('o', 'd', 1, 'u1'), bind('o', 'd', 2, 'u2'), bind('o', 'd', 1, 'u3'), bind('o', 'e', 1, 'u2')]);
    expect(holders).toEqual(['u1', 'u1', 'u1', 'u2']);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.map((b) => `${b.docName} ${b.clientId} ${b.userId}`)).toEqual(['d 1 u1', 'd 2 u2', 'e 1 u2']);
    await expect(bind('o', 'd', 3, 'u1')).resolves.toBe('u1');
    expect(calls).toHaveLength(2);
  });

  it('rejects every caller of a failed group, and keeps working afterwards', async () => {
    let fail = true;
    const bind = groupBind(async (binds) => {
      if (fail) throw new Error('database down');
      return new Map(binds.map((b) => [`${b.docName} ${b.clientId}`, b.userId]));
    });
    const results = await Promise.allSettled([bind('o', 'd', 1, 'u1'), bind('o', 'd', 2, 'u1')]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    await expect(bind('o', 'd', 1, 'u1')).resolves.toBe('u1');
  });
});
