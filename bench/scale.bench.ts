import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSql, type Sql } from '../db/sql.ts';
import { createTestClient, type TestClient } from '../test/helpers/app.ts';
import { startFakeGraph } from '../test/helpers/fake-graph.ts';
import { startRedis } from '../test/helpers/redis.ts';
import { envelope, postWebhook, textMessage } from '../test/helpers/whatsapp.ts';
import { benchDatabase } from './lib/cleanup.ts';
import { UsageSampler, type Usage } from './lib/floor-resources.ts';
import type { BenchFile } from './lib/report.ts';
import { postmasterPid } from './lib/routing-run.ts';
import { timedClosedLoop } from './lib/scale-load.ts';
import { printScale, type ScaleRun, type ScaleWorkload } from './lib/scale-report.ts';
import { seedScale, waitingConversations, type ScaleSpec } from './lib/scale-seed.ts';
import { startServerProcess, type ServerProcess } from './sync/processes.ts';

/**
 * Issue 14, goal 1: does a second app process raise one organization's write rate? One
 * embedded PostgreSQL and one Redis shared by app processes (bench/lib/floor-app.ts, the whole
 * app as an operator runs it), a load generator in this process. Two workloads, each measured
 * with ONE process and then with TWO (the load split evenly over them), the same number of
 * concurrent clients in both, all in one organization:
 * 1. ingest: signed WhatsApp webhooks, each a message from a customer never seen before (a new
 *    contact and conversation, the bot's menu queued for delivery); closed loop.
 * 2. claims: `conversations.claim` over HTTP tRPC by agents of the team, each on a conversation
 *    of its own that waits in the team (made beforehand in SQL); closed loop.
 * With the organization-wide events lock gone (docs/architecture.md "Events"), two processes
 * should reach ≥ 1.7× one — unless the machine's cores run out first; the evidence table shows
 * which: every process's CPU, the machine's, and what PostgreSQL's busy backends waited on.
 */

const CONCURRENCY = Number(process.env.BENCH_SCALE_CONCURRENCY ?? 32);
/** Measured seconds per run (after WARM_UP seconds not counted); 4 runs in all. */
const SECONDS = Number(process.env.BENCH_SCALE_SECONDS ?? 10);
const WARM_UP = Number(process.env.BENCH_SCALE_WARMUP ?? 3);
/** Conversations waiting per claims run: more than the run can claim (it ends early if not). */
const CLAIM_POOL = Number(process.env.BENCH_SCALE_CLAIM_POOL ?? 8000);
const GOAL = 1.7;
const IDLE_SECONDS = 2;
const DRAIN_TIMEOUT_MS = 30_000;
const APP_SECRET = 'scale-app-secret';
const PHONE_NUMBER_ID = '910000000000001';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

interface Shared {
  sql: Sql;
  spec: ScaleSpec;
  postmaster: number;
  redisPid: number;
  /** Each agent's session cookie (signed in once; sessions live in PostgreSQL, valid on every process). */
  cookies: string[];
}

let customer = 0;

function sampler(s: Shared, apps: ServerProcess[]): UsageSampler {
  return new UsageSampler(
    { ...Object.fromEntries(apps.map((a) => [a.name, a.pid])), 'load generator': process.pid, redis: s.redisPid },
    s.postmaster,
    s.sql,
    s.spec.orgId,
  );
}

/** Inbound messages stored on the bench's channel so far. */
async function inboundCount(s: Shared): Promise<number> {
  const [row] = await s.sql`
    SELECT count(*)::int AS n FROM messages WHERE org_id = ${s.spec.orgId} AND channel_id = ${s.spec.channel.id} AND direction = 'in'`;
  return row!.n as number;
}

/**
 * Waits until the organization's outbound messages (the bot's menus) are delivered, so no run
 * starts with an earlier run's backlog still being worked off; returns the seconds it took.
 */
