import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { getChannel } from '../db/queries/channels.ts';
import { CloseCode } from '../sync/shared/close-codes.ts';
import { startApp, type RunningApp } from './app.ts';
import { parseEnv } from './env.ts';
import { createLogger } from './log.ts';
import { createTestDatabase, type TestDatabase } from '../test/helpers/db.ts';
import { openEventStream } from '../test/helpers/events.ts';
import { makeContact } from '../test/helpers/factories.ts';
import { startFakeGraph, type FakeGraph } from '../test/helpers/fake-graph.ts';
import { freePort } from '../test/helpers/free-port.ts';
import { demoIds, waitFor } from '../test/helpers/orgs.ts';
import { startRedis } from '../test/helpers/redis.ts';
import { connectDoc } from '../test/helpers/sync.ts';
import { createTestClient, type TestClient } from '../test/helpers/trpc-client.ts';
import { APP_SECRET, envelope, PHONE_NUMBER_ID, postWebhook, sign, textMessage, VERIFY_TOKEN } from '../test/helpers/whatsapp.ts';

/**
 * The graceful drain (issue 13, part 3), for real: process A is `server/main.ts` in a child
 * process, B runs in this one, both on one PostgreSQL and one Redis, behind a small TCP load
 * balancer that health-checks A. Clients work through the balancer — a stock y-websocket
 * client editing notes, an agent sending replies over tRPC, a customer's signed webhooks,
 * the agent's event stream — while A gets a real SIGTERM. Everything must arrive through B,
 * once: every edit in the document and in PostgreSQL, every reply and customer message
 * stored once, every delivery at the fake Graph API once, the event stream resumed without
 * repeats or gaps; A says 503 on /healthz while draining and exits 0 within its deadline.
 */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DRAIN_TIMEOUT_SECONDS = 20;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface MainProcess {
  url: string;
  child: ChildProcess;
  /** The JSON log lines it printed. */
  lines: Record<string, unknown>[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
}

/** `node server/main.ts` with this environment (no vitest in it), once it listens. */
function startMain(env: Record<string, string>, port: number): Promise<MainProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'server', 'main.ts')], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Record<string, unknown>[] = [];
  let stderr = '';
  let partial = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal, at: Date.now() })),
  );
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server/main.ts did not start in time:\n${stderr}`));
    }, 60_000);
    child.stdout!.on('data', (d: Buffer) => {
      partial += d.toString();
      const complete = partial.split('\n');
      partial = complete.pop() ?? '';
      for (const line of complete) {
        if (!line.startsWith('{')) continue;
        try {
          const entry = JSON.parse(line) as Record<string, unknown>;
          lines.push(entry);
          if (entry.msg === 'listening') {
            clearTimeout(timer);
            resolve({ url: `http://127.0.0.1:${port}`, child, lines, exited });
          }
        } catch {
          // not a log line
        }
      }
    });
    void exited.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`server/main.ts exited (${code}) before listening:\n${stderr}`));
    });
  });
}

/**
 * A TCP load balancer in front of A and B: new connections go to A while A's /healthz says
 * 200, else to B; a connection A refuses goes to B. Connections stay where they were made.
 */
async function startBalancer(a: string, b: string) {
  let aUp = true;
  let stopped = false;
  const routed = { a: 0, b: 0 };
  void (async () => {
    while (!stopped) {
      try {
        const res = await fetch(`${a}/healthz`, { signal: AbortSignal.timeout(1_000) });
        await res.arrayBuffer();
        aUp = res.status === 200;
      } catch {
        aUp = false;
      }
      await sleep(50);
    }
  })();
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    client.pause();
    sockets.add(client);
    client.on('error', () => {});
    client.on('close', () => sockets.delete(client));
    const connect = (target: string, fallback: string | null) => {
      const { hostname, port } = new URL(target);
      const upstream = net.connect(Number(port), hostname);
      let connected = false;
      upstream.once('connect', () => {
        connected = true;
        routed[target === a ? 'a' : 'b']++;
        sockets.add(upstream);
        client.pipe(upstream);
        upstream.pipe(client);
        client.resume();
        client.on('close', () => upstream.destroy());
        upstream.on('close', () => {
          sockets.delete(upstream);
          client.destroy();
        });
      });
      upstream.on('error', () => {
        if (!connected && fallback) connect(fallback, null);
        else client.destroy();
      });
    };
    if (aUp) connect(a, b);
    else connect(b, null);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    routed,
    close() {
      stopped = true;
      for (const s of sockets) s.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

let db: TestDatabase;
let redis: Awaited<ReturnType<typeof startRedis>>;
let graph: FakeGraph;
let b: RunningApp;
let common: Record<string, string>;
const dirs: string[] = [];
const cleanups: (() => void | Promise<void>)[] = [];

const tempDir = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'atende-drain-'));
  dirs.push(d);
  return d;
};

