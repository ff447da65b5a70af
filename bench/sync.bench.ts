import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSql } from '../db/sql.ts';
import { pinnedBenchDatabase } from './lib/pinned-database.ts';
import { markdownTable as table, type BenchFile } from './lib/report.ts';
import { buildDocument, idleMemory, timeLoads, writeDocuments, type IdleResult, type LoadResult } from './sync/docs.ts';
import { createFixtures, DocPool } from './sync/fixtures.ts';
import { cpusAllowed, startServerProcess } from './sync/processes.ts';
import { runScenario, type Scenario, type ScenarioResult, type Target } from './sync/scenario.ts';
import { commitSnapshot, commitsBetween, type CommitSummary } from './sync/commits.ts';
import { COLD, SCENARIOS, SEED, TIMING } from './sync/scenarios.ts';

/**
 * Our /sync (the whole app: session cookie and per-document authorization at the upgrade,
 * client-id bindings, group commit to PostgreSQL before any peer sees an update) against the
 * reference y-websocket server, @y/websocket-server 0.1.1 (no auth, no persistence), under
 * one load generator of raw protocol peers. Each server runs in a child process pinned to
 * core 0 (ours shares it with its PostgreSQL); the load generator is this process, on core 1.
 * Every measure runs the reference first, then ours, in the same run; a reference that was
 * itself saturated (or measured by a saturated load generator) is flagged, not used as a ratio.
 */

