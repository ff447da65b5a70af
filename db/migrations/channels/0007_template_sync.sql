-- Up Migration
-- WhatsApp template sync (docs/whatsapp.md, "Template sync"). A WhatsApp channel names its
-- WhatsApp Business Account (WABA), whose templates Meta lists at GET /<waba-id>/message_templates.
ALTER TABLE channels ADD COLUMN waba_id text CHECK (waba_id ~ '^[0-9]{1,32}$');
ALTER TABLE channels ADD CONSTRAINT channels_waba_whatsapp CHECK (waba_id IS NULL OR kind = 'whatsapp');
-- Template status updates (webhook field message_template_status_update) name only the WABA.
CREATE INDEX channels_waba ON channels (waba_id) WHERE waba_id IS NOT NULL;

-- Meta's statuses, lower-cased; only 'approved' is sendable.
ALTER TABLE templates DROP CONSTRAINT templates_status_check;
ALTER TABLE templates ADD CONSTRAINT templates_status_check CHECK (status IN (
  'approved', 'pending', 'rejected', 'paused', 'disabled', 'in_appeal', 'pending_deletion', 'deleted', 'limit_exceeded', 'archived'
));
-- 'manual': typed in by an administrator; 'meta': fetched from the Graph API (its content is Meta's).
ALTER TABLE templates ADD COLUMN source text NOT NULL DEFAULT 'manual' CHECK (source IN ('manual', 'meta'));
ALTER TABLE templates ADD COLUMN meta_id text;
-- Why Meta rejected or paused it (rejected_reason, or the webhook's reason), when it says.
ALTER TABLE templates ADD COLUMN status_reason text;
-- Meta's components (HEADER/BODY/FOOTER/BUTTONS) as fetched, and how its parameters are written.
ALTER TABLE templates ADD COLUMN components jsonb;
ALTER TABLE templates ADD COLUMN parameter_format text NOT NULL DEFAULT 'positional' CHECK (parameter_format IN ('positional', 'named'));
-- When a synced template was no longer in Meta's list: kept (sent messages refer to it), never sendable.
ALTER TABLE templates ADD COLUMN removed_at timestamptz;
ALTER TABLE templates ADD COLUMN synced_at timestamptz;
CREATE INDEX templates_meta_id ON templates (channel_id, meta_id) WHERE meta_id IS NOT NULL;
