-- Up Migration
-- The event sequencer (db/queries/events.ts sequenceEvents, docs/architecture.md "Events") as
-- one statement: called in autocommit, its transaction is that statement, so a run is one
-- round trip instead of four (BEGIN, lock, move, COMMIT). The lock is taken first; the move
-- is a statement of its own inside the function, so in READ COMMITTED it reads with a snapshot
-- taken after the lock was granted: every row committed by earlier runs is seen, and its ids
-- come from the identity after every id an earlier run made visible. The lock is held through
-- the implicit COMMIT, so runs of all processes commit one after another.
CREATE FUNCTION atende_sequence_events(batch integer, channel text) RETURNS integer
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  moved_count integer;
  last_id bigint;
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('atende_events_sequencer'));
  WITH moved AS (
    DELETE FROM pending_events WHERE entry IN (SELECT entry FROM pending_events ORDER BY entry LIMIT batch)
    RETURNING entry, org_id, type, data, at, tx
  ), kept AS (
    INSERT INTO events (org_id, type, data, at, tx)
    SELECT org_id, type, data, at, tx FROM moved
    WHERE EXISTS (SELECT 1 FROM organizations o WHERE o.id = moved.org_id)
    ORDER BY entry
    RETURNING id
  )
  SELECT count(*)::int, max(id) INTO moved_count, last_id FROM kept;
  IF moved_count > 0 THEN
    PERFORM pg_notify(channel, last_id::text);
  END IF;
  RETURN moved_count;
END $$;
