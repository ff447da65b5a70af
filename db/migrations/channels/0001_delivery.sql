-- Up Migration
-- Channel delivery: attempts and leases for the at-most-once WhatsApp worker, and inbound
-- media waiting to be fetched.
ALTER TABLE messages ADD COLUMN attempts integer NOT NULL DEFAULT 0;
ALTER TABLE messages ADD COLUMN next_attempt_at timestamptz;
ALTER TABLE messages ADD COLUMN sending_started_at timestamptz;
ALTER TABLE messages ADD COLUMN media_status text CHECK (media_status IN ('pending', 'stored', 'failed'));
CREATE INDEX messages_delivery_queue ON messages (next_attempt_at NULLS FIRST, created_at) WHERE status = 'queued' AND direction = 'out';
CREATE INDEX messages_sending ON messages (sending_started_at) WHERE status = 'sending';
CREATE INDEX messages_media_pending ON messages (created_at) WHERE media_status = 'pending';
