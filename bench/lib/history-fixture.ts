import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';

/**
 * A year of a large contact centre for the reports and search benches: `conversations`
 * closed conversations of the demo organization spread over 365 days (both teams, both
 * channels, the demo agents), `perConversation` messages each with Portuguese text, tags,
 * dispositions, ratings and transfers. Built once per machine: the data folder is kept under
 * the temp folder (see fixtureDir), so a second run starts in seconds.
 */
export interface HistoryShape {
  conversations: number;
  perConversation: number;
  contacts: number;
}

const FIXTURE_VERSION = 'v1';

/**
 * The fixture's folder: one per shape and version of the generator. Migrations added later are
 * applied to a kept fixture when the app starts on it (with their backfills), as on any
 * upgrade; bump FIXTURE_VERSION when the generator's rows change.
 */
export function fixtureDir(shape: HistoryShape): string {
  return path.join(os.tmpdir(), `atende-bench-history-${FIXTURE_VERSION}-${shape.conversations}x${shape.perConversation}`);
}

const WORDS = [
  'pedido',
  'entrega',
  'atraso',
  'boleto',
  'pagamento',
  'cartão',
  'reembolso',
  'troca',
  'devolução',
  'nota fiscal',
  'endereço',
  'senha',
  'cadastro',
  'promoção',
  'cupom',
  'desconto',
  'frete',
  'transportadora',
  'rastreio',
  'produto',
  'garantia',
  'defeito',
  'assistência',
  'técnica',
  'instalação',
  'cancelamento',
  'assinatura',
  'plano',
  'fatura',
  'cobrança',
  'atendimento',
  'reclamação',
  'elogio',
  'sugestão',
  'loja',
  'aplicativo',
  'site',
  'estoque',
  'tamanho',
  'cor',
];
const OPENERS = [
  'Olá, preciso de ajuda com',
  'Bom dia, tenho uma dúvida sobre',
  'Oi! Quero saber do',
  'Boa tarde, meu',
  'Por favor, verifiquem o',
];
const REPLIES = ['Claro, vou verificar o', 'Obrigado por aguardar, o', 'Entendi. Sobre o', 'Já encaminhei o', 'Pronto, atualizei o'];

const sqlArray = (xs: string[]) => `ARRAY[${xs.map((x) => `'${x.replace(/'/g, "''")}'`).join(',')}]`;

/**
 * Fills the demo organization of `databaseUrl` (migrated and seeded) with the history. Runs in
 * slices of 50,000 conversations so progress shows and no statement holds everything.
 */
