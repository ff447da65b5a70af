-- Events without an organization-wide write lock (issue 14, docs/architecture.md "Events").
-- A transaction writes its events into pending_events, with no lock and no NOTIFY; the
-- sequencer (server/events/bus.ts) moves committed rows into events in short transactions
-- serialized among themselves, so events.id still follows commit order ("resume after N" stays
-- exact) while the writers commit in parallel. One NOTIFY per moved batch wakes every process.
-- No foreign key here: it would take a KEY SHARE lock on the organization's row in every
-- writing transaction; the sequencer skips rows of an organization deleted meanwhile.
CREATE TABLE pending_events (
  entry bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  org_id uuid NOT NULL,
  type text NOT NULL,
  data jsonb NOT NULL DEFAULT '{}',
  at timestamptz NOT NULL DEFAULT now(),
  -- The writing transaction: tells which events one transaction wrote (tests, diagnostics).
  tx xid8 NOT NULL DEFAULT pg_current_xact_id()
);

ALTER TABLE events ADD COLUMN tx xid8;
