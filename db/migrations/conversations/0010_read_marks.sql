-- What each person has read of each conversation: the seq of the last message they saw
-- (messages.seq, one sequence). Unread = the customer's messages with a greater seq.
-- Marks only move forward (a late request from another tab never un-reads).
CREATE TABLE conversation_reads (
  org_id uuid NOT NULL,
  user_id uuid NOT NULL,
  conversation_id uuid NOT NULL,
  last_read_seq bigint NOT NULL,
  read_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, user_id, conversation_id),
  FOREIGN KEY (org_id, conversation_id) REFERENCES conversations (org_id, id) ON DELETE CASCADE,
  FOREIGN KEY (org_id, user_id) REFERENCES users (org_id, id) ON DELETE CASCADE
);
-- Counting a conversation's customer messages after a mark, and finding the last agent reply.
CREATE INDEX messages_conversation_direction_seq ON messages (org_id, conversation_id, direction, seq);
