import type { Sql } from '../sql.ts';

/**
 * What /metrics reads from the database at scrape time (server/services/metrics.ts caches it
 * for a couple of seconds): numbers about the whole floor, the same whichever process answers.
 */

export interface TeamFloor {
  orgId: string;
  /** null: waiting with no team (a channel without a bot menu; an admin routes it). */
  teamId: string | null;
  waiting: number;
  /** In service: status active (an agent has it), pending on the customer included. */
  active: number;
  /** How long the longest-waiting conversation has waited, by the database's clock; 0 when none waits. */
  oldestWaitSeconds: number;
}

export interface FloorSnapshot {
  teams: TeamFloor[];
  /** This application's connections (application_name 'atende') to this database, by state. */
  connections: Record<string, number>;
  maxConnections: number;
}

/**
 * One statement: every team of every organization (0 when nothing is open, so a series does
 * not vanish when a queue empties) plus waiting conversations with no team, and the app's
 * connections from pg_stat_activity. Open conversations are read through the partial
 * indexes on status; closed ones are never scanned.
 */
export async function readFloor(sql: Sql): Promise<FloorSnapshot> {
  const [row] = await sql`
    WITH open AS (
      SELECT org_id, team_id,
        count(*) FILTER (WHERE status = 'waiting')::int AS waiting,
        count(*) FILTER (WHERE status = 'active')::int AS active,
        coalesce(extract(epoch FROM now() - min(coalesce(queued_at, created_at)) FILTER (WHERE status = 'waiting')), 0)::float8 AS oldest
      FROM conversations WHERE status IN ('waiting', 'active')
      GROUP BY org_id, team_id
    ), floor AS (
      SELECT t.org_id, t.id AS team_id, coalesce(o.waiting, 0) AS waiting, coalesce(o.active, 0) AS active, coalesce(o.oldest, 0) AS oldest
      FROM teams t LEFT JOIN open o ON o.org_id = t.org_id AND o.team_id = t.id
      UNION ALL
      SELECT org_id, NULL, waiting, active, oldest FROM open WHERE team_id IS NULL
    )
    SELECT
      (SELECT coalesce(json_agg(json_build_array(org_id, team_id, waiting, active, oldest)), '[]'::json) FROM floor) AS floor,
      (SELECT coalesce(json_object_agg(state, n), '{}'::json) FROM (
        SELECT coalesce(state, 'unknown') AS state, count(*)::int AS n FROM pg_stat_activity
        WHERE datname = current_database() AND application_name = 'atende' GROUP BY 1) a) AS connections,
      current_setting('max_connections')::int AS max_connections`;
  const floor = row!.floor as [string, string | null, number, number, number][];
  return {
    teams: floor.map(([orgId, teamId, waiting, active, oldest]) => ({ orgId, teamId, waiting, active, oldestWaitSeconds: oldest })),
    connections: row!.connections as Record<string, number>,
    maxConnections: row!.max_connections as number,
  };
}

export interface JobsSnapshot {
  /** Seconds the oldest job that is due and not taken by a worker has been due; 0 when none. */
  oldestDueSeconds: number;
  /** Seconds since the timer sweep's cron line last fired in any process; null before it ever did. */
  sweepAgeSeconds: number | null;
}

/**
 * graphile-worker's queue (its 0.16 schema): null when the job queue was never installed in
 * this database (no process has started it yet).
 */
export async function readJobs(sql: Sql): Promise<JobsSnapshot | null> {
  const [present] = await sql`SELECT to_regclass('graphile_worker._private_jobs') IS NOT NULL
    AND to_regclass('graphile_worker._private_known_crontabs') IS NOT NULL AS ok`;
  if (!present?.ok) return null;
  const [row] = await sql`
    SELECT
      coalesce((SELECT extract(epoch FROM now() - min(run_at)) FROM graphile_worker._private_jobs
        WHERE is_available AND run_at <= now()), 0)::float8 AS oldest_due,
      (SELECT extract(epoch FROM now() - last_execution) FROM graphile_worker._private_known_crontabs
        WHERE identifier = 'sweep_timers')::float8 AS sweep_age`;
  return { oldestDueSeconds: row!.oldest_due as number, sweepAgeSeconds: (row!.sweep_age as number | null) ?? null };
}
