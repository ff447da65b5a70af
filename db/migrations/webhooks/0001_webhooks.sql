-- Up Migration
-- Outgoing webhooks (issue 16, docs/integrations.md "Outgoing webhooks"): the endpoints an
-- organization registers, the follower's place in `events`, and the deliveries, which are the
-- durable queue itself (leased like outbound messages, ordered per endpoint and conversation).

CREATE TABLE webhook_endpoints (
  org_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  url text NOT NULL,
  description text NOT NULL DEFAULT '',
  events text[] NOT NULL,
  -- Signs every request (HMAC-SHA256); shown to admins, so kept readable.
  secret text NOT NULL,
  -- The secret before the last rotation, still signing beside the new one until previous_secret_until.
  previous_secret text,
  previous_secret_until timestamptz,
  active boolean NOT NULL DEFAULT true,
  disabled_at timestamptz,
  disabled_reason text CHECK (disabled_reason IN ('admin', 'failing')),
  consecutive_failures integer NOT NULL DEFAULT 0,
  -- When the current run of failed attempts began (null after a success): disabling is decided on it.
  failing_since timestamptz,
  -- Only events numbered after this one are delivered (those committed before the endpoint existed are not).
  after_event_id bigint NOT NULL,
  created_by uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (id),
  UNIQUE (org_id, id),
  FOREIGN KEY (org_id, created_by) REFERENCES users (org_id, id) ON DELETE SET NULL (created_by)
);
CREATE INDEX webhook_endpoints_org ON webhook_endpoints (org_id, created_at);

-- The follower's place in `events`, per organization (one row once it ever had an endpoint).
-- Its row lock is what makes one process at a time turn an organization's events into deliveries.
CREATE TABLE webhook_cursors (
  org_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  last_event_id bigint NOT NULL,
  PRIMARY KEY (org_id)
);

-- What the follower last saw of a conversation, so "queued", "claimed", "closed" are told once
-- per change although the bus publishes a conversation's state on many occasions.
CREATE TABLE webhook_conversation_states (
  org_id uuid NOT NULL,
  conversation_id uuid NOT NULL,
  status text NOT NULL,
  team_id uuid,
  assignee_id uuid,
  target_user_id uuid,
  last_transfer_id bigint NOT NULL DEFAULT 0,
  rated boolean NOT NULL DEFAULT false,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, conversation_id),
  FOREIGN KEY (org_id, conversation_id) REFERENCES conversations (org_id, id) ON DELETE CASCADE
);

CREATE TABLE webhook_deliveries (
  org_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  -- Insertion order: the order of an organization's events (the follower inserts them in id order).
  seq bigint GENERATED ALWAYS AS IDENTITY,
  endpoint_id uuid NOT NULL,
  -- The body's `id`: the same for every endpoint and every redelivery of one webhook event.
  event_key uuid NOT NULL,
  event_id bigint,
  event_type text NOT NULL,
  conversation_id uuid,
  payload jsonb NOT NULL,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending', 'delivered', 'failed')),
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  lease_until timestamptz,
  last_attempt_at timestamptz,
  last_status_code integer,
  last_error text,
  redelivery_of uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  delivered_at timestamptz,
  PRIMARY KEY (id),
  UNIQUE (org_id, id),
  FOREIGN KEY (org_id, endpoint_id) REFERENCES webhook_endpoints (org_id, id) ON DELETE CASCADE
);
-- Exactly once per endpoint: a second follower run for the same event inserts nothing.
CREATE UNIQUE INDEX webhook_deliveries_once ON webhook_deliveries (org_id, endpoint_id, event_key) WHERE redelivery_of IS NULL;
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_lease ON webhook_deliveries (lease_until) WHERE status = 'sending';
-- The ordering rule looks for an earlier open delivery of the same endpoint and conversation.
CREATE INDEX webhook_deliveries_line ON webhook_deliveries (org_id, endpoint_id, conversation_id, seq) WHERE status IN ('pending', 'sending');
CREATE INDEX webhook_deliveries_log ON webhook_deliveries (org_id, endpoint_id, seq DESC);
