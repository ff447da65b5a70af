-- Push notifications (issue 16, docs/operations.md "Push notifications"): Web Push with VAPID
-- to the agents' browsers and installed apps, for the same alerts as the in-app ones.

-- One browser's push subscription (PushSubscription of the Push API). It belongs to the
-- sign-in session that registered it: when that session ends (sign-out, expiry, revocation)
-- the row goes with it, so a device nobody is signed in on receives nothing. An endpoint is
-- one browser profile: the same endpoint is kept once, for the last user who subscribed it.
CREATE TABLE push_subscriptions (
  org_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL,
  session_id text NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  endpoint text NOT NULL,
  -- The browser's P-256 public key and 16-byte auth secret, base64url (what the payload is encrypted to).
  p256dh text NOT NULL,
  auth text NOT NULL,
  device_label text NOT NULL DEFAULT '',
  user_agent text NOT NULL DEFAULT '',
  -- The per-device switch: a paused device keeps its subscription and receives nothing.
  paused boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_success_at timestamptz,
  last_failure_at timestamptz,
  -- Failed sends since the last success (404/410 from the push service delete the row instead).
  failures integer NOT NULL DEFAULT 0,
  PRIMARY KEY (org_id, id),
  UNIQUE (org_id, endpoint),
  FOREIGN KEY (org_id, user_id) REFERENCES users (org_id, id) ON DELETE CASCADE
);
CREATE INDEX push_subscriptions_user ON push_subscriptions (org_id, user_id);
CREATE INDEX push_subscriptions_endpoint ON push_subscriptions (endpoint);
CREATE INDEX push_subscriptions_session ON push_subscriptions (session_id);

-- Which alerts a user wants pushed; no row: all of them.
CREATE TABLE push_settings (
  org_id uuid NOT NULL,
  user_id uuid NOT NULL,
  waiting boolean NOT NULL DEFAULT true,
  message boolean NOT NULL DEFAULT true,
  offer boolean NOT NULL DEFAULT true,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, user_id),
  FOREIGN KEY (org_id, user_id) REFERENCES users (org_id, id) ON DELETE CASCADE
);

-- Every process follows the event bus; the first to insert an alert's key sends it, so each
-- alert goes out once per cluster whatever the number of processes. Pruned after a day.
CREATE TABLE push_claims (
  org_id uuid NOT NULL,
  key text NOT NULL,
  at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, key)
);
CREATE INDEX push_claims_at ON push_claims (at);

-- The server's VAPID key pair when VAPID_PUBLIC_KEY / VAPID_PRIVATE_KEY are not set: generated
-- once by the first process that needs it and shared by all. Not an organization's data (one
-- pair for the whole installation, like server_processes), hence no org_id. Its single row is
-- `id = true`.
CREATE TABLE push_vapid_keys (
  id boolean PRIMARY KEY DEFAULT true CHECK (id),
  public_key text NOT NULL,
  private_key text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
