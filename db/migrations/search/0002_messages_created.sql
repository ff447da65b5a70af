-- Up Migration
-- Search reads a common word's matches in widening time windows, newest first
-- (db/queries/search-windows.ts): ANDed with the word's GIN bitmap, this index keeps a window's
-- heap reads to that window's matches instead of every match of the word in the whole history.
CREATE INDEX messages_org_created ON messages (org_id, created_at);
