-- Up Migration
-- Contact search by name ignores case and accents ("joao" finds "João"): one immutable
-- folding function, used by the index and by the query alike so the index applies.

CREATE FUNCTION contact_name_key(name text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT translate(lower(name), 'áàâãäåéèêëíìîïóòôõöúùûüçñý', 'aaaaaaeeeeiiiiooooouuuucny') $$;

CREATE INDEX contacts_org_name_key ON contacts (org_id, contact_name_key(name) text_pattern_ops);
DROP INDEX contacts_org_name;
