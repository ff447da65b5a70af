import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CONVERSATION_COLUMNS } from '../db/queries/conversations.ts';
import { createSql, type Sql } from '../db/sql.ts';
import { hashPassword } from '../server/auth/password.ts';
import { createTestClient } from '../test/helpers/app.ts';
import { makeChannel } from '../test/helpers/conversations.ts';
import { demoIds } from '../test/helpers/orgs.ts';
import { describeCpu, withCpu, type CpuEvidence } from './lib/cpu-evidence.ts';
import { closedLoop } from './lib/load.ts';
import { percentile, printTable, type BenchFile, type Measurement } from './lib/report.ts';
import { pinnedBenchDatabase, startPinnedApp } from './lib/pinned-database.ts';

/**
 * Claiming a waiting conversation: `conversations.claim` over HTTP tRPC (session and teams
 * from the process's cache → transaction with one statement for the conditional UPDATE, the
 * capacity lock and the audit row, then the event → the answer: who has it now, with no
 * further reads) against the floor under it, the same conditional UPDATE sent straight to
 * PostgreSQL with postgres.js. Two shapes of load, each from 50 concurrent clients:
 * every click winning its own conversation, and all 50 clicking on the same one at once.
 * The app runs in a process of its own pinned to core 0 with its PostgreSQL; the load
 * generator (this process: the 50 clients, and the floor's postgres.js pool) on core 1. Each
 * table says how busy each side and the generator were; a saturated generator is flagged.
 */

const CLIENTS = 50;
/** The floor's own pool; the app's is db/sql.ts's default (10). */
const FLOOR_POOL = 20;
// Sized so the whole file stays under ~90 s on two cores, where HTTP claims run at ~60/s
// and contended batches at ~2–3/s.
const UNCONTENDED = { warmUp: 120, claims: 1200 };
const CONTENDED = { warmUp: 5, batches: 50 };
const AGENT_PASSWORD = 'bench-claim-agent-pass';

/** The conditional UPDATE at the heart of db/queries/claims.ts claimWaiting, word for word. */
const CLAIM_SQL = `UPDATE conversations SET status = 'active', assignee_id = $3, claimed_at = now(), target_user_id = NULL, last_activity_at = now()
     WHERE org_id = $1 AND id = $2 AND status = 'waiting'
       AND (target_user_id = $3 OR (target_user_id IS NULL AND team_id = ANY($4::uuid[])))
       AND (offered_to IS NULL OR offered_to = $3)
     RETURNING ${CONVERSATION_COLUMNS}`;

interface Agent {
  id: string;
  name: string;
  /** The session cookie of its sign-in. */
  cookie: string;
}

interface Setup {
  sql: Sql;
  orgId: string;
  teamId: string;
  channelId: string;
  agents: Agent[];
  /** Who to watch for CPU evidence: the app process and PostgreSQL's processes. */
  appPids: () => number[];
  dbPids: () => number[];
}

const _root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Runs `fn` watching CPU: the reference uses PostgreSQL alone, the case the app and PostgreSQL. */
const watched = <T>(s: Setup, withApp: boolean, fn: () => Promise<T>): Promise<{ result: T; cpu: CpuEvidence }> =>
  withCpu(withApp ? { app: s.appPids, PostgreSQL: s.dbPids } : { PostgreSQL: s.dbPids }, fn);

let phone = 0;
let batchTag = 0;

/**
 * `count` waiting conversations in the Support queue, each with its own contact and the
 * messages a real one has by then (the customer's greeting, the bot menu, the option
 * chosen), as a real one has when it is claimed.
 */
