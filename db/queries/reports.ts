import type { Db, Sql } from '../sql.ts';

/** Which conversations a report counts: those created in [start, end) in the organization, narrowed. */
export interface ReportScope {
  orgId: string;
  start: Date;
  end: Date;
  /** The organization's time zone: hours, weekdays and days are local. */
  timeZone: string;
  /** null: every team and conversations with none (an admin); else only these teams. */
  teamIds: readonly string[] | null;
  channelId: string | null;
  agentId: string | null;
}

/** 'localHour': one local hour of the period ("YYYY-MM-DD HH"), which hours of the day, weekdays and days add up from. */
export type Dimension = 'total' | 'team' | 'channel' | 'agent' | 'localHour' | 'disposition' | 'rating';

/** What every row of a report counts (durations in seconds: queued → claimed, claimed → closed, claimed → first answer). */
export interface Counts {
  received: number;
  answered: number;
  abandoned: number;
  transferred: number;
  autoClosed: number;
  waiting: Durations;
  handling: Durations;
  firstResponse: Durations;
}

/** One row of the figures, for the whole period or one value of one dimension. */
export interface FigureRow extends Counts {
  dim: Dimension;
  /** The dimension's value: an id, a local hour, a rating; null for none. */
  key: string | null;
  rated: number;
  ratingSum: number;
  slaMet: number;
  slaBreached: number;
  /** Sums of the durations, so that rows can be added up (hours into days). */
  sums: { waiting: number; handling: number; firstResponse: number };
}
export interface Durations {
  count: number;
  p50: number | null;
  p90: number | null;
  average: number | null;
}

/**
 * The conversations of the period, filtered by plain conditions (each filter is added only when
 * given, so the planner sees an index condition on (org_id, created_at) or
 * (org_id, team_id, created_at) rather than an `$x IS NULL OR …`).
 */
function cohort(db: Db, s: ReportScope) {
  return db`
    c.org_id = ${s.orgId} AND c.created_at >= ${s.start} AND c.created_at < ${s.end}
    ${s.teamIds ? db`AND c.team_id = ANY(${s.teamIds as string[]}::uuid[])` : db``}
    ${s.channelId ? db`AND c.channel_id = ${s.channelId}` : db``}
    ${s.agentId ? db`AND coalesce(c.assignee_id, c.served_by) = ${s.agentId}` : db``}`;
}

/** One read-only statement of a report, with the memory its sorts need and a bound on its time. */
async function reading(sql: Sql, query: (tx: Db) => Promise<Record<string, unknown>[]>): Promise<Record<string, unknown>[]> {
  return sql.begin('READ ONLY', async (tx) => {
    await tx`SELECT set_config('work_mem', '64MB', true), set_config('statement_timeout', '60s', true)`;
    return query(tx);
  });
}

const durations = (name: string, r: Record<string, unknown>): Durations => {
  const n = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  const count = Number(r[`${name}_n`]);
  return { count, p50: n(r[`${name}_p50`]), p90: n(r[`${name}_p90`]), average: count > 0 ? Number(r[`${name}_sum`]) / count : null };
};

/**
 * Each conversation of the period with what the figures need (durations in seconds, the local
 * hour it was created in). Exported for the test that checks the covering indexes hold it all.
 */
export function facts(db: Db, s: ReportScope) {
  return db`
    SELECT c.team_id, c.channel_id, coalesce(c.assignee_id, c.served_by) AS agent_id, c.disposition_id, c.rating,
      date_trunc('hour', c.created_at AT TIME ZONE ${s.timeZone}) AS local_hour,
      c.first_claimed_at IS NOT NULL AS answered,
      c.status = 'closed' AND c.closed_from = 'waiting' AS abandoned,
      c.transfers > 0 AS transferred,
      c.close_reason IN ('queue_timeout', 'inactivity', 'bot_timeout', 'out_of_hours') AS auto_closed,
      extract(epoch FROM c.first_claimed_at - c.first_queued_at)::float8 AS wait_s,
      CASE WHEN c.status = 'closed' THEN extract(epoch FROM c.closed_at - c.first_claimed_at)::float8 END AS handle_s,
      CASE WHEN c.first_response_at >= c.first_claimed_at THEN extract(epoch FROM c.first_response_at - c.first_claimed_at)::float8 END AS first_s,
      (t.sla_first_response_minutes IS NOT NULL OR t.sla_next_response_minutes IS NOT NULL OR c.sla_breaches > 0) AS has_sla,
      c.sla_breaches > 0 AS breached, c.first_response_at IS NOT NULL AS responded
    FROM conversations c LEFT JOIN teams t ON t.org_id = c.org_id AND t.id = c.team_id
    WHERE ${cohort(db, s)}`;
}

const COUNTS = `count(*)::int AS received,
  count(*) FILTER (WHERE answered)::int AS answered,
  count(*) FILTER (WHERE abandoned)::int AS abandoned,
  count(*) FILTER (WHERE transferred)::int AS transferred,
  count(*) FILTER (WHERE auto_closed)::int AS auto_closed,
  count(wait_s)::int AS wait_n, coalesce(sum(wait_s), 0) AS wait_sum,
  count(handle_s)::int AS handle_n, coalesce(sum(handle_s), 0) AS handle_sum,
  count(first_s)::int AS first_n, coalesce(sum(first_s), 0) AS first_sum,
  count(rating)::int AS rated, coalesce(sum(rating), 0)::int AS rating_sum,
  count(*) FILTER (WHERE has_sla AND NOT breached AND responded)::int AS sla_met,
  count(*) FILTER (WHERE has_sla AND breached)::int AS sla_breached`;

