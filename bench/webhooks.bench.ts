import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSql, type Sql } from '../db/sql.ts';
import { startFakeGraph, type FakeGraph } from '../test/helpers/fake-graph.ts';
import { APP_SECRET, PHONE_NUMBER_ID, VERIFY_TOKEN, envelope, postWebhook, textMessage } from '../test/helpers/whatsapp.ts';
import { describeCpu, withCpu, type CpuEvidence } from './lib/cpu-evidence.ts';
import { closedLoop } from './lib/load.ts';
import { pinnedBenchDatabase, startPinnedApp } from './lib/pinned-database.ts';
import { printTable, type BenchFile, type Measurement } from './lib/report.ts';

/**
 * Inbound WhatsApp messages durably stored per second: signed webhook POSTs to
 * /webhooks/whatsapp, which answers 200 only after every message in the payload has
 * committed (signature check, parse, the dedupe and protocol numbers in one statement, then
 * the payload's messages in one transaction: find or create the contact, open or start the
 * conversation, insert the message, the bot's turn, the events). The floor under it: the same number of concurrent workers sending
 * plain idempotent INSERTs (one row per message, autocommit) through postgres.js into a
 * scratch table of the same database. Then both again with 10 messages per payload / INSERT.
 * The app runs in a process of its own pinned to core 0 with its PostgreSQL; the senders, the
 * floor's pool and the fake Graph API in this process on core 1; each table prints how busy each
 * side and the generator were, and flags a saturated generator.
 */

const _root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Who the CPU evidence watches: the app process and PostgreSQL's processes. */
interface Watched {
  appPids: () => number[];
  dbPids: () => number[];
}

const SENDERS = 20;
const BATCH = 10;
/** Returning customers: each opens a conversation and picks "1 Support" before the measurement. */
const RETURNING = 20;
/**
 * Requests per case. Sized so the whole file stays under ~60 s on two cores (database start
 * and seed included), where the app stores 30–70 messages/s: it gets fewer requests than the
 * floor, which runs 25–100× faster and needs more operations for a stable rate. The batch case
 * of the app needs no warm-up of its own: the single case has run every code path.
 */
const SINGLE = { app: { warmUp: 40, posts: 400 }, floor: { warmUp: 200, posts: 1500 } };
const BATCHED = { app: { warmUp: 0, posts: 50 }, floor: { warmUp: 20, posts: 150 } };
/** The floor's own pool, one connection per worker; the app's is db/sql.ts's default (10). */
const FLOOR_POOL = SENDERS;
const DRAIN_TIMEOUT_MS = 30_000;

const NEW_TEXT = 'Oi, boa tarde! Gostaria de saber o status do meu pedido, por favor.';
const REPLY_TEXT = 'É o pedido 48213, comprei na semana passada e ainda não chegou.';

type Value = ReturnType<typeof textMessage>;

/**
 * The customers who write in: every other message is from a number never seen before (a new
 * contact and conversation, answered by the bot menu), the rest rotate over the returning
 * customers, whose conversations are already waiting in the Support queue.
 */
class Traffic {
  /** Every wamid this traffic produced, to check afterwards that each was stored once. */
  readonly wamids: string[] = [];
  /** How many messages came from numbers never seen before (each must start a conversation). */
  newCustomers = 0;
  private replies = 0;
  private seq = 0;

  constructor(
    private tag: string,
    private firstNewNumber: number,
  ) {}

  private message(from: string, text: string): Value {
    const wamid = `wamid.BENCH${this.tag}${String(++this.seq).padStart(9, '0')}`;
    this.wamids.push(wamid);
    return textMessage(from, text, { id: wamid });
  }

  returningNumber(k: number): string {
    return `5521${String(900_000_000 + k)}`;
  }

  /** The `i`-th message of the mix. */
  next(i: number): Value {
    if (i % 2 === 0) return this.message(`5511${String(this.firstNewNumber + ++this.newCustomers)}`, NEW_TEXT);
    return this.message(this.returningNumber(this.replies++ % RETURNING), REPLY_TEXT);
  }

