-- Up Migration
-- Web chat visitors: an anonymous person in the widget, known only by a random token kept in
-- the browser's storage. Only the token's SHA-256 is stored; the token names the
-- organization, the channel and the visitor (whose contact has webchat_visitor_id = id).
CREATE TABLE webchat_visitors (
  org_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  channel_id uuid NOT NULL,
  token_hash bytea NOT NULL,
  name text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (id),
  UNIQUE (org_id, id),
  FOREIGN KEY (org_id, channel_id) REFERENCES channels (org_id, id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX webchat_visitors_token ON webchat_visitors (token_hash);

-- Files a visitor uploaded: a visitor may attach (and read back) only their own uploads.
CREATE TABLE webchat_uploads (
  org_id uuid NOT NULL,
  attachment_id uuid NOT NULL,
  visitor_id uuid NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, attachment_id),
  FOREIGN KEY (org_id, attachment_id) REFERENCES attachments (org_id, id) ON DELETE CASCADE,
  FOREIGN KEY (org_id, visitor_id) REFERENCES webchat_visitors (org_id, id) ON DELETE CASCADE
);
CREATE INDEX webchat_uploads_visitor ON webchat_uploads (org_id, visitor_id);

-- The web chat delivery worker looks for queued outbound rows of web chat channels; the
-- existing messages_delivery_queue partial index (status = 'queued', direction = 'out')
-- serves it.