const PERCENTILES = `percentile_cont(0.5) WITHIN GROUP (ORDER BY wait_s) AS wait_p50, percentile_cont(0.9) WITHIN GROUP (ORDER BY wait_s) AS wait_p90,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY handle_s) AS handle_p50, percentile_cont(0.9) WITHIN GROUP (ORDER BY handle_s) AS handle_p90,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY first_s) AS first_p50, percentile_cont(0.9) WITHIN GROUP (ORDER BY first_s) AS first_p90`;

/**
 * Every figure of the period's conversations: the totals and one grouping set per breakdown.
 * Two statements side by side on two connections (a report uses both cores of a small server),
 * each reading the period's rows from the covering indexes of migration reports/0002, never
 * the table: the percentiles (which sort each group) only for the totals, teams, channels and
 * agents; the local hours of the period (which the hours of the day, weekdays and days add up
 * from: server/domain/reports.ts), dispositions and ratings have counts and sums, which
 * PostgreSQL groups by hashing. Separate snapshots: a conversation created or closed between
 * the two can show in one breakdown and not the other, as it would a moment later anyway; the
 * past periods reports are about do not change. (One statement over a MATERIALIZED period
 * measured slower on the 1M-conversation bench: copying the rows costs more than reading the
 * index twice.) What each figure means (docs/admin.md): received — created in the period;
 * answered — claimed at least once; abandoned — closed while waiting in a queue; transferred —
 * at least once; auto-closed — by a timer or out of hours; waiting — first queued to first
 * claimed; handling — first claimed to closed; first response — first claimed to the first
 * agent message; SLA — conversations of teams with a service level: breached at least once,
 * or answered with none breached.
 */
export async function reportFigures(sql: Sql, s: ReportScope): Promise<FigureRow[]> {
  const [ranked, counted] = await Promise.all([
    reading(
      sql,
      (tx) => tx`
      WITH x AS (${facts(tx, s)})
      SELECT CASE WHEN GROUPING(team_id) = 0 THEN 'team' WHEN GROUPING(channel_id) = 0 THEN 'channel'
          WHEN GROUPING(agent_id) = 0 THEN 'agent' ELSE 'total' END AS dim,
        coalesce(team_id::text, channel_id::text, agent_id::text) AS key, ${tx.unsafe(COUNTS)}, ${tx.unsafe(PERCENTILES)}
      FROM x GROUP BY GROUPING SETS ((), (team_id), (channel_id), (agent_id))`,
    ),
    reading(
      sql,
      (tx) => tx`
      WITH x AS (${facts(tx, s)})
      SELECT CASE WHEN GROUPING(local_hour) = 0 THEN 'localHour' WHEN GROUPING(disposition_id) = 0 THEN 'disposition' ELSE 'rating' END AS dim,
        coalesce(to_char(local_hour, 'YYYY-MM-DD HH24'), disposition_id::text, rating::text) AS key, ${tx.unsafe(COUNTS)}
      FROM x GROUP BY GROUPING SETS ((local_hour), (disposition_id), (rating))`,
    ),
  ]);
  return [...ranked, ...counted].map((r) => ({
    dim: r.dim as Dimension,
    key: (r.key as string | null) ?? null,
    received: r.received as number,
    answered: r.answered as number,
    abandoned: r.abandoned as number,
    transferred: r.transferred as number,
    autoClosed: r.auto_closed as number,
    waiting: durations('wait', r),
    handling: durations('handle', r),
    firstResponse: durations('first', r),
    rated: r.rated as number,
    ratingSum: r.rating_sum as number,
    slaMet: r.sla_met as number,
    slaBreached: r.sla_breached as number,
    sums: { waiting: Number(r.wait_sum), handling: Number(r.handle_sum), firstResponse: Number(r.first_sum) },
  }));
}

/** How many of the period's conversations carry each tag. */
export async function reportTags(sql: Sql, s: ReportScope): Promise<{ tagId: string; count: number }[]> {
  const rows = await reading(sql, (db) => tagCounts(db, s));
  return rows.map((r) => ({ tagId: r.tag_id as string, count: r.n as number }));
}

/** The tag counts' statement (exported for the covering-index test). */
export function tagCounts(db: Db, s: ReportScope) {
  return db`
    SELECT ct.tag_id, count(*)::int AS n
    FROM conversations c JOIN conversation_tags ct ON ct.org_id = c.org_id AND ct.conversation_id = c.id
    WHERE ${cohort(db, s)}
    GROUP BY ct.tag_id`;
}

const NAMED = { team: 'teams', channel: 'channels', agent: 'users', disposition: 'dispositions', tag: 'tags' } as const;

/** The names of the organization's rows a report mentions (ids of another organization find nothing). */
export async function namesOf(db: Db, orgId: string, kind: keyof typeof NAMED, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db`SELECT id, name FROM ${db(NAMED[kind])} WHERE org_id = ${orgId} AND id = ANY(${ids}::uuid[])`;
  return new Map(rows.map((r) => [r.id as string, r.name as string]));
}
