-- A tag already given to conversations is kept for their history: removing it switches it
-- off (agents no longer pick it) instead of deleting it from those conversations.
ALTER TABLE tags ADD COLUMN active boolean NOT NULL DEFAULT true;
ALTER TABLE conversation_tags DROP CONSTRAINT conversation_tags_org_id_tag_id_fkey;
ALTER TABLE conversation_tags ADD CONSTRAINT conversation_tags_org_id_tag_id_fkey
  FOREIGN KEY (org_id, tag_id) REFERENCES tags (org_id, id);