beforeAll(async () => {
  db = await createTestDatabase();
  redis = await startRedis();
  graph = await startFakeGraph({ token: 'env-access-token' });
  common = {
    DATABASE_URL: db.url,
    REDIS_URL: redis.url,
    ATENDE_DEMO: 'true',
    APP_ORIGIN: 'http://localhost:3000',
    LOGIN_IP_PER_MINUTE: '1000',
    WHATSAPP_APP_SECRET: APP_SECRET,
    WHATSAPP_VERIFY_TOKEN: VERIFY_TOKEN,
    WHATSAPP_ACCESS_TOKEN: 'env-access-token',
    WHATSAPP_GRAPH_URL: graph.url,
    WHATSAPP_MEDIA_HOSTS: graph.url,
  };
  // B first: it migrates and seeds; A finds both done.
  const envB = parseEnv({ ...common, PORT: '0', HOST: '127.0.0.1', ATENDE_DATA_DIR: tempDir(), LOG_LEVEL: 'silent' });
  b = await startApp(envB, createLogger('silent'), db.url, { channels: { delivery: { pollMs: 100 } } });
}, 120_000);

/** A (server/main.ts in a child process) and the balancer in front of A and B. */
async function startA(noticeSeconds: number) {
  const a = await startMain(
    {
      ...common,
      ATENDE_DATA_DIR: tempDir(),
      LOG_LEVEL: 'info',
      DRAIN_TIMEOUT_SECONDS: String(DRAIN_TIMEOUT_SECONDS),
      DRAIN_NOTICE_SECONDS: String(noticeSeconds),
    },
    await freePort(),
  );
  const lb = await startBalancer(a.url, b.url);
  cleanups.push(async () => {
    await lb.close();
    if (a.child.exitCode === null) a.child.kill('SIGKILL');
  });
  return { a, lb };
}