async function waitingConversations(s: Setup, count: number): Promise<string[]> {
  const first = phone;
  phone += count;
  const tag = `BENCH${++batchTag}`;
  const rows = await s.sql`
    WITH contact AS (
      INSERT INTO contacts (org_id, name, whatsapp)
      SELECT ${s.orgId}, 'Bench customer ' || n, (429900000000 + n)::text
      FROM generate_series(${first + 1}::int, ${first + count}::int) n
      RETURNING id
    )
    INSERT INTO conversations (org_id, protocol, contact_id, channel_id, team_id, status, created_at, queued_at, last_inbound_at, last_activity_at)
    SELECT ${s.orgId}, ${tag} || '-' || row_number() OVER (), id, ${s.channelId}, ${s.teamId}, 'waiting',
      now() - interval '2 minutes', now() - interval '1 minute', now() - interval '1 minute', now() - interval '1 minute'
    FROM contact
    RETURNING id`;
  const ids = rows.map((r) => r.id as string);
  await s.sql`
    INSERT INTO messages (org_id, conversation_id, channel_id, direction, kind, text, is_bot, status, created_at)
    SELECT ${s.orgId}, c.id, ${s.channelId}, m.direction, 'text', m.text, m.is_bot, m.status, now() - m.ago
    FROM unnest(${ids}::uuid[]) AS c(id)
    CROSS JOIN (VALUES
      ('in', 'Oi', false, 'received', interval '2 minutes'),
      ('out', 'Hello! Which team? 1 Support, 2 Sales', true, 'sent', interval '119 seconds'),
      ('in', '1', false, 'received', interval '1 minute')
    ) AS m(direction, text, is_bot, status, ago)`;
  return ids;
}

/** 50 agents of the Support team, each signed in with its own session. */
async function createAgents(sql: Sql, appUrl: string, orgId: string, teamId: string): Promise<Agent[]> {
  const hash = await hashPassword(AGENT_PASSWORD);
  const rows = await sql`
    INSERT INTO users (org_id, email, name, role, language, password_hash, status)
    SELECT ${orgId}, 'bench-agent-' || i || '@demo.test', 'Bench agent ' || i, 'agent', 'en', ${hash}, 'online'
    FROM generate_series(1, ${CLIENTS}::int) i
    ORDER BY i
    RETURNING id, email, name`;
  await sql`INSERT INTO team_members (org_id, team_id, user_id) SELECT ${orgId}, ${teamId}, id FROM unnest(${rows.map((r) => r.id as string)}::uuid[]) id`;
  const agents: Agent[] = [];
  // Two sign-ins at a time (argon2id on two cores).
  for (let i = 0; i < rows.length; i += 2) {
    agents.push(
      ...(await Promise.all(
        rows.slice(i, i + 2).map(async (r) => {
          const client = createTestClient(appUrl, { 'accept-language': 'en' });
          await client.auth.login.mutate({ email: r.email, password: AGENT_PASSWORD });
          if (!client.cookie) throw new Error(`signing in as ${r.email as string} set no session cookie`);
          return { id: r.id as string, name: r.name as string, cookie: client.cookie };
        }),
      )),
    );
  }
  return agents;
}

/**
 * The load generator's HTTP: keep-alive connections, one request per click, as tRPC's own
 * non-batched link sends it (POST /trpc/<procedure>, the input as JSON). Lighter than the
 * fetch-based tRPC client, which would otherwise take as much of this process's CPU as the
 * server it measures (the clients run in the same process).
 */
const keepAlive = new http.Agent({ keepAlive: true, maxSockets: CLIENTS });
let appUrl: URL;

type TrpcAnswer =
  | { result: { data: { status: string; assignee: { name: string } | null } } }
  | { error: { message: string; data: { code: string } } };

function trpcPost(procedure: string, cookie: string, input: unknown): Promise<TrpcAnswer> {
  const body = JSON.stringify(input);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        agent: keepAlive,
        host: appUrl.hostname,
        port: appUrl.port,
        method: 'POST',
        path: `/trpc/${procedure}`,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), cookie, 'accept-language': 'en' },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          try {
            resolve(JSON.parse(Buffer.concat(chunks).toString()) as TrpcAnswer);
          } catch (err) {
            reject(err);
          }
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** One click on "claim" through tRPC: true if it won; false for the expected CONFLICT, naming the winner. */
async function httpClick(agent: Agent, conversationId: string, losers: string[]): Promise<boolean> {
  const answer = await trpcPost('conversations.claim', agent.cookie, { conversationId });
  if ('result' in answer) {
    const view = answer.result.data;
    if (view.status !== 'active' || view.assignee?.name !== agent.name) {
      throw new Error(`claim of ${conversationId} by ${agent.name} answered ${view.status} for ${view.assignee?.name ?? 'nobody'}`);
    }
    return true;
  }
  const taken = answer.error.data.code === 'CONFLICT' ? /^Already taken by (.+)\.$/.exec(answer.error.message) : null;
  if (!taken) throw new Error(`claim of ${conversationId} by ${agent.name} refused: ${answer.error.data.code} ${answer.error.message}`);
  losers.push(taken[1]!);
  return false;
}

