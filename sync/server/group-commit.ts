import type { DocStore } from './room.ts';

type Rows = Parameters<DocStore['append']>[0];

/**
 * Group commit across documents: every room's flush of one loop iteration goes into one
 * INSERT (one commit, one WAL flush). Up to `concurrency` groups commit at once, so an
 * update that arrives while one group commits does not wait for it (PostgreSQL flushes the
 * WAL of concurrent commits together); appends that arrive while every slot is busy form
 * the next group. Each caller learns whether its own rows committed.
 */
export function groupCommit(append: DocStore['append'], concurrency = 3): DocStore['append'] {
  let waiting: { rows: Rows; resolve: () => void; reject: (err: unknown) => void }[] = [];
  let running = 0;
  let scheduled = false;
  const start = () => {
    scheduled = false;
    if (waiting.length === 0 || running >= concurrency) return;
    const group = waiting;
    waiting = [];
    running++;
    append(group.length === 1 ? group[0]!.rows : group.flatMap((g) => g.rows))
      .then(
        () => {
          for (const g of group) g.resolve();
        },
        (err: unknown) => {
          for (const g of group) g.reject(err);
        },
      )
      .finally(() => {
        running--;
        start();
      });
  };
  return (rows) =>
    new Promise<void>((resolve, reject) => {
      waiting.push({ rows, resolve, reject });
      if (scheduled || running >= concurrency) return;
      scheduled = true; // one group per loop iteration: what arrives before it runs joins it
      setImmediate(start);
    });
}

export interface Bind {
  orgId: string;
  docName: string;
  clientId: number;
  userId: string;
}

/**
 * Client-id binds grouped like the updates: those of one loop iteration go to `bindMany` in
 * one statement (one commit instead of one per connecting peer). A pair asked twice in a
 * group is sent once; each caller gets the pair's holder (the first user to bind it).
 */
export function groupBind(
  bindMany: (binds: Bind[]) => Promise<Map<string, string>>,
): (orgId: string, docName: string, clientId: number, userId: string) => Promise<string> {
  let waiting = new Map<string, { bind: Bind; callers: { resolve: (holder: string) => void; reject: (err: unknown) => void }[] }>();
  const run = () => {
    const group = waiting;
    waiting = new Map();
    bindMany([...group.values()].map((g) => g.bind)).then(
      (holders) => {
        for (const [key, g] of group) {
          const holder = holders.get(key);
          for (const c of g.callers) holder ? c.resolve(holder) : c.reject(new Error(`no holder returned for ${key}`));
        }
      },
      (err: unknown) => {
        for (const g of group.values()) for (const c of g.callers) c.reject(err);
      },
    );
  };
  return (orgId, docName, clientId, userId) =>
    new Promise<string>((resolve, reject) => {
      if (waiting.size === 0) setImmediate(run);
      const key = `${docName} ${clientId}`;
      const same = waiting.get(key);
      if (same) same.callers.push({ resolve, reject });
      else waiting.set(key, { bind: { orgId, docName, clientId, userId }, callers: [{ resolve, reject }] });
    });
}