  /** `count` messages of the mix in one `value`, as Meta batches them (one contact entry each). */
  batch(i: number, count: number): Value {
    const parts = Array.from({ length: count }, (_, j) => this.next(i * count + j));
    return { contacts: parts.flatMap((p) => p.contacts), messages: parts.flatMap((p) => p.messages) };
  }

  /** A returning customer's first two messages: a greeting, then "1" for Support. */
  opening(k: number, step: 'greet' | 'choose'): Value {
    return this.message(this.returningNumber(k), step === 'greet' ? 'Oi' : '1');
  }
}

/** Sends one signed payload as Meta does and requires the 200 that means "committed". */
async function deliver(baseUrl: string, value: Value): Promise<void> {
  const res = await postWebhook(baseUrl, envelope(value));
  const text = await res.text();
  if (res.status !== 200) throw new Error(`POST /webhooks/whatsapp answered ${res.status}: ${text}`);
}

/** The floor's write: the message rows alone, idempotent on the wamid, one statement in autocommit. */
async function insertFloor(floor: Sql, value: Value): Promise<void> {
  const params: string[] = [];
  const rows = value.messages.map((m, j) => {
    params.push(m.id as string, JSON.stringify({ contact: value.contacts[j], message: m }));
    return `($${params.length - 1}, $${params.length}::jsonb)`;
  });
  await floor.unsafe(`INSERT INTO bench_inbound (id, body) VALUES ${rows.join(', ')} ON CONFLICT DO NOTHING`, params);
}

/** Warm-up, then the measured run; ops are messages (so the batch cases count 10 per request). */
async function measure(
  name: string,
  options: { warmUp: number; posts: number; perPost: number },
  groups: Record<string, () => number[]>,
  send: (i: number) => Promise<void>,
): Promise<Measurement & { cpu: CpuEvidence }> {
  if (options.warmUp > 0) await closedLoop('warm-up', { concurrency: SENDERS, operations: options.warmUp }, (_, i) => send(i));
  const { result: m, cpu } = await withCpu(groups, () =>
    closedLoop(name, { concurrency: SENDERS, operations: options.posts }, (_, i) => send(options.warmUp + i)),
  );
  return { ...m, operations: m.operations * options.perPost, cpu };
}

