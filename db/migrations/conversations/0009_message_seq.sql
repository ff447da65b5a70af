-- Messages are shown in the order they were stored. created_at is the transaction's start,
-- so a customer's first message and the bot's menu (one transaction) tie, and the tie fell
-- to the random id. seq comes from one sequence, taken at each INSERT in statement order.
CREATE SEQUENCE messages_seq AS bigint;
ALTER TABLE messages ADD COLUMN seq bigint;
-- Existing rows: creation time, then the customer's message before the answer it caused.
UPDATE messages m SET seq = o.n
  FROM (SELECT id, row_number() OVER (ORDER BY created_at, direction = 'out', id) AS n FROM messages) o
  WHERE m.id = o.id;
SELECT setval('messages_seq', coalesce((SELECT max(seq) FROM messages), 0) + 1, false);
ALTER TABLE messages ALTER COLUMN seq SET DEFAULT nextval('messages_seq'), ALTER COLUMN seq SET NOT NULL;
ALTER SEQUENCE messages_seq OWNED BY messages.seq;
CREATE UNIQUE INDEX messages_conversation_seq ON messages (org_id, conversation_id, seq);
DROP INDEX messages_conversation;