/** Bench users (sessions); peers are spread over them, so 5,000 idle peers are 25 per user (the cap is 50). */
const USERS = 200;
const IDLE = { warmDocs: 10, docs: 500, perDoc: 10 };

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const mb = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`;
const msText = (v: number) =>
  Number.isNaN(v) ? '–' : v < 10 ? v.toFixed(2) : v < 1000 ? v.toFixed(1) : Math.round(v).toLocaleString('en-US');
const pct = (v: number) => `${(v * 100).toFixed(v < 0.1 ? 1 : 0)} %`;
const share = (r: ScenarioResult) => {
  const s = r.expected === 0 ? 1 : r.delivered / r.expected;
  return s === 1 ? '100 %' : `${(Math.floor(s * 1000) / 10).toFixed(1)} %`;
};
const ratio = (a: number, b: number) => (Number.isFinite(a / b) ? `${(a / b).toFixed(2)}×` : '–');

const bench: BenchFile = {
  title: 'Sync: our /sync against @y/websocket-server 0.1.1',
  async run() {
    const { dir, db, cleanup, pinned, postmaster, dbPids } = await pinnedBenchDatabase(
      'bench-sync',
      'the benchmark, its servers and its database',
    );
    const serverCpu = pinned ? '0' : null;
    try {
      const startOurs = () =>
        startServerProcess({
          name: 'Atende',
          nodeArgs: ['--expose-gc', '--import', 'tsx', path.join(root, 'bench', 'sync', 'app-server.ts')],
          env: { DATABASE_URL: db.url, BENCH_DATA_DIR: path.join(dir, 'app') },
          cpu: serverCpu,
          cwd: root,
        });
      const startReference = () =>
        startServerProcess({
          name: '@y/websocket-server',
          nodeArgs: ['--expose-gc', path.join(root, 'bench', 'sync', 'reference-server.mjs')],
          env: {},
          cpu: serverCpu,
          cwd: root,
        });
      let oursProc = await startOurs();
      cleanup.add(() => oursProc.stop());
      let refProc = await startReference();
      cleanup.add(() => refProc.stop());

      const sql = createSql(db.url, { max: 2 });
      cleanup.add(() => sql.end({ timeout: 2 }));
      const [fsync] = await sql`SHOW fsync`;
      const [syncCommit] = await sql`SHOW synchronous_commit`;
      const dbSettings = `fsync = ${fsync!.fsync as string}, synchronous_commit = ${syncCommit!.synchronous_commit as string}`;
      const contactsNeeded = SCENARIOS.reduce((n, s) => n + s.docs, 0) + IDLE.warmDocs + IDLE.docs + COLD.warmUp + COLD.loads + 1;
      const setupStart = performance.now();
      const fixtures = await createFixtures(sql, oursProc.url, USERS, contactsNeeded);
      const pool = new DocPool(fixtures.contactIds);

      const wsOf = (url: string) => url.replace(/^http/, 'ws');
      // Functions, as both processes are restarted below.
      const ours = (): Target => ({
        name: 'ours',
        url: (doc) => `${wsOf(oursProc.url)}/sync/${doc}`,
        headers: (i) => ({ cookie: fixtures.cookies[i % fixtures.cookies.length]! }),
        pid: oursProc.pid,
        helperPids: dbPids,
      });
      const reference = (): Target => ({
        name: 'reference',
        url: (doc) => `${wsOf(refProc.url)}/${doc}`,
        headers: () => ({}),
        pid: refProc.pid,
        helperPids: () => [],
      });

      const cpuModel = os.cpus()[0]?.model.trim() ?? 'unknown CPU';
      console.log(
        `Node ${process.version}, ${os.cpus().length} × ${cpuModel}. ` +
          (pinned
            ? 'Each server in its own process pinned to core 0 (`taskset -c 0`; ours shares it with its PostgreSQL); the load generator (this process) pinned to core 1.'
            : 'NOT PINNED (taskset missing or a single core): servers, PostgreSQL and the load generator share every core.') +
          `\nSetup: ${USERS} agents, each with a session cookie (created as auth.login does, checked with auth.me), and ${contactsNeeded} contacts in ${((performance.now() - setupStart) / 1000).toFixed(1)} s (not measured).\n`,
      );

      const affinity = (pid: number) => cpusAllowed(pid) ?? '?';
      console.log(
        `CPU affinity (from /proc): reference ${affinity(refProc.pid)}, ours ${affinity(oursProc.pid)}, PostgreSQL ${affinity(postmaster)}, load generator ${affinity(process.pid)}.\n`,
      );

      // 1. The load scenarios, the reference then ours, each on fresh documents.
      const results: Array<{ scenario: Scenario; ours: ScenarioResult; reference: ScenarioResult; commits: CommitSummary }> = [];
      const scenariosStart = performance.now();
      for (const [i, scenario] of SCENARIOS.entries()) {
        const docs = pool.take(scenario.docs);
        const r = await runScenario(reference(), scenario, docs, TIMING, SEED + i);
        const before = await commitSnapshot(oursProc.url);
        const o = await runScenario(ours(), scenario, docs, TIMING, SEED + i);
        results.push({ scenario, ours: o, reference: r, commits: commitsBetween(before, await commitSnapshot(oursProc.url)) });
      }

      const scenarioSeconds = (performance.now() - scenariosStart) / 1000;

      // 2. A ~160 KB document written through each server (ours stores it in PostgreSQL).
      const content = buildDocument(COLD.bytes, SEED);
      const coldDocs = pool.take(COLD.warmUp + COLD.loads);
      const refDoc = pool.take(1);
      await writeDocuments(ours(), coldDocs, content, 8, 20);
      const [stored] =
        await sql`SELECT count(*)::int AS rows, sum(length(data))::int AS bytes FROM doc_updates WHERE doc_name = ${coldDocs[0]!}`;

      // 3. Fresh processes: idle memory, then loads of documents this process never had.
      await oursProc.stop();
      oursProc = await startOurs();
      await refProc.stop();
      refProc = await startReference();
      const warmDocs = pool.take(IDLE.warmDocs);
      const idleDocs = pool.take(IDLE.docs);
      const idleRef = await idleMemory(reference(), refProc, warmDocs, idleDocs, IDLE.perDoc, 64);
      const idleOurs = await idleMemory(ours(), oursProc, warmDocs, idleDocs, IDLE.perDoc, 64);
      // The reference has no persistence: its floor is the same document held in memory.
      await writeDocuments(reference(), refDoc, content, 1, 0);
      const warmRef = await timeLoads(
        reference(),
        Array.from({ length: COLD.warmUp + COLD.loads }, () => refDoc[0]!),
        content.text,
        COLD.warmUp,
      );
      const cold = await timeLoads(ours(), coldDocs, content.text, COLD.warmUp);

      print(results, idleOurs, idleRef, cold, warmRef, {
        dbSettings,
        scenarioSeconds,
        docBytes: content.size,
        storedRows: stored!.rows as number,
        storedBytes: stored!.bytes as number,
      });
    } finally {
      await cleanup.run();
    }
  },
};
export default bench;

function print(
  results: Array<{ scenario: Scenario; ours: ScenarioResult; reference: ScenarioResult; commits: CommitSummary }>,
  idleOurs: IdleResult,
  idleRef: IdleResult,
  cold: LoadResult,
  warmRef: LoadResult,
  info: { dbSettings: string; scenarioSeconds: number; docBytes: number; storedRows: number; storedBytes: number },
): void {
  const cpu = (r: ScenarioResult, withDb: boolean) => (withDb ? `${pct(r.serverCpu)} + ${pct(r.helperCpu)} db` : pct(r.serverCpu));
  const rows = results.map(({ scenario: s, ours: o, reference: r }) => [
    `${s.name} (${s.docs} × ${s.clientsPerDoc}, ${s.editsPerSecond.toLocaleString('en-US')} edits/s)`,
    msText(o.p50),
    msText(o.p99),
    msText(r.p50),
    msText(r.p99),
    saturation(r) ? `– (ref saturated: ${saturation(r)})` : ratio(o.p99, r.p99),
    share(o),
    share(r),
    cpu(o, true),
    cpu(r, false),
    mb(o.peakRss),
    mb(r.peakRss),
  ]);
  console.log(
    [
      `### Edit → peer latency (${TIMING.measureMs / 1000} s measured after ${TIMING.warmUpMs / 1000} s warm-up; grace ${TIMING.graceMs / 1000} s) — PostgreSQL: ${info.dbSettings}`,
      '',
      table(
        [
          'scenario',
          'ours p50 ms',
          'ours p99 ms',
          'ref p50 ms',
          'ref p99 ms',
          'p99 ours/ref',
          'ours delivered',
          'ref delivered',
          'ours CPU (app + db)',
          'ref CPU',
          'ours RSS',
          'ref RSS',
        ],
        rows,
      ),
      '',
      'latency = edit sent by one peer → received by another peer of the document (every peer counts); delivered = (edit, peer) pairs that arrived by the end of the grace period.',
      'CPU = share of one core during the measured window (from /proc/<pid>/stat; ours adds its PostgreSQL processes); RSS = peak during the window.',
      '',
      table(
        [
          'scenario',
          'edits',
          'connect s (ref / ours)',
          'update frames to peers (ref / ours)',
          'load gen CPU, loop delay p99 ms (ref / ours)',
          'other work + steal CPU (ref / ours)',
          'closed, observer missing (ref / ours)',
        ],
        results.map(({ scenario: s, ours: o, reference: r }) => [
          s.name,
          o.edits.toLocaleString('en-US'),
          `${r.connectSeconds.toFixed(1)} / ${o.connectSeconds.toFixed(1)}`,
          `${r.updateFrames.toLocaleString('en-US')} / ${o.updateFrames.toLocaleString('en-US')}`,
          `${pct(r.loadCpu)}, ${msText(r.loopDelayP99)} / ${pct(o.loadCpu)}, ${msText(o.loopDelayP99)}`,
          `${pct(r.otherCpu)} + ${pct(r.stealCpu)} / ${pct(o.otherCpu)} + ${pct(o.stealCpu)}`,
          `${r.closedDuringRun}, ${r.observerMissing} / ${o.closedDuringRun}, ${o.observerMissing}`,
        ]),
      ),
      '',
      table(
        ['scenario', 'our durable group commits', 'mean ms', 'p50 ≤ ms', 'p99 ≤ ms', 'edit p99 ms (ours / ref)'],
        results.map(({ scenario: s, ours: o, reference: r, commits: c }) => [
          s.name,
          c.count.toLocaleString('en-US'),
          msText(c.meanMs),
          msText(c.p50AtMostMs),
          msText(c.p99AtMostMs),
          `${msText(o.p99)} / ${msText(r.p99)}`,
        ]),
      ),
      '',
      'durable group commits = our INSERTs of /sync updates (every document of one tick together) until PostgreSQL confirmed them, whole scenario (warm-up and grace included), from the server\u2019s own histogram (atende_sync_commit_seconds; p50/p99 as the bucket bounds they fall under). An edit reaches other peers only after its commit, so their p99 is a floor under ours that the reference, which stores nothing, does not have.',
      '',
      "loop delay = the load generator's own event-loop delay during the window: a floor under what it can measure. other work = user-mode CPU of every other process on the machine meanwhile (a shared machine makes every number worse); steal = time the hypervisor gave away. " +
        "observer missing = measured edits that the document's observer peer (it applies every update it receives) does not have after the grace period.",
      `The four scenarios took ${Math.round(info.scenarioSeconds)} s in all (connects, warm-up, window and grace, both servers).`,
      "Peers: raw y-protocols clients, each with its own Y.Doc; on connect sync step 1 + an awareness state, renewed every 15 s at a random phase (as the stock client does), but they do not relay other peers' awareness as the stock client does; only one observer per document applies the updates it receives (the others find the edits by their markers), so one process can play 1,000 peers.",
      '',
      `### Idle memory and cold load — PostgreSQL: ${info.dbSettings}`,
      '',
      table(
        ['measure', 'ours', 'reference', 'ours/ref'],
        [
          [
            `idle memory per connection (${idleOurs.connections.toLocaleString('en-US')} peers over ${idleOurs.docs} docs; RSS growth after GC)`,
            kb(idleOurs.rssPerConn),
            kb(idleRef.rssPerConn),
            ratio(idleOurs.rssPerConn, idleRef.rssPerConn),
          ],
          ['  of which V8 heap', kb(idleOurs.heapPerConn), kb(idleRef.heapPerConn), ratio(idleOurs.heapPerConn, idleRef.heapPerConn)],
          [
            `load of a ${kb(info.docBytes)} document, connect → synced, p50 ms (ours: cold from PostgreSQL; ref: in memory)`,
            msText(cold.p50),
            msText(warmRef.p50),
            ratio(cold.p50, warmRef.p50),
          ],
          [`  p99 ms (${cold.syncedMs.length} loads each)`, msText(cold.p99), msText(warmRef.p99), ratio(cold.p99, warmRef.p99)],
        ],
      ),
      '',
      `Idle peers connected in ${idleOurs.connectSeconds.toFixed(1)} s (ours) / ${idleRef.connectSeconds.toFixed(1)} s (ref), in fresh server processes with ${IDLE.warmDocs * IDLE.perDoc} peers already open. ` +
        `The document is stored as ${info.storedRows} rows (${kb(info.storedBytes)}) in doc_updates; the ours process was restarted after writing it, so each load reads PostgreSQL. ` +
        `Applying step 2 in the client took p50 ${msText(cold.applyMs.length ? cold.applyMs.sort((a, b) => a - b)[Math.floor(cold.applyMs.length / 2)]! : Number.NaN)} ms (not counted).`,
      '',
      ...caveats(results),
      targets(results, idleOurs, idleRef, cold, warmRef),
      '',
    ].join('\n'),
  );
}

