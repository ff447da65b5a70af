import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedDatabase } from '../db/embedded.ts';
import { createSql, type Sql } from '../db/sql.ts';
import { createSession } from '../server/auth/session.ts';
import { autoTeam, channelFor, loads, peakFromAudit } from '../server/floor/routing-test-setup.ts';
import { SESSION_COOKIE } from '../server/http/request.ts';
import { createTestClient, type TestClient } from '../test/helpers/app.ts';
import { freePort } from '../test/helpers/free-port.ts';
import { demoIds } from '../test/helpers/orgs.ts';
import { startAppProcess, type AppProcess } from './lib/app-process.ts';
import { cleanupOnExit } from './lib/cleanup.ts';
import { closedLoop } from './lib/load.ts';
import { markdownTable, percentile, type BenchFile, type Measurement } from './lib/report.ts';
import { Agents, cpuLine, cpuSnapshot, openLoop, postmasterPid, type CpuSnapshot } from './lib/routing-run.ts';

/**
 * Automatic routing (issue 12, item 9): conversations arriving at 200/s, half through each of
 * two app processes on one PostgreSQL, for 100 agents of capacity 3 in one automatic team.
 * Each process's floor loop routes (woken by the events, serialized per team by the database);
 * the agents accept every offer through their tRPC clients, hold it briefly and finish it, so
 * places free. Measured per conversation from the database: arrival (queued_at) → first offer
 * (offered_at), offers/s and accepts/s; next to it, in the same run, the conditional UPDATE that
 * writes one offer, sent straight through postgres.js on the same kind of rows from two
 * connections (one per process). Capacity is checked from the audit: no agent ever above 3.
 */

/** BENCH_ROUTING_CONVERSATIONS scales a quick run down; the default is the numbers. */
const CONVERSATIONS = Number(process.env.BENCH_ROUTING_CONVERSATIONS ?? 2000);
const RATE = 200;
const AGENTS = 100;
const CAPACITY = 3;
/**
 * Before the measurement (and warming up both processes), 2 conversations per agent are routed,
 * accepted and kept open to the end: each measured one then takes its agent to the limit of 3.
 */
const BACKGROUND_PER_AGENT = CAPACITY - 1;
/** Long: no offer runs out during the run (the agents answer every one). */
const ACCEPT_TIMEOUT_S = 3600;
const HOLD_MS = { min: 100, max: 300 };
const POLL_MS = 20;
/** The floor loop's timer (it is also woken by every event that can change routing). */
const FLOOR_TICK_MS = 500;
/** Two connections: the concurrency of the two processes' routing. */
const FLOOR_CONNECTIONS = 2;
const FLOOR_WARM_UP = 200;
/** The run fails when no conversation is accepted / finished for this long. */
const STALL_MS = 30_000;
/** Arrivals each process ingests at once (a sender with that many connections); the rest wait in the bench. */
const ARRIVALS_IN_FLIGHT = 4;

/** The statement of writeOffers (db/queries/routing.ts) for one conversation. */
const OFFER_SQL = `UPDATE conversations SET offered_to = $3, offered_at = clock_timestamp(),
       offer_expires_at = clock_timestamp() + $4 * interval '1 second'
     WHERE org_id = $1 AND id = $2 AND status = 'waiting' AND offered_to IS NULL`;

interface Setup {
  sql: Sql;
  sqlUrl: string;
  orgId: string;
  channelId: string;
  agentIds: string[];
}

/**
 * `count` waiting conversations of `teamId`, each with its own contact and the messages one has
 * by the time it is queued (greeting, bot menu, the option picked), as `arrive` leaves them.
 */
