-- Floor control (issue 12), capacity: how many active conversations an agent may hold.
-- A team's limit applies to claims of its conversations; a user's own limit, when set,
-- replaces it. NULL: no limit. Admins are never limited. Bounds: shared/capacity.ts.
ALTER TABLE teams ADD COLUMN max_per_agent integer CHECK (max_per_agent BETWEEN 1 AND 1000);
ALTER TABLE users ADD COLUMN max_conversations integer CHECK (max_conversations BETWEEN 1 AND 1000);
-- (An agent's active conversations are counted through conversations_assignee.)
