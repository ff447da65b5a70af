-- Up Migration
-- What the customer hears when the system closes a conversation (queue, inactivity or bot
-- timeout): NULL is the standard sentence in the organization's customer language, '' is
-- none, anything else is the organization's own text.
ALTER TABLE organizations ADD COLUMN auto_close_message text CHECK (char_length(auto_close_message) <= 1000);

-- The queue timeout of a conversation waiting with no team (a channel without a bot menu):
-- teams have their own; NULL keeps such conversations until an admin routes them.
ALTER TABLE organizations ADD COLUMN queue_timeout_minutes integer CHECK (queue_timeout_minutes > 0);
