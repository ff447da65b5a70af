-- Two-factor sign-in (issue 16, OWASP ASVS 5 L2): TOTP with recovery codes, passkeys, the
-- organization's policy, and the pending second step between a right password and a session.

-- Who must have a second factor. No row: nobody.
CREATE TABLE twofactor_policies (
  org_id uuid PRIMARY KEY REFERENCES organizations (id) ON DELETE CASCADE,
  required_for text NOT NULL DEFAULT 'nobody' CHECK (required_for IN ('nobody', 'admins', 'everyone')),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- One authenticator app per user. `secret` is the 20-byte key, sealed with AES-256-GCM when
-- TWOFACTOR_ENCRYPTION_KEY is set (first byte: 0 plain, 1 sealed). Until confirmed_at is set
-- the factor is only being enrolled and is not asked for at sign-in. last_used_step is the
-- 30-second step of the last accepted code: a code is accepted once (no replay in its window).
CREATE TABLE totp_factors (
  org_id uuid NOT NULL,
  user_id uuid NOT NULL,
  secret bytea NOT NULL,
  confirmed_at timestamptz,
  last_used_step bigint,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, user_id),
  FOREIGN KEY (org_id, user_id) REFERENCES users (org_id, id) ON DELETE CASCADE
);

-- Ten one-time codes, only their SHA-256 kept (120 random bits each, so a fast hash is enough).
CREATE TABLE recovery_codes (
  org_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL,
  code_hash bytea NOT NULL,
  used_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, id),
  UNIQUE (org_id, user_id, code_hash),
  FOREIGN KEY (org_id, user_id) REFERENCES users (org_id, id) ON DELETE CASCADE
);

-- WebAuthn credentials (passkeys, security keys). credential_id is base64url as the browser sends it.
CREATE TABLE passkeys (
  org_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL,
  credential_id text NOT NULL,
  public_key bytea NOT NULL,
  counter bigint NOT NULL DEFAULT 0,
  transports text[] NOT NULL DEFAULT '{}',
  name text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz,
  PRIMARY KEY (org_id, id),
  UNIQUE (org_id, credential_id),
  FOREIGN KEY (org_id, user_id) REFERENCES users (org_id, id) ON DELETE CASCADE
);
CREATE INDEX passkeys_user ON passkeys (org_id, user_id);

-- A right password of a user with (or required to have) a second factor: not a session, only
-- this. Token "<id>.<secret>" as sessions, only the secret's hash kept; used once.
CREATE TABLE second_steps (
  id text PRIMARY KEY,
  org_id uuid NOT NULL,
  user_id uuid NOT NULL,
  secret_hash bytea NOT NULL,
  purpose text NOT NULL CHECK (purpose IN ('verify', 'enroll')),
  email_key text NOT NULL,
  ip text,
  user_agent text,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  FOREIGN KEY (org_id, user_id) REFERENCES users (org_id, id) ON DELETE CASCADE
);
CREATE INDEX second_steps_expiry ON second_steps (expires_at);

-- WebAuthn challenges handed out, each good once and for a few minutes.
CREATE TABLE webauthn_challenges (
  org_id uuid NOT NULL,
  challenge text NOT NULL,
  user_id uuid NOT NULL,
  purpose text NOT NULL CHECK (purpose IN ('register', 'authenticate')),
  expires_at timestamptz NOT NULL,
  PRIMARY KEY (org_id, challenge),
  FOREIGN KEY (org_id, user_id) REFERENCES users (org_id, id) ON DELETE CASCADE
);
