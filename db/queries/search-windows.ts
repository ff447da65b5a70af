import type postgres from 'postgres';
import type { Tx } from '../sql.ts';

type Fragment = postgres.PendingQuery<postgres.Row[]>;

/**
 * How far back (days) each search window reaches, narrowest first; null is the whole history.
 * A common word has hundreds of matches in the last two days and stops there; a name or an
 * order number goes on to the whole history, where its few matches are cheap to read. Few
 * windows on purpose: each one builds the word's whole GIN bitmap again (~1–2 s for a word in
 * 5% of 10M messages, docs/search.md), so intermediate windows cost more than they save.
 */
export const WINDOW_DAYS: readonly (number | null)[] = [2, null];

const DAY_MS = 86_400_000;

/**
 * The lower bounds to try, newest first: each window reaches back from `to` (or now) and has no
 * upper bound but `to`, so the windows nest and the newest `limit` matches of the first window
 * that holds `limit` of them are the newest `limit` of the whole history. A window reaching past
 * `from` is the last one (`from` bounds it); null: no lower bound.
 */
export function windowStarts(now: Date, from?: Date, to?: Date): (Date | null)[] {
  const anchor = (to ?? now).getTime();
  const starts: (Date | null)[] = [];
  for (const days of WINDOW_DAYS) {
    const start = days === null ? null : new Date(anchor - days * DAY_MS);
    if (start === null || (from && start <= from)) {
      starts.push(from ? null : start);
      break;
    }
    starts.push(start);
  }
  return starts;
}

/**
 * How many of the newest messages the first step reads and matches with their stored vectors
 * (migration search/0003, ~1 µs each) before the index is asked: a word in 1.5 % of the
 * messages has its newest 300 matches among them, and no GIN bitmap of hundreds of thousands
 * of rows is built for it.
 */
export const WALK_ROWS = 20_000;

export interface MatchScope {
  orgId: string;
  /** The words (a tsquery expression). */
  q: Fragment;
  /** With several words: each required word alone (its tsquery), else empty. */
  each: Fragment[];
  /** The viewer's rule over `conversations c` and the filters on `c` (db/queries/search.ts). */
  visible: Fragment;
  conv: Fragment;
  from?: Date;
  to?: Date;
  limit: number;
}

/**
 * The ids of the newest `limit` messages matching the words that the viewer may see, searched
 * window by window (windowStarts). Only bitmap scans and nested loops: a window's matches are
 * the word's GIN bitmap ANDed with `messages_org_created`'s range, never the btree walked in
 * order re-parsing every message until enough match (a word the planner wrongly believes
 * common would read the whole history), and the conversations are looked up per match, never
 * hashed whole.
 */
export async function newestMatches(db: Tx, s: MatchScope): Promise<string[]> {
  const walk = await walkNewest(db, s);
  if (walk.ids) return walk.ids;
  // Several words: the index is asked for the one the walk found least (a rare number beside a
  // word in half the messages builds a small bitmap, not half the table's); the stored vector, or
  // the text re-parsed for a row without one, checks the whole query on what it returns.
  const rarest = walk.rarest === null ? null : s.each[walk.rarest];
  const indexed = rarest ?? s.q;
  const whole = rarest ? db`AND coalesce(m.search_vector, atende_search_vector(m.text)) @@ ${s.q}` : db``;
  await db`SELECT set_config('enable_indexscan', 'off', true), set_config('enable_indexonlyscan', 'off', true),
    set_config('enable_hashjoin', 'off', true), set_config('enable_mergejoin', 'off', true)`;
  let ids: string[] = [];
  for (const start of windowStarts(new Date(), s.from, s.to)) {
    const rows = await db`
        SELECT m.id FROM messages m JOIN conversations c ON c.org_id = m.org_id AND c.id = m.conversation_id
        WHERE m.org_id = ${s.orgId} AND m.text <> '' AND atende_search_vector(m.text) @@ ${indexed} ${whole}
          AND ${s.visible} ${s.conv}
          ${start ? db`AND m.created_at >= ${start}` : s.from ? db`AND m.created_at >= ${s.from}` : db``}
          ${s.to ? db`AND m.created_at < ${s.to}` : db``}
        ORDER BY m.created_at DESC LIMIT ${s.limit}`;
    ids = rows.map((r) => r.id as string);
    if (ids.length >= s.limit) break;
  }
  // Not in a `finally`: after a statement timeout the transaction only accepts its rollback.
  await db`SELECT set_config('enable_indexscan', 'on', true), set_config('enable_indexonlyscan', 'on', true),
    set_config('enable_hashjoin', 'on', true), set_config('enable_mergejoin', 'on', true)`;
  return ids;
}

/**
 * The first step: the newest WALK_ROWS messages (in the period), walked down
 * `messages_org_created` and matched by their stored vectors; their visible matches, newest
 * first. Enough of them, or a history shorter than the walk: these are the newest matches of
 * the whole history (nothing newer was skipped). Otherwise — or when a walked message has no
 * stored vector (stored before migration search/0003) — null, and the windows take over; with
 * several words, `rarest` says which one the walk found least.
 */
async function walkNewest(db: Tx, s: MatchScope): Promise<{ ids: string[] | null; rarest: number | null }> {
  const [row] = await db`
    WITH recent AS MATERIALIZED (
      SELECT m.id, m.conversation_id, m.created_at, m.search_vector FROM messages m
      WHERE m.org_id = ${s.orgId} AND m.text <> ''
        ${s.from ? db`AND m.created_at >= ${s.from}` : db``} ${s.to ? db`AND m.created_at < ${s.to}` : db``}
      ORDER BY m.created_at DESC LIMIT ${WALK_ROWS}
    ), matched AS MATERIALIZED (
      SELECT r.id, r.conversation_id, r.created_at FROM recent r WHERE r.search_vector @@ ${s.q}
    )
    SELECT (SELECT count(*) FROM recent)::int AS walked,
      (SELECT count(*) FROM recent WHERE search_vector IS NULL)::int AS unvectored,
      -- Each word's matches among the walked messages, in one pass over them.
      ${
        s.each.length > 0
          ? db`(SELECT ARRAY[${s.each.reduce((list, w, i) => db`${list}${i > 0 ? db`,` : db``} count(*) FILTER (WHERE search_vector @@ ${w})::int`, db``)}] FROM recent)`
          : db`'{}'::int[]`
      } AS per_word,
      ARRAY(SELECT m.id FROM matched m JOIN conversations c ON c.org_id = ${s.orgId} AND c.id = m.conversation_id
        WHERE ${s.visible} ${s.conv} ORDER BY m.created_at DESC LIMIT ${s.limit}) AS ids`;
  if ((row!.unvectored as number) > 0) return { ids: null, rarest: null };
  const ids = row!.ids as string[];
  if (ids.length >= s.limit || (row!.walked as number) < WALK_ROWS) return { ids, rarest: null };
  const perWord = row!.per_word as number[];
  const fewest = perWord.length > 0 ? perWord.indexOf(Math.min(...perWord)) : -1;
  return { ids: null, rarest: fewest >= 0 ? fewest : null };
}
