-- A password attempt is recorded as a failure before its check (so that attempts sent at once
-- count each other) and a right password removes exactly its own row: rows need an id.
ALTER TABLE login_failures ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY;
