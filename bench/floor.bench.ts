import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSql, type Sql } from '../db/sql.ts';
import { startRedis } from '../test/helpers/redis.ts';
import { benchDatabase, type Cleanup } from './lib/cleanup.ts';
import { SCRIPT } from './lib/floor-customers.ts';
import { BEHAVIOUR } from './lib/floor-agent.ts';
import { startLoadGenerator } from './lib/floor-generator.ts';
import type { PhaseSpec } from './lib/floor-protocol.ts';
import { printFloor, saturation, settled, withinBound, type Measured, type ScenarioResult } from './lib/floor-report.ts';
import { UsageSampler } from './lib/floor-resources.ts';
import { seedFloor, TEAM_SIZE } from './lib/floor-seed.ts';
import type { BenchFile } from './lib/report.ts';
import { postmasterPid } from './lib/routing-run.ts';
import { startServerProcess, type ServerProcess } from './sync/processes.ts';

/**
 * The whole floor (issue 13, part 5): one PostgreSQL and one Redis, TWO app processes on them
 * (each its own data folder, as two machines), then the same with ONE, so the table shows what
 * the second process buys. A load generator in a process of its own (its CPU is watched for
 * saturation) plays BENCH_FLOOR_AGENTS agents — spread over the processes round-robin, each
 * signed in with an events.stream, a /sync presence socket and a contact's notes shared with a
 * colleague on the other process; they claim what waits in their pull team, answer every
 * customer message and type into the note — and customers writing through signed WhatsApp
 * webhooks at BENCH_FLOOR_RATE messages/s for BENCH_FLOOR_SECONDS. It serves the fake Graph API
 * the processes deliver to. After the measured run, short steps at higher rates find the rate
 * at which the p99 bound (BENCH_FLOOR_P99_MS) no longer holds: the capacity line.
 */

const even = (n: number) => 2 * Math.max(1, Math.ceil(n / 2));
/** Pairs share a contact's notes, so the count is even. */
const AGENTS = even(Number(process.env.BENCH_FLOOR_AGENTS ?? 40));
const RATE = Number(process.env.BENCH_FLOOR_RATE ?? 10);
/** 120 by default; BENCH_FLOOR_SECONDS=20 is a quick try. */
const SECONDS = Number(process.env.BENCH_FLOOR_SECONDS ?? 120);
const P99_BOUND_MS = Number(process.env.BENCH_FLOOR_P99_MS ?? 1000);
const QUICK = SECONDS < 60;
/** What is in flight when the customers stop still arrives in this time, or counts as lost. */
const GRACE_MS = 3_000;
const MAIN: PhaseSpec = { name: 'run', rate: RATE, seconds: SECONDS, warmUpSeconds: Math.min(10, SECONDS * 0.15), graceMs: GRACE_MS };
/**
 * The probe's steps (× BENCH_FLOOR_RATE), each PROBE_SECONDS: up while the run held the bound,
 * to the first step over it; down when the run went over, to the first step within it.
 */
const PROBE_UP = [1.5, 2, 3, 4, 6, 8];
const PROBE_DOWN = [0.75, 0.5, 0.25, 0.1];
const PROBE_SECONDS = QUICK ? 6 : 10;
const APP_SECRET = 'floor-app-secret';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

interface Shared {
  dir: string;
  databaseUrl: string;
  redisUrl: string;
  redisPid: number;
  postmaster: number;
  sql: Sql;
}

