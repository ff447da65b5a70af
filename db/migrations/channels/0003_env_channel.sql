-- Up Migration
-- The environment's WhatsApp credentials (WHATSAPP_APP_SECRET, _VERIFY_TOKEN, _ACCESS_TOKEN)
-- belong to exactly one channel: the one the system made for WHATSAPP_PHONE_NUMBER_ID (the
-- demo seed or the first-organization setup). Before this, any WhatsApp channel without
-- secrets of its own used them, so an administrator of any organization could create a
-- channel with a number the operator's Meta app serves, receive its webhooks and send with
-- the operator's token. Only the system sets this marker; no admin procedure can.
ALTER TABLE channels ADD COLUMN env_managed boolean NOT NULL DEFAULT false;
ALTER TABLE channels ADD CONSTRAINT channels_env_managed_whatsapp CHECK (NOT env_managed OR kind = 'whatsapp');
CREATE UNIQUE INDEX channels_env_managed ON channels ((true)) WHERE env_managed;

-- Existing databases: a migration does not know the environment, so it recognises the channel
-- the demo seed made by how it was made: a WhatsApp channel without secrets inserted in the
-- same transaction as its organization (equal created_at, both now() of that transaction).
-- An administrator creates channels in later transactions, so never matches. Boot does not
-- mark anything: an operator whose environment channel was created by an administrator
-- before this change marks it by hand (docs/operations.md, "Security").
UPDATE channels SET env_managed = true
WHERE id = (
  SELECT c.id FROM channels c JOIN organizations o ON o.id = c.org_id
  WHERE c.kind = 'whatsapp' AND c.created_at = o.created_at AND c.phone_number_id IS NOT NULL
    AND c.app_secret IS NULL AND c.verify_token IS NULL AND c.access_token IS NULL
  ORDER BY o.created_at, c.created_at, c.id
  LIMIT 1
);
