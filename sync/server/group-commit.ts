import type { DocStore } from './room.ts';

type Rows = Parameters<DocStore['append']>[0];

/**
 * Group commit across documents: every room's flush of one tick goes into one INSERT (one
 * commit, one WAL flush); appends that arrive while it runs form the next group. Each caller
 * learns whether its own rows committed.
 */
export function groupCommit(append: DocStore['append']): DocStore['append'] {
  let waiting: { rows: Rows; resolve: () => void; reject: (err: unknown) => void }[] = [];
  let running = false;
  const flush = async () => {
    while (waiting.length > 0) {
      const group = waiting;
      waiting = [];
      try {
        await append(group.flatMap((g) => g.rows));
        for (const g of group) g.resolve();
      } catch (err) {
        for (const g of group) g.reject(err);
      }
    }
    running = false;
  };
  return (rows) =>
    new Promise<void>((resolve, reject) => {
      waiting.push({ rows, resolve, reject });
      if (running) return;
      running = true; // set before the tick, so one loop drains every group
      setImmediate(() => void flush());
    });
}