/** One scenario on its own organization; its processes are stopped at its end (and by `cleanup` on Ctrl-C). */
async function scenario(shared: Shared, cleanup: Cleanup, processes: number, index: number): Promise<ScenarioResult> {
  const name = processes === 1 ? '1 process' : `${processes} processes`;
  const stops: Array<() => Promise<void>> = [];
  try {
    const generator = await startLoadGenerator();
    stops.push(() => generator.stop());
    cleanup.add(() => generator.stop());
    const apps: ServerProcess[] = [];
    // One after the other: the first migrates (and seeds the demo organization, whose password hash the agents get).
    for (let i = 0; i < processes; i++) {
      const app = await startServerProcess({
        name: `app ${String.fromCharCode(65 + i)}`,
        nodeArgs: ['--import', 'tsx', path.join(root, 'bench', 'lib', 'floor-app.ts')],
        env: {
          DATABASE_URL: shared.databaseUrl,
          REDIS_URL: shared.redisUrl,
          BENCH_DATA_DIR: path.join(shared.dir, `app-${index}-${i}`),
          WHATSAPP_GRAPH_URL: generator.graphUrl,
        },
        cpu: null,
        cwd: root,
        timeoutMs: 120_000,
      });
      stops.unshift(() => app.stop());
      cleanup.add(() => app.stop());
      apps.push(app);
    }
    const spec = await seedFloor(shared.sql, {
      tag: `S${index}`,
      agents: AGENTS,
      appUrls: apps.map((a) => a.url),
      databaseUrl: shared.databaseUrl,
      appSecret: APP_SECRET,
      phoneNumberId: String(900_000_000_000 + index),
      firstNumber: 5_511_900_000_000 + index * 1_000_000,
    });
    const setupSeconds = await generator.setup(spec);
    const sampler = new UsageSampler(
      { ...Object.fromEntries(apps.map((a) => [a.name, a.pid])), 'load generator': generator.pid, redis: shared.redisPid },
      shared.postmaster,
      shared.sql,
      spec.orgId,
    );
    const measure = async (phase: PhaseSpec): Promise<Measured> => {
      sampler.begin();
      const result = await generator.phase(phase);
      return { result, usage: await sampler.end() };
    };
    console.error(
      `${name}: ${AGENTS} agents signed in and connected in ${setupSeconds.toFixed(1)} s; measuring ${SECONDS} s at ${RATE}/s…`,
    );
    const main = await measure(MAIN);
    const probes: Measured[] = [];
    const up = withinBound(main, P99_BOUND_MS);
    for (const factor of up ? PROBE_UP : PROBE_DOWN) {
      const rate = RATE * factor;
      console.error(`${name}: probing ${rate}/s for ${PROBE_SECONDS} s…`);
      const m = await measure({ name: `probe ${rate}/s`, rate, seconds: PROBE_SECONDS, warmUpSeconds: 2, graceMs: GRACE_MS });
      probes.push(m);
      const held = withinBound(m, P99_BOUND_MS);
      // Going up, a saturated generator ends it too: its own queueing would be all the next step measures.
      // Going down, a backlog the floor could not clear first is all a step measures: no lower step can tell more.
      if (up ? !held || saturation(m).some((f) => f.startsWith('load generator')) : held || !settled(m)) break;
    }
    return { name, processes, main, probes, setupSeconds };
  } finally {
    for (const stop of stops) await stop().catch((err: unknown) => console.error('bench floor: stopping', err));
  }
}

const bench: BenchFile = {
  title: 'The whole floor: agents, customers and notes on one PostgreSQL and Redis, two processes against one',
  async run() {
    const { dir, db, cleanup } = await benchDatabase('bench-floor', 'the benchmark, its app processes, Redis and the database');
    try {
      const redis = await startRedis();
      cleanup.add(() => redis.stop());
      const sql = createSql(db.url, { max: 2 });
      cleanup.add(() => sql.end({ timeout: 2 }));
      const shared: Shared = {
        dir,
        databaseUrl: db.url,
        redisUrl: redis.url,
        redisPid: redis.process.pid!,
        postmaster: postmasterPid(path.join(dir, 'pg')),
        sql,
      };
      const [settings] = await sql`SELECT current_setting('fsync') AS fsync, current_setting('synchronous_commit') AS sync,
        current_setting('max_connections') AS max`;
      const scenarios: ScenarioResult[] = [];
      scenarios.push(await scenario(shared, cleanup, 2, 1));
      scenarios.push(await scenario(shared, cleanup, 1, 2));

      const cpu = os.cpus()[0]?.model.trim() ?? 'unknown CPU';
      printFloor(scenarios, {
        agents: AGENTS,
        teams: Math.ceil(AGENTS / TEAM_SIZE),
        rate: RATE,
        seconds: SECONDS,
        boundMs: P99_BOUND_MS,
        graceMs: GRACE_MS,
        machine:
          `Machine: Node ${process.version}, ${os.cpus().length} × ${cpu}, ${Math.round(os.totalmem() / 2 ** 30)} GB; everything on it, not pinned: ` +
          `the app processes, embedded PostgreSQL (fsync=${settings!.fsync as string}, synchronous_commit=${settings!.sync as string}, ` +
          `max_connections=${settings!.max as string}), redis-server, the load generator; each scenario on an organization of its own in the same database.`,
        notes: [
          `Customers: each writes a greeting (the bot answers with the menu), its team's number ${SCRIPT.choiceGapMs / 1000} s later, then ${SCRIPT.followUps} more messages ` +
            `${SCRIPT.followUpGapMs / 1000} s apart (answered or not), open loop at the set rate; webhooks go to the processes in turn. ` +
            `Agents: claim what waits in their team ${BEHAVIOUR.claimDelayMs.min}–${BEHAVIOUR.claimDelayMs.max} ms after seeing it (the first click wins), ` +
            `answer each message ${BEHAVIOUR.replyDelayMs.min}–${BEHAVIOUR.replyDelayMs.max} ms after it shows, finish after the customer's last one, ` +
            `and type into the note every ${BEHAVIOUR.noteEveryMs / 1000} s. The first ${MAIN.warmUpSeconds} s of the run (2 s of each probe step) are not counted.`,
        ],
      });
    } finally {
      await cleanup.run();
    }
  },
};
export default bench;
