-- Issue 17: tell WhatsApp customers (as automatic messages, inside the 24-hour window) that
-- they are in a team's queue (with their place) and when an agent joins. The web chat widget
-- shows the same as its own lines, from the conversation; these settings are for WhatsApp.
-- Off by default: each is one more message on the customer's phone.
ALTER TABLE organizations ADD COLUMN notify_queue boolean NOT NULL DEFAULT false;
ALTER TABLE organizations ADD COLUMN notify_joined boolean NOT NULL DEFAULT false;
