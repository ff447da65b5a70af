-- Up Migration
-- Full-text search over message text, attachment file names and contact notes
-- (docs/architecture.md, "Search"). Accent-insensitive: the language configurations run
-- `unaccent` before their stemmer, so "acao", "ação" and "AÇÃO" index and query alike.

CREATE EXTENSION IF NOT EXISTS unaccent;

CREATE TEXT SEARCH CONFIGURATION atende_pt (COPY = pg_catalog.portuguese);
ALTER TEXT SEARCH CONFIGURATION atende_pt
  ALTER MAPPING FOR hword, hword_part, word, asciihword, asciiword, hword_asciipart WITH unaccent, portuguese_stem;
CREATE TEXT SEARCH CONFIGURATION atende_en (COPY = pg_catalog.english);
ALTER TEXT SEARCH CONFIGURATION atende_en
  ALTER MAPPING FOR hword, hword_part, word, asciihword, asciiword, hword_asciipart WITH unaccent, english_stem;
CREATE TEXT SEARCH CONFIGURATION atende_es (COPY = pg_catalog.spanish);
ALTER TEXT SEARCH CONFIGURATION atende_es
  ALTER MAPPING FOR hword, hword_part, word, asciihword, asciiword, hword_asciipart WITH unaccent, spanish_stem;

-- One vector for the three languages the product speaks: a customer may write in any of
-- them whatever the organization's language, and a query in one language finds the stems of
-- that language. IMMUTABLE (to_tsvector with a fixed configuration is, as long as nobody
-- edits the dictionaries), so the expression index and the query share it.
CREATE FUNCTION atende_search_vector(body text) RETURNS tsvector
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT to_tsvector('public.atende_pt'::regconfig, body)
            || to_tsvector('public.atende_en'::regconfig, body)
            || to_tsvector('public.atende_es'::regconfig, body) $$;

-- A highlighted excerpt: ts_headline matches the text's lexemes of one configuration, so the
-- first language whose excerpt marks anything wins (a Portuguese stem, else English, else Spanish).
CREATE FUNCTION atende_headline(body text, q tsquery, start_sel text, stop_sel text) RETURNS text
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT CASE WHEN position(start_sel IN pt) > 0 THEN pt WHEN position(start_sel IN en) > 0 THEN en ELSE es END
        FROM (SELECT ts_headline('public.atende_pt'::regconfig, body, q, o) AS pt, ts_headline('public.atende_en'::regconfig, body, q, o) AS en,
                     ts_headline('public.atende_es'::regconfig, body, q, o) AS es
              FROM (SELECT format('StartSel=%s, StopSel=%s, MinWords=12, MaxWords=30, ShortWord=2', start_sel, stop_sel) AS o) opts) h $$;

-- File names read as words: "relatório_março-2026.pdf" is "relatório março 2026 pdf".
CREATE FUNCTION atende_file_words(filename text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT regexp_replace(filename, '[._\-]+', ' ', 'g') $$;

-- An expression index, not a stored column: the message row stays as it is (no rewrite of
-- the table, no extra bytes per row); the insert pays only the index entry.
CREATE INDEX messages_search ON messages USING gin (atende_search_vector(text)) WHERE text <> '';
CREATE INDEX attachments_search ON attachments USING gin (atende_search_vector(atende_file_words(filename)));

-- The notes' plain text, kept by the document store (server/sync/notes-text.ts) each time
-- the notes of a contact are stored: the Yjs updates themselves are opaque to SQL.
-- `source_id`: the highest doc_updates id the text was made from, so a slower refresh of an
-- older state never overwrites a newer one.
CREATE TABLE contact_notes_text (
  org_id uuid NOT NULL,
  contact_id uuid NOT NULL,
  body text NOT NULL,
  source_id bigint NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, contact_id),
  FOREIGN KEY (org_id, contact_id) REFERENCES contacts (org_id, id) ON DELETE CASCADE
);
CREATE INDEX contact_notes_text_search ON contact_notes_text USING gin (atende_search_vector(body));
