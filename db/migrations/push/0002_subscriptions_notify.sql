-- Up Migration
-- Each process remembers which organizations have a push subscription at all
-- (server/events/org-flags.ts), so the push follower costs nothing per event in an
-- organization where nobody subscribed. Whoever adds or removes one (a user, a sign-out's
-- cascade, the push service's 410), every process hears it on 'atende_push_subscriptions'
-- with the COMMIT (identical payloads of one transaction are sent once). Payload: the
-- organization's id.
CREATE FUNCTION push_subscriptions_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN PERFORM pg_notify('atende_push_subscriptions', OLD.org_id::text); END IF;
  IF TG_OP <> 'DELETE' THEN PERFORM pg_notify('atende_push_subscriptions', NEW.org_id::text); END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER push_subscriptions_notify AFTER INSERT OR DELETE OR UPDATE OF org_id ON push_subscriptions
  FOR EACH ROW EXECUTE FUNCTION push_subscriptions_notify();