/** The floor's click: the same UPDATE with the same parameters; true if it returned the row. */
async function floorClick(floor: Sql, s: Setup, agent: Agent, conversationId: string): Promise<boolean> {
  const rows = await floor.unsafe(CLAIM_SQL, [s.orgId, conversationId, agent.id, [s.teamId]] as never[]);
  if (rows.length > 1) throw new Error(`the claim UPDATE returned ${rows.length} rows for ${conversationId}`);
  return rows.length === 1;
}

/** 1. Each click has a conversation of its own: every claim wins. */
async function uncontended(s: Setup, floor: Sql): Promise<void> {
  const n = UNCONTENDED.warmUp + UNCONTENDED.claims;
  const floorIds = await waitingConversations(s, n);
  const httpIds = await waitingConversations(s, n);
  await s.sql`ANALYZE contacts, conversations, messages`;

  const run = async (name: string, ids: string[], click: (agent: Agent, id: string) => Promise<boolean>) => {
    const loop = (label: string, offset: number, operations: number) =>
      closedLoop(label, { concurrency: CLIENTS, operations }, async (worker, i) => {
        const id = ids[offset + i]!;
        if (!(await click(s.agents[worker]!, id))) throw new Error(`${name}: the claim of ${id}, which nobody else wanted, lost`);
      });
    await loop('warm-up', 0, UNCONTENDED.warmUp);
    return watched(s, name.startsWith('conversations'), () => loop(name, UNCONTENDED.warmUp, UNCONTENDED.claims));
  };
  const reference = await run('floor: claim UPDATE via postgres.js', floorIds, (agent, id) => floorClick(floor, s, agent, id));
  const measured = await run('conversations.claim over HTTP tRPC', httpIds, (agent, id) => httpClick(agent, id, []));
  await expectClaimed(s, httpIds);
  printTable(
    `Claims, uncontended (${CLIENTS} clients in a closed loop; ${UNCONTENDED.claims} claims per case, each on a conversation of its own)`,
    reference.result,
    [measured.result],
    [
      'ops/s = claims per second (every one wins); latency = one claim, request to answer.',
      `Floor: postgres.js pool of ${FLOOR_POOL} connections, the UPDATE alone (autocommit). ` +
        "Case: session and teams from the process's cache, transaction (one statement: UPDATE, capacity lock, audit row; the event) and its answer; the app's pool has 10 connections.",
      describeCpu('CPU, share of one core, floor', reference.cpu),
      describeCpu('CPU, share of one core, case', measured.cpu),
    ],
  );
}

/**
 * 2. The rush: per batch, every client clicks the same conversation at once and the batch
 * ends when all have their answer. Exactly one must win; every loser must name the winner.
 */
