-- Floor control (issue 12): returning conversations nobody answers, and waiting on the customer.

-- Per team, both off by default (NULL): a customer message unanswered by the serving agent for
-- no_answer_minutes, or the serving agent without a device for absent_minutes, returns the
-- conversation to the head of the team's queue. pending_counts: whether conversations waiting
-- on the customer still count toward the agent's capacity.
ALTER TABLE teams
  ADD COLUMN no_answer_minutes integer CHECK (no_answer_minutes BETWEEN 1 AND 10080),
  ADD COLUMN absent_minutes integer CHECK (absent_minutes BETWEEN 1 AND 10080),
  ADD COLUMN pending_counts boolean NOT NULL DEFAULT false;

-- awaiting_reply_since: when the oldest customer message no agent has answered yet arrived
-- (NULL once an agent writes); first_response_at: the first agent message. head_of_queue: a
-- conversation returned to its queue is served before the others. pending_since / pending_until:
-- the serving agent waits on the customer (until a time: snoozed).
ALTER TABLE conversations
  ADD COLUMN awaiting_reply_since timestamptz,
  ADD COLUMN first_response_at timestamptz,
  ADD COLUMN head_of_queue boolean NOT NULL DEFAULT false,
  ADD COLUMN pending_since timestamptz,
  ADD COLUMN pending_until timestamptz,
  ADD CONSTRAINT conversations_pending_active CHECK (pending_since IS NULL OR status = 'active'),
  ADD CONSTRAINT conversations_pending_until CHECK (pending_until IS NULL OR pending_since IS NOT NULL);

UPDATE conversations c SET
  first_response_at = (SELECT min(m.created_at) FROM messages m
    WHERE m.org_id = c.org_id AND m.conversation_id = c.id AND m.direction = 'out' AND NOT m.is_bot),
  awaiting_reply_since = (SELECT min(m.created_at) FROM messages m
    WHERE m.org_id = c.org_id AND m.conversation_id = c.id AND m.direction = 'in'
      AND m.seq > coalesce((SELECT max(a.seq) FROM messages a
        WHERE a.org_id = c.org_id AND a.conversation_id = c.id AND a.direction = 'out' AND NOT a.is_bot), 0))
WHERE c.status <> 'closed';

CREATE INDEX conversations_awaiting_reply ON conversations (awaiting_reply_since) WHERE status = 'active' AND pending_since IS NULL;
CREATE INDEX conversations_pending_until ON conversations (pending_until) WHERE pending_until IS NOT NULL;

-- A conversation that leaves 'active' is no longer pending; one that leaves 'waiting' is no
-- longer at the head of a queue. In the database, so no path can leave either behind.
CREATE FUNCTION conversations_state_cleanup() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.status <> 'active' THEN
    NEW.pending_since := NULL;
    NEW.pending_until := NULL;
  END IF;
  IF NEW.status <> 'waiting' THEN
    NEW.head_of_queue := false;
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER conversations_state_cleanup BEFORE UPDATE OF status ON conversations
  FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status) EXECUTE FUNCTION conversations_state_cleanup();