afterAll(async () => {
  for (const c of cleanups) await c();
  await b?.close();
  await redis?.stop();
  await graph?.close();
  await db?.drop();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

/** The environment's WhatsApp channel with the demo menu (1 Support, 2 Sales). */
async function whatsappChannel(ids: Awaited<ReturnType<typeof demoIds>>) {
  const [existing] = await db.sql`SELECT id FROM channels WHERE phone_number_id = ${PHONE_NUMBER_ID}`;
  const id =
    (existing?.id as string | undefined) ??
    ((
      await db.sql`INSERT INTO channels (org_id, kind, name, phone_number_id, env_managed)
        VALUES (${ids.orgId}, 'whatsapp', 'WhatsApp', ${PHONE_NUMBER_ID}, true) RETURNING id`
    )[0]!.id as string);
  await db.sql`UPDATE channels SET bot_greeting = 'Hello! Which team?', bot_invalid_message = 'Sorry?',
    bot_options = ${db.sql.json([
      { key: '1', label: 'Support', teamId: ids.teams.Support },
      { key: '2', label: 'Sales', teamId: ids.teams.Sales },
    ])} WHERE id = ${id}`;
  return (await getChannel(db.sql, ids.orgId, id))!;
}

/** Posts a customer's webhook until it is answered 200 (as Meta retries); the same wamid each time. */
async function deliverWebhook(baseUrl: string, payload: unknown): Promise<number> {
  for (let attempt = 1; ; attempt++) {
    try {
      const res = await postWebhook(baseUrl, payload);
      await res.arrayBuffer();
      if (res.status === 200) return attempt;
    } catch {
      // the connection dropped: Meta sends again
    }
    if (attempt >= 100) throw new Error('webhook never accepted');
    await sleep(100);
  }
}

/** A webhook request whose body arrives in two halves, `gap` apart: in flight across the SIGTERM. */
function slowWebhook(baseUrl: string, payload: unknown, midway: Promise<void>) {
  const body = Buffer.from(JSON.stringify(payload));
  const { hostname, port } = new URL(baseUrl);
  return new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = http.request(
      {
        host: hostname,
        port: Number(port),
        path: '/webhooks/whatsapp',
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': body.length, 'x-hub-signature-256': sign(body.toString()) },
      },
      (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on('error', reject);
    req.write(body.subarray(0, 10));
    void midway.then(() => req.end(body.subarray(10)));
  });
}

describe('graceful drain on SIGTERM', () => {
  // 1 s of notice: a load balancer's health checks see the 503 before the listener goes (and
  // this test surely sees it); 0, the default: the listener closes at once.
  it.each([
    { notice: 1, name: 'with 1 s of notice', from: '5511944440001' },
    { notice: 0, name: 'without notice', from: '5511944440000' },
  ])(
    '$name: every client moves from A to B, nothing lost or repeated; A exits 0 in time',
    async ({ notice, from }) => {
      const { a, lb } = await startA(notice);
      const ids = await demoIds(db.sql);
      const channel = await whatsappChannel(ids);
      await db.sql`UPDATE users SET language = 'en', status = 'online', connected = true`;
      // Agents without a live device here; the floor must not take the conversation back meanwhile.
      await db.sql`UPDATE organizations SET presence_grace_seconds = 3600`;

      // A customer writes and picks Support; Ana takes the conversation — all through A.
      await deliverWebhook(lb.url, envelope(textMessage(from, 'Oi')));
      await deliverWebhook(lb.url, envelope(textMessage(from, '1')));
      const [conv] = await db.sql`SELECT c.id FROM conversations c JOIN contacts k ON k.id = c.contact_id
      WHERE k.whatsapp = ${from} AND c.channel_id = ${channel.id}`;
      const conversationId = conv!.id as string;
      const ana: TestClient = createTestClient(lb.url);
      await ana.auth.login.mutate({ email: 'ana@demo.test', password: 'atende-demo' });
      await ana.conversations.claim.mutate({ conversationId });
      expect(lb.routed.a).toBeGreaterThan(0);
      expect(lb.routed.b).toBe(0);

      // The event stream, resumed from its last id whenever it ends (as the tab does).
      const streams = [openEventStream(lb.url, ana.cookie)];
      await streams[0]!.started;
      const startCursor = streams[0]!.received[0]!.id;
      let following = true;
      const follow = (async () => {
        while (following) {
          const current = streams.at(-1)!;
          if (current.ended) {
            const lastId = streams.flatMap((s) => s.received).at(-1)!.id;
            streams.push(openEventStream(lb.url, ana.cookie, lastId));
          }
          await sleep(20);
        }
      })();
      cleanups.push(() => {
        for (const s of streams) s.close();
      });

      // A colleague's notes, edited continuously with the stock y-websocket client.
      const contact = await makeContact(db.sql, ids.orgId, { name: `Drain notes ${notice}`, email: `drain-${notice}@x.test` });
      const notes = `notes:${contact}`;
      const editor = connectDoc(lb.url, notes, ana.cookie);
      cleanups.push(() => editor.destroy());
      await editor.synced();
      const edits: string[] = [];
      let editing = true;
      const edit = (async () => {
        for (let i = 0; editing; i++) {
          editor.doc.getArray<string>('log').push([`edit ${i}`]);
          edits.push(`edit ${i}`);
          await sleep(15);
        }
      })();

      // Ana replies continuously (each reply retried with its own clientMessageId until answered).
      const replies: string[] = [];
      let replying = true;
      let replyRetries = 0;
      const reply = (async () => {
        for (let i = 0; replying; i++) {
          const text = `reply ${i}`;
          for (let attempt = 0; ; attempt++) {
            try {
              await ana.conversations.send.mutate({ conversationId, text, clientMessageId: `drain-${notice}-reply-${i}` });
              break;
            } catch (err) {
              if (attempt >= 50) throw err;
              replyRetries++;
              await sleep(100);
            }
          }
          replies.push(text);
          await sleep(30);
        }
      })();

      // The customer keeps writing.
      const wamids: string[] = [];
      let writing = true;
      const write = (async () => {
        for (let i = 0; writing; i++) {
          const payload = envelope(textMessage(from, `customer ${i}`));
          await deliverWebhook(lb.url, payload);
          wamids.push((payload.entry[0]!.changes[0]!.value as unknown as { messages: { id: string }[] }).messages[0]!.id);
          await sleep(40);
        }
      })();

      await waitFor(async () => replies.length >= 5 && wamids.length >= 5 && edits.length >= 50, 'work on A', 30_000);

      // A webhook in flight across the SIGTERM: half its body before, the rest after the
      // listener closed. It must still be answered, by A.
      let midway!: () => void;
      const slowPayload = envelope(textMessage(from, 'in flight'));
      const slow = slowWebhook(a.url, slowPayload, new Promise<void>((r) => (midway = r)));
      await sleep(100);

      // SIGTERM, and A's /healthz watched from outside while it drains.
      const health: { status: number; body: string }[] = [];
      const terminatedAt = Date.now();
      a.child.kill('SIGTERM');
      let watching = true;
      const watch = (async () => {
        while (watching) {
          try {
            const res = await fetch(`${a.url}/healthz`, { signal: AbortSignal.timeout(1_000) });
            health.push({ status: res.status, body: await res.text() });
          } catch {
            health.push({ status: 0, body: '' });
          }
          await sleep(25);
        }
      })();
      await sleep(1_500);
      midway();
      const slowAnswer = await slow;
      const exit = await a.exited;
      watching = false;
      await watch;

      // Keep working on B for a while, then stop and check.
      await sleep(1_500);
      editing = false;
      replying = false;
      writing = false;
      await Promise.all([edit, reply, write]);

      // A: answered what was in flight, said 503 while draining, logged each step, exited 0 in time.
      expect(slowAnswer.status).toBe(200);
      if (notice > 0) expect(health.some((h) => h.status === 503 && JSON.parse(h.body).draining === true)).toBe(true);
      expect(exit.code).toBe(0);
      expect(exit.at - terminatedAt).toBeLessThan(DRAIN_TIMEOUT_SECONDS * 1000);
      // Every step once, in order of the time each was logged at (`ms`, taken in the process):
      // the order of the lines on stdout is not evidence, since the logger's last writes can
      // cross at process.exit (pino's asynchronous stream is flushed synchronously then).
      const drainSteps = a.lines
        .filter((l) => l.part === 'drain' && typeof l.step === 'number')
        .map((l) => ({ step: l.step as number, ms: l.ms as number }))
        .sort((x, y) => x.step - y.step);
      expect(drainSteps.map((d) => d.step)).toEqual([1, 2, 3, 4, 5, 6, 7]);
      const times = drainSteps.map((d) => d.ms);
      expect(times).toEqual([...times].sort((x, y) => x - y));
      expect(lb.routed.b).toBeGreaterThan(0);

      // Notes: the editor came back (told to reconnect, never refused), and every edit is in
      // the document on B and in PostgreSQL, once.
      expect(editor.closes).toContain(CloseCode.ServiceRestart);
      expect(editor.closes.filter((c) => c >= 4400 && c < 4500)).toEqual([]);
      const bruno = createTestClient(b.url);
      await bruno.auth.login.mutate({ email: 'bruno@demo.test', password: 'atende-demo' });
      const reader = connectDoc(b.url, notes, bruno.cookie);
      cleanups.push(() => reader.destroy());
      await reader.synced();
      await waitFor(async () => reader.doc.getArray('log').length === edits.length, 'every edit on B', 20_000);
      expect(reader.doc.getArray('log').toJSON()).toEqual(edits);
      const rows = await waitFor(async () => {
        const r = await db.sql`SELECT data FROM doc_updates WHERE doc_name = ${notes}`;
        const rebuilt = new Y.Doc();
        Y.applyUpdate(rebuilt, Y.mergeUpdates(r.map((x) => new Uint8Array(x.data as Buffer))));
        return rebuilt.getArray('log').length === edits.length ? r : null;
      }, 'every edit in PostgreSQL');
      const rebuilt = new Y.Doc();
      Y.applyUpdate(rebuilt, Y.mergeUpdates(rows.map((x) => new Uint8Array(x.data as Buffer))));
      expect(rebuilt.getArray('log').toJSON()).toEqual(edits);
      // (A stored row may repeat part of another: live edits the client sends while B greets it
      // are stored, then again inside its sync reply — any reconnect does that, drain or not; the
      // document is the same, and compaction folds the rows.)

      // Replies: each stored once, each delivered to the Graph API once (all outbound rows).
      const outbound = await db.sql`SELECT id, text, status FROM messages WHERE conversation_id = ${conversationId} AND direction = 'out'`;
      const replyTexts = outbound.map((m) => m.text as string).filter((t) => t.startsWith('reply '));
      expect(replyTexts.sort()).toEqual([...replies].sort());
      await waitFor(
        async () =>
          (await db.sql`SELECT 1 FROM messages WHERE conversation_id = ${conversationId} AND direction = 'out' AND status <> 'sent'`)
            .length === 0,
        'every reply sent',
        20_000,
      );
      for (const m of outbound) expect(graph.postsFor(m.id as string), `deliveries of ${m.text}`).toHaveLength(1);
      const posted = graph.posts.map((p) => p.body.biz_opaque_callback_data as string);
      expect(new Set(posted).size).toBe(posted.length);

      // Customer messages: each stored once (the in-flight one too).
      const inbound = await db.sql`SELECT channel_message_id FROM messages WHERE conversation_id = ${conversationId} AND direction = 'in'`;
      const inboundIds = inbound.map((m) => m.channel_message_id as string);
      expect(new Set(inboundIds).size).toBe(inboundIds.length);
      const slowId = (slowPayload.entry[0]!.changes[0]!.value as unknown as { messages: { id: string }[] }).messages[0]!.id;
      for (const w of [...wamids, slowId]) expect(inboundIds).toContain(w);

      // The event stream: A's ended cleanly, the next one resumed on B; every event of the
      // conversation arrived once, in order.
      const expected = await db.sql`SELECT id::text AS id FROM events
      WHERE org_id = ${ids.orgId} AND id > ${startCursor}::bigint AND type IN ('message.created', 'message.status')
        AND data->>'conversationId' = ${conversationId} ORDER BY id`;
      await waitFor(async () => {
        const got = new Set(streams.flatMap((s) => s.received.map((e) => e.id)));
        return expected.every((e) => got.has(e.id as string));
      }, 'every event of the conversation on the stream');
      following = false;
      await follow;
      // Once: A's stream ended cleanly and the next one, on B, stayed (no bouncing back to A
      // over a kept-alive connection).
      expect(streams.map((s) => String(s.error))).toEqual(['null', 'null']);
      const events = streams.flatMap((s) => s.received).filter((e) => !e.data.type.startsWith('stream.'));
      const eventIds = events.map((e) => BigInt(e.id));
      expect(eventIds.every((id, i) => i === 0 || id > eventIds[i - 1]!)).toBe(true);
      expect(new Set(eventIds).size).toBe(eventIds.length);

      console.info(
        `drain: ${edits.length} edits, ${replies.length} replies (${replyRetries} retried), ${wamids.length} customer messages, ` +
          `${events.length} events over ${streams.length} streams; A exited ${exit.at - terminatedAt} ms after SIGTERM; ` +
          `connections A ${lb.routed.a} / B ${lb.routed.b}; steps at ${a.lines
            .filter((l) => l.part === 'drain' && typeof l.step === 'number')
            .map((l) => `${l.step}: ${l.ms} ms`)
            .join(', ')}`,
      );
    },
    180_000,
  );
});
