-- Up Migration
-- Upload quotas and the sweep of uploads never attached to anything.

-- Bytes visitors stored in each web chat channel per UTC day. The daily quota is checked and
-- counted in one conditional upsert of this row, so it holds across processes and
-- concurrent uploads (a SUM over today's uploads would let two uploads both pass).
CREATE TABLE webchat_upload_usage (
  org_id uuid NOT NULL,
  channel_id uuid NOT NULL,
  day date NOT NULL,
  bytes bigint NOT NULL CHECK (bytes >= 0),
  PRIMARY KEY (org_id, channel_id, day),
  FOREIGN KEY (org_id, channel_id) REFERENCES channels (org_id, id) ON DELETE CASCADE
);

-- The sweep asks "does any message use this attachment?", and so does the foreign key's
-- check when an attachment is deleted: without this index each is a scan of all messages.
CREATE INDEX messages_attachment ON messages (org_id, attachment_id) WHERE attachment_id IS NOT NULL;