async function drained(s: Shared): Promise<number> {
  const start = performance.now();
  for (;;) {
    const [row] = await s.sql`
      SELECT count(*)::int AS n FROM messages WHERE org_id = ${s.spec.orgId} AND direction = 'out' AND status IN ('queued', 'sending')`;
    if (row!.n === 0) return (performance.now() - start) / 1000;
    if (performance.now() - start > DRAIN_TIMEOUT_MS) {
      throw new Error(`${row!.n as number} outbound messages still undelivered after ${DRAIN_TIMEOUT_MS / 1000} s`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Webhooks from new customers, worker w posting to process w mod n. */
async function ingest(s: Shared, apps: ServerProcess[]): Promise<ScaleRun> {
  const before = await inboundCount(s);
  let accepted = 0;
  const { run, window } = await timedClosedLoop(
    { concurrency: CONCURRENCY, warmUpSeconds: WARM_UP, seconds: SECONDS },
    async (worker) => {
      const n = ++customer;
      const from = String(5_511_700_000_000 + n);
      const res = await postWebhook(
        apps[worker % apps.length]!.url,
        envelope(
          textMessage(from, 'Oi, boa tarde! Preciso de ajuda com o meu pedido.', { id: `wamid.SCALE.${n}` }),
          s.spec.channel.phoneNumberId,
        ),
        { path: `/webhooks/whatsapp/${s.spec.channel.id}`, secret: s.spec.channel.appSecret },
      );
      const body = await res.text();
      if (res.status !== 200) throw new Error(`webhook answered ${res.status}: ${body.slice(0, 200)}`);
      accepted++;
      return true;
    },
    sampler(s, apps),
  );
  const stored = (await inboundCount(s)) - before;
  if (stored !== accepted) throw new Error(`ingest: ${accepted} webhooks answered 200 but ${stored} inbound messages were stored`);
  return { processes: apps.length, run, usage: window };
}

/** Agent w claims through process w mod n, each claim on a conversation of its own. */
async function claims(s: Shared, apps: ServerProcess[]): Promise<ScaleRun> {
  const ids = await waitingConversations(s.sql, s.spec, CLAIM_POOL);
  const clients: TestClient[] = s.spec.agents.map((_, w) => {
    const client = createTestClient(apps[w % apps.length]!.url, { 'accept-language': 'en' });
    client.cookie = s.cookies[w]!;
    return client;
  });
  const won: string[] = [];
  let next = 0;
  const { run, window } = await timedClosedLoop(
    { concurrency: CONCURRENCY, warmUpSeconds: WARM_UP, seconds: SECONDS },
    async (worker) => {
      if (next >= ids.length) return false;
      const id = ids[next++]!;
      await clients[worker]!.conversations.claim.mutate({ conversationId: id });
      won.push(id);
      return true;
    },
    sampler(s, apps),
  );
  const [row] = await s.sql`
    SELECT count(*)::int AS n FROM conversations WHERE org_id = ${s.spec.orgId} AND id = ANY(${won}::uuid[]) AND status = 'active'
      AND assignee_id IS NOT NULL`;
  if (row!.n !== won.length) throw new Error(`claims: ${won.length} claims answered but ${row!.n as number} conversations are active`);
  return { processes: apps.length, run, usage: window };
}

const bench: BenchFile = {
  title: 'Scale-out: ingest and claims of one organization with two app processes against one (issue 14, goal 1)',
  async run() {
    if (CONCURRENCY % 2 !== 0) throw new Error('BENCH_SCALE_CONCURRENCY must be even: the load is split evenly over two processes');
    const { dir, db, cleanup } = await benchDatabase('bench-scale', 'the benchmark, its app processes, Redis and the database');
    try {
      const redis = await startRedis();
      cleanup.add(() => redis.stop());
      const graph = await startFakeGraph();
      cleanup.add(() => graph.close());
      const sql = createSql(db.url, { max: 2 });
      cleanup.add(() => sql.end({ timeout: 2 }));

      const apps: ServerProcess[] = [];
      const startApp = async () => {
        const i = apps.length;
        const app = await startServerProcess({
          name: `app ${String.fromCharCode(65 + i)}`,
          nodeArgs: ['--import', 'tsx', path.join(root, 'bench', 'lib', 'floor-app.ts')],
          env: {
            DATABASE_URL: db.url,
            REDIS_URL: redis.url,
            BENCH_DATA_DIR: path.join(dir, `app-${i}`),
            WHATSAPP_GRAPH_URL: graph.url,
          },
          cpu: null,
          cwd: root,
          timeoutMs: 120_000,
        });
        cleanup.add(() => app.stop());
        apps.push(app);
      };
      const setupStart = performance.now();
      await startApp(); // migrates and seeds the demo organization, whose password hash the agents get
      const spec = await seedScale(sql, { agents: CONCURRENCY, appSecret: APP_SECRET, phoneNumberId: PHONE_NUMBER_ID });
      const cookies: string[] = [];
      for (let i = 0; i < spec.agents.length; i += 4) {
        const signedIn = await Promise.all(
          spec.agents.slice(i, i + 4).map(async (a) => {
            const client = createTestClient(apps[0]!.url, { 'accept-language': 'en' });
            await client.auth.login.mutate({ email: a.email, password: a.password });
            if (!client.cookie) throw new Error(`signing in as ${a.email} set no session cookie`);
            return client.cookie;
          }),
        );
        cookies.push(...signedIn);
      }
      const shared: Shared = { sql, spec, postmaster: postmasterPid(path.join(dir, 'pg')), redisPid: redis.process.pid!, cookies };
      const [settings] = await sql`SELECT current_setting('fsync') AS fsync, current_setting('synchronous_commit') AS sync`;
      console.error(`scale: app A started, ${CONCURRENCY} agents signed in in ${((performance.now() - setupStart) / 1000).toFixed(1)} s`);

      const ingestRuns: ScaleRun[] = [];
      const claimRuns: ScaleRun[] = [];
      const idle: Array<{ processes: number; usage: Usage }> = [];
      const drains: number[] = [];
      for (const processes of [1, 2]) {
        while (apps.length < processes) await startApp();
        drains.push(await drained(shared));
        // What the processes cost with nothing to do (pollers, sweeps): part of each run's CPU per operation.
        const quiet = sampler(shared, apps);
        quiet.begin();
        await new Promise((r) => setTimeout(r, IDLE_SECONDS * 1000));
        idle.push({ processes, usage: await quiet.end() });
        console.error(`scale: ${processes} process(es): ingest, ${WARM_UP} + ${SECONDS} s…`);
        ingestRuns.push(await ingest(shared, apps));
        drains.push(await drained(shared));
        console.error(`scale: ${processes} process(es): claims, ${WARM_UP} + ${SECONDS} s…`);
        claimRuns.push(await claims(shared, apps));
      }

      const workloads: ScaleWorkload[] = [
        { name: 'ingest: webhook from a new customer', unit: 'msgs/s', runs: ingestRuns },
        { name: 'claims: each on a conversation of its own', unit: 'claims/s', runs: claimRuns },
      ];
      const cpu = os.cpus()[0]?.model.trim() ?? 'unknown CPU';
      printScale(workloads, {
        goal: GOAL,
        idle,
        header: [
          `Node ${process.version}, ${os.cpus().length} × ${cpu}, not pinned: the app processes, embedded PostgreSQL ` +
            `(fsync=${settings!.fsync as string}, synchronous_commit=${settings!.sync as string}), redis-server and the load generator ` +
            `(this process, with the fake Graph API) share the machine, and so does whatever else runs on it. ` +
            `${CONCURRENCY} concurrent clients in a closed loop in every run, split evenly over the processes; ` +
            `${WARM_UP} s of warm-up, then ${SECONDS} s measured. One organization throughout; the 1-process runs come first ` +
            `(the second process is started for the 2-process runs, on a database that grew meanwhile).`,
        ],
        notes: [
          'ops/s = operations answered inside the measured window ÷ its length. Ingest: each a signed webhook (1 message) from a number never seen ' +
            'before, 200 only after commit; checked: every 200 is one stored inbound message. Claims: each agent of the team claims, over HTTP tRPC ' +
            `with its own session, the next of ${CLAIM_POOL} conversations waiting in the team (made beforehand in SQL); checked: every claim answered is an active conversation.`,
          'CPU: % of one core over the window, from /proc/<pid>/stat (PostgreSQL = postmaster + backends); generator = this process (load, fake Graph API, sampler); ' +
            `other work = the machine's busy time minus all of those (other work on a shared machine, the kernel's). machine busy = share of all ${os.cpus().length} cores; ` +
            "SATURATED above 90 %. CPU ms / op = the CPU of everything this bench started per operation (app CPU ms / op: the app processes' alone). Busy backends and their waits: pg_stat_activity every 200 ms " +
            '(CPU = not waiting; a Lock:* wait is a lock). events/s (txs/s) = the organization’s events stored and the transactions that wrote them.',
          `Each new customer gets the bot's menu: ${graph.posts.length.toLocaleString('en-US')} messages were posted to the fake Graph API in all; ` +
            `before each run the bench waited for every one queued to be delivered (${drains.map((d) => `${d.toFixed(1)} s`).join(', ')}), so no run works off an earlier one's backlog.`,
        ],
      });
    } finally {
      await cleanup.run();
    }
  },
};
export default bench;
