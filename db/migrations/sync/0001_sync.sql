-- Up Migration
-- Collaborative documents: the update log (plus merged snapshots), the lasting binding of a
-- Yjs client id to the user who writes with it, and internal chat rooms.
CREATE TABLE doc_updates (
  org_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  doc_name text NOT NULL,
  id bigint GENERATED ALWAYS AS IDENTITY,
  kind text NOT NULL DEFAULT 'update' CHECK (kind IN ('update', 'snapshot')),
  data bytea NOT NULL,
  user_id uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (id)
);
CREATE INDEX doc_updates_doc ON doc_updates (doc_name, id);
CREATE INDEX doc_updates_org_doc ON doc_updates (org_id, doc_name);

CREATE TABLE doc_client_bindings (
  org_id uuid NOT NULL,
  doc_name text NOT NULL,
  client_id bigint NOT NULL,
  user_id uuid NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (doc_name, client_id),
  FOREIGN KEY (org_id, user_id) REFERENCES users (org_id, id) ON DELETE CASCADE
);

CREATE TABLE chat_rooms (
  org_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  kind text NOT NULL DEFAULT 'direct' CHECK (kind IN ('direct', 'group')),
  -- For direct rooms: the two members' ids in order, so one pair has one room.
  direct_key text,
  title text,
  created_by uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (id),
  UNIQUE (org_id, id)
);
CREATE UNIQUE INDEX chat_rooms_direct ON chat_rooms (org_id, direct_key) WHERE direct_key IS NOT NULL;

CREATE TABLE chat_members (
  org_id uuid NOT NULL,
  room_id uuid NOT NULL,
  user_id uuid NOT NULL,
  last_read_at timestamptz NOT NULL DEFAULT now(),
  last_read_count integer NOT NULL DEFAULT 0,
  PRIMARY KEY (org_id, room_id, user_id),
  FOREIGN KEY (org_id, room_id) REFERENCES chat_rooms (org_id, id) ON DELETE CASCADE,
  FOREIGN KEY (org_id, user_id) REFERENCES users (org_id, id) ON DELETE CASCADE
);

-- Who changed a document, when — kept apart from the update log so compaction keeps it.
CREATE TABLE doc_activity (
  org_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  doc_name text NOT NULL,
  user_id uuid,
  at timestamptz NOT NULL DEFAULT now(),
  changes integer NOT NULL
);
CREATE INDEX doc_activity_doc ON doc_activity (org_id, doc_name, at DESC);
