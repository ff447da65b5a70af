import os from 'node:os';
import postgres from 'postgres';
import { latestEventId } from '../db/queries/events.ts';
import { DEMO_LOGINS, DEMO_PASSWORD } from '../db/seed/demo.ts';
import type { RunningApp } from '../server/app.ts';
import { createTestClient, type TestClient } from '../test/helpers/app.ts';
import { Arrivals } from './lib/arrivals.ts';
import { withDemoApp } from './lib/demo-app.ts';
import { subscribeToEvents } from './lib/event-stream.ts';
import { closedLoop } from './lib/load.ts';
import { printTable, type BenchFile, type Measurement } from './lib/report.ts';

const REQUESTS = { concurrency: 16, warmUp: 500, operations: 3000 };
const FAN_OUT = { subscribers: 50, warmUp: 20, events: 200, timeoutMs: 5_000 };

async function signIn(baseUrl: string, email: string): Promise<TestClient> {
  const client = createTestClient(baseUrl);
  await client.auth.login.mutate({ email, password: DEMO_PASSWORD });
  if (!client.cookie) throw new Error(`signing in as ${email} set no session cookie`);
  return client;
}

/** Both cases go through the same client code, so its cost is the same on each side. */
async function get(url: string, headers: Record<string, string> = {}): Promise<void> {
  const res = await fetch(url, { headers });
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`GET ${url} answered ${res.status}`);
}

/** 1. An authenticated tRPC query (cookie → session → user + org + teams) vs one `SELECT 1`. */
async function requestCost(app: RunningApp): Promise<void> {
  const admin = await signIn(app.url, 'admin@demo.test');
  const me = await admin.auth.me.query();
  if (me.user.email !== 'admin@demo.test') throw new Error('auth.me did not answer for the signed-in user');
  const cookie = admin.cookie!;
  const healthz = () => get(`${app.url}/healthz`);
  const authMe = () => get(`${app.url}/trpc/auth.me`, { cookie });

  const warm = { concurrency: REQUESTS.concurrency, operations: REQUESTS.warmUp };
  await closedLoop('warm-up', warm, healthz);
  await closedLoop('warm-up', warm, authMe);
  const measure = { concurrency: REQUESTS.concurrency, operations: REQUESTS.operations };
  const reference = await closedLoop('GET /healthz (SELECT 1)', measure, healthz);
  const authed = await closedLoop('auth.me (session → user + teams)', measure, authMe);
  printTable(`Authenticated request cost (${REQUESTS.concurrency} in flight, ${REQUESTS.operations} requests each)`, reference, [authed]);
}

/**
 * Publishes one message at a time and waits until every receiver has it; each latency is
 * from just before the publish call to the last arrival. ops/s is messages over wall time.
 */
async function oneAtATime(name: string, count: number, arrivals: Arrivals, publish: (i: number) => Promise<string>): Promise<Measurement> {
  const latenciesMs: number[] = [];
  const start = performance.now();
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    const id = await publish(i);
    latenciesMs.push((await arrivals.complete(id, FAN_OUT.timeoutMs)) - t0);
  }
  return { name, operations: count, seconds: (performance.now() - start) / 1000, latenciesMs };
}

/** The floor under the event bus: NOTIFY from one postgres.js client to another that LISTENs. */
async function rawNotify(databaseUrl: string, orgId: string, userId: string): Promise<Measurement> {
  const channel = 'atende_bench_reference';
  const listener = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  const notifier = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    const arrivals = new Arrivals(1);
    await listener.listen(channel, (payload) => arrivals.arrived((JSON.parse(payload) as { id: string }).id));
    let seq = 0;
    // A payload shaped and sized like the bus's own notification.
    const publish = async () => {
      const id = String(++seq);
      await notifier.notify(channel, JSON.stringify({ id, orgId, type: 'user.updated', data: { userId }, at: new Date().toISOString() }));
      return id;
    };
    await oneAtATime('warm-up', FAN_OUT.warmUp, arrivals, publish);
    return await oneAtATime('LISTEN/NOTIFY round trip, 1 listener', FAN_OUT.events, arrivals, publish);
  } finally {
    await listener.end({ timeout: 2 });
    await notifier.end({ timeout: 2 });
  }
}

