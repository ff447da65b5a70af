import type { Db, Tx } from '../sql.ts';
import { newestMatches } from './search-windows.ts';

/** Who searches (server/domain/conversation-access.ts `Viewer`, as SQL needs it). */
export interface SearchViewer {
  id: string;
  role: string;
  teamIds: readonly string[];
  historyAccess: 'own_teams' | 'all' | 'none';
}

export interface SearchFilters {
  from?: Date;
  /** Exclusive. */
  to?: Date;
  teamId?: string;
  channelId?: string;
  agentId?: string;
  tagId?: string;
  dispositionId?: string;
}

export interface SearchRequest {
  /** A to_tsquery text made of plain words only (server/domain/search-query.ts), or null. */
  tsquery: string | null;
  /**
   * The same words asking for each stem once (server/domain/search-query.ts compactTsquery over
   * searchLexemes): a tsquery text per required word; null when no language keeps any word;
   * undefined: use `tsquery`.
   */
  compact?: string[] | null;
  /** Protocol spellings to match exactly (`conversations.protocol`). */
  protocols: string[];
  limit: number;
  filters: SearchFilters;
  /** Snippet markers (shared/search-snippet.ts). */
  startSel: string;
  stopSel: string;
  /** Whether the viewer may open contacts' notes (server/domain/doc-access.ts). */
  notes: boolean;
}

export interface SearchHit {
  kind: 'message' | 'file' | 'notes';
  conversationId: string | null;
  messageId: string | null;
  snippet: string;
  at: Date;
  contact: { id: string; name: string };
  team: { id: string; name: string } | null;
  protocol: string | null;
}

/**
 * How many of the newest matches of each source are ranked. Ranking every match of a word
 * found in a third of a million messages costs a rank per row; the newest 300 of each
 * source is what a person looks at, and keeps the worst query bounded (docs/architecture.md).
 */
const CANDIDATES = 300;

/**
 * server/domain/conversation-access.ts `mayView` over `conversations c`, with the facts as
 * `factsOf` reads them: invited colleagues count while the conversation is open; a closed one
 * has no assignee (the table's CHECK) and is left to the history permission.
 */
function mayViewSql(db: Db, v: SearchViewer) {
  if (v.role === 'admin') return db`true`;
  const teams = [...v.teamIds];
  return db`(c.assignee_id = ${v.id} OR c.target_user_id = ${v.id}
    OR (c.status <> 'closed' AND (c.team_id = ANY(${teams}::uuid[])
      OR EXISTS (SELECT 1 FROM conversation_participants p WHERE p.org_id = c.org_id AND p.conversation_id = c.id AND p.user_id = ${v.id})))
    OR (c.status = 'closed' AND (${v.historyAccess} = 'all' OR (${v.historyAccess} = 'own_teams' AND c.team_id = ANY(${teams}::uuid[])))))`;
}

function conversationFilters(db: Db, f: SearchFilters) {
  return db`${f.teamId ? db`AND c.team_id = ${f.teamId}` : db``}
    ${f.channelId ? db`AND c.channel_id = ${f.channelId}` : db``}
    ${f.agentId ? db`AND coalesce(c.assignee_id, c.served_by) = ${f.agentId}` : db``}
    ${f.dispositionId ? db`AND c.disposition_id = ${f.dispositionId}` : db``}
    ${f.tagId ? db`AND EXISTS (SELECT 1 FROM conversation_tags ct WHERE ct.org_id = c.org_id AND ct.conversation_id = c.id AND ct.tag_id = ${f.tagId})` : db``}`;
}

const period = (db: Db, column: ReturnType<Db>, f: SearchFilters) =>
  db`${f.from ? db`AND ${column} >= ${f.from}` : db``} ${f.to ? db`AND ${column} < ${f.to}` : db``}`;

/** Each word's lexemes in each language configuration (`[config][word]`), as the search vector makes them. */
export async function searchLexemes(db: Db, words: string[]): Promise<string[][][]> {
  const rows = await db`
    SELECT tsvector_to_array(to_tsvector('public.atende_pt'::regconfig, w)) AS pt,
      tsvector_to_array(to_tsvector('public.atende_en'::regconfig, w)) AS en,
      tsvector_to_array(to_tsvector('public.atende_es'::regconfig, w)) AS es
    FROM unnest(${words}::text[]) WITH ORDINALITY AS t(w, n) ORDER BY n`;
  return (['pt', 'en', 'es'] as const).map((config) => rows.map((row) => row[config] as string[]));
}

/** Whether a filter ties the hits to conversations (contact notes have none, so they drop out). */
const aboutConversations = (f: SearchFilters) => Boolean(f.teamId || f.channelId || f.agentId || f.tagId || f.dispositionId);

/**
 * Message text, attachment file names and contact notes matching `tsquery`, and the
 * conversations whose protocol is one of `protocols`: only what the viewer may see, protocol
 * first, then by rank (normalized by the log of the text's length, so a short message about
 * the words beats a long one that mentions them once), newest first among equals. In a
 * transaction (runTx): it sets its own planner settings for it.
 */