/** What distorts a row — other work on the machine, a saturated load generator — said beside the numbers. */
function caveats(results: Array<{ scenario: Scenario; ours: ScenarioResult; reference: ScenarioResult }>): string[] {
  const busy: string[] = [];
  const saturated: string[] = [];
  for (const { scenario, ours, reference } of results) {
    for (const [side, r] of [
      ['ours', ours],
      ['reference', reference],
    ] as const) {
      if (r.otherCpu > 0.1) busy.push(`${scenario.name}/${side} ${pct(r.otherCpu)}`);
      if (r.loadCpu > 0.85) saturated.push(`${scenario.name}/${side} ${pct(r.loadCpu)}`);
    }
  }
  const out: string[] = [];
  if (busy.length > 0)
    out.push(
      `WARNING: other processes used CPU during measured windows (${busy.join(', ')}); those rows are not trustworthy — rerun on a quiet machine.`,
    );
  if (saturated.length > 0) {
    out.push(
      `NOTE: the load generator was nearly saturated in ${saturated.join(', ')}: latencies there include its own queueing (a floor shown by its loop delay).`,
    );
  }
  return out.length > 0 ? [...out, ''] : [];
}

/**
 * Why a run cannot serve as a yardstick, or null: the server pegged at a core, edits not all
 * delivered, or the load generator itself saturated (CPU, or its event loop late by more
 * than the latencies it measures are worth).
 */
