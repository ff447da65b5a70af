-- Up Migration
-- Past conversations and the audit screen (issue 15): the indexes their keyset pages read.

-- History: newest closed first, paged by (closed_at, id).
CREATE INDEX conversations_closed ON conversations (org_id, closed_at DESC, id DESC) WHERE status = 'closed';
CREATE INDEX conversations_closed_team ON conversations (org_id, team_id, closed_at DESC, id DESC) WHERE status = 'closed';

-- A transcript's trail: the audit rows about one conversation (claims, transfers, closes …).
CREATE INDEX audit_log_conversation ON audit_log (org_id, (details ->> 'conversationId'), id) WHERE details ? 'conversationId';

-- The audit screen pages by id, filtered by who and what.
CREATE INDEX audit_log_org_id ON audit_log (org_id, id DESC);
CREATE INDEX audit_log_actor ON audit_log (org_id, actor_user_id, id DESC) WHERE actor_user_id IS NOT NULL;
CREATE INDEX audit_log_action ON audit_log (org_id, action, id DESC);
