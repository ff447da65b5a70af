import { searchLexemes, searchMessages, type SearchFilters, type SearchViewer } from '../../db/queries/search.ts';
import { runTx } from '../../db/sql.ts';
import { MARK_END, MARK_START } from '../../shared/search-snippet.ts';
import { docAccess, notesDoc } from '../domain/doc-access.ts';
import { compactTsquery, parseSearchQuery } from '../domain/search-query.ts';
import type { Fail } from '../errors.ts';
import type { Services } from '../services/index.ts';

/** Longer than any search measured on 1M messages (docs/search.md), far shorter than a stuck one. */
export const SEARCH_TIMEOUT_MS = 10_000;

export interface SearchInput {
  query: string;
  limit: number;
  filters: SearchFilters;
}

/** Who searches: the conversation rule's viewer, plus whether they are still active (notes). */
export interface Searcher extends SearchViewer {
  orgId: string;
  deactivated: boolean;
  fail: Fail;
}

/** PostgreSQL's "canceling statement due to statement timeout". */
const QUERY_CANCELED = '57014';

/**
 * `search.messages`: message text, file names, contact notes and protocol numbers, limited to
 * what the searcher may open — conversations as `mayView` decides (the rule is written in SQL,
 * db/queries/search.ts), notes as the notes document rule does.
 */
export async function searchMessagesFor(s: Pick<Services, 'sql'>, who: Searcher, input: SearchInput) {
  const q = parseSearchQuery(input.query);
  if (q.tsquery === null && q.protocols.length === 0) return [];
  // Any contact of the organization: the notes rule reads nothing else of the document.
  const notes =
    docAccess(notesDoc('00000000-0000-0000-0000-000000000000'), { deactivated: who.deactivated }, { contactInOrg: true }) !== null;
  const request = {
    tsquery: q.tsquery,
    protocols: q.protocols,
    limit: input.limit,
    filters: input.filters,
    startSel: MARK_START,
    stopSel: MARK_END,
    notes,
  };
  // A statement timeout: a word found in most of a large history must not hold a connection for long.
  const hits = await runTx(
    s.sql,
    async (tx) => {
      // Each stem once in the index's query (a third of the work for a common word).
      const compact = q.tsquery === null ? undefined : compactTsquery(await searchLexemes(tx, q.words));
      return searchMessages(tx, who.orgId, who, { ...request, compact });
    },
    SEARCH_TIMEOUT_MS,
  ).catch((err: unknown) => {
    if ((err as { code?: string }).code === QUERY_CANCELED) throw who.fail('BAD_REQUEST', 'search.tooBroad');
    throw err;
  });
  return hits.map((h) => ({ ...h, at: h.at.toISOString() }));
}
