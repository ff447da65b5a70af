import postgres from 'postgres';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { TestApp } from '../../../test/helpers/app.ts';
import type { FakeGraph } from '../../../test/helpers/fake-graph.ts';
import { createOtherOrg, demoIds, waitFor } from '../../../test/helpers/orgs.ts';
import { botMenuChannel, change, PHONE_NUMBER_ID, postWebhook, startWhatsAppApp } from '../../../test/helpers/whatsapp.ts';

// Issue 14, goal 2: a webhook payload's messages are stored in one transaction per channel,
// each in a savepoint (a message refused on its own account does not sink the others).

let app: TestApp;
let graph: FakeGraph;
let ids: Awaited<ReturnType<typeof demoIds>>;

beforeAll(async () => {
  ({ app, graph } = await startWhatsAppApp());
  ids = await demoIds(app.db.sql);
  // Two menu options: a first message gets the menu, the next ones the "invalid" answer.
  await botMenuChannel(app.db.sql, ids);
});
afterAll(async () => {
  await app?.stop();
  await graph?.close();
});
afterEach(() => {
  vi.restoreAllMocks();
});

let run = 0;
type Item = { from: string; text: string; wamid?: string };

/** One payload of several messages, possibly from several customers, as Meta batches them. */
function payload(items: Item[], phoneNumberId = PHONE_NUMBER_ID) {
  const tag = `${Date.now()}${run++}`;
  const ts = String(Math.floor(Date.now() / 1000));
  const froms = [...new Set(items.map((i) => i.from))];
  const wamids = items.map((i, n) => i.wamid ?? `wamid.B${tag}_${n}`);
  const value = change(
    {
      contacts: froms.map((from) => ({ profile: { name: `Cliente ${from.slice(-4)}` }, wa_id: from })),
      messages: items.map((i, n) => ({ from: i.from, id: wamids[n], timestamp: ts, type: 'text', text: { body: i.text } })),
    },
    phoneNumberId,
  );
  return { body: { object: 'whatsapp_business_account', entry: [{ id: 'WABA-1', changes: [{ field: 'messages', value }] }] }, wamids };
}

/** The inbound rows of these wamids in stored order (seq), with their transaction's start. */
const inbound = (wamids: string[]) =>
  app.db.sql`SELECT channel_message_id AS wamid, id, created_at::text AS "txStart" FROM messages
    WHERE direction = 'in' AND channel_message_id = ANY(${wamids}) ORDER BY seq`;

/** The message.created events of these messages in id order, with the transaction that wrote each. */
const createdEvents = (messageIds: string[]) =>
  app.db.sql`SELECT data->>'messageId' AS "messageId", tx::text AS xid, at::text AS "txStart" FROM events
    WHERE type = 'message.created' AND data->>'messageId' = ANY(${messageIds}) ORDER BY id`;

async function expectOneTransaction(wamids: string[]) {
  const rows = await inbound(wamids);
  expect(rows.map((r) => r.wamid)).toEqual(wamids);
  const events = await createdEvents(rows.map((r) => r.id as string));
  expect(events.map((e) => e.messageId)).toEqual(rows.map((r) => r.id));
  // One transaction: the events (written at its top level) carry one transaction id, and
  // every message and event the same now() (its start, to the microsecond). A message's row
  // has its savepoint's own id, so it is tied by the start time.
  expect(new Set(events.map((e) => e.xid)).size).toBe(1);
  expect(new Set([...rows, ...events].map((r) => r.txStart)).size).toBe(1);
}

const customers = (base: number, n: number) => Array.from({ length: n }, (_, i) => `55119${String(base + i).padStart(8, '0')}`);

