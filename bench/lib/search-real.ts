/**
 * `search.messages` as shipped (db/queries/search.ts: the permission WHERE, the candidates,
 * the ranking, the snippets) on 1M messages in 20,000 conversations of the demo organization:
 * the latency an admin and an agent (history own_teams) see. Run:
 * `npx tsx bench/lib/search-real.ts [messages]` (a throwaway embedded PostgreSQL).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { startEmbeddedDatabase } from '../../db/embedded.ts';
import { migrate } from '../../db/migrate.ts';
import { searchMessages, type SearchViewer } from '../../db/queries/search.ts';
import { seedDemo } from '../../db/seed/demo.ts';
import { createSql, runTx } from '../../db/sql.ts';
import { parseSearchQuery } from '../../server/domain/search-query.ts';
import { freePort } from '../../test/helpers/free-port.ts';

const MESSAGES = Number(process.argv[2] ?? 1_000_000);
const CONVERSATIONS = 20_000;
const WORDS = `olá bom dia obrigado pedido número entrega atrasado reembolso reembolsos cancelar cancelamento ação ações
  informação cartão crédito boleto pagamento fatura nota fiscal endereço troca devolução produto defeito garantia prazo
  senha acesso conta cadastro erro problema resolvido protocolo transferência suporte preço desconto cupom frete rastreio
  código correios transportadora loja compra recebi chegou ainda não sim refund order thanks hola gracias factura`.split(/\s+/);

async function main() {
  // SEARCH_BENCH_DIR keeps the seeded database between runs (to look at plans); else a throwaway one.
  const kept = process.env.SEARCH_BENCH_DIR;
  const dataDir = kept ?? fs.mkdtempSync(path.join(os.tmpdir(), 'atende-search-real-'));
  fs.mkdirSync(dataDir, { recursive: true });
  fs.chmodSync(dataDir, 0o755);
  const db = await startEmbeddedDatabase({ dataDir, port: await freePort(), log: () => {} });
  const sql = createSql(db.url, { max: 2 });
  try {
    await migrate(db.url);
    const seeded = (await sql`SELECT count(*)::int AS n FROM organizations`)[0]!.n > 0;
    if (!seeded) await seedDemo(sql, 'x', { whatsappPhoneNumberId: '100000000000001', language: 'en', sampleConversations: false });
    const [org] = await sql`SELECT id FROM organizations LIMIT 1`;
    const orgId = org!.id as string;
    const [channel] = await sql`SELECT id FROM channels WHERE org_id = ${orgId} LIMIT 1`;
    const teams = await sql`SELECT id FROM teams WHERE org_id = ${orgId} ORDER BY name`;
    const [ana] = await sql`SELECT id FROM users WHERE email = 'ana@demo.test'`;
    const [support] = await sql`SELECT id FROM teams WHERE org_id = ${orgId} AND name = 'Support'`;
    const t0 = performance.now();
    if (!seeded) await seed();
    async function seed() {
      await sql`INSERT INTO contacts (org_id, name) SELECT ${orgId}, 'Contact ' || g FROM generate_series(1, ${CONVERSATIONS}) g`;
      await sql`INSERT INTO conversations (org_id, protocol, contact_id, channel_id, team_id, status, closed_at, close_reason, created_at)
      SELECT ${orgId}, to_char(date '2026-01-01' + (n / 100)::int, 'YYYYMMDD') || '-' || lpad((n % 100)::text, 6, '0'), c.id, ${channel!.id},
        (${teams.map((t) => t.id as string)}::uuid[])[1 + n % 2], 'closed', now(), 'agent', now() - make_interval(days => (n / 100)::int)
      FROM (SELECT id, row_number() OVER () AS n FROM contacts WHERE org_id = ${orgId}) c`;
      await sql`INSERT INTO messages (org_id, conversation_id, channel_id, direction, kind, text, status, created_at)
      SELECT ${orgId}, conv.ids[1 + g % ${CONVERSATIONS}], ${channel!.id}, 'in', 'text',
        (SELECT string_agg(w[1 + floor(random() * array_length(w, 1))::int + 0 * s], ' ') FROM generate_series(1, 6 + (g % 15)) s),
        'received', now() - make_interval(secs => g)
      FROM generate_series(1, ${MESSAGES}) g,
        (SELECT array_agg(id ORDER BY created_at) AS ids FROM conversations WHERE org_id = ${orgId}) conv,
        (SELECT ${WORDS}::text[] AS w) words`;
      await sql`VACUUM ANALYZE`;
    }
    const lines = [
      `${MESSAGES} messages in ${CONVERSATIONS} conversations (seeded and indexed in ${((performance.now() - t0) / 1000).toFixed(0)} s)`,
      '',
    ];
    const admin: SearchViewer = { id: '00000000-0000-0000-0000-000000000000', role: 'admin', teamIds: [], historyAccess: 'all' };
    const agent: SearchViewer = { id: ana!.id as string, role: 'agent', teamIds: [support!.id as string], historyAccess: 'own_teams' };
    // Trying an index or a setting on the kept database: BENCH_SQL runs before the measurement.
    if (process.env.BENCH_SQL) await sql.unsafe(process.env.BENCH_SQL);
    const explainQuery = process.env.EXPLAIN;
    if (explainQuery) {
      // The plan of one search, printed through auto_explain (a notice to this connection).
      const explain = postgres(db.url, { max: 1, onnotice: (n) => console.log(n.message) }) as unknown as typeof sql;
      await explain.unsafe(`LOAD 'auto_explain'`);
      await explain.unsafe(`SET auto_explain.log_min_duration = 0; SET auto_explain.log_analyze = on; SET auto_explain.log_level = notice`);
      await runTx(explain, (tx) =>
        searchMessages(tx, orgId, agent, {
          ...parseSearchQuery(explainQuery),
          limit: 30,
          filters: {},
          startSel: '[',
          stopSel: ']',
          notes: true,
        }),
      );
      await explain.end();
    }
    lines.push('| who | query | hits | median of 5 |', '|---|---|---|---|');
    for (const [who, viewer] of [
      ['admin', admin],
      ['agent (own_teams)', agent],
    ] as const) {
      for (const q of ['reembolso', 'acao', 'nota fiscal', 'transportad', '20260105-000042', 'zebra']) {
        const p = parseSearchQuery(q);
        // As the command runs it: in a transaction (SET LOCAL plan_cache_mode, statement timeout).
        const run = () =>
          runTx(sql, (tx) => searchMessages(tx, orgId, viewer, { ...p, limit: 30, filters: {}, startSel: '[', stopSel: ']', notes: true }));
        await run();
        const samples: number[] = [];
        let hits = 0;
        for (let i = 0; i < 5; i++) {
          const t = performance.now();
          hits = (await run()).length;
          samples.push(performance.now() - t);
        }
        samples.sort((a, b) => a - b);
        lines.push(`| ${who} | ${q} | ${hits} | ${samples[2]!.toFixed(0)} ms |`);
      }
    }
    console.log(lines.join('\n'));
  } finally {
    await sql.end();
    await db.stop();
    if (!kept) fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
