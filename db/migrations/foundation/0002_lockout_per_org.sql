-- Up Migration
-- A lock stays per e-mail address as typed (so it never reveals whether an account exists),
-- but an admin's unlock lifts it only for that admin's own user: the same address may belong
-- to users of other organizations, whose locks are not that admin's to lift.

-- Which lock an unlock lifted: a new lock (a later locked_at) is not lifted by an old unlock.
ALTER TABLE login_locks ADD COLUMN locked_at timestamptz NOT NULL DEFAULT now();

CREATE TABLE login_unlocks (
  email_key text NOT NULL,
  org_id uuid NOT NULL,
  user_id uuid NOT NULL,
  locked_at timestamptz NOT NULL,
  unlocked_at timestamptz NOT NULL DEFAULT now(),
  -- Failed attempts on the address since the unlock, while its lock lasts: an unlock gives
  -- as many tries as a fresh address, not unlimited ones until the lock ends.
  failures integer NOT NULL DEFAULT 0,
  PRIMARY KEY (email_key, org_id, user_id),
  FOREIGN KEY (org_id, user_id) REFERENCES users (org_id, id) ON DELETE CASCADE
);
