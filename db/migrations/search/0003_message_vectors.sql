-- Up Migration
-- Each message keeps its search vector (db/queries/search-windows.ts): search's first step
-- walks the newest messages and matches them, ~1 µs a message with the vector at hand against
-- ~30 µs re-parsing the text in three languages, so a walk of 20,000 messages costs what 3,000
-- did. Added without a default, the column costs no table rewrite at upgrade; the trigger fills
-- it for every new or edited text. Messages stored before have none, and the walk steps aside
-- (the time windows answer) until the newest ones all carry theirs. The GIN index stays on the
-- expression, which also covers those older rows.
ALTER TABLE messages ADD COLUMN search_vector tsvector;

CREATE FUNCTION messages_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.search_vector := CASE WHEN NEW.text <> '' THEN atende_search_vector(NEW.text) END;
  RETURN NEW;
END $$;

CREATE TRIGGER messages_search_vector BEFORE INSERT OR UPDATE OF text ON messages
  FOR EACH ROW EXECUTE FUNCTION messages_search_vector();
