-- Up Migration
-- Conversations: channels, contacts, conversations, messages, the rules' configuration
-- (templates, canned responses, tags, dispositions, pause types) and agent pauses.

CREATE TABLE channels (
  org_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  kind text NOT NULL CHECK (kind IN ('whatsapp', 'webchat')),
  name text NOT NULL,
  active boolean NOT NULL DEFAULT true,
  receive_only boolean NOT NULL DEFAULT false,
  -- WhatsApp Cloud API: which number, and its secrets (an admin-configured channel)
  phone_number_id text,
  app_secret text,
  verify_token text,
  access_token text,
  -- Bot menu
  bot_greeting text NOT NULL DEFAULT '',
  bot_options jsonb NOT NULL DEFAULT '[]',
  bot_invalid_message text NOT NULL DEFAULT '',
  no_one_available_message text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (id),
  UNIQUE (org_id, id)
);
-- A WhatsApp number routes webhooks to exactly one channel, whatever the organization.
CREATE UNIQUE INDEX channels_phone_number ON channels (phone_number_id) WHERE phone_number_id IS NOT NULL;

CREATE TABLE contacts (
  org_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  name text NOT NULL DEFAULT '',
  email text,
  whatsapp text CHECK (whatsapp ~ '^[0-9]{8,15}$'),
  whatsapp_user_id text,
  webchat_visitor_id text,
  fields jsonb NOT NULL DEFAULT '{}',
  incomplete boolean NOT NULL DEFAULT false,
  created_by uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (id),
  UNIQUE (org_id, id),
  FOREIGN KEY (org_id, created_by) REFERENCES users (org_id, id)
);
CREATE UNIQUE INDEX contacts_org_whatsapp ON contacts (org_id, whatsapp) WHERE whatsapp IS NOT NULL;
CREATE UNIQUE INDEX contacts_org_wa_user ON contacts (org_id, whatsapp_user_id) WHERE whatsapp_user_id IS NOT NULL;
CREATE UNIQUE INDEX contacts_org_visitor ON contacts (org_id, webchat_visitor_id) WHERE webchat_visitor_id IS NOT NULL;
CREATE INDEX contacts_org_whatsapp_prefix ON contacts (org_id, whatsapp text_pattern_ops);
CREATE INDEX contacts_org_name ON contacts (org_id, lower(name) text_pattern_ops);

CREATE TABLE tags (
  org_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  name text NOT NULL,
  color text NOT NULL DEFAULT '#64748b',
  PRIMARY KEY (id),
  UNIQUE (org_id, id)
);
CREATE UNIQUE INDEX tags_org_name ON tags (org_id, lower(name));

CREATE TABLE dispositions (
  org_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  name text NOT NULL,
  active boolean NOT NULL DEFAULT true,
  PRIMARY KEY (id),
  UNIQUE (org_id, id)
);
CREATE UNIQUE INDEX dispositions_org_name ON dispositions (org_id, lower(name));

