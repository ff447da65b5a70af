/**
 * The load generator of the whole-floor benchmark, a process of its own (bench/floor.bench.ts
 * forks it as `node --import tsx bench/lib/floor-load.ts` with IPC), so its CPU is measured
 * apart from the app processes': the fake Graph API, the simulated agents and the customers.
 * It says `{ type: 'graph', url }` at once; on `setup` it signs the agents in and connects
 * them (`ready`); on each `phase` the customers write at the phase's rate, and after the
 * grace it answers the phase's latencies; `stop` closes everything and exits.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createSql, type Sql } from '../../db/sql.ts';
import { FloorAgent, now, type FloorRecorder } from './floor-agent.ts';
import { customerToAgent, pairs } from './floor-audit.ts';
import { Customers, MESSAGES_PER_CUSTOMER } from './floor-customers.ts';
import { startTimedGraph } from './floor-graph.ts';
import type { FloorSpec, FromLoad, PhaseResult, PhaseSpec, ToLoad } from './floor-protocol.ts';
import { FLOOR_ACCESS_TOKEN } from './floor-seed.ts';
import { editIdsIn } from '../sync/client.ts';

const send = (m: FromLoad) => process.send?.(m);
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
/** Agents signing in at once (each login is an argon2 verification on its app process). */
const SIGN_IN_CONCURRENCY = 4;

class Recorder implements FloorRecorder {
  readonly arrivals = new Map<string, Map<string, number>>();
  readonly replySent = new Map<number, number>();
  readonly replyOk = new Set<number>();
  readonly replyAtGraph = new Map<number, number>();
  readonly noteSent = new Map<number, number>();
  readonly noteSeenAt = new Map<number, number>();
  claims = 0;
  conflicts = 0;
  finishes = 0;
  errors: string[] = [];
  errorCount = 0;
  customers: Customers | null = null;
  private token = 0;

