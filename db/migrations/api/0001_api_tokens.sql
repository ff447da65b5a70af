-- Organization API tokens (issue 16): integrations call /api/v1 with `Authorization: Bearer
-- atd_<prefix>_<secret>`. Only SHA-256 of the secret is kept (a 256-bit random secret needs no
-- slow hash); the prefix is shown in the admin list so a person can tell tokens apart.
CREATE TABLE api_tokens (
  org_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 80),
  scopes text[] NOT NULL CHECK (cardinality(scopes) >= 1),
  -- Random, made by the server: unique over every organization because a request is matched by it
  -- before the organization is known (it reveals nothing: nobody chooses it).
  prefix text NOT NULL UNIQUE,
  secret_hash bytea NOT NULL,
  created_by uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz,
  -- Written at most once a minute per token (server/commands/api-tokens.ts).
  last_used_at timestamptz,
  revoked_at timestamptz,
  revoked_by uuid,
  PRIMARY KEY (id),
  UNIQUE (org_id, id),
  FOREIGN KEY (org_id, created_by) REFERENCES users (org_id, id),
  FOREIGN KEY (org_id, revoked_by) REFERENCES users (org_id, id)
);
CREATE INDEX api_tokens_org ON api_tokens (org_id, created_at DESC);

-- The per-token request counters of rate-limiter-flexible's PostgreSQL store, used when several
-- processes share one database and no Redis is configured. Keys are `<prefix>:<token id>`: a
-- counter, not organization data, so it carries no org_id of its own.
CREATE TABLE api_rate_limits (
  key varchar(255) PRIMARY KEY,
  points integer NOT NULL DEFAULT 0,
  expire bigint
);

-- A template an integration sends with a `clientMessageId`: the same id from the same token
-- answers the first message again instead of sending twice (an integration retries after a
-- timeout; WhatsApp takes no idempotency key, so the rule lives here).
CREATE TABLE api_template_sends (
  org_id uuid NOT NULL,
  token_id uuid NOT NULL,
  client_message_id text NOT NULL,
  message_id uuid NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, token_id, client_message_id),
  FOREIGN KEY (org_id, token_id) REFERENCES api_tokens (org_id, id) ON DELETE CASCADE,
  FOREIGN KEY (org_id, message_id) REFERENCES messages (org_id, id) ON DELETE CASCADE
);