CREATE TABLE pause_types (
  org_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  name text NOT NULL,
  max_minutes integer NOT NULL CHECK (max_minutes > 0),
  earliest_time text CHECK (earliest_time ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
  active boolean NOT NULL DEFAULT true,
  PRIMARY KEY (id),
  UNIQUE (org_id, id)
);
CREATE UNIQUE INDEX pause_types_org_name ON pause_types (org_id, lower(name));

CREATE TABLE agent_pauses (
  org_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL,
  pause_type_id uuid NOT NULL,
  started_at timestamptz NOT NULL DEFAULT now(),
  ends_by timestamptz NOT NULL,
  ended_at timestamptz,
  overrun_flagged_at timestamptz,
  PRIMARY KEY (id),
  FOREIGN KEY (org_id, user_id) REFERENCES users (org_id, id) ON DELETE CASCADE,
  FOREIGN KEY (org_id, pause_type_id) REFERENCES pause_types (org_id, id)
);
-- At most one running pause per agent.
CREATE UNIQUE INDEX agent_pauses_open ON agent_pauses (org_id, user_id) WHERE ended_at IS NULL;

CREATE TABLE templates (
  org_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  channel_id uuid NOT NULL,
  name text NOT NULL CHECK (name ~ '^[a-z0-9_]+$' AND length(name) <= 512),
  language text NOT NULL,
  category text NOT NULL DEFAULT 'utility',
  status text NOT NULL DEFAULT 'approved' CHECK (status IN ('approved', 'pending', 'rejected', 'paused', 'disabled')),
  body text NOT NULL,
  param_count integer NOT NULL DEFAULT 0 CHECK (param_count >= 0),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (id),
  UNIQUE (org_id, id),
  FOREIGN KEY (org_id, channel_id) REFERENCES channels (org_id, id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX templates_channel_name_lang ON templates (org_id, channel_id, name, language);

CREATE TABLE canned_responses (
  org_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  shortcut text NOT NULL CHECK (shortcut ~ '^[a-z0-9_-]{1,40}$'),
  title text NOT NULL,
  body text NOT NULL,
  attachment_ids uuid[] NOT NULL DEFAULT '{}',
  team_id uuid,
  PRIMARY KEY (id),
  UNIQUE (org_id, id),
  FOREIGN KEY (org_id, team_id) REFERENCES teams (org_id, id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX canned_org_shortcut ON canned_responses (org_id, shortcut);

CREATE TABLE protocol_counters (
  org_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  day date NOT NULL,
  last integer NOT NULL,
  PRIMARY KEY (org_id, day)
);

CREATE TABLE conversations (
  org_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  protocol text NOT NULL,
  contact_id uuid NOT NULL,
  channel_id uuid NOT NULL,
  team_id uuid,
  status text NOT NULL CHECK (status IN ('bot', 'waiting', 'active', 'closed')),
  assignee_id uuid,
  target_user_id uuid,
  bot_prompts integer NOT NULL DEFAULT 0,
  no_one_notified_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  queued_at timestamptz,
  claimed_at timestamptz,
  last_inbound_at timestamptz,
  last_template_at timestamptz,
  last_activity_at timestamptz NOT NULL DEFAULT now(),
  closed_at timestamptz,
  closed_by uuid,
  close_reason text CHECK (close_reason IN ('agent', 'admin', 'queue_timeout', 'inactivity', 'bot_timeout')),
  disposition_id uuid,
  rating integer CHECK (rating BETWEEN 1 AND 5),
  rating_requested_at timestamptz,
  rated_at timestamptz,
  PRIMARY KEY (id),
  UNIQUE (org_id, id),
  UNIQUE (org_id, protocol),
  FOREIGN KEY (org_id, contact_id) REFERENCES contacts (org_id, id),
  FOREIGN KEY (org_id, channel_id) REFERENCES channels (org_id, id),
  FOREIGN KEY (org_id, team_id) REFERENCES teams (org_id, id),
  FOREIGN KEY (org_id, assignee_id) REFERENCES users (org_id, id),
  FOREIGN KEY (org_id, target_user_id) REFERENCES users (org_id, id),
  FOREIGN KEY (org_id, closed_by) REFERENCES users (org_id, id),
  FOREIGN KEY (org_id, disposition_id) REFERENCES dispositions (org_id, id),
  CHECK ((status = 'active') = (assignee_id IS NOT NULL))
);
-- One open conversation per contact per channel: the database holds the rule.
CREATE UNIQUE INDEX conversations_one_open ON conversations (org_id, contact_id, channel_id) WHERE status <> 'closed';
CREATE INDEX conversations_queue ON conversations (org_id, team_id, queued_at) WHERE status = 'waiting';
CREATE INDEX conversations_assignee ON conversations (org_id, assignee_id) WHERE status = 'active';
CREATE INDEX conversations_contact ON conversations (org_id, contact_id, created_at DESC);

CREATE TABLE conversation_participants (
  org_id uuid NOT NULL,
  conversation_id uuid NOT NULL,
  user_id uuid NOT NULL,
  invited_by uuid,
  joined_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, conversation_id, user_id),
  FOREIGN KEY (org_id, conversation_id) REFERENCES conversations (org_id, id) ON DELETE CASCADE,
  FOREIGN KEY (org_id, user_id) REFERENCES users (org_id, id) ON DELETE CASCADE
);

CREATE TABLE conversation_tags (
  org_id uuid NOT NULL,
  conversation_id uuid NOT NULL,
  tag_id uuid NOT NULL,
  PRIMARY KEY (org_id, conversation_id, tag_id),
  FOREIGN KEY (org_id, conversation_id) REFERENCES conversations (org_id, id) ON DELETE CASCADE,
  FOREIGN KEY (org_id, tag_id) REFERENCES tags (org_id, id) ON DELETE CASCADE
);

CREATE TABLE messages (
  org_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  conversation_id uuid NOT NULL,
  channel_id uuid NOT NULL,
  direction text NOT NULL CHECK (direction IN ('in', 'out')),
  kind text NOT NULL,
  text text NOT NULL DEFAULT '',
  -- What the customer receives (e.g. "*Ana:* text"), fixed when the row is created.
  wire_text text,
  payload jsonb NOT NULL DEFAULT '{}',
  attachment_id uuid,
  template_id uuid,
  template_params jsonb,
  author_id uuid,
  is_bot boolean NOT NULL DEFAULT false,
  client_message_id text,
  channel_message_id text,
  status text NOT NULL CHECK (status IN ('received', 'queued', 'sending', 'sent', 'delivered', 'read', 'failed', 'unknown')),
  error_code integer,
  error_title text,
  provider_timestamp timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  sent_at timestamptz,
  delivered_at timestamptz,
  read_at timestamptz,
  failed_at timestamptz,
  PRIMARY KEY (id),
  UNIQUE (org_id, id),
  FOREIGN KEY (org_id, conversation_id) REFERENCES conversations (org_id, id) ON DELETE CASCADE,
  FOREIGN KEY (org_id, channel_id) REFERENCES channels (org_id, id),
  FOREIGN KEY (org_id, author_id) REFERENCES users (org_id, id),
  FOREIGN KEY (org_id, attachment_id) REFERENCES attachments (org_id, id),
  FOREIGN KEY (org_id, template_id) REFERENCES templates (org_id, id)
);
-- Inbound dedupe on the channel's own message id; outbound idempotency per sender.
CREATE UNIQUE INDEX messages_channel_message ON messages (org_id, channel_id, channel_message_id) WHERE channel_message_id IS NOT NULL;
CREATE UNIQUE INDEX messages_client_id ON messages (org_id, author_id, client_message_id) WHERE client_message_id IS NOT NULL;
CREATE INDEX messages_conversation ON messages (org_id, conversation_id, created_at);
CREATE INDEX messages_outbox ON messages (created_at) WHERE status IN ('queued', 'sending');

-- Refusals are idempotent too: the same clientMessageId gets the same answer.
CREATE TABLE client_requests (
  org_id uuid NOT NULL,
  user_id uuid NOT NULL,
  client_message_id text NOT NULL,
  message_id uuid,
  refusal jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, user_id, client_message_id),
  FOREIGN KEY (org_id, user_id) REFERENCES users (org_id, id) ON DELETE CASCADE
);
