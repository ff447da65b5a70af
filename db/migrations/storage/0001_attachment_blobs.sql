-- Up Migration
-- Attachment bytes in PostgreSQL (ATTACHMENT_STORAGE=pg, the default with DATABASE_URL), so
-- every process on the database serves every file.

-- One row per stored object. A write inserts its row incomplete, its chunks one by one, and
-- marks it complete (replacing an older complete object of the key) in one short transaction:
-- readers see only complete objects, and a failed write deletes its row and so its chunks.
-- A process that died mid-write leaves an incomplete row that the next sweep removes.
CREATE TABLE attachment_blobs (
  id uuid PRIMARY KEY,
  key text NOT NULL,
  complete boolean NOT NULL DEFAULT false,
  size_bytes bigint CHECK (size_bytes >= 0),
  sha256 text,
  -- Every chunk but the last holds exactly this many bytes, so a range needs only its chunks.
  chunk_bytes integer NOT NULL CHECK (chunk_bytes > 0),
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK (NOT complete OR (size_bytes IS NOT NULL AND sha256 IS NOT NULL))
);
CREATE UNIQUE INDEX attachment_blobs_key ON attachment_blobs (key) WHERE complete;
CREATE INDEX attachment_blobs_incomplete ON attachment_blobs (created_at) WHERE NOT complete;

CREATE TABLE attachment_blob_chunks (
  blob_id uuid NOT NULL REFERENCES attachment_blobs (id) ON DELETE CASCADE,
  seq integer NOT NULL CHECK (seq >= 0),
  data bytea NOT NULL,
  PRIMARY KEY (blob_id, seq)
);
-- Attachments are mostly compressed already (images, audio, video, PDF): kept out of line
-- without TOAST's compression attempt.
ALTER TABLE attachment_blob_chunks ALTER COLUMN data SET STORAGE EXTERNAL;
