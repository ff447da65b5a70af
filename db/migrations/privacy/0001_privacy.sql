-- Up Migration
-- LGPD / GDPR (issue 16, docs/privacy.md): erasure markers, per-organization retention, and the
-- database rules that keep an erased contact's notes and colleague threads from coming back.

-- Erasure keeps the rows (reports count conversations, ratings, dispositions) and removes what
-- they said: these say when. A contact erased keeps a neutral name; a conversation erased keeps
-- its facts and loses its messages' text and files.
ALTER TABLE contacts ADD COLUMN erased_at timestamptz;
ALTER TABLE conversations ADD COLUMN erased_at timestamptz;
-- Retention looks for old closed conversations not yet erased.
CREATE INDEX conversations_retention ON conversations (org_id, closed_at) WHERE status = 'closed' AND erased_at IS NULL;

-- Empty (null) months: keep forever, the default.
CREATE TABLE privacy_settings (
  org_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  erase_closed_after_months integer CHECK (erase_closed_after_months BETWEEN 1 AND 600),
  delete_audit_after_months integer CHECK (delete_audit_after_months BETWEEN 1 AND 600),
  updated_at timestamptz NOT NULL DEFAULT now(),
  updated_by uuid,
  PRIMARY KEY (org_id),
  FOREIGN KEY (org_id, updated_by) REFERENCES users (org_id, id)
);

-- A client that still holds an erased document (an open tab, an offline copy) would write its
-- old state back on its next sync. The sync server refuses such documents and drops them from
-- memory, but an update already on its way when the erasure committed could still land: the
-- database itself drops every update of an erased contact's notes or an erased conversation's
-- thread, whatever path writes it (appends, compaction snapshots, another process).
-- Notes stay writable until the erasure commits, so the two must not interleave: a write takes
-- the notes' advisory lock shared, the erasure takes it exclusive (server/commands/privacy.ts).
-- A write that got there first commits first and its row is deleted by the erasure; one that
-- waited reads the erasure's commit (each statement of a plpgsql function takes a new snapshot)
-- and is dropped. A closed conversation's thread is read-only: a plain check suffices.
CREATE FUNCTION doc_updates_skip_erased() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.doc_name LIKE 'notes:%' THEN
    PERFORM pg_advisory_xact_lock_shared(hashtext(NEW.doc_name));
    IF EXISTS (SELECT 1 FROM contacts c WHERE c.org_id = NEW.org_id AND c.id = substr(NEW.doc_name, 7)::uuid AND c.erased_at IS NOT NULL) THEN
      RETURN NULL;
    END IF;
  ELSIF NEW.doc_name LIKE 'conversation:%' THEN
    IF EXISTS (SELECT 1 FROM conversations v WHERE v.org_id = NEW.org_id AND v.id = substr(NEW.doc_name, 14)::uuid AND v.erased_at IS NOT NULL) THEN
      RETURN NULL;
    END IF;
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER doc_updates_skip_erased BEFORE INSERT ON doc_updates
  FOR EACH ROW WHEN (NEW.doc_name LIKE 'notes:%' OR NEW.doc_name LIKE 'conversation:%') EXECUTE FUNCTION doc_updates_skip_erased();

-- The search copy of the notes (refreshed off the store's path) must not come back either.
CREATE FUNCTION contact_notes_text_skip_erased() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_advisory_xact_lock_shared(hashtext('notes:' || NEW.contact_id::text));
  IF EXISTS (SELECT 1 FROM contacts c WHERE c.org_id = NEW.org_id AND c.id = NEW.contact_id AND c.erased_at IS NOT NULL) THEN
    RETURN NULL;
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER contact_notes_text_skip_erased BEFORE INSERT OR UPDATE ON contact_notes_text
  FOR EACH ROW EXECUTE FUNCTION contact_notes_text_skip_erased();