async function contended(s: Setup, floor: Sql): Promise<void> {
  const n = CONTENDED.warmUp + CONTENDED.batches;
  const floorIds = await waitingConversations(s, n);
  const httpIds = await waitingConversations(s, n);

  const rush = async (name: string, ids: string[], click: (agent: Agent, id: string, losers: string[]) => Promise<boolean>) => {
    const latenciesMs: number[] = [];
    const winnerMs: number[] = [];
    const loserMs: number[] = [];
    const start = performance.now();
    for (const [b, id] of ids.entries()) {
      const losers: string[] = [];
      const outcomes = await Promise.all(
        s.agents.map(async (agent) => {
          const t0 = performance.now();
          const won = await click(agent, id, losers);
          const ms = performance.now() - t0;
          latenciesMs.push(ms);
          (won ? winnerMs : loserMs).push(ms);
          return won ? agent : null;
        }),
      );
      const winners = outcomes.filter((a) => a !== null);
      if (winners.length !== 1) {
        throw new Error(
          `${name}: batch ${b + 1} (conversation ${id}) had ${winners.length} winners among ${CLIENTS} clicks, not exactly one`,
        );
      }
      const wrong = losers.filter((named) => named !== winners[0]!.name);
      if (wrong.length > 0) throw new Error(`${name}: batch ${b + 1}: ${winners[0]!.name} won but losers were told ${wrong.join(', ')}`);
    }
    return {
      measurement: { name, operations: ids.length, seconds: (performance.now() - start) / 1000, latenciesMs } satisfies Measurement,
      winnerMs,
      loserMs,
    };
  };

  await rush('warm-up', floorIds.slice(0, CONTENDED.warmUp), (agent, id) => floorClick(floor, s, agent, id));
  const { result: reference, cpu: referenceCpu } = await watched(s, false, () =>
    rush('floor: 50 × claim UPDATE on one row', floorIds.slice(CONTENDED.warmUp), (agent, id) => floorClick(floor, s, agent, id)),
  );
  await rush('warm-up', httpIds.slice(0, CONTENDED.warmUp), httpClick);
  const { result: measured, cpu: measuredCpu } = await watched(s, true, () =>
    rush('50 × conversations.claim on one conversation', httpIds.slice(CONTENDED.warmUp), httpClick),
  );
  await expectClaimed(s, httpIds);

  const split = (r: { winnerMs: number[]; loserMs: number[] }) =>
    `winner p50 ${percentile(r.winnerMs, 0.5).toFixed(1)} ms, loser p50 ${percentile(r.loserMs, 0.5).toFixed(1)} ms`;
  printTable(
    `Claims, contended (${CONTENDED.batches} batches; in each, all ${CLIENTS} clients click the same conversation at once)`,
    reference.measurement,
    [measured.measurement],
    [
      `ops/s = batches per second (a batch ends when all ${CLIENTS} clicks are answered); latency = one click, winner or loser.`,
      `Checked: exactly one winner per batch; each loser got CONFLICT "Already taken by <winner>"; one audit row per claimed conversation.`,
      `Floor: ${split(reference)}. Case: ${split(measured)}.`,
      describeCpu('CPU, share of one core, floor', referenceCpu),
      describeCpu('CPU, share of one core, case', measuredCpu),
    ],
  );
}

/** Every conversation claimed through the app is active with one claim audit row (no double claims). */
async function expectClaimed(s: Setup, ids: string[]): Promise<void> {
  const [row] = await s.sql`
    SELECT
      (SELECT count(*)::int FROM conversations WHERE org_id = ${s.orgId} AND id = ANY(${ids}::uuid[]) AND status = 'active') AS active,
      (SELECT count(*)::int FROM audit_log WHERE org_id = ${s.orgId} AND action = 'conversation_claimed'
         AND details->>'conversationId' = ANY(${ids}::text[])) AS audits,
      (SELECT count(DISTINCT details->>'conversationId')::int FROM audit_log WHERE org_id = ${s.orgId} AND action = 'conversation_claimed'
         AND details->>'conversationId' = ANY(${ids}::text[])) AS audited`;
  if (row!.active !== ids.length || row!.audits !== ids.length || row!.audited !== ids.length) {
    throw new Error(
      `after claiming ${ids.length} conversations: ${row!.active} active, ${row!.audits} claim audit rows over ${row!.audited} conversations`,
    );
  }
}

const bench: BenchFile = {
  title: 'Claims: conversations.claim against the conditional UPDATE',
  async run() {
    const setup = await pinnedBenchDatabase('bench-claims', 'the benchmark, its app and its database');
    const { db, cleanup, dbPids } = setup;
    try {
      // 50 sign-ins from one address; the demo's teams in English ("Support").
      const app = await startPinnedApp(
        setup,
        { LOGIN_IP_PER_MINUTE: '10000', ATENDE_DEMO_LANGUAGE: 'en' },
        `the ${CLIENTS} clients and the floor's pool`,
      );
      const sql = createSql(db.url, { max: 2 });
      const floor = createSql(db.url, { max: FLOOR_POOL });
      cleanup.add(() => floor.end({ timeout: 2 }));
      cleanup.add(() => sql.end({ timeout: 2 }));
      cleanup.add(() => keepAlive.destroy());
      const ids = await demoIds(sql);
      const teamId = ids.teams.Support!;
      const setupStart = performance.now();
      appUrl = new URL(app.url);
      const agents = await createAgents(sql, app.url, ids.orgId, teamId);
      const channel = await makeChannel(sql, ids);
      const s: Setup = { sql, orgId: ids.orgId, teamId, channelId: channel.id, agents, appPids: () => [app.pid], dbPids };
      console.log(
        `Setup: ${CLIENTS} Support agents created and signed in in ${((performance.now() - setupStart) / 1000).toFixed(1)} s (not measured).\n`,
      );
      await uncontended(s, floor);
      await contended(s, floor);
    } finally {
      await cleanup.run();
    }
  },
};
export default bench;