async function waitingConversations(s: Setup, teamId: string, count: number, tag: string): Promise<string[]> {
  const rows = await s.sql`
    WITH contact AS (
      INSERT INTO contacts (org_id, name) SELECT ${s.orgId}, 'Bench visitor ' || n FROM generate_series(1, ${count}::int) n RETURNING id
    )
    INSERT INTO conversations (org_id, protocol, contact_id, channel_id, team_id, status, created_at, queued_at, last_inbound_at, last_activity_at)
    SELECT ${s.orgId}, ${tag} || '-' || row_number() OVER (), id, ${s.channelId}, ${teamId}, 'waiting', now(), now(), now(), now()
    FROM contact RETURNING id`;
  const ids = rows.map((r) => r.id as string);
  await s.sql`
    INSERT INTO messages (org_id, conversation_id, channel_id, direction, kind, text, is_bot, status)
    SELECT ${s.orgId}, c.id, ${s.channelId}, m.direction, 'text', m.text, m.is_bot, m.status
    FROM unnest(${ids}::uuid[]) AS c(id)
    CROSS JOIN (VALUES ('in', 'Hi', false, 'received'), ('out', 'Hello!', true, 'sent'), ('in', '1', false, 'received'))
      AS m(direction, text, is_bot, status)`;
  return ids;
}

/** The floor: one offer per UPDATE, closed loop and then on the arrivals' schedule, from two connections. */
async function floorOffers(s: Setup, cpu: () => CpuSnapshot): Promise<{ closed: Measurement; paced: Measurement; cpu: string[] }> {
  const [team] = await s.sql`INSERT INTO teams (org_id, name, routing) VALUES (${s.orgId}, 'Bench floor', 'pull') RETURNING id`;
  const teamId = team!.id as string;
  const ids = await waitingConversations(s, teamId, FLOOR_WARM_UP + 2 * CONVERSATIONS, 'FLOOR');
  await s.sql`ANALYZE contacts, conversations, messages`;
  const floor = createSql(s.sqlUrl, { max: FLOOR_CONNECTIONS });
  try {
    const offer = async (i: number) => {
      const r = await floor.unsafe(OFFER_SQL, [s.orgId, ids[i]!, s.agentIds[i % AGENTS]!, ACCEPT_TIMEOUT_S] as never[]);
      if (r.count !== 1) throw new Error(`the offer UPDATE of ${ids[i]!} changed ${r.count} rows`);
    };
    const loop = (name: string, from: number, operations: number) =>
      closedLoop(name, { concurrency: FLOOR_CONNECTIONS, operations }, (_, i) => offer(from + i));
    await loop('warm-up', 0, FLOOR_WARM_UP);
    const c0 = cpu();
    const closed = await loop(`floor: offer UPDATE, closed loop, ${FLOOR_CONNECTIONS} connections`, FLOOR_WARM_UP, CONVERSATIONS);
    const c1 = cpu();
    const run = await openLoop(CONVERSATIONS, RATE, (i) => offer(FLOOR_WARM_UP + CONVERSATIONS + i));
    const c2 = cpu();
    const paced: Measurement = {
      name: `floor: offer UPDATE at ${RATE}/s (open loop)`,
      operations: CONVERSATIONS,
      seconds: run.seconds,
      latenciesMs: run.latenciesMs,
    };
    return { closed, paced, cpu: [cpuLine('the closed-loop floor', c0, c1).line, cpuLine('the paced floor', c1, c2).line] };
  } finally {
    await floor.end({ timeout: 2 });
    // The agents start the routing run with nothing offered.
    await s.sql`UPDATE conversations SET offered_to = NULL, offered_at = NULL, offer_expires_at = NULL WHERE team_id = ${teamId} AND offered_to IS NOT NULL`;
  }
}

interface RoutingResult {
  ids: string[];
  wallAt: number[];
}

/** `count` customers arrive at RATE/s, alternately through each process; resolves once all are accepted / finished. */
async function arrivals(
  s: Setup,
  apps: AppProcess[],
  agents: Agents,
  count: number,
  until: 'accepted' | 'finished',
): Promise<RoutingResult> {
  const via = Array.from({ length: count }, (_, i) => i % apps.length);
  const run = await openLoop(count, RATE, (i) => apps[via[i]!]!.arrive(s.orgId, s.channelId));
  if (new Set(run.results).size !== count) throw new Error(`${count} arrivals made ${new Set(run.results).size} conversations`);
  await agents.until(until, run.results, STALL_MS);
  return { ids: run.results, wallAt: run.wallAt };
}

