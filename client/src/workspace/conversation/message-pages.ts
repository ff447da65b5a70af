/**
 * Pages of a long conversation held on screen: older pages the agent scrolled back to, below
 * the newest page (conversations.get, refetched on every live event). Lists are in stored
 * order (`seq`); a message is kept once, by id.
 */
export interface Paged {
  id: string;
  seq: number;
}

/** Two stored-order lists as one; on the same message, `b`'s copy (the newer answer) wins. */
export function mergeBySeq<M extends Paged>(a: readonly M[], b: readonly M[]): M[] {
  if (a.length === 0) return [...b];
  if (b.length === 0) return [...a];
  const ids = new Set(b.map((m) => m.id));
  const out: M[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const x = a[i];
    const y = b[j];
    if (x && ids.has(x.id)) i++;
    else if (y && (!x || y.seq <= x.seq)) out.push(b[j++]!);
    else out.push(a[i++]!);
  }
  return out;
}

/**
 * What is loaded once the newest page arrives again: the page as the server says now (statuses,
 * files), and below it the older messages kept. Above the page's oldest message the page is
 * the truth; nothing kept there survives.
 */
export function withNewest<M extends Paged>(loaded: readonly M[], newest: readonly M[]): M[] {
  const floor = newest[0]?.seq;
  if (floor === undefined) return [...loaded];
  const older = loaded.filter((m) => m.seq < floor);
  return older.length === 0 ? [...newest] : [...older, ...newest];
}

/**
 * Whether messages may be missing between what is loaded and a newest page that no longer
 * reaches it (more than a page arrived between two refetches). The loaded list's newest
 * message is then fetched back to with `until`.
 */
export function gapBelow(loaded: readonly Paged[], newest: readonly Paged[], newestHasOlder: boolean): boolean {
  const top = loaded.at(-1);
  const floor = newest[0];
  return newestHasOlder && top !== undefined && floor !== undefined && top.seq < floor.seq;
}