describe('a payload in one transaction', () => {
  it('stores 10 messages from 10 customers in order, in one transaction', async () => {
    const p = payload(customers(10_000, 10).map((from, i) => ({ from, text: `hello ${i}` })));
    expect((await postWebhook(app.url, p.body)).status).toBe(200);
    await expectOneTransaction(p.wamids);
    // Each customer's conversation opened, with protocols in payload order; each got the menu.
    const convs = await app.db.sql`SELECT c.protocol, k.whatsapp, (SELECT count(*)::int FROM messages m
        WHERE m.conversation_id = c.id AND m.direction = 'out') AS menus
      FROM conversations c JOIN contacts k ON k.id = c.contact_id WHERE k.whatsapp = ANY(${customers(10_000, 10)}) ORDER BY c.protocol`;
    expect(convs.map((c) => c.whatsapp)).toEqual(customers(10_000, 10));
    expect(convs.every((c) => c.menus === 1)).toBe(true);
  });

  it('stores 10 messages from 1 customer in order, in one transaction, with the bot answering each', async () => {
    const [from] = customers(20_000, 1) as [string];
    const p = payload(Array.from({ length: 10 }, (_, i) => ({ from, text: `words ${i}` })));
    expect((await postWebhook(app.url, p.body)).status).toBe(200);
    await expectOneTransaction(p.wamids);
    const thread = await app.db.sql`SELECT m.direction, m.text FROM messages m JOIN conversations c ON c.id = m.conversation_id
      JOIN contacts k ON k.id = c.contact_id WHERE k.whatsapp = ${from} ORDER BY m.seq`;
    // The menu after the first, "Sorry?" and the menu after each of the others, interleaved.
    expect(thread.map((m) => m.direction)).toEqual(Array.from({ length: 10 }, () => ['in', 'out']).flat());
    expect(thread.filter((m) => m.direction === 'in').map((m) => m.text)).toEqual(Array.from({ length: 10 }, (_, i) => `words ${i}`));
    expect(thread[3]!.text).toMatch(/^Sorry\?\n/);
  });

  it('a message refused on its own account (a NUL in its text) is logged; the other 9 are stored', async () => {
    const error = vi.spyOn(app.services.log, 'error');
    const froms = customers(30_000, 10);
    // JSON allows \u0000; PostgreSQL text does not (22021): the real insert refuses it.
    const p = payload(froms.map((from, i) => ({ from, text: i === 4 ? 'bad \u0000 text' : `hello ${i}` })));
    const wamids = p.wamids;
    expect((await postWebhook(app.url, p.body)).status).toBe(200);
    const good = wamids.filter((_, i) => i !== 4);
    await expectOneTransaction(good);
    expect(await inbound([wamids[4]!])).toHaveLength(0);
    // Rolled back whole: no contact, no conversation (nor protocol number) for that customer.
    expect(await app.db.sql`SELECT 1 FROM contacts WHERE whatsapp = ${froms[4]!}`).toHaveLength(0);
    const refusal = error.mock.calls.find((c) => (c[1] as string | undefined)?.startsWith('WhatsApp message refused'));
    expect(refusal?.[0]).toMatchObject({ wamid: wamids[4], err: { code: '22021' } });
  });

  it('the same payload posted twice at once stores each message once, without a deadlock', async () => {
    const p = payload(customers(40_000, 10).map((from, i) => ({ from, text: `twice ${i}` })));
    const answers = await Promise.all([postWebhook(app.url, p.body), postWebhook(app.url, p.body)]);
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    await expectOneTransaction(p.wamids);
    const [{ n }] = (await app.db.sql`SELECT count(*)::int AS n FROM messages WHERE channel_message_id = ANY(${p.wamids})`) as [
      { n: number },
    ];
    expect(n).toBe(10);
  });

  it('two payloads naming the same customers in opposite orders, at once: both stored, none lost to a deadlock', async () => {
    const froms = customers(50_000, 6);
    const a = payload(froms.map((from) => ({ from, text: 'a' })));
    const b = payload([...froms].reverse().map((from) => ({ from, text: 'b' })));
    const answers = await Promise.all([postWebhook(app.url, a.body), postWebhook(app.url, b.body)]);
    expect(answers.map((r) => r.status)).toEqual([200, 200]);
    expect(await inbound([...a.wamids, ...b.wamids])).toHaveLength(12);
    expect(
      await app.db.sql`SELECT 1 FROM conversations c JOIN contacts k ON k.id = c.contact_id WHERE k.whatsapp = ANY(${froms})`,
    ).toHaveLength(6);
  });
});

describe('two organizations', () => {
  it('payloads for two organizations posted in opposite orders at once: all stored, no deadlock', async () => {
    const routes: { path: string; secret: string; phone: string }[] = [];
    for (const tag of ['batch-a', 'batch-b']) {
      const { org } = await createOtherOrg(app.db.sql, tag);
      const phone = tag === 'batch-a' ? '100000000000881' : '100000000000882';
      const [row] = await app.db.sql`INSERT INTO channels (org_id, kind, name, phone_number_id, app_secret, verify_token, access_token)
        VALUES (${org.id}, 'whatsapp', ${tag}, ${phone}, ${`${tag}-secret`}, 'token', 'env-access-token') RETURNING id`;
      routes.push({ path: `/webhooks/whatsapp/${row!.id}`, secret: `${tag}-secret`, phone });
    }
    const froms = customers(60_000, 5);
    const post = (r: (typeof routes)[number], text: string) => {
      const p = payload(
        froms.map((from) => ({ from, text })),
        r.phone,
      );
      return { wamids: p.wamids, answer: postWebhook(app.url, p.body, { path: r.path, secret: r.secret }) };
    };
    const [x, y] = routes as [(typeof routes)[number], (typeof routes)[number]];
    const sent = [post(x, 'first'), post(y, 'first'), post(y, 'second'), post(x, 'second')];
    const answers = await Promise.all(sent.map((s) => s.answer));
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    for (const s of sent) await expectOneTransaction(s.wamids);
  });
});