/** 2. bus.publish (insert + NOTIFY) → every open events.stream of the organization. */
async function fanOut(app: RunningApp, databaseUrl: string): Promise<void> {
  const { services } = app;
  const me = await (await signIn(app.url, 'admin@demo.test')).auth.me.query();
  const orgId = me.organization.id;
  const userIds: string[] = [];
  for (const login of DEMO_LOGINS) userIds.push((await (await signIn(app.url, login.email)).auth.me.query()).user.id);

  const reference = await rawNotify(databaseUrl, orgId, userIds[0]!);

  // One session per tab, as browsers would have: 50 sign-ins spread over the four demo users.
  const signInStart = performance.now();
  const cookies: string[] = [];
  for (let i = 0; i < FAN_OUT.subscribers; i += 2) {
    const batch = [i, i + 1].filter((n) => n < FAN_OUT.subscribers);
    const clients = await Promise.all(batch.map((n) => signIn(app.url, DEMO_LOGINS[n % DEMO_LOGINS.length]!.email)));
    cookies.push(...clients.map((c) => c.cookie!));
  }
  const signInSeconds = (performance.now() - signInStart) / 1000;

  const arrivals = new Arrivals(FAN_OUT.subscribers);
  const streams = cookies.map((cookie) => subscribeToEvents(app.url, cookie, (id) => arrivals.arrived(id)));
  try {
    await Promise.all(streams.map((s) => s.ready));
    let n = 0;
    const publish = async () => {
      // On the pool, publish returns once the event is numbered: the newest of the org is it.
      await services.bus.publish(services.sql, orgId, 'user.updated', { userId: userIds[n++ % userIds.length]! });
      return latestEventId(services.sql, orgId);
    };
    // "Started" comes before a stream reads its cursor; publish until every stream is live.
    for (let attempt = 1; ; attempt++) {
      try {
        await arrivals.complete(await publish(), 1_000);
        break;
      } catch (err) {
        if (attempt === 10) throw err;
      }
    }
    await oneAtATime('warm-up', FAN_OUT.warmUp, arrivals, publish);
    const measured = await oneAtATime(`bus.publish → ${FAN_OUT.subscribers} events.stream`, FAN_OUT.events, arrivals, publish);
    const deliveries = (FAN_OUT.events * FAN_OUT.subscribers) / measured.seconds;
    printTable(
      `Live event fan-out (${FAN_OUT.events} events, one at a time, to ${FAN_OUT.subscribers} subscribers)`,
      reference,
      [measured],
      [
        'ops/s = events that reached every subscriber per second; latency = publish call → last subscriber has it.',
        `Deliveries: ${Math.round(deliveries).toLocaleString('en-US')}/s (events × ${FAN_OUT.subscribers} subscribers). ` +
          `Setup: ${FAN_OUT.subscribers} sign-ins took ${signInSeconds.toFixed(1)} s (argon2id, not measured above).`,
      ],
    );
  } finally {
    for (const s of streams) s.close();
  }
}

const bench: BenchFile = {
  title: 'Foundation: authenticated requests and live event fan-out',
  async run() {
    const cpu = os.cpus()[0]?.model.trim() ?? 'unknown CPU';
    console.log(
      `Node ${process.version}, ${os.cpus().length} × ${cpu}; embedded PostgreSQL; ` +
        'the load generator and subscribers run in the same process as the server.\n',
    );
    await withDemoApp(async ({ app, databaseUrl }) => {
      await requestCost(app);
      await fanOut(app, databaseUrl);
    });
  },
};
export default bench;
