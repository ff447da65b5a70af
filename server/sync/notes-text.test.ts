import { describe, expect, it } from 'vitest';
import type { Sql } from '../../db/sql.ts';
import { notesTextKeeper } from './notes-text.ts';

/** The keeper's timing with a recording rebuild (the rebuild itself is tested with search, routers/search.pg.test.ts). */
function keeper(everyMs: number) {
  const runs: Array<{ contactId: string; edits: number }> = [];
  let edits = 0;
  const k = notesTextKeeper({} as Sql, () => {}, {
    everyMs,
    rebuild: async (_sql, _org, contactId) => {
      runs.push({ contactId, edits });
      await new Promise((r) => setTimeout(r, 5));
    },
  });
  const edit = (contactId: string) => {
    edits++;
    k.stored([{ orgId: 'o', docName: `notes:${contactId}` }]);
  };
  return { k, runs, edit, edits: () => edits };
}

const [C1, A, B] = ['6a1f0c4e-0000-4000-8000-000000000001', '6a1f0c4e-0000-4000-8000-00000000000a', '6a1f0c4e-0000-4000-8000-00000000000b'];

describe('notes text keeper', () => {
  it('indexes the first edit at once, then a burst of edits together after the interval, ending on the last state', async () => {
    const { k, runs, edit, edits } = keeper(200);
    edit(C1);
    expect(runs).toHaveLength(1); // at once
    for (let i = 0; i < 30; i++) edit(C1);
    await new Promise((r) => setTimeout(r, 100));
    expect(runs).toHaveLength(1); // the burst waits out the interval
    await expect.poll(() => runs.length).toBe(2);
    expect(runs[1]!.edits).toBe(edits()); // every edit of the burst is in the second rebuild
    await new Promise((r) => setTimeout(r, 300));
    expect(runs).toHaveLength(2); // nothing more to index: no more rebuilds
    edit(C1); // after a quiet interval: at once again
    expect(runs).toHaveLength(3);
    await k.stop();
  });

  it('keeps contacts apart, and stop() ends a wait at once', async () => {
    const { k, runs, edit } = keeper(60_000);
    edit(A);
    edit(B);
    edit(A);
    expect(runs.map((r) => r.contactId)).toEqual([A, B]);
    const t0 = Date.now();
    await k.stop();
    expect(Date.now() - t0).toBeLessThan(30_000);
    expect(runs).toHaveLength(2);
  });
});
