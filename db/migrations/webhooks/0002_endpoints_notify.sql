-- Up Migration
-- Each process remembers which organizations have an active webhook endpoint
-- (server/events/org-flags.ts), so the follower costs nothing per event in an organization
-- without one. Whoever changes an endpoint (the app, the automatic disabling, an operator's
-- SQL, a cascade), every process hears it on 'atende_webhook_endpoints' with the COMMIT.
-- Payload: the organization's id.
CREATE FUNCTION webhook_endpoints_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN PERFORM pg_notify('atende_webhook_endpoints', OLD.org_id::text); END IF;
  IF TG_OP <> 'DELETE' THEN PERFORM pg_notify('atende_webhook_endpoints', NEW.org_id::text); END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER webhook_endpoints_notify AFTER INSERT OR DELETE OR UPDATE OF active, org_id ON webhook_endpoints
  FOR EACH ROW EXECUTE FUNCTION webhook_endpoints_notify();