  arrived(eventId: string, userId: string, at: number): void {
    const got = this.arrivals.get(eventId) ?? new Map<string, number>();
    this.arrivals.set(eventId, got);
    if (!got.has(userId)) got.set(userId, at);
  }
  replying(token: number, at: number): void {
    this.replySent.set(token, at);
  }
  replied(token: number, ok: boolean): void {
    if (ok) this.replyOk.add(token);
  }
  noteEdited(id: number, at: number): void {
    this.noteSent.set(id, at);
  }
  noteSeen(id: number, at: number): void {
    if (!this.noteSeenAt.has(id)) this.noteSeenAt.set(id, at);
  }
  messagesOf(whatsapp: string): number {
    return this.customers?.byNumber.has(whatsapp) ? MESSAGES_PER_CUSTOMER : Number.POSITIVE_INFINITY;
  }
  nextToken(): number {
    return ++this.token;
  }
  claimed(ok: boolean): void {
    if (ok) this.claims++;
    else this.conflicts++;
  }
  finished(): void {
    this.finishes++;
  }
  error(where: string, err: unknown): void {
    this.errorCount++;
    if (this.errors.length < 5) this.errors.push(`${where}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

const recorder = new Recorder();
const graph = await startTimedGraph(FLOOR_ACCESS_TOKEN, (text, at) => {
  for (const token of editIdsIn(Buffer.from(text))) if (!recorder.replyAtGraph.has(token)) recorder.replyAtGraph.set(token, at);
});
let spec: FloorSpec | null = null;
let agents: FloorAgent[] = [];
let customers: Customers | null = null;
let sql: Sql | null = null;

async function setup(s: FloorSpec): Promise<void> {
  const t0 = performance.now();
  spec = s;
  sql = createSql(s.databaseUrl, { max: 1 });
  customers = new Customers(s);
  recorder.customers = customers;
  agents = s.agents.map((a) => new FloorAgent(a, s.appUrls[a.app]!, s.orgId, recorder));
  for (let i = 0; i < agents.length; i += SIGN_IN_CONCURRENCY) {
    await Promise.all(agents.slice(i, i + SIGN_IN_CONCURRENCY).map((a) => a.signIn()));
  }
  for (let i = 0; i < agents.length; i += 10) await Promise.all(agents.slice(i, i + 10).map((a) => a.connect()));
  for (const a of agents) a.startNotes();
  send({ type: 'ready', seconds: (performance.now() - t0) / 1000 });
}

/** Longest wait for an earlier phase's backlog to clear before the next phase starts anyway. */
const SETTLE_MAX_MS = 20_000;

/** Waits until nothing is left to send and nothing waits in a queue (twice in a row), or SETTLE_MAX_MS. */
async function settle(orgId: string): Promise<PhaseResult['settle']> {
  const t0 = performance.now();
  let clear = 0;
  for (;;) {
    const [r] = await sql!`
      SELECT (SELECT count(*)::int FROM messages WHERE org_id = ${orgId} AND direction = 'out' AND status IN ('queued', 'sending')) AS outbound,
        (SELECT count(*)::int FROM conversations WHERE org_id = ${orgId} AND status = 'waiting') AS waiting`;
    const left = { seconds: (performance.now() - t0) / 1000, outbound: r!.outbound as number, waiting: r!.waiting as number };
    clear = left.outbound + left.waiting === 0 ? clear + 1 : 0;
    if (clear >= 2 || performance.now() - t0 > SETTLE_MAX_MS) return left;
    await sleep(250);
  }
}

async function phase(p: PhaseSpec): Promise<PhaseResult> {
  const s = spec!;
  const settled = await settle(s.orgId);
  const [last] = await sql!`SELECT coalesce(max(id), 0)::text AS id FROM events WHERE org_id = ${s.orgId}`;
  const firstClaims = { claims: recorder.claims, conflicts: recorder.conflicts, finishes: recorder.finishes, errors: recorder.errorCount };
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const traffic = await customers!.run(p);
  // What is in flight (events, replies, note edits) still arrives; the agents keep working meanwhile.
  const deadline = traffic.end + p.graceMs;
  await sleep(Math.max(0, deadline - now()));
  loop.disable();
  const window = { from: traffic.start + p.warmUpSeconds * 1000, to: traffic.end, deadline };
  const toAgent = await customerToAgent(sql!, s, last!.id as string, customers!.sent, recorder.arrivals, window);
  const toGraph = pairs(recorder.replySent, recorder.replyAtGraph, window, (t) => recorder.replyOk.has(t));
  const toColleague = pairs(recorder.noteSent, recorder.noteSeenAt, window);
  // A conversation is claimed once unless the floor rules sent it back to the queue meanwhile.
  const [claims] = await sql!`
    SELECT count(*)::int AS n, count(DISTINCT details->>'conversationId')::int AS conversations,
      (SELECT count(*)::int FROM events WHERE org_id = ${s.orgId} AND type = 'conversation.returned') AS returned
    FROM audit_log WHERE org_id = ${s.orgId} AND action = 'conversation_claimed'`;
  if (claims!.n !== claims!.conversations + claims!.returned) {
    recorder.error(
      'audit',
      `${claims!.n as number} claims of ${claims!.conversations as number} conversations, ${claims!.returned as number} sent back to the queue`,
    );
  }
  const seconds = (traffic.end - traffic.start) / 1000;
  const replies = [...recorder.replySent].filter(([t, at]) => at >= traffic.start && at < traffic.end && recorder.replyOk.has(t)).length;
  const lag = traffic.lagMs.sort((a, b) => a - b);
  return {
    name: p.name,
    rate: p.rate,
    seconds,
    achievedRate: traffic.accepted / seconds,
    webhookFailures: traffic.failures,
    webhookMs: traffic.webhookMs,
    toAgent,
    toGraph,
    toColleague,
    repliesPerSecond: replies / seconds,
    claims: recorder.claims - firstClaims.claims,
    claimConflicts: recorder.conflicts - firstClaims.conflicts,
    finished: recorder.finishes - firstClaims.finishes,
    errors: [...traffic.failuresSeen, ...recorder.errors.splice(0)],
    errorCount: traffic.failures + recorder.errorCount - firstClaims.errors,
    loopDelayP99Ms: loop.percentile(99) / 1e6,
    scheduleLagP99Ms: lag[Math.max(0, Math.ceil(lag.length * 0.99) - 1)] ?? 0,
    settle: settled,
  };
}

async function stop(): Promise<void> {
  for (const a of agents) a.quiet();
  await Promise.all(agents.map((a) => a.close()));
  await sql?.end({ timeout: 2 });
  await graph.close();
}

process.on('message', (m: ToLoad) => {
  const run =
    m.type === 'setup' ? setup(m.spec) : m.type === 'phase' ? phase(m.phase).then((result) => send({ type: 'phase', result })) : stop();
  run.then(
    () => {
      if (m.type === 'stop') process.exit(0);
    },
    (err: unknown) => {
      send({ type: 'failed', error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
      if (m.type === 'stop') process.exit(1);
    },
  );
});
// The bench going away (crash, kill -9) must not leave this process running.
process.on('disconnect', () => process.exit(1));
send({ type: 'graph', url: graph.url });