/** What the database says about the run's conversations; throws on anything a correct run cannot show. */
async function audit(sql: Sql, orgId: string, r: RoutingResult) {
  const rows = await sql`
    SELECT c.id, c.status, (extract(epoch FROM c.queued_at) * 1000)::float8 AS queued_ms,
      (extract(epoch FROM f.first_offer - c.queued_at) * 1000)::float8 AS to_offer_ms,
      (extract(epoch FROM c.claimed_at - a.offered_at) * 1000)::float8 AS to_accept_ms,
      f.offers, a.accepted, a.user_id = c.served_by AS served_by_accepter
    FROM conversations c
    CROSS JOIN LATERAL (SELECT min(offered_at) AS first_offer, count(*)::int AS offers FROM conversation_offers o
      WHERE o.org_id = c.org_id AND o.conversation_id = c.id) f
    CROSS JOIN LATERAL (SELECT count(*)::int AS accepted, min(offered_at) AS offered_at, min(user_id::text)::uuid AS user_id
      FROM conversation_offers o WHERE o.org_id = c.org_id AND o.conversation_id = c.id AND o.outcome = 'accepted') a
    WHERE c.org_id = ${orgId} AND c.id = ANY(${r.ids}::uuid[])`;
  const [span] = await sql`
    SELECT (extract(epoch FROM max(o.offered_at) - min(c.queued_at)))::float8 AS offers_s,
      (extract(epoch FROM max(c.claimed_at) - min(c.queued_at)))::float8 AS accepts_s,
      (extract(epoch FROM max(c.queued_at) - min(c.queued_at)))::float8 AS arrivals_s,
      (extract(epoch FROM max(c.closed_at) - min(c.queued_at)))::float8 AS closes_s,
      count(o.*)::int AS offers
    FROM conversations c JOIN conversation_offers o ON o.org_id = c.org_id AND o.conversation_id = c.id
    WHERE c.org_id = ${orgId} AND c.id = ANY(${r.ids}::uuid[])`;
  // Transactions that published events (the writing transaction of each, pending_events.tx).
  const [published] = await sql`
    SELECT count(DISTINCT tx::text)::int AS txs FROM events
    WHERE org_id = ${orgId} AND at >= (SELECT min(queued_at) FROM conversations WHERE id = ANY(${r.ids}::uuid[]))
      AND at <= (SELECT max(closed_at) FROM conversations WHERE id = ANY(${r.ids}::uuid[]))`;
  const overlapping = await sql`
    SELECT count(*)::int AS n FROM conversation_offers a JOIN conversation_offers b
      ON b.org_id = a.org_id AND b.conversation_id = a.conversation_id AND b.id > a.id AND b.offered_at < coalesce(a.ended_at, 'infinity')
    WHERE a.org_id = ${orgId} AND a.conversation_id = ANY(${r.ids}::uuid[])`;
  const wrong = rows.filter((x) => x.status !== 'closed' || x.accepted !== 1 || x.served_by_accepter !== true || x.to_offer_ms === null);
  if (rows.length !== r.ids.length || wrong.length > 0 || overlapping[0]!.n !== 0) {
    throw new Error(
      `audit: ${rows.length} of ${r.ids.length} conversations found; ${wrong.length} not closed after exactly one accepted offer by the agent who served them` +
        ` (e.g. ${JSON.stringify(wrong[0] ?? null)}); ${overlapping[0]!.n as number} overlapping offers`,
    );
  }
  const index = new Map(r.ids.map((id, i) => [id, i]));
  return {
    toOfferMs: rows.map((x) => x.to_offer_ms as number),
    toAcceptMs: rows.map((x) => x.to_accept_ms as number),
    // Scheduled instant (bench process's clock) → queued_at (the database's; same machine).
    ingestMs: rows.map((x) => (x.queued_ms as number) - r.wallAt[index.get(x.id as string)!]!),
    offers: span!.offers as number,
    offersSeconds: span!.offers_s as number,
    acceptsSeconds: span!.accepts_s as number,
    arrivalsSeconds: span!.arrivals_s as number,
    eventTransactions: published!.txs as number,
    closesSeconds: span!.closes_s as number,
  };
}

