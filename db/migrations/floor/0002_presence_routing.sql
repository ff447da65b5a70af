-- Floor control (issue 12): presence that tells the truth, and automatic routing with offers.

-- Presence. Each server process registers itself and heartbeats; agent_devices counts an
-- agent's live connections (events.stream and /sync) per process. A process that stops
-- heartbeating is dead: its rows are swept. users.connected is what colleagues and routing
-- read: true while a device is connected and for the organization's grace period after the
-- last one went away (device_lost_at); a sweep turns it false after the grace.
CREATE TABLE server_processes (
  id uuid PRIMARY KEY,
  started_at timestamptz NOT NULL DEFAULT now(),
  heartbeat_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE agent_devices (
  process_id uuid NOT NULL REFERENCES server_processes (id) ON DELETE CASCADE,
  org_id uuid NOT NULL,
  user_id uuid NOT NULL,
  connections integer NOT NULL CHECK (connections > 0),
  since timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (process_id, user_id),
  FOREIGN KEY (org_id, user_id) REFERENCES users (org_id, id) ON DELETE CASCADE
);
CREATE INDEX agent_devices_user ON agent_devices (org_id, user_id);

ALTER TABLE users
  ADD COLUMN connected boolean NOT NULL DEFAULT false,
  ADD COLUMN device_lost_at timestamptz,
  -- When the agent was last offered (or took) a conversation: ties go to the one idle longest.
  ADD COLUMN last_routed_at timestamptz;

ALTER TABLE organizations
  ADD COLUMN presence_grace_seconds integer NOT NULL DEFAULT 60 CHECK (presence_grace_seconds BETWEEN 0 AND 3600);

-- Routing per team: 'pull' (agents claim from the queue) or 'auto' (the server offers each
-- conversation to one available agent with capacity, who accepts or declines). The old
-- queue_mode ('shared' / 'targeted') was stored and shown but read by nothing: 'targeted'
-- meant "aimed at agents", which is what auto routing does.
ALTER TABLE teams
  ADD COLUMN routing text NOT NULL DEFAULT 'pull' CHECK (routing IN ('pull', 'auto')),
  ADD COLUMN accept_timeout_seconds integer NOT NULL DEFAULT 60 CHECK (accept_timeout_seconds BETWEEN 10 AND 3600);
UPDATE teams SET routing = 'auto' WHERE queue_mode = 'targeted';
ALTER TABLE teams DROP COLUMN queue_mode;

-- The offer in force: one agent at a time, until it is accepted, declined or expires.
ALTER TABLE conversations
  ADD COLUMN offered_to uuid,
  ADD COLUMN offered_at timestamptz,
  ADD COLUMN offer_expires_at timestamptz,
  ADD CONSTRAINT conversations_offered_to_fk FOREIGN KEY (org_id, offered_to) REFERENCES users (org_id, id),
  ADD CONSTRAINT conversations_offer_waiting CHECK (offered_to IS NULL OR (status = 'waiting' AND offer_expires_at IS NOT NULL));
CREATE INDEX conversations_offered ON conversations (org_id, offered_to) WHERE offered_to IS NOT NULL;
CREATE INDEX conversations_offer_expiry ON conversations (offer_expires_at) WHERE offered_to IS NOT NULL;
CREATE INDEX conversations_unoffered_waiting ON conversations (org_id, team_id, queued_at) WHERE status = 'waiting' AND offered_to IS NULL;

-- Every offer and how it ended: the audit of routing (who was offered what, when, for how
-- long) and the memory of who declined or let a conversation's offer expire since it was queued.
-- 'returned': not an offer but the agent who had it lost it (no answer, no device): an instant
-- row, so routing does not hand it straight back to them.
CREATE TABLE conversation_offers (
  org_id uuid NOT NULL,
  id bigint GENERATED ALWAYS AS IDENTITY,
  conversation_id uuid NOT NULL,
  user_id uuid NOT NULL,
  offered_at timestamptz NOT NULL,
  ended_at timestamptz,
  outcome text CHECK (outcome IN ('accepted', 'declined', 'expired', 'withdrawn', 'returned')),
  PRIMARY KEY (org_id, id),
  FOREIGN KEY (org_id, conversation_id) REFERENCES conversations (org_id, id) ON DELETE CASCADE,
  FOREIGN KEY (org_id, user_id) REFERENCES users (org_id, id) ON DELETE CASCADE,
  CHECK ((ended_at IS NULL) = (outcome IS NULL))
);
CREATE INDEX conversation_offers_conversation ON conversation_offers (org_id, conversation_id, offered_at);
CREATE UNIQUE INDEX conversation_offers_open ON conversation_offers (org_id, conversation_id) WHERE ended_at IS NULL;

-- An offer ends with the waiting it was made for: when the conversation is taken (by the
-- agent it was offered to: accepted; by anyone else: withdrawn), closed, moved to another team
-- or aimed at one person, the offer columns are cleared and its conversation_offers row closed.
-- In the database, so no path that changes a conversation can leave a stale offer behind.
-- (Declines and expiries close their row themselves first, with their own outcome.)
CREATE FUNCTION conversations_end_offer() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.offered_to IS NOT NULL AND NEW.offered_to IS NOT DISTINCT FROM OLD.offered_to
     AND (NEW.status <> 'waiting' OR NEW.team_id IS DISTINCT FROM OLD.team_id OR NEW.target_user_id IS NOT NULL) THEN
    NEW.offered_to := NULL;
    NEW.offered_at := NULL;
    NEW.offer_expires_at := NULL;
  END IF;
  IF OLD.offered_to IS NOT NULL AND NEW.offered_to IS NULL THEN
    UPDATE conversation_offers SET ended_at = now(),
      outcome = CASE WHEN NEW.status = 'active' AND NEW.assignee_id = OLD.offered_to THEN 'accepted' ELSE 'withdrawn' END
    WHERE org_id = OLD.org_id AND conversation_id = OLD.id AND ended_at IS NULL;
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER conversations_end_offer BEFORE UPDATE ON conversations
  FOR EACH ROW WHEN (OLD.offered_to IS NOT NULL) EXECUTE FUNCTION conversations_end_offer();
