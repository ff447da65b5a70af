import fs from 'node:fs';
import { startEmbeddedDatabase } from '../db/embedded.ts';
import { createSql, type Sql } from '../db/sql.ts';
import { createTestClient, type TestClient } from '../test/helpers/app.ts';
import { freePort } from '../test/helpers/free-port.ts';
import { cleanupOnExit } from './lib/cleanup.ts';
import { startDemoApp } from './lib/demo-app.ts';
import { buildHistory, fixtureDir, type HistoryShape } from './lib/history-fixture.ts';
import { markdownTable, printTable, type BenchFile, type Measurement } from './lib/report.ts';

/**
 * Reports and search on a year of a large contact centre (bench/lib/history-fixture.ts: 1M
 * conversations, ~10M messages; BENCH_HISTORY_CONVERSATIONS shrinks it for a quick look).
 * Each case goes through HTTP tRPC as a signed-in user — session, permissions, shaping —
 * against its reference, the plain query over the same rows sent straight to PostgreSQL:
 * - `reports.summary` for one team and one calendar month, every month of the year for both
 *   teams, against one aggregate query of the same conversations' counts and percentiles;
 * - `search.messages` for words, accent-less words, plurals, a protocol number and a word that
 *   is nowhere, as an admin (sees all) and as an agent (history of their own teams only),
 *   against the same full-text match with no permission filter, ranking or snippets.
 * Goals (issue 15): a month's summary < 500 ms, a search < 300 ms p99.
 * The fixture is built once per machine and schema (kept in the temp folder; minutes).
 */

const SHAPE: HistoryShape = {
  conversations: Number(process.env.BENCH_HISTORY_CONVERSATIONS ?? 1_000_000),
  perConversation: 10,
  contacts: Math.max(1000, Math.round(Number(process.env.BENCH_HISTORY_CONVERSATIONS ?? 1_000_000) / 5)),
};
const REPEAT = 3;
// Common words (each in ~5 % of the messages), a rare number behind a word in half of them, a
// number prefix in ~0.5 % ("42": 42, 420…, 42000…) and one in ~0.05 % ("424"), and no match.
const SEARCHES = ['reembolso', 'devolucao', 'cancelamento', 'transportadora', 'nota fiscal', 'cartao', 'número 4242', '42', '424', 'zebra'];

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

async function measure(name: string, runs: Array<() => Promise<unknown>>): Promise<Measurement> {
  for (const run of runs.slice(0, 3)) await run(); // warm the plans and the cache
  const latenciesMs: number[] = [];
  const start = performance.now();
  for (let r = 0; r < REPEAT; r++) for (const run of runs) latenciesMs.push(await timed(run));
  return { name, operations: latenciesMs.length, seconds: (performance.now() - start) / 1000, latenciesMs };
}

/** Calendar months of the fixture's year, in the organization's time zone, as [from, to). */
async function months(sql: Sql, orgId: string): Promise<Array<{ from: string; to: string }>> {
  const rows = await sql`SELECT to_char(m, 'YYYY-MM-DD') AS from, to_char(m + interval '1 month', 'YYYY-MM-DD') AS to
    FROM generate_series(date_trunc('month', now() - interval '11 months'), date_trunc('month', now() - interval '1 month'), interval '1 month') m`;
  void orgId;
  return rows.map((r) => ({ from: r.from as string, to: r.to as string }));
}

async function reportCases(sql: Sql, admin: TestClient, orgId: string) {
  const teams = (await sql`SELECT id FROM teams WHERE org_id = ${orgId} ORDER BY name`).map((r) => r.id as string);
  const periods = await months(sql, orgId);
  const [org] = await sql`SELECT time_zone FROM organizations WHERE id = ${orgId}`;
  const tz = org!.time_zone as string;
  const pairs = teams.flatMap((teamId) => periods.map((p) => ({ teamId, ...p })));
  const reference = await measure(
    'reference: one aggregate query (counts, TME/TMA p50/p90/avg)',
    pairs.map(
      (p) => () =>
        sql`SELECT count(*) AS received, count(claimed_at) AS answered,
          percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY extract(epoch FROM claimed_at - queued_at)) AS tme,
          avg(extract(epoch FROM claimed_at - queued_at)) AS tme_avg,
          percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY extract(epoch FROM closed_at - claimed_at)) AS tma,
          avg(extract(epoch FROM closed_at - claimed_at)) AS tma_avg, avg(rating) AS rating
        FROM conversations WHERE org_id = ${orgId} AND team_id = ${p.teamId}
          AND created_at >= (${p.from}::date)::timestamp AT TIME ZONE ${tz} AND created_at < (${p.to}::date)::timestamp AT TIME ZONE ${tz}`,
    ),
  );
  const summary = await measure(
    'reports.summary, one team, one month (HTTP tRPC, admin)',
    pairs.map((p) => () => admin.reports.summary.query({ from: p.from, to: p.to, teamId: p.teamId })),
  );
  const perMonth = Math.round(SHAPE.conversations / 12 / Math.max(1, teams.length));
  printTable(
    'A month of one team: reports.summary against the plain aggregate',
    reference,
    [summary],
    [`${pairs.length} team-months × ${REPEAT}, ~${perMonth.toLocaleString('en-US')} conversations each. Goal: p99 < 500 ms.`],
  );
}

/** Messages whose stored search vector the bench fills when missing: a few days of this history. */
const VECTORED = 100_000;