const f1 = (v: number) => v.toFixed(v < 10 ? 2 : 1);
const rate = (v: number) => (v < 100 ? v.toFixed(1) : new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 }).format(v));

async function run(dir: string, cleanup: ReturnType<typeof cleanupOnExit>): Promise<void> {
  const db = await startEmbeddedDatabase({ dataDir: dir, port: await freePort(), log: (m) => console.error(m) });
  cleanup.add(() => db.stop());
  const env = { DATABASE_URL: db.url, BENCH_DATA_DIR: path.join(dir, 'app'), BENCH_FLOOR_TICK_MS: String(FLOOR_TICK_MS) };
  // One after the other: the first migrates and seeds the demo organization.
  const apps: AppProcess[] = [];
  for (const name of ['app A', 'app B']) {
    const app = await startAppProcess(name, env, ARRIVALS_IN_FLIGHT);
    cleanup.add(() => app.stop());
    apps.push(app);
  }
  const sql = createSql(db.url, { max: 4 });
  cleanup.add(() => sql.end({ timeout: 2 }));
  const postmaster = postmasterPid(path.join(dir, 'pg'));
  const cpu = () => cpuSnapshot({ 'app A': apps[0]!.pid, 'app B': apps[1]!.pid, 'bench (agents, arrivals)': process.pid }, postmaster);

  const setupStart = performance.now();
  const { orgId } = await demoIds(sql);
  const team = await autoTeam(sql, orgId, 'Bench', AGENTS, { maxPerAgent: CAPACITY, acceptTimeoutSeconds: ACCEPT_TIMEOUT_S });
  const agentIds = team.agents.map((a) => a.id);
  const channel = await channelFor(sql, orgId, team.teamId);
  // A session each (as auth.login creates it, without argon2 a hundred times); half the agents on each process.
  const clients = new Map<string, TestClient>();
  for (const [i, id] of agentIds.entries()) {
    const { token } = await createSession(sql, { orgId, userId: id, userAgent: 'bench/routing' });
    const client = createTestClient(apps[i % 2]!.url, { 'accept-language': 'en' });
    client.cookie = `${SESSION_COOKIE}=${token}`;
    clients.set(id, client);
  }
  const me = await clients.get(agentIds[1]!)!.auth.me.query();
  if (me.user.email !== team.agents[1]!.email) throw new Error(`auth.me answered for ${me.user.email}`);
  await sql`UPDATE users SET status = 'online', connected = true WHERE id = ANY(${agentIds}::uuid[])`;
  const s: Setup = { sql, sqlUrl: db.url, orgId, channelId: channel.id, agentIds };
  const [settings] = await sql`SELECT current_setting('fsync') AS fsync, current_setting('synchronous_commit') AS sync`;
  console.log(
    `Setup: 2 app processes, ${AGENTS} agents (team limit ${CAPACITY}, accept timeout ${ACCEPT_TIMEOUT_S} s) with a session each, ` +
      `in ${((performance.now() - setupStart) / 1000).toFixed(1)} s (not measured). PostgreSQL fsync=${settings!.fsync as string}, ` +
      `synchronous_commit=${settings!.sync as string}.\n`,
  );

  // 1. The floor, before any routing.
  const floor = await floorOffers(s, cpu);

  // 2. Routing: the background conversations (kept open), then the measured arrivals.
  const agents = new Agents(sql, orgId, team.teamId, clients, () => HOLD_MS.min + Math.random() * (HOLD_MS.max - HOLD_MS.min));
  agents.start(POLL_MS);
  let result: RoutingResult;
  let c0: CpuSnapshot;
  let c1: CpuSnapshot;
  let kept: number;
  try {
    const w0 = performance.now();
    agents.keep = true;
    await arrivals(s, apps, agents, BACKGROUND_PER_AGENT * AGENTS, 'accepted');
    agents.keep = false;
    const held = await loads(sql, agentIds);
    const off = [...held.values()].filter((n) => n !== BACKGROUND_PER_AGENT).length;
    if (off > 0) throw new Error(`after the background conversations, ${off} agents do not serve exactly ${BACKGROUND_PER_AGENT}`);
    console.log(
      `Background (also the warm-up): ${BACKGROUND_PER_AGENT * AGENTS} conversations arrived, were routed and accepted, ` +
        `every agent now serving ${BACKGROUND_PER_AGENT} until the end, in ${((performance.now() - w0) / 1000).toFixed(1)} s.`,
    );
    c0 = cpu();
    result = await arrivals(s, apps, agents, CONVERSATIONS, 'finished');
    c1 = cpu();
    console.log(`Measured run: ${CONVERSATIONS} conversations arrived and were served in ${((c1.at - c0.at) / 1000).toFixed(1)} s.\n`);
    kept = await agents.finishKept();
  } finally {
    await agents.stop();
  }
  if (agents.errors.length > 0) throw agents.errors[0];
  const measured = await audit(sql, orgId, result);

  // 3. Capacity, from the audit: every offer's interval, and every accepted one until its close.
  const peaks = await peakFromAudit(sql, agentIds);
  const maxPeak = Math.max(0, ...peaks.values());
  const violations = [...peaks.values()].filter((p) => p > CAPACITY).length;
  const atCapacity = [...peaks.values()].filter((p) => p === CAPACITY).length;

  const arrivalRate = (CONVERSATIONS - 1) / measured.arrivalsSeconds;
  const routing: Measurement = {
    name: 'routing: arrival → first offer',
    operations: measured.offers,
    seconds: measured.offersSeconds,
    latenciesMs: measured.toOfferMs,
  };
  const accepts: Measurement = {
    name: `agents: offer → accepted (${POLL_MS} ms poll + accept)`,
    operations: CONVERSATIONS,
    seconds: measured.acceptsSeconds,
    latenciesMs: measured.toAcceptMs,
  };
  const ref = floor.closed;
  const refOps = ref.operations / ref.seconds;
  const refP50 = percentile(ref.latenciesMs, 0.5);
  const rows = [ref, floor.paced, routing, accepts].map((m) => {
    const ops = m.operations / m.seconds;
    const p50 = percentile(m.latenciesMs, 0.5);
    return [
      m.name,
      rate(ops),
      f1(p50),
      f1(percentile(m.latenciesMs, 0.99)),
      m === ref ? '1.00 (reference)' : `${(refOps / ops).toFixed(2)}× †`,
      m === ref ? '1.00' : `${(p50 / refP50).toFixed(1)}×`,
    ];
  });
  const routingCpu = cpuLine('the measured routing run', c0, c1);
  const behind = arrivalRate < 0.9 * RATE;
  console.log(
    [
      `### Routing: ${CONVERSATIONS} conversations arriving at ${RATE}/s over two processes, ${AGENTS} agents of capacity ${CAPACITY}`,
      '',
      markdownTable(['case', 'ops/s', 'p50 ms', 'p99 ms', 'ops/s ratio vs reference', 'p50 ratio'], rows),
      '',
      'ops/s ratio = reference ops/s ÷ case ops/s; p50 ratio = case p50 ÷ reference p50.',
      `ops/s: floor = UPDATEs per second; routing = offers written per second (${measured.offers} offers), first arrival (queued_at) to last offer; ` +
        `agents = accepts per second, first arrival to last accept.`,
      `Latency: floor = one UPDATE (the paced one from its scheduled instant); routing = queued_at → offered_at of the conversation's first offer, ` +
        `both the database's clock; agents = offered_at → claimed_at (the bench's poll, then conversations.accept over HTTP tRPC).`,
      `† Does not count as a cost ratio: these rates are set by the arrivals (target ${RATE}/s; achieved ${rate(arrivalRate)}/s, ` +
        `first to last queued_at) and, for routing and accepts, by how fast agents free places; the reference is what the UPDATE alone sustains. ` +
        `Compare latencies.` +
        (behind
          ? ` ARRIVALS FELL BEHIND: the two processes did not ingest at ${RATE}/s on this machine, so the run is slower than the issue's load.`
          : ''),
      `Floor: postgres.js pool of ${FLOOR_CONNECTIONS} connections (one per app process), the single-row conditional UPDATE of writeOffers ` +
        `(offered_to, offered_at, offer_expires_at WHERE status = 'waiting' AND offered_to IS NULL), autocommit, on waiting conversations ` +
        `with a contact and three messages each, offered round-robin to the same ${AGENTS} agents (cleared before routing). ` +
        `Routing: each process's floor loop (woken by events, timer ${FLOOR_TICK_MS} ms) offers in batches under the team's lock and the agents' capacity locks.`,
      `Arrivals: ${CONVERSATIONS} customers, alternately through app A and app B over IPC (at most ${ARRIVALS_IN_FLIGHT} at once per process), ` +
        `each writing "Hi" and picking the team ("1") through that process's Services; scheduled instant → queued_at ` +
        `p50 ${f1(percentile(measured.ingestMs, 0.5))} ms, p99 ${f1(percentile(measured.ingestMs, 0.99))} ms (the backlog when arrivals fall behind). ` +
        `Agents: ${AGENTS} tRPC clients in the bench process, half on each app, each already serving ${BACKGROUND_PER_AGENT} background conversations; ` +
        `they accept every offer, hold it ${HOLD_MS.min}–${HOLD_MS.max} ms, then finish it (the ${kept} background ones after the run).`,
      `Transactions that published events between the first arrival and the last close: ${measured.eventTransactions} ` +
        `(${(measured.eventTransactions / CONVERSATIONS).toFixed(1)} per conversation, ${rate(measured.eventTransactions / measured.closesSeconds)}/s); ` +
        `they commit in parallel; the sequencer numbers their events in batches afterwards (docs/architecture.md "Events").`,
      `Checked from the database: every conversation closed after exactly one accepted offer, by the agent who served it; ` +
        `no two offers of a conversation overlap.`,
      `Capacity (peakFromAudit: each offer from offered_at to its end, an accepted one until the conversation closed; background included): ` +
        `most held at once by one agent ${maxPeak}; ${atCapacity} of ${AGENTS} agents reached ${CAPACITY}` +
        (atCapacity === 0 ? ' (THE LIMIT WAS NEVER REACHED: the check proves little).' : '.'),
      `capacity violations: ${violations}`,
      ...floor.cpu,
      routingCpu.line,
      routingCpu.saturated
        ? 'The routing run saturated the machine: its latencies include waiting for a core; the ratios do not count.'
        : '',
    ].join('\n'),
  );
  if (violations > 0) {
    throw new Error(`${violations} agents held more than ${CAPACITY} conversations at once (from the audit)`);
  }
}

const bench: BenchFile = {
  title: 'Routing: automatic offers against the conditional UPDATE',
  async run() {
    const cpuModel = os.cpus()[0]?.model.trim() ?? 'unknown CPU';
    console.log(
      `Node ${process.version}, ${os.cpus().length} × ${cpuModel}; embedded PostgreSQL; two app processes and this one ` +
        '(agents, arrivals, floor client) share every core, not pinned.\n',
    );
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atende-bench-routing-'));
    fs.chmodSync(dir, 0o755); // as root, PostgreSQL runs as "postgres" and must reach the folder
    const cleanup = cleanupOnExit('the benchmark, its app processes and its database');
    cleanup.add(() => fs.rmSync(dir, { recursive: true, force: true }));
    try {
      await run(dir, cleanup);
    } finally {
      await cleanup.run();
    }
  },
};
export default bench;
