-- Up Migration
-- Agent states and timers: who served a closed conversation, the indexes the sweeps use,
-- and the rule that a pause is open only while its agent is paused.

-- A closed conversation has no assignee (CHECK: active <=> assignee), so the agent who
-- served it is kept here for history and the agent's rating average.
ALTER TABLE conversations ADD COLUMN served_by uuid;
ALTER TABLE conversations ADD FOREIGN KEY (org_id, served_by) REFERENCES users (org_id, id);
CREATE INDEX conversations_served_rating ON conversations (org_id, served_by) WHERE rating IS NOT NULL;

-- The minute sweep looks only at open conversations and running pauses.
CREATE INDEX conversations_open_status ON conversations (status, last_activity_at) WHERE status IN ('bot', 'active');
CREATE INDEX conversations_waiting_since ON conversations (queued_at) WHERE status = 'waiting';
CREATE INDEX agent_pauses_unflagged ON agent_pauses (ends_by) WHERE ended_at IS NULL AND overrun_flagged_at IS NULL;

-- Any change of an agent away from 'paused' (going online or offline, logout, deactivation,
-- whichever command does it) ends the running pause, so an open pause always means a
-- paused agent and an overrun is never flagged for someone who already left.
CREATE FUNCTION end_pause_when_not_paused() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE agent_pauses SET ended_at = now()
  WHERE org_id = NEW.org_id AND user_id = NEW.id AND ended_at IS NULL;
  RETURN NULL;
END;
$$;
CREATE TRIGGER users_end_pause AFTER UPDATE OF status ON users
  FOR EACH ROW WHEN (NEW.status <> 'paused') EXECUTE FUNCTION end_pause_when_not_paused();
