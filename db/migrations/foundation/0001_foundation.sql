-- Up Migration
-- Foundation: organizations, people, access, audit, files, mail, events.
-- Convention: every organization-owned table carries org_id, and its keys, foreign keys and
-- unique constraints include it, so one tenant can never reference or probe another's rows.

CREATE EXTENSION IF NOT EXISTS pgcrypto;

CREATE TABLE organizations (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL,
  time_zone text NOT NULL DEFAULT 'UTC',
  allowed_networks text[] NOT NULL DEFAULT '{}',
  work_hours_policy text NOT NULL DEFAULT 'flag' CHECK (work_hours_policy IN ('flag', 'refuse_login')),
  inactivity_timeout_minutes integer NOT NULL DEFAULT 60 CHECK (inactivity_timeout_minutes > 0),
  bot_timeout_minutes integer NOT NULL DEFAULT 30 CHECK (bot_timeout_minutes > 0),
  rating_window_minutes integer NOT NULL DEFAULT 10 CHECK (rating_window_minutes > 0),
  required_contact_fields text[] NOT NULL DEFAULT '{}',
  identify_agents boolean NOT NULL DEFAULT true,
  brand_color text NOT NULL DEFAULT '#0f766e',
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE attachments (
  org_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  uploaded_by uuid,
  purpose text NOT NULL,
  filename text NOT NULL,
  content_type text NOT NULL,
  size_bytes bigint NOT NULL CHECK (size_bytes >= 0),
  storage_key text NOT NULL,
  sha256 text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (id),
  UNIQUE (org_id, id)
);

CREATE TABLE users (
  org_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  email text NOT NULL,
  name text NOT NULL,
  role text NOT NULL DEFAULT 'agent' CHECK (role IN ('admin', 'agent')),
  password_hash text,
  status text NOT NULL DEFAULT 'offline' CHECK (status IN ('online', 'paused', 'offline')),
  status_changed_at timestamptz NOT NULL DEFAULT now(),
  language text NOT NULL DEFAULT 'pt-BR',
  time_zone text,
  codename text,
  extension text,
  photo_attachment_id uuid,
  history_access text NOT NULL DEFAULT 'own_teams' CHECK (history_access IN ('own_teams', 'all', 'none')),
  internal_chat boolean NOT NULL DEFAULT true,
  work_hours jsonb NOT NULL DEFAULT '{}',
  sound_alerts boolean NOT NULL DEFAULT true,
  deactivated_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (id),
  UNIQUE (org_id, id),
  FOREIGN KEY (org_id, photo_attachment_id) REFERENCES attachments (org_id, id)
);
-- E-mail is unique inside an organization, compared case-insensitively.
CREATE UNIQUE INDEX users_org_email ON users (org_id, lower(email));
CREATE INDEX users_email ON users (lower(email));
ALTER TABLE attachments ADD FOREIGN KEY (org_id, uploaded_by) REFERENCES users (org_id, id);

CREATE TABLE teams (
  org_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  name text NOT NULL,
  queue_timeout_minutes integer NOT NULL DEFAULT 1440 CHECK (queue_timeout_minutes > 0),
  disposition_required boolean NOT NULL DEFAULT false,
  internal_chat boolean NOT NULL DEFAULT true,
  tags_allowed boolean NOT NULL DEFAULT true,
  queue_mode text NOT NULL DEFAULT 'shared' CHECK (queue_mode IN ('shared', 'targeted')),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (id),
  UNIQUE (org_id, id)
);
CREATE UNIQUE INDEX teams_org_name ON teams (org_id, lower(name));

CREATE TABLE team_members (
  org_id uuid NOT NULL,
  team_id uuid NOT NULL,
  user_id uuid NOT NULL,
  PRIMARY KEY (org_id, team_id, user_id),
  FOREIGN KEY (org_id, team_id) REFERENCES teams (org_id, id) ON DELETE CASCADE,
  FOREIGN KEY (org_id, user_id) REFERENCES users (org_id, id) ON DELETE CASCADE
);
CREATE INDEX team_members_user ON team_members (org_id, user_id);

-- Sessions follow the lucia-auth.com guide: token "<id>.<secret>", only SHA-256(secret) kept.
CREATE TABLE sessions (
  org_id uuid NOT NULL,
  id text NOT NULL,
  user_id uuid NOT NULL,
  secret_hash bytea NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_verified_at timestamptz NOT NULL DEFAULT now(),
  ip text,
  user_agent text,
  PRIMARY KEY (id),
  FOREIGN KEY (org_id, user_id) REFERENCES users (org_id, id) ON DELETE CASCADE
);
CREATE INDEX sessions_user ON sessions (org_id, user_id);

-- Invitation and password-reset links: 256-bit secrets, stored as SHA-256, single use.
CREATE TABLE one_time_tokens (
  org_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  kind text NOT NULL CHECK (kind IN ('invite', 'reset')),
  user_id uuid NOT NULL,
  secret_hash bytea NOT NULL UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  used_at timestamptz,
  PRIMARY KEY (id),
  FOREIGN KEY (org_id, user_id) REFERENCES users (org_id, id) ON DELETE CASCADE
);

-- Before the first organization exists there is no org_id to scope by: the setup link
-- and the pre-login throttling tables are the only tables without one.
CREATE TABLE setup_tokens (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  secret_hash bytea NOT NULL UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now(),
  used_at timestamptz
);

-- Failed logins counted per e-mail address as typed (normalized), known or not.
CREATE TABLE login_failures (
  email_key text NOT NULL,
  at timestamptz NOT NULL DEFAULT now(),
  ip text
);
CREATE INDEX login_failures_email ON login_failures (email_key, at);
CREATE TABLE login_locks (
  email_key text PRIMARY KEY,
  locked_until timestamptz NOT NULL
);

CREATE TABLE audit_log (
  org_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  id bigint GENERATED ALWAYS AS IDENTITY,
  at timestamptz NOT NULL DEFAULT now(),
  action text NOT NULL,
  actor_user_id uuid,
  subject_user_id uuid,
  email text,
  ip text,
  details jsonb NOT NULL DEFAULT '{}',
  PRIMARY KEY (id)
);
CREATE INDEX audit_log_org_at ON audit_log (org_id, at DESC);

CREATE TABLE mail_outbox (
  org_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  to_address text NOT NULL,
  subject text NOT NULL,
  body_text text NOT NULL,
  kind text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  sent_at timestamptz,
  attempts integer NOT NULL DEFAULT 0,
  last_error text,
  PRIMARY KEY (id)
);
CREATE INDEX mail_outbox_pending ON mail_outbox (created_at) WHERE sent_at IS NULL;

-- Domain events (ids only). Rows give events.stream its resumable, ordered ids; NOTIFY
-- carries the same row to every server process.
CREATE TABLE events (
  org_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  id bigint GENERATED ALWAYS AS IDENTITY,
  type text NOT NULL,
  data jsonb NOT NULL DEFAULT '{}',
  at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (id)
);
CREATE INDEX events_org_id ON events (org_id, id);