async function searchCases(sql: Sql, admin: TestClient, agent: TestClient, orgId: string) {
  // A fixture built before migration search/0003 has no stored vectors; in service, every
  // message since the upgrade has one (the trigger). The newest get theirs as the trigger would
  // have given them, so search's first step (a walk of the newest messages) is measured as it runs.
  const t0 = performance.now();
  const [filled] = await sql`WITH newest AS (
      SELECT id FROM messages WHERE org_id = ${orgId} AND text <> '' ORDER BY created_at DESC LIMIT ${VECTORED}
    ), done AS (
      UPDATE messages m SET search_vector = atende_search_vector(m.text) FROM newest
      WHERE m.id = newest.id AND m.search_vector IS NULL RETURNING 1
    ) SELECT count(*)::int AS n FROM done`;
  if ((filled!.n as number) > 0) {
    await sql`VACUUM ANALYZE messages`;
    console.log(
      `Stored search vectors filled for ${(filled!.n as number).toLocaleString('en-US')} of the newest ${VECTORED.toLocaleString('en-US')} messages (a fixture from before migration search/0003), in ${((performance.now() - t0) / 1000).toFixed(0)} s.\n`,
    );
  }
  const [someProtocol] = await sql`SELECT protocol FROM conversations WHERE org_id = ${orgId} ORDER BY protocol DESC LIMIT 1 OFFSET 1000`;
  const queries = [...SEARCHES, someProtocol!.protocol as string];
  const reference = await measure(
    'reference: the full-text match alone (GIN bitmap, newest 30, no permissions, no snippets)',
    queries.map(
      (q) => () =>
        // As search plans it: the word's GIN bitmap, never a walk down the created_at index
        // that re-parses every message (minutes on this fixture).
        sql.begin(async (tx) => {
          await tx`SELECT set_config('enable_indexscan', 'off', true), set_config('work_mem', '64MB', true)`;
          return tx`SELECT id FROM messages
            WHERE org_id = ${orgId} AND text <> '' AND atende_search_vector(text) @@ (plainto_tsquery('atende_pt', ${q}) || plainto_tsquery('atende_en', ${q}) || plainto_tsquery('atende_es', ${q}))
            ORDER BY created_at DESC LIMIT 30`;
        }),
    ),
  );
  const asAdmin = await measure(
    'search.messages as an admin (HTTP tRPC)',
    queries.map((q) => () => admin.search.messages.query({ query: q, limit: 30 })),
  );
  const asAgent = await measure(
    'search.messages as an agent (own teams’ history)',
    queries.map((q) => () => agent.search.messages.query({ query: q, limit: 30 })),
  );
  printTable(
    'Search over the messages: search.messages against the bare full-text match',
    reference,
    [asAdmin, asAgent],
    [`Queries: ${queries.map((q) => `"${q}"`).join(', ')} (each ${REPEAT}×). Goal: p99 < 300 ms.`],
  );
  // Latencies are in order: every query once, REPEAT times over.
  const worst = (m: Measurement, i: number) => Math.max(...m.latenciesMs.filter((_, k) => k % queries.length === i)).toFixed(0);
  console.log(
    markdownTable(
      ['query', 'reference, slowest ms', 'admin, slowest ms', 'agent, slowest ms'],
      queries.map((q, i) => [`"${q}"`, worst(reference, i), worst(asAdmin, i), worst(asAgent, i)]),
    ),
  );
  console.log('');
}

const bench: BenchFile = {
  title: 'Reports and search on a year of history',
  async run() {
    const dir = fixtureDir(SHAPE);
    const ready = fs.existsSync(`${dir}/fixture-ready`);
    if (!ready) fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    fs.chmodSync(dir, 0o755); // as root, PostgreSQL runs as "postgres" and must reach the folder
    const cleanup = cleanupOnExit('the reports bench');
    try {
      const db = await startEmbeddedDatabase({ dataDir: dir, port: await freePort(), log: (m) => console.error(m) });
      cleanup.add(() => db.stop());
      const app = await startDemoApp(db.url, dir);
      cleanup.add(() => app.close());
      if (!ready) {
        console.error(`Building the history fixture in ${dir} (once per machine and schema)…`);
        await buildHistory(db.url, SHAPE, (m) => console.error(m));
        fs.writeFileSync(`${dir}/fixture-ready`, new Date().toISOString());
      }
      const sql = createSql(db.url, { max: 4 });
      cleanup.add(() => sql.end());
      const [org] = await sql`SELECT id FROM organizations ORDER BY created_at LIMIT 1`;
      const orgId = org!.id as string;
      const [counts] = await sql`SELECT (SELECT count(*) FROM conversations WHERE org_id = ${orgId}) AS c,
        (SELECT count(*) FROM messages WHERE org_id = ${orgId}) AS m`;
      console.log(
        `Fixture: ${Number(counts!.c).toLocaleString('en-US')} conversations, ${Number(counts!.m).toLocaleString('en-US')} messages (${dir}).\n`,
      );
      const admin = createTestClient(app.url);
      await admin.auth.login.mutate({ email: 'admin@demo.test', password: 'atende-demo' });
      const agent = createTestClient(app.url);
      await agent.auth.login.mutate({ email: 'ana@demo.test', password: 'atende-demo' });
      await reportCases(sql, admin, orgId);
      await searchCases(sql, admin, agent, orgId);
    } finally {
      await cleanup.run();
    }
  },
};

export default bench;
