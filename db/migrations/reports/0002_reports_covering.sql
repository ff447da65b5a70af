-- Up Migration
-- reports.summary reads every column it counts from these indexes alone (index-only scans),
-- not from the wide conversations rows: on a year of a large contact centre a month of one
-- team is ~40,000 index entries instead of the heap pages of every team's rows of the month
-- (docs/admin.md, "Reports": the numbers). Keep the INCLUDE list in step with facts() in
-- db/queries/reports.ts: a column it reads that is missing here sends it back to the table.
-- They replace the plain indexes of 0001, which they serve as well.
CREATE INDEX conversations_report_team_facts ON conversations (org_id, team_id, created_at)
  INCLUDE (id, channel_id, assignee_id, served_by, disposition_id, rating, status, closed_from, close_reason,
    transfers, sla_breaches, first_queued_at, first_claimed_at, first_response_at, closed_at);
CREATE INDEX conversations_report_facts ON conversations (org_id, created_at)
  INCLUDE (id, team_id, channel_id, assignee_id, served_by, disposition_id, rating, status, closed_from, close_reason,
    transfers, sla_breaches, first_queued_at, first_claimed_at, first_response_at, closed_at);
DROP INDEX conversations_report_team_created;
DROP INDEX conversations_report_created;