export async function buildHistory(databaseUrl: string, shape: HistoryShape, log: (m: string) => void): Promise<void> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    const [org] = await sql`SELECT id FROM organizations ORDER BY created_at LIMIT 1`;
    const orgId = org!.id as string;
    const ids = async (q: Promise<Record<string, unknown>[]>) => (await q).map((r) => r.id as string);
    const teams = await ids(sql`SELECT id FROM teams WHERE org_id = ${orgId} ORDER BY name`);
    const channels = await ids(sql`SELECT id FROM channels WHERE org_id = ${orgId} ORDER BY kind`);
    const agents = await ids(sql`SELECT id FROM users WHERE org_id = ${orgId} AND role <> 'admin' ORDER BY email`);
    const tags = await ids(sql`SELECT id FROM tags WHERE org_id = ${orgId} ORDER BY name`);
    const dispositions = await ids(sql`SELECT id FROM dispositions WHERE org_id = ${orgId} ORDER BY name`);
    const uuids = (xs: string[]) => `ARRAY[${xs.map((x) => `'${x}'`).join(',')}]::uuid[]`;
    const started = performance.now();
    await sql.unsafe(`SET synchronous_commit = off`);
    await sql.unsafe(
      `INSERT INTO contacts (org_id, id, name, whatsapp, created_at)
       SELECT $1, md5('contact' || k)::uuid, 'Cliente ' || k, '5511' || lpad(k::text, 9, '0'), now() - interval '400 days'
       FROM generate_series(1, $2::int) k`,
      [orgId, shape.contacts],
    );
    const slice = 50_000;
    for (let from = 1; from <= shape.conversations; from += slice) {
      const to = Math.min(shape.conversations, from + slice - 1);
      // i spreads over the year in order; the multiplications are cheap deterministic "random".
      await sql.unsafe(
        `INSERT INTO conversations (org_id, id, protocol, contact_id, channel_id, team_id, status, served_by, created_at,
           queued_at, claimed_at, last_activity_at, closed_at, close_reason, closed_from, transfers, disposition_id, rating, rated_at)
         SELECT $1, md5('conv' || i)::uuid, '9' || lpad(i::text, 11, '0'), md5('contact' || (1 + i % $3::int))::uuid,
           (${uuids(channels)})[1 + i % ${channels.length}], (${uuids(teams)})[1 + (i / 7) % ${teams.length}], 'closed',
           CASE WHEN abandoned THEN NULL ELSE (${uuids(agents)})[1 + (i / 3) % ${agents.length}] END,
           created, created + wait_s * interval '1 second',
           CASE WHEN abandoned THEN NULL ELSE created + wait_s * interval '1 second' END,
           created + (wait_s + handle_s) * interval '1 second', created + (wait_s + handle_s) * interval '1 second',
           CASE WHEN abandoned THEN 'queue_timeout' WHEN i % 23 = 0 THEN 'inactivity' ELSE 'agent' END,
           CASE WHEN abandoned THEN 'waiting' ELSE 'active' END, CASE WHEN i % 29 = 0 THEN 1 ELSE 0 END,
           CASE WHEN abandoned OR i % 10 < 3 THEN NULL ELSE (${uuids(dispositions)})[1 + i % ${dispositions.length}] END,
           CASE WHEN abandoned OR i % 5 >= 2 THEN NULL ELSE 1 + (i::bigint * 31) % 5 END,
           CASE WHEN abandoned OR i % 5 >= 2 THEN NULL ELSE created + (wait_s + handle_s + 60) * interval '1 second' END
         FROM (SELECT i, i % 17 = 0 AS abandoned,
                 now() - interval '365 days' + (i::float8 / $2::int) * interval '365 days' AS created,
                 (i::bigint * 7919) % 900 AS wait_s, 60 + (i::bigint * 104729) % 1800 AS handle_s
               FROM generate_series($4::int, $5::int) i) g`,
        [orgId, shape.conversations, shape.contacts, from, to],
      );
      await sql.unsafe(
        `INSERT INTO conversation_tags (org_id, conversation_id, tag_id)
         SELECT $1, md5('conv' || i)::uuid, (${uuids(tags)})[1 + i % ${tags.length}]
         FROM generate_series($2::int, $3::int) i WHERE i % 10 < 3`,
        [orgId, from, to],
      );
      await sql.unsafe(
        `INSERT INTO messages (org_id, conversation_id, channel_id, direction, kind, text, author_id, status, created_at, provider_timestamp)
         SELECT c.org_id, c.id, c.channel_id, CASE WHEN m % 2 = 0 THEN 'in' ELSE 'out' END, 'text',
           CASE WHEN m % 2 = 0
             THEN (${sqlArray(OPENERS)})[1 + (n + m) % ${OPENERS.length}] || ' ' || (${sqlArray(WORDS)})[1 + (n * 13 + m) % ${WORDS.length}]
               || ' ' || (${sqlArray(WORDS)})[1 + (n * 7 + m * 3) % ${WORDS.length}] || ' número ' || (n * 37 + m) % 100000
             ELSE (${sqlArray(REPLIES)})[1 + (n + m) % ${REPLIES.length}] || ' ' || (${sqlArray(WORDS)})[1 + (n * 13 + m) % ${WORDS.length}]
               || ', ' || (${sqlArray(WORDS)})[1 + (n * 11 + m * 5) % ${WORDS.length}] || ' resolvido.' END,
           CASE WHEN m % 2 = 1 THEN c.served_by END, CASE WHEN m % 2 = 0 THEN 'received' ELSE 'read' END,
           c.created_at + m * interval '20 seconds', CASE WHEN m % 2 = 0 THEN c.created_at + m * interval '20 seconds' END
         FROM (SELECT v.*, right(v.protocol, 11)::int AS n FROM conversations v
               WHERE v.org_id = $1 AND v.protocol BETWEEN $2 AND $3) c
         CROSS JOIN generate_series(0, $4::int - 1) m
         WHERE m % 2 = 0 OR c.served_by IS NOT NULL
         ORDER BY c.created_at, m`,
        [orgId, `9${String(from).padStart(11, '0')}`, `9${String(to).padStart(11, '0')}`, shape.perConversation],
      );
      log(
        `history fixture: ${to.toLocaleString('en-US')} of ${shape.conversations.toLocaleString('en-US')} conversations (${((performance.now() - started) / 1000).toFixed(0)} s)`,
      );
    }
    await sql.unsafe('VACUUM ANALYZE');
    log(`history fixture: built in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  } finally {
    await sql.end();
  }
}