/** Waits until the delivery worker has sent every bot message, so it does not spill into the next case. */
async function drainOutbound(sql: Sql, channelId: string): Promise<number> {
  const start = performance.now();
  for (;;) {
    const [row] =
      await sql`SELECT count(*)::int AS n FROM messages WHERE channel_id = ${channelId} AND direction = 'out' AND status IN ('queued', 'sending')`;
    if (row!.n === 0) return (performance.now() - start) / 1000;
    if (performance.now() - start > DRAIN_TIMEOUT_MS)
      throw new Error(`${row!.n as number} bot messages still unsent after ${DRAIN_TIMEOUT_MS / 1000} s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Every wamid sent was stored exactly once, as an inbound message of the channel; fails loudly otherwise. */
async function expectStoredOnce(sql: Sql, orgId: string, channelId: string, wamids: string[]) {
  const [row] = await sql`
    SELECT count(*)::int AS stored, count(DISTINCT channel_message_id)::int AS distinct_ids,
      count(DISTINCT conversation_id)::int AS conversations
    FROM messages
    WHERE org_id = ${orgId} AND channel_id = ${channelId} AND direction = 'in' AND channel_message_id = ANY(${wamids}::text[])`;
  const {
    stored,
    distinct_ids: distinct,
    conversations,
  } = row as unknown as { stored: number; distinct_ids: number; conversations: number };
  if (stored !== wamids.length || distinct !== wamids.length) {
    const missing = await sql`
      SELECT w FROM unnest(${wamids}::text[]) w
      WHERE NOT EXISTS (SELECT 1 FROM messages WHERE org_id = ${orgId} AND channel_id = ${channelId} AND channel_message_id = w)
      LIMIT 5`;
    throw new Error(
      `sent ${wamids.length} WhatsApp messages (each answered 200) but ${stored} rows hold ${distinct} of their wamids` +
        (missing.length ? `; missing e.g. ${missing.map((r) => r.w as string).join(', ')}` : ''),
    );
  }
  return { stored, conversations };
}

async function expectFloorRows(floor: Sql, wamids: string[]): Promise<void> {
  const [row] = await floor`SELECT count(*)::int AS n FROM bench_inbound WHERE id = ANY(${wamids}::text[])`;
  if (row!.n !== wamids.length) throw new Error(`floor: ${wamids.length} rows inserted but ${row!.n as number} stored`);
}

async function run(baseUrl: string, databaseUrl: string, graph: FakeGraph, pids: Watched): Promise<void> {
  const floorSide = { PostgreSQL: pids.dbPids };
  const appSide = { app: pids.appPids, PostgreSQL: pids.dbPids };
  const sql = createSql(databaseUrl, { max: 2 });
  const floor = createSql(databaseUrl, { max: FLOOR_POOL });
  try {
    const [settings] = await sql`SELECT current_setting('fsync') AS fsync, current_setting('synchronous_commit') AS sync`;
    console.log(`PostgreSQL fsync=${settings!.fsync as string}, synchronous_commit=${settings!.sync as string}.\n`);
    const [channel] = await sql`SELECT id, org_id FROM channels WHERE kind = 'whatsapp' AND phone_number_id = ${PHONE_NUMBER_ID}`;
    if (!channel) throw new Error(`the demo seed has no WhatsApp channel for phone_number_id ${PHONE_NUMBER_ID}`);
    const orgId = channel.org_id as string;
    const channelId = channel.id as string;
    await floor`CREATE TABLE bench_inbound (id text PRIMARY KEY, body jsonb NOT NULL)`;

    // The floor's ids and the app's are separate namespaces; new numbers never repeat across cases.
    const floorTraffic = new Traffic('F', 100_000_000);
    const appTraffic = new Traffic('A', 200_000_000);

    // Returning customers open their conversations and choose Support (also the app's first warm-up).
    const setupStart = performance.now();
    await closedLoop('setup', { concurrency: SENDERS, operations: RETURNING }, (_, k) => deliver(baseUrl, appTraffic.opening(k, 'greet')));
    await closedLoop('setup', { concurrency: SENDERS, operations: RETURNING }, (_, k) => deliver(baseUrl, appTraffic.opening(k, 'choose')));
    const [queued] = await sql`
      SELECT count(*)::int AS n FROM conversations c JOIN contacts k ON k.id = c.contact_id
      WHERE c.org_id = ${orgId} AND c.channel_id = ${channelId} AND c.status = 'waiting' AND k.whatsapp LIKE '5521%'`;
    if (queued!.n !== RETURNING)
      throw new Error(`setup: ${queued!.n as number} of ${RETURNING} returning customers are waiting in a queue`);
    await drainOutbound(sql, channelId);
    console.log(
      `Setup: ${RETURNING} returning customers greeted and queued for Support in ${((performance.now() - setupStart) / 1000).toFixed(1)} s (not measured).\n`,
    );

    // 1. One message per request / per INSERT.
    const floorSingle = await measure('floor: INSERT … ON CONFLICT DO NOTHING, 1 row', { ...SINGLE.floor, perPost: 1 }, floorSide, (i) =>
      insertFloor(floor, floorTraffic.next(i)),
    );
    const appSingle = await measure('POST /webhooks/whatsapp, 1 message', { ...SINGLE.app, perPost: 1 }, appSide, (i) =>
      deliver(baseUrl, appTraffic.next(i)),
    );
    const drainSingle = await drainOutbound(sql, channelId);

    // 2. Ten messages per request / per INSERT.
    const floorBatch = await measure(
      `floor: INSERT … ON CONFLICT DO NOTHING, ${BATCH} rows`,
      { ...BATCHED.floor, perPost: BATCH },
      floorSide,
      (i) => insertFloor(floor, floorTraffic.batch(i, BATCH)),
    );
    const appBatch = await measure(`POST /webhooks/whatsapp, ${BATCH} messages`, { ...BATCHED.app, perPost: BATCH }, appSide, (i) =>
      deliver(baseUrl, appTraffic.batch(i, BATCH)),
    );

    await expectFloorRows(floor, floorTraffic.wamids);
    const stored = await expectStoredOnce(sql, orgId, channelId, appTraffic.wamids);
    if (stored.conversations !== RETURNING + appTraffic.newCustomers) {
      throw new Error(
        `the messages landed in ${stored.conversations} conversations, not ${RETURNING + appTraffic.newCustomers} ` +
          `(${RETURNING} returning customers + ${appTraffic.newCustomers} new ones): replies did not all join the open conversation`,
      );
    }
    const [bot] = await sql`
      SELECT count(*)::int AS total, (count(*) FILTER (WHERE status = 'sent'))::int AS sent
      FROM messages WHERE channel_id = ${channelId} AND direction = 'out'`;

    const notes = (sendersNote: string, floorM: { cpu: CpuEvidence }, appM: { cpu: CpuEvidence }) => [
      'ops/s = messages durably stored per second; latency = one request (200 only after every message in it committed) / one INSERT.',
      `Mix: every other message from a new number (contact + conversation + bot menu queued for sending), the rest replies from ${RETURNING} returning customers waiting in the Support queue. ` +
        `The delivery worker sends the bot messages to a local fake Graph API meanwhile; ${sendersNote}.`,
      `Floor: postgres.js pool of ${FLOOR_POOL}, the message rows alone into a scratch table (text primary key, jsonb), autocommit. The app's pool has 10 connections.`,
      describeCpu('CPU, share of one core, floor', floorM.cpu),
      describeCpu('CPU, share of one core, case', appM.cpu),
    ];
    printTable(
      `Inbound webhooks, 1 message per request (${SENDERS} senders in a closed loop; ${SINGLE.app.posts} requests to the app, ${SINGLE.floor.posts} INSERTs for the floor)`,
      floorSingle,
      [appSingle],
      notes(`it finished ${drainSingle.toFixed(1)} s after the last request (waited for before the next case)`, floorSingle, appSingle),
    );
    printTable(
      `Inbound webhooks, ${BATCH} messages per request (${SENDERS} senders in a closed loop; ${BATCHED.app.posts} requests = ${BATCHED.app.posts * BATCH} messages to the app, ${BATCHED.floor.posts} INSERTs for the floor)`,
      floorBatch,
      [appBatch],
      notes(
        `by the end of the run it had sent ${bot!.sent as number} of the ${bot!.total as number} bot messages queued in all`,
        floorBatch,
        appBatch,
      ),
    );
    console.log(
      `Checked: all ${appTraffic.wamids.length} wamids sent to the app (warm-ups and setup included) are stored exactly once, ` +
        `in ${stored.conversations} conversations (one per customer); all ${floorTraffic.wamids.length} floor rows are stored. ` +
        `The fake Graph API received ${graph.posts.length} sends.\n`,
    );
  } finally {
    await floor.end({ timeout: 2 });
    await sql.end({ timeout: 2 });
  }
}

const bench: BenchFile = {
  title: 'Inbound WhatsApp webhooks against plain idempotent INSERTs',
  async run() {
    const graph = await startFakeGraph({ token: 'bench-access-token' });
    const setup = await pinnedBenchDatabase('bench-webhooks', 'the benchmark, its app and its database');
    const { db, cleanup, dbPids } = setup;
    cleanup.add(() => graph.close());
    try {
      const app = await startPinnedApp(
        setup,
        {
          WHATSAPP_APP_SECRET: APP_SECRET,
          WHATSAPP_VERIFY_TOKEN: VERIFY_TOKEN,
          WHATSAPP_ACCESS_TOKEN: 'bench-access-token',
          WHATSAPP_PHONE_NUMBER_ID: PHONE_NUMBER_ID,
          WHATSAPP_GRAPH_URL: graph.url,
        },
        `the ${SENDERS} senders, the floor's pool and the fake Graph API`,
      );
      await run(app.url, db.url, graph, { appPids: () => [app.pid], dbPids });
    } finally {
      await cleanup.run();
    }
  },
};
export default bench;
