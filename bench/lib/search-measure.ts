/**
 * One-off measurement behind the search design (docs/architecture.md, "Search"): full-text
 * search (GIN over the three-language tsvector) against trigrams (GIN gin_trgm_ops over the
 * unaccented text) on 1M messages — index build, index size, one insert, query latency and
 * what each finds. Run: `npx tsx bench/lib/search-measure.ts [rows]` (a throwaway embedded
 * PostgreSQL; takes a few minutes on two cores).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedDatabase } from '../../db/embedded.ts';
import { migrate } from '../../db/migrate.ts';
import { createSql, type Sql } from '../../db/sql.ts';
import { freePort } from '../../test/helpers/free-port.ts';

const ROWS = Number(process.argv[2] ?? 1_000_000);

// Customer-service Portuguese with a little English and Spanish; accents on purpose.
const WORDS = `olá bom dia boa tarde obrigado obrigada por favor pedido pedidos número entrega entregue atrasado atraso reembolso
  reembolsos cancelar cancelamento cancelado ação ações informação informações cartão crédito débito boleto pagamento
  pagar pago fatura nota fiscal endereço troca trocar devolução produto produtos defeito garantia prazo dias semana
  hoje amanhã ontem ajuda atendimento cliente senha acesso conta cadastro email telefone whatsapp site aplicativo
  erro problema resolvido resolver aguardando protocolo transferência suporte vendas preço desconto cupom frete
  grátis rastreio código correios transportadora loja compra comprei recebi recebido chegou ainda não sim talvez
  refund order delivery thanks please help account password hola gracias pedido envío factura ayuda cuenta`.split(/\s+/);

async function time<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t = performance.now();
  const r = await fn();
  return [r, performance.now() - t];
}

/** One INSERT per message, as ingest does (round trip included), and the server's cost per row alone (one bulk INSERT). */
async function insertCost(sql: Sql, n = 2000): Promise<string> {
  const texts = Array.from({ length: n }, (_, i) => `${WORDS[i % WORDS.length]} pedido ${i} chegou ontem à tarde, obrigado`);
  const one = async () => {
    const [, ms] = await time(async () => {
      for (const t of texts) await sql`INSERT INTO bench_messages (text) VALUES (${t})`;
    });
    await sql`DELETE FROM bench_messages WHERE id > ${ROWS}`;
    return ms / n;
  };
  await one(); // warm
  const single = await one();
  const [, bulk] = await time(() => sql`INSERT INTO bench_messages (text) SELECT unnest(${texts}::text[]) FROM generate_series(1, 10)`);
  await sql`DELETE FROM bench_messages WHERE id > ${ROWS}`;
  return `${single.toFixed(3)} ms per single-row INSERT, ${((bulk / (n * 10)) * 1000).toFixed(1)} µs per row in bulk`;
}

const size = async (sql: Sql, index: string) =>
  (await sql`SELECT pg_size_pretty(pg_relation_size(${index}::regclass)) AS s`)[0]!.s as string;

/** What a person types, and what they mean to find. */
const QUERIES = [
  { q: 'reembolso', note: 'a word' },
  { q: 'acao', note: 'no accents ("ação")' },
  { q: 'cancelamentos', note: 'a plural (stem of "cancelamento")' },
  { q: 'transfer', note: 'a prefix ("transferência")' },
  { q: 'ansportad', note: 'the middle of a word' },
  { q: 'nota fiscal', note: 'two words' },
  { q: 'obrigado', note: 'a very common word' },
  { q: 'zebra', note: 'no such word' },
];

async function ftsQuery(sql: Sql, q: string) {
  const terms = q.split(/\s+/).map((w, i, all) => `'${w}'${i === all.length - 1 ? ':*' : ''}`);
  const tsq = terms.join(' & ');
  return sql`WITH q AS (SELECT to_tsquery('atende_pt', ${tsq}) || to_tsquery('atende_en', ${tsq}) || to_tsquery('atende_es', ${tsq}) AS q)
    SELECT id FROM (SELECT id, created_at, text FROM bench_messages, q WHERE text <> '' AND atende_search_vector(text) @@ q.q
      ORDER BY created_at DESC LIMIT 500) c, q
    ORDER BY ts_rank(atende_search_vector(c.text), q.q) DESC, created_at DESC LIMIT 30`;
}