export async function searchMessages(db: Tx, orgId: string, viewer: SearchViewer, r: SearchRequest): Promise<SearchHit[]> {
  const f = r.filters;
  const visible = mayViewSql(db, viewer);
  const conv = conversationFilters(db, f);
  const compact = r.compact;
  const words = r.tsquery !== null && compact !== null;
  const text = r.tsquery ?? '';
  // Written out where it is used, not read from a CTE: the planner then sees the words and
  // estimates how many rows match. Each stem once (compactTsquery); the three languages' queries
  // ORed only for a word that makes several lexemes.
  const q = compact
    ? db`${compact.join(' & ')}::tsquery`
    : db`(to_tsquery('public.atende_pt'::regconfig, ${text}) || to_tsquery('public.atende_en'::regconfig, ${text})
    || to_tsquery('public.atende_es'::regconfig, ${text}))`;
  // A plan made for these words, never a generic one: how many rows a word matches decides the
  // plan. Memory enough to keep a common word's matches in an exact bitmap and sort them in
  // memory (with the default 4 MB the bitmap goes lossy and every row is re-parsed: 2x slower).
  await db`SELECT set_config('plan_cache_mode', 'force_custom_plan', true), set_config('work_mem', '64MB', true)`;
  // The newest matches first, window by window (db/queries/search-windows.ts); then only those are ranked.
  // Each required word alone, so the index can be asked for the rarest one (search-windows.ts).
  const each = compact && compact.length > 1 ? compact.map((part) => db`${part}::tsquery`) : [];
  const newest = words ? await newestMatches(db, { orgId, q, each, visible, conv, from: f.from, to: f.to, limit: CANDIDATES }) : [];
  const rows = await db`
    -- Materialized: the file names that match first, then their messages. Left to the planner, it
    -- may walk messages_org_created newest first looking for an attachment that matches, and a
    -- name found nowhere then reads the whole history.
    WITH files AS MATERIALIZED (
      SELECT a.id, a.filename FROM attachments a
      WHERE ${words} AND a.org_id = ${orgId} AND atende_search_vector(atende_file_words(a.filename)) @@ ${q}
    ),
    hits AS (
      (SELECT 'message' AS kind, m.conversation_id, m.id AS message_id, c.contact_id, c.team_id, c.protocol,
          m.created_at AS at, m.text AS body, ts_rank(atende_search_vector(m.text), ${q}, 1) AS rank
        FROM messages m JOIN conversations c ON c.org_id = m.org_id AND c.id = m.conversation_id
        WHERE m.org_id = ${orgId} AND m.id = ANY(${newest}::uuid[]) AND ${visible})
      UNION ALL
      (SELECT 'file', m.conversation_id, m.id, c.contact_id, c.team_id, c.protocol, m.created_at, a.filename,
          ts_rank(atende_search_vector(atende_file_words(a.filename)), ${q}, 1)
        FROM files a
        JOIN messages m ON m.org_id = ${orgId} AND m.attachment_id = a.id
        JOIN conversations c ON c.org_id = m.org_id AND c.id = m.conversation_id
        WHERE ${visible} ${conv} ${period(db, db`m.created_at`, f)}
        ORDER BY m.created_at DESC LIMIT ${CANDIDATES})
      UNION ALL
      (SELECT 'notes', NULL::uuid, NULL::uuid, n.contact_id, NULL::uuid, NULL, n.updated_at, n.body,
          ts_rank(atende_search_vector(n.body), ${q}, 1)
        FROM contact_notes_text n
        WHERE ${words && r.notes && !aboutConversations(f)} AND n.org_id = ${orgId} AND atende_search_vector(n.body) @@ ${q}
          ${period(db, db`n.updated_at`, f)}
        ORDER BY n.updated_at DESC LIMIT ${CANDIDATES})
      UNION ALL
      (SELECT 'protocol', c.id, NULL::uuid, c.contact_id, c.team_id, c.protocol, c.created_at, c.protocol, 'Infinity'::real
        FROM conversations c
        WHERE c.org_id = ${orgId} AND c.protocol = ANY(${r.protocols}::text[]) AND ${visible} ${conv} ${period(db, db`c.created_at`, f)})
    ),
    best AS (
      -- A message found by its text and by its file name is one hit: the better one.
      SELECT DISTINCT ON (coalesce(message_id::text, conversation_id::text, 'notes:' || contact_id::text)) *
      FROM hits ORDER BY coalesce(message_id::text, conversation_id::text, 'notes:' || contact_id::text), rank DESC
    ),
    top AS (SELECT * FROM best ORDER BY rank DESC, at DESC LIMIT ${r.limit})
    SELECT top.kind, top.conversation_id, top.message_id, top.at, top.protocol, top.rank,
      ct.id AS contact_id, ct.name AS contact_name, t.id AS team_id, t.name AS team_name,
      CASE WHEN top.kind IN ('protocol', 'file') THEN ${r.startSel} || translate(top.body, ${r.startSel} || ${r.stopSel}, '') || ${r.stopSel}
        ELSE atende_headline(translate(top.body, ${r.startSel} || ${r.stopSel}, ''), ${q}, ${r.startSel}, ${r.stopSel}) END AS snippet
    FROM top
    JOIN contacts ct ON ct.org_id = ${orgId} AND ct.id = top.contact_id
    LEFT JOIN teams t ON t.org_id = ${orgId} AND t.id = top.team_id
    ORDER BY top.rank DESC, top.at DESC`;
  return rows.map((row) => ({
    kind: row.kind === 'protocol' ? 'message' : (row.kind as SearchHit['kind']),
    conversationId: (row.conversation_id as string | null) ?? null,
    messageId: (row.message_id as string | null) ?? null,
    snippet: row.snippet as string,
    at: row.at as Date,
    contact: { id: row.contact_id as string, name: row.contact_name as string },
    team: row.team_id ? { id: row.team_id as string, name: row.team_name as string } : null,
    protocol: (row.protocol as string | null) ?? null,
  }));
}
