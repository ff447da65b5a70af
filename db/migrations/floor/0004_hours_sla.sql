-- Floor control (issue 12): business hours and service levels per team.

-- business_hours: a weekly schedule in the organization's time zone (the work-hours format:
-- weekday → list of ["HH:MM", "HH:MM"]); '{}' = always open. holidays: local dates closed.
-- Outside them a new conversation for the team gets out_of_hours_message (NULL: the standard
-- sentence in the customer language) and waits for opening ('wait') or is closed ('close').
-- Service levels: first-response and next-response targets in minutes (NULL: none); the clock
-- runs only inside business hours when sla_business_hours.
ALTER TABLE teams
  ADD COLUMN business_hours jsonb NOT NULL DEFAULT '{}',
  ADD COLUMN holidays date[] NOT NULL DEFAULT '{}',
  ADD COLUMN out_of_hours_message text CHECK (length(out_of_hours_message) <= 1000),
  ADD COLUMN out_of_hours_action text NOT NULL DEFAULT 'wait' CHECK (out_of_hours_action IN ('wait', 'close')),
  ADD COLUMN sla_first_response_minutes integer CHECK (sla_first_response_minutes BETWEEN 1 AND 10080),
  ADD COLUMN sla_next_response_minutes integer CHECK (sla_next_response_minutes BETWEEN 1 AND 10080),
  ADD COLUMN sla_business_hours boolean NOT NULL DEFAULT true;

-- sla_breached_at: the sweep found the running target missed (once per target; an agent's
-- answer clears it, starting the next). out_of_hours_at: the customer was told the team is closed.
ALTER TABLE conversations
  ADD COLUMN sla_breached_at timestamptz,
  ADD COLUMN out_of_hours_at timestamptz;

ALTER TABLE conversations DROP CONSTRAINT IF EXISTS conversations_close_reason_check;
ALTER TABLE conversations ADD CONSTRAINT conversations_close_reason_check
  CHECK (close_reason IN ('agent', 'admin', 'queue_timeout', 'inactivity', 'bot_timeout', 'out_of_hours'));

-- The sweep looks at conversations a target may be running for.
CREATE INDEX conversations_sla_open ON conversations (org_id, team_id)
  WHERE status IN ('waiting', 'active') AND sla_breached_at IS NULL AND pending_since IS NULL;
