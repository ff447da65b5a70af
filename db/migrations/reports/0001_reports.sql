-- Up Migration
-- Reports and the supervisor role (issue 15).

-- A supervisor works as an agent and also sees the monitoring board and the reports of the
-- teams they belong to; no configuration.
ALTER TABLE users DROP CONSTRAINT IF EXISTS users_role_check;
ALTER TABLE users ADD CONSTRAINT users_role_check CHECK (role IN ('admin', 'supervisor', 'agent'));

-- What a report counts and the live columns forget: queued_at and claimed_at move on every
-- return to the queue and transfer, sla_breached_at is cleared by the agent's answer, and a
-- closed conversation no longer says what state it was closed from. Kept by triggers below, so
-- no path that changes a conversation can skip them.
ALTER TABLE conversations
  ADD COLUMN first_queued_at timestamptz,
  ADD COLUMN first_claimed_at timestamptz,
  ADD COLUMN closed_from text CHECK (closed_from IN ('bot', 'waiting', 'active')),
  ADD COLUMN sla_breaches integer NOT NULL DEFAULT 0,
  ADD COLUMN transfers integer NOT NULL DEFAULT 0;

UPDATE conversations SET first_queued_at = queued_at, first_claimed_at = claimed_at,
  sla_breaches = CASE WHEN sla_breached_at IS NULL THEN 0 ELSE 1 END,
  -- Before this migration the state a conversation was closed from was not kept: the best guess.
  closed_from = CASE
    WHEN status <> 'closed' THEN NULL
    WHEN close_reason = 'queue_timeout' THEN 'waiting'
    WHEN close_reason = 'bot_timeout' THEN 'bot'
    WHEN close_reason IN ('agent', 'inactivity') OR served_by IS NOT NULL THEN 'active'
    WHEN queued_at IS NOT NULL THEN 'waiting'
    ELSE 'bot'
  END;

CREATE FUNCTION conversations_report_facts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.first_queued_at := coalesce(NEW.first_queued_at, NEW.queued_at);
  NEW.first_claimed_at := coalesce(NEW.first_claimed_at, NEW.claimed_at);
  IF TG_OP = 'INSERT' THEN
    IF NEW.sla_breached_at IS NOT NULL AND NEW.sla_breaches = 0 THEN
      NEW.sla_breaches := 1;
    END IF;
  ELSE
    IF NEW.status = 'closed' AND OLD.status <> 'closed' THEN
      NEW.closed_from := OLD.status;
    END IF;
    IF NEW.sla_breached_at IS NOT NULL AND OLD.sla_breached_at IS NULL THEN
      NEW.sla_breaches := OLD.sla_breaches + 1;
    END IF;
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER conversations_report_facts_insert BEFORE INSERT ON conversations
  FOR EACH ROW EXECUTE FUNCTION conversations_report_facts();
CREATE TRIGGER conversations_report_facts_update BEFORE UPDATE ON conversations
  FOR EACH ROW WHEN (
    OLD.status IS DISTINCT FROM NEW.status
    OR OLD.queued_at IS DISTINCT FROM NEW.queued_at
    OR OLD.claimed_at IS DISTINCT FROM NEW.claimed_at
    OR (OLD.sla_breached_at IS NULL AND NEW.sla_breached_at IS NOT NULL)
  ) EXECUTE FUNCTION conversations_report_facts();

-- Every transfer, written by the transfer command in its transaction (conversations.transfers
-- counts them for the reports; the rows say who moved it where, for the transcript).
CREATE TABLE conversation_transfers (
  org_id uuid NOT NULL,
  id bigint GENERATED ALWAYS AS IDENTITY,
  conversation_id uuid NOT NULL,
  at timestamptz NOT NULL DEFAULT now(),
  by_user_id uuid,
  from_team_id uuid,
  from_user_id uuid,
  to_team_id uuid,
  to_user_id uuid,
  PRIMARY KEY (org_id, id),
  FOREIGN KEY (org_id, conversation_id) REFERENCES conversations (org_id, id) ON DELETE CASCADE
);
CREATE INDEX conversation_transfers_conversation ON conversation_transfers (org_id, conversation_id, at);

-- Transfers made before this migration are in the audit log.
INSERT INTO conversation_transfers (org_id, conversation_id, at, by_user_id, from_team_id, from_user_id, to_team_id, to_user_id)
SELECT a.org_id, c.id, a.at, a.actor_user_id, (a.details -> 'from' ->> 'teamId')::uuid, (a.details -> 'from' ->> 'assigneeId')::uuid,
  (a.details ->> 'toTeamId')::uuid, (a.details ->> 'toUserId')::uuid
FROM audit_log a JOIN conversations c ON c.org_id = a.org_id AND c.id = (a.details ->> 'conversationId')::uuid
WHERE a.action = 'conversation_transferred'
ORDER BY a.id;
UPDATE conversations c SET transfers = t.n
FROM (SELECT org_id, conversation_id, count(*)::int AS n FROM conversation_transfers GROUP BY org_id, conversation_id) t
WHERE c.org_id = t.org_id AND c.id = t.conversation_id;

-- reports.summary reads the conversations created in a period, for the organization or some
-- of its teams (a channel or agent filter narrows those rows further).
CREATE INDEX conversations_report_created ON conversations (org_id, created_at);
CREATE INDEX conversations_report_team_created ON conversations (org_id, team_id, created_at);