async function trgmQuery(sql: Sql, q: string) {
  const pattern = `%${q.replace(/[%_\\]/g, '\\$&')}%`;
  return sql`SELECT id FROM (SELECT id, created_at, text FROM bench_messages
      WHERE bench_fold(text) LIKE bench_fold(${pattern}) ORDER BY created_at DESC LIMIT 500) c
    ORDER BY similarity(bench_fold(c.text), bench_fold(${q})) DESC, created_at DESC LIMIT 30`;
}

async function matches(sql: Sql, kind: 'fts' | 'trgm', q: string): Promise<number> {
  const tsq = q
    .split(/\s+/)
    .map((w, i, all) => `'${w}'${i === all.length - 1 ? ':*' : ''}`)
    .join(' & ');
  const rows =
    kind === 'fts'
      ? await sql`SELECT count(*)::int AS n FROM bench_messages WHERE text <> '' AND atende_search_vector(text) @@
          (to_tsquery('atende_pt', ${tsq}) || to_tsquery('atende_en', ${tsq}) || to_tsquery('atende_es', ${tsq}))`
      : await sql`SELECT count(*)::int AS n FROM bench_messages WHERE bench_fold(text) LIKE bench_fold(${`%${q}%`})`;
  return rows[0]!.n as number;
}

async function queryTable(sql: Sql, kind: 'fts' | 'trgm') {
  const out: string[] = [];
  for (const { q, note } of QUERIES) {
    const run = () => (kind === 'fts' ? ftsQuery(sql, q) : trgmQuery(sql, q));
    await run(); // warm
    const samples: number[] = [];
    for (let i = 0; i < 5; i++) samples.push((await time(run))[1]);
    samples.sort((a, b) => a - b);
    out.push(`| ${kind} | ${q} (${note}) | ${await matches(sql, kind, q)} | ${samples[2]!.toFixed(1)} ms |`);
  }
  return out;
}

async function main() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'atende-search-'));
  fs.chmodSync(dataDir, 0o755);
  const db = await startEmbeddedDatabase({ dataDir, port: await freePort(), log: () => {} });
  const sql = createSql(db.url, { max: 1 });
  try {
    await migrate(db.url);
    await sql`CREATE EXTENSION IF NOT EXISTS pg_trgm`;
    await sql.unsafe(`CREATE FUNCTION bench_fold(t text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE
      AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, lower(t)) $$`);
    await sql`CREATE TABLE bench_messages (id bigserial PRIMARY KEY, created_at timestamptz NOT NULL DEFAULT now(), text text NOT NULL)`;
    const [, fillMs] = await time(
      () => sql`INSERT INTO bench_messages (created_at, text)
        SELECT now() - make_interval(secs => g), (SELECT string_agg(w[1 + floor(random() * array_length(w, 1))::int + 0 * s], ' ')
          FROM generate_series(1, 6 + (g % 15)) s)
        FROM generate_series(1, ${ROWS}) g, (SELECT ${WORDS}::text[] AS w) words`,
    );
    await sql`VACUUM ANALYZE bench_messages`;
    const lines = [`rows: ${ROWS} (filled in ${(fillMs / 1000).toFixed(0)} s)`, ''];
    lines.push(`insert, no search index: ${await insertCost(sql)}`);

    const [, ftsBuild] = await time(
      () => sql`CREATE INDEX bench_fts ON bench_messages USING gin (atende_search_vector(text)) WHERE text <> ''`,
    );
    await sql`ANALYZE bench_messages`;
    lines.push(`FTS index: built in ${(ftsBuild / 1000).toFixed(0)} s, ${await size(sql, 'bench_fts')}`);
    lines.push(`insert with the FTS index: ${await insertCost(sql)}`);
    const fts = await queryTable(sql, 'fts');
    await sql`DROP INDEX bench_fts`;

    const [, trgmBuild] = await time(() => sql`CREATE INDEX bench_trgm ON bench_messages USING gin (bench_fold(text) gin_trgm_ops)`);
    await sql`ANALYZE bench_messages`;
    lines.push(`trigram index: built in ${(trgmBuild / 1000).toFixed(0)} s, ${await size(sql, 'bench_trgm')}`);
    lines.push(`insert with the trigram index: ${await insertCost(sql)}`);
    const trgm = await queryTable(sql, 'trgm');

    lines.push('', '| index | query | matches | median of 5 (30 best of the newest 500) |', '|---|---|---|---|', ...fts, ...trgm);
    console.log(lines.join('\n'));
  } finally {
    await sql.end();
    await db.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
