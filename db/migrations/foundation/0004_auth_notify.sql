-- Up Migration
-- Each process caches sessions with their user, organization and team ids
-- (server/auth/session-cache.ts). These triggers tell every process, on the channel
-- 'atende_auth', when what a cached session carries changes — whoever changes it (the app,
-- an operator's SQL, a cascade): the NOTIFY goes out with the COMMIT. Payload: keys separated
-- by commas, 's:<session id>', 'u:<user id>', 'o:<organization id>'; '*' drops everything.

-- Sessions: ended one by one (logout) or by the thousand (the expiry sweep): one notification
-- per statement, '*' when the ids would not fit in a payload.
CREATE FUNCTION auth_notify_sessions_ended() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  keys text;
BEGIN
  SELECT string_agg('s:' || id, ',') INTO keys FROM (SELECT DISTINCT id FROM ended LIMIT 200) s;
  IF keys IS NOT NULL THEN
    IF (SELECT count(*) FROM ended) > 200 THEN keys := '*'; END IF;
    PERFORM pg_notify('atende_auth', keys);
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER sessions_auth_notify AFTER DELETE ON sessions
  REFERENCING OLD TABLE AS ended FOR EACH STATEMENT EXECUTE FUNCTION auth_notify_sessions_ended();

-- Users: any change of what a session carries (name, role, status, password, deactivation…);
-- not the presence and routing bookkeeping columns, which change all the time.
CREATE FUNCTION auth_notify_member() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN PERFORM pg_notify('atende_auth', 'u:' || OLD.user_id); END IF;
  IF TG_OP <> 'DELETE' THEN PERFORM pg_notify('atende_auth', 'u:' || NEW.user_id); END IF;
  RETURN NULL;
END $$;
CREATE FUNCTION auth_notify_user_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('atende_auth', 'u:' || OLD.id);
  RETURN NULL;
END $$;
CREATE TRIGGER users_auth_notify AFTER UPDATE ON users FOR EACH ROW
  WHEN ((to_jsonb(OLD) - '{connected,device_lost_at,last_routed_at}'::text[])
    IS DISTINCT FROM (to_jsonb(NEW) - '{connected,device_lost_at,last_routed_at}'::text[]))
  EXECUTE FUNCTION auth_notify_user_row();
CREATE TRIGGER users_auth_notify_delete AFTER DELETE ON users FOR EACH ROW EXECUTE FUNCTION auth_notify_user_row();

-- Team membership (cached as the user's team ids), also when a team is deleted (cascade).
CREATE TRIGGER team_members_auth_notify AFTER INSERT OR UPDATE OR DELETE ON team_members FOR EACH ROW
  EXECUTE FUNCTION auth_notify_member();

-- Organizations: their settings ride along with every session.
CREATE FUNCTION auth_notify_organization() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('atende_auth', 'o:' || OLD.id);
  RETURN NULL;
END $$;
CREATE TRIGGER organizations_auth_notify AFTER UPDATE ON organizations FOR EACH ROW
  WHEN (OLD IS DISTINCT FROM NEW) EXECUTE FUNCTION auth_notify_organization();
CREATE TRIGGER organizations_auth_notify_delete AFTER DELETE ON organizations FOR EACH ROW
  EXECUTE FUNCTION auth_notify_organization();