describe('the database lost mid-payload', () => {
  it('answers 503, keeps nothing of it, and the retry stores every message once', async () => {
    const froms = customers(70_000, 10);
    // The 5th customer already has a conversation: holding its row stops the payload there.
    const first = payload([{ from: froms[4]!, text: 'earlier' }]);
    expect((await postWebhook(app.url, first.body)).status).toBe(200);
    const p = payload(froms.map((from, i) => ({ from, text: `mid ${i}` })));
    const wamids = p.wamids;
    const holder = postgres(app.db.url, { max: 1, onnotice: () => {} });
    try {
      let answer: Promise<Response> | undefined;
      await holder.begin(async (tx) => {
        await tx`SELECT c.id FROM conversations c JOIN contacts k ON k.id = c.contact_id WHERE k.whatsapp = ${froms[4]!} FOR UPDATE OF c`;
        answer = postWebhook(app.url, p.body);
        await waitFor(
          async () => (await tx`SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND application_name = 'atende'`).length > 0,
          'the payload waiting on the held row',
        );
        await tx`SELECT pg_terminate_backend(pid) FROM pg_stat_activity
          WHERE datname = current_database() AND application_name = 'atende' AND pid <> pg_backend_pid()`;
        expect((await answer).status).toBe(503);
      });
    } finally {
      await holder.end();
    }
    // One transaction: the 4 messages stored before the loss are gone with it.
    expect(await inbound(wamids)).toHaveLength(0);
    await waitFor(async () => (await postWebhook(app.url, p.body)).status === 200, 'recovery');
    expect((await postWebhook(app.url, p.body)).status).toBe(200);
    await expectOneTransaction(wamids);
  });
});

describe('protocol numbers', () => {
  const protocolsOf = async (froms: string[]) =>
    (await app.db.sql`SELECT c.protocol, k.whatsapp FROM conversations c JOIN contacts k ON k.id = c.contact_id
      WHERE k.whatsapp = ANY(${froms})`) as unknown as { protocol: string; whatsapp: string }[];

  it('concurrent payloads opening conversations in one organization get unique numbers', async () => {
    const singles = customers(80_000, 12);
    const batched = customers(81_000, 15);
    const posts = [
      ...singles.map((from) => postWebhook(app.url, payload([{ from, text: 'oi' }]).body)),
      ...[0, 5, 10].map((k) => postWebhook(app.url, payload(batched.slice(k, k + 5).map((from) => ({ from, text: 'oi' }))).body)),
    ];
    expect((await Promise.all(posts)).map((r) => r.status)).toEqual(posts.map(() => 200));
    const rows = await protocolsOf([...singles, ...batched]);
    expect(rows).toHaveLength(27);
    expect(rows.every((r) => /^\d{8}-\d{6}$/.test(r.protocol))).toBe(true);
    expect(new Set(rows.map((r) => r.protocol)).size).toBe(27);
  });

  it('a payload still in its transaction does not hold up another customer getting a number', async () => {
    const [held, fresh, other] = customers(82_000, 3) as [string, string, string];
    // `held` already has a conversation: holding its row stops the next payload after it has opened `fresh`'s.
    expect((await postWebhook(app.url, payload([{ from: held, text: 'earlier' }]).body)).status).toBe(200);
    const holder = postgres(app.db.url, { max: 1, onnotice: () => {} });
    try {
      let blocked: Promise<Response> | undefined;
      await holder.begin(async (tx) => {
        await tx`SELECT c.id FROM conversations c JOIN contacts k ON k.id = c.contact_id WHERE k.whatsapp = ${held} FOR UPDATE OF c`;
        blocked = postWebhook(
          app.url,
          payload([
            { from: fresh, text: 'first words' },
            { from: held, text: 'more' },
          ]).body,
        );
        await waitFor(
          async () => (await tx`SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND application_name = 'atende'`).length > 0,
          'the payload waiting on the held row',
        );
        // Its transaction has opened `fresh`'s conversation (numbered) and waits: another
        // new customer is numbered and stored meanwhile (the counter's row is not held).
        expect((await postWebhook(app.url, payload([{ from: other, text: 'hello' }]).body)).status).toBe(200);
        expect(await protocolsOf([fresh])).toHaveLength(0);
      });
      expect((await blocked!).status).toBe(200);
    } finally {
      await holder.end();
    }
    const rows = await protocolsOf([fresh, other]);
    const number = (from: string) => rows.find((r) => r.whatsapp === from)!.protocol;
    // Reserved before its transaction: the held payload's number is the smaller one.
    expect(number(fresh) < number(other)).toBe(true);
  });
});