function saturation(r: ScenarioResult): string | null {
  if (r.serverCpu >= 0.9) return `server CPU ${pct(r.serverCpu)}`;
  if (r.delivered < r.expected) return `${share(r)} delivered`;
  if (r.loadCpu > 0.85) return `load generator CPU ${pct(r.loadCpu)}`;
  if (r.loopDelayP99 > 50) return `load generator loop delay p99 ${msText(r.loopDelayP99)} ms`;
  return null;
}

/** Issue 14's numbers (measured before this work) for the same goals, printed beside today's. */
const BEFORE: Record<string, string> = {
  light: '7.5 ms / ref 5.4 ms',
  typical: '21.7 ms / ref 3.6 ms',
  'many docs': '873 ms / ref 34.9 ms',
  'hot room': '2,537 ms, 100 % / ref 3,323 ms, 98.4 %',
  'first sync': '88.5 ms / ref 30.8 ms',
  connects: '7.7 s / ref 2.2 s',
  memory: '20.4 KB / ref 11.9 KB',
};

/** The issue's goals (issue 14, goal 4), checked against this run: reference, ours, ratio, met. */
function targets(
  results: Array<{ scenario: Scenario; ours: ScenarioResult; reference: ScenarioResult }>,
  idle: IdleResult,
  idleRef: IdleResult,
  cold: LoadResult,
  warmRef: LoadResult,
): string {
  const by = (name: string) => results.find((r) => r.scenario.name === name)!;
  const check = (ok: boolean) => (ok ? 'met' : 'NOT met');
  const rows: string[][] = [];
  for (const name of ['light', 'typical', 'many docs']) {
    const { ours, reference } = by(name);
    const saturated = saturation(reference);
    const oursSaturated = saturation(ours)?.startsWith('load generator') ? saturation(ours) : null;
    rows.push([
      `${name}: p99 ≤ the reference's`,
      BEFORE[name]!,
      `${msText(reference.p99)} ms${saturated ? ` (SATURATED: ${saturated})` : ''}`,
      `${msText(ours.p99)} ms${oursSaturated ? ` (${oursSaturated})` : ''}`,
      saturated ? '– (not a ratio)' : ratio(ours.p99, reference.p99),
      saturated ? 'not judged (reference saturated)' : check(ours.p99 <= reference.p99),
    ]);
  }
  const hot = by('hot room');
  rows.push([
    'hot room: p99 ≤ 300 ms, 100 % delivered',
    BEFORE['hot room']!,
    `${msText(hot.reference.p99)} ms, ${share(hot.reference)}${saturation(hot.reference) ? ' (saturated)' : ''}`,
    `${msText(hot.ours.p99)} ms, ${share(hot.ours)}`,
    '–',
    check(hot.ours.p99 <= 300 && hot.ours.delivered === hot.ours.expected),
  ]);
  rows.push([
    'first sync p50 ≤ 2× the reference',
    BEFORE['first sync']!,
    `${msText(warmRef.p50)} ms`,
    `${msText(cold.p50)} ms`,
    ratio(cold.p50, warmRef.p50),
    check(cold.p50 <= 2 * warmRef.p50),
  ]);
  rows.push([
    `${idle.connections.toLocaleString('en-US')} idle connects ≤ 1.5× the reference's time`,
    BEFORE.connects!,
    `${idleRef.connectSeconds.toFixed(1)} s`,
    `${idle.connectSeconds.toFixed(1)} s`,
    ratio(idle.connectSeconds, idleRef.connectSeconds),
    check(idle.connectSeconds <= 1.5 * idleRef.connectSeconds),
  ]);
  rows.push([
    '≤ 15 KB per idle connection',
    BEFORE.memory!,
    kb(idleRef.rssPerConn),
    kb(idle.rssPerConn),
    ratio(idle.rssPerConn, idleRef.rssPerConn),
    check(idle.rssPerConn <= 15 * 1024),
  ]);
  return [
    '### Goals (issue 14, goal 4), each against the reference of this run',
    '',
    table(['goal', 'before (issue 14: ours / ref)', 'reference', 'ours', 'ours/ref', 'status'], rows),
  ].join('\n');
}
