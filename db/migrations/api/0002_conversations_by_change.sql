-- The REST conversations list (GET /api/v1/conversations, db/queries/api-conversations.ts) is
-- ordered and paged by the conversation's last change: an integration syncing a large
-- organization walks this index in order instead of sorting every conversation per page.
-- The expression is the query's UPDATED, word for word.
CREATE INDEX conversations_org_changed ON conversations (
  org_id,
  greatest(last_activity_at, created_at, coalesce(claimed_at, created_at), coalesce(closed_at, created_at)),
  id
);
