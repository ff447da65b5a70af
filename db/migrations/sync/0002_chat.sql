-- Up Migration
-- Internal chat: the live room document keeps the newest messages; older ones move here,
-- readable through chat.history. `archived_count` keeps read positions meaningful: a
-- member's last_read_count counts every message of the room, archived ones included.
ALTER TABLE chat_rooms ADD COLUMN archived_count integer NOT NULL DEFAULT 0;

CREATE TABLE chat_messages_archive (
  org_id uuid NOT NULL,
  room_id uuid NOT NULL,
  -- Archive order is the room's order: the oldest messages leave the document first.
  seq bigint GENERATED ALWAYS AS IDENTITY,
  -- The Yjs item id (client:clock) of the message's map: unique, unlike the id the
  -- document claims, so archiving twice stores it once and a duplicate claim loses nothing.
  item_id text NOT NULL,
  message_id text NOT NULL,
  -- The user bound to the Yjs client id that wrote the message (server-verified), or null
  -- when no binding is known.
  author_id uuid,
  at timestamptz NOT NULL,
  text text NOT NULL,
  archived_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (seq),
  UNIQUE (org_id, room_id, item_id),
  FOREIGN KEY (org_id, room_id) REFERENCES chat_rooms (org_id, id) ON DELETE CASCADE
);
CREATE INDEX chat_messages_archive_room ON chat_messages_archive (org_id, room_id, seq DESC);
CREATE INDEX chat_members_user ON chat_members (org_id, user_id);
