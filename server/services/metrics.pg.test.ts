import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Channel } from '../../db/queries/channels.ts';
import type { RunningApp } from '../app.ts';
import { routeAll, sweepOffers } from '../floor/routing.ts';
import { arrive, signedInTeam } from '../floor/routing-test-setup.ts';
import { refusal, startSecondProcess, type TestApp } from '../../test/helpers/app.ts';
import { inbound } from '../../test/helpers/conversations.ts';
import { makeContact } from '../../test/helpers/factories.ts';
import type { FakeGraph } from '../../test/helpers/fake-graph.ts';
import { demoIds, waitFor } from '../../test/helpers/orgs.ts';
import { connectDoc } from '../../test/helpers/sync.ts';
import { botMenuChannel, envelope, postWebhook, startWhatsAppApp, statusUpdate, textMessage } from '../../test/helpers/whatsapp.ts';

/**
 * /metrics moves with the floor (issue 13, part 2): a webhook message, its delivery through
 * the fake Graph API, a claim, offers, a /sync edit; and the floor gauges, read from the
 * database, are the same whichever process is scraped.
 */
let app: TestApp;
let graph: FakeGraph;
let ids: Awaited<ReturnType<typeof demoIds>>;
let channel: Channel;

beforeAll(async () => {
  // No floor loop: the offers test routes and sweeps itself.
  ({ app, graph } = await startWhatsAppApp({ floor: { loop: false } }));
  ids = await demoIds(app.db.sql);
  await app.db.sql`UPDATE users SET language = 'en', status = 'online', connected = true`;
  channel = await botMenuChannel(app.db.sql, ids);
});
afterAll(async () => {
  await app?.stop();
  await graph?.close();
});

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** GET /metrics from this machine (allowed without a token) and parse the text format. */
async function scrape(url = app.url): Promise<Sample[]> {
  const res = await fetch(`${url}/metrics`);
  expect(res.status).toBe(200);
  const samples: Sample[] = [];
  for (const line of (await res.text()).split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`unparsed metrics line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
    samples.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return samples;
}

/** The value of one series (its labels include `labels`); undefined when it is not there. */
function value(samples: Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  const s = samples.find((x) => x.name === name && Object.entries(labels).every(([k, v]) => x.labels[k] === v));
  return s?.value;
}
const counted = (samples: Sample[], name: string, labels: Record<string, string> = {}) => value(samples, name, labels) ?? 0;

const waitingInSupport = async () =>
  (await app.db.sql`SELECT count(*)::int AS n FROM conversations WHERE status = 'waiting' AND team_id = ${ids.teams.Support}`)[0]!
    .n as number;
const activeInSupport = async () =>
  (await app.db.sql`SELECT count(*)::int AS n FROM conversations WHERE status = 'active' AND team_id = ${ids.teams.Support}`)[0]!
    .n as number;

/** Scrapes `url` until the Support queue's gauge shows `expected` (the floor read is cached for ~2 s). */
async function floorShows(url: string, name: string, expected: number): Promise<Sample[]> {
  return waitFor(
    async () => {
      const samples = await scrape(url);
      return value(samples, name, { org: ids.orgId, team: ids.teams.Support }) === expected ? samples : null;
    },
    `${name} = ${expected} on ${url}`,
    15_000,
  );
}

const outbound = (from: string) =>
  app.db.sql`SELECT m.id, m.status, m.channel_message_id FROM messages m
    JOIN conversations c ON c.id = m.conversation_id JOIN contacts k ON k.id = c.contact_id
    WHERE k.whatsapp = ${from} AND m.direction = 'out' ORDER BY m.seq`;

describe('/metrics', () => {
  it('counts a webhook message, its menu’s delivery through the Graph API, and the statuses that follow', async () => {
    const before = await scrape();
    const from = '5511977770001';
    expect((await postWebhook(app.url, envelope(textMessage(from, 'Oi')))).status).toBe(200);
    const menu = await waitFor(async () => (await outbound(from)).find((m) => m.status === 'sent'), 'menu sent');
    const after = await scrape();
    expect(counted(after, 'atende_messages_ingested_total', { channel: 'whatsapp' })).toBe(
      counted(before, 'atende_messages_ingested_total', { channel: 'whatsapp' }) + 1,
    );
    expect(counted(after, 'atende_webhook_ingest_seconds_count')).toBe(counted(before, 'atende_webhook_ingest_seconds_count') + 1);
    expect(counted(after, 'atende_deliveries_total', { channel: 'whatsapp', state: 'sent' })).toBe(
      counted(before, 'atende_deliveries_total', { channel: 'whatsapp', state: 'sent' }) + 1,
    );
    expect(counted(after, 'atende_graph_request_seconds_count', { outcome: 'accepted' })).toBe(
      counted(before, 'atende_graph_request_seconds_count', { outcome: 'accepted' }) + 1,
    );

    // Meta's status webhooks: delivered, then read; a repeat moves nothing.
    const wamid = menu.channel_message_id as string;
    await postWebhook(app.url, envelope(statusUpdate(wamid, 'delivered')));
    await postWebhook(app.url, envelope(statusUpdate(wamid, 'read')));
    await postWebhook(app.url, envelope(statusUpdate(wamid, 'read')));
    const statuses = await scrape();
    for (const state of ['delivered', 'read']) {
      expect(counted(statuses, 'atende_deliveries_total', { channel: 'whatsapp', state })).toBe(
        counted(before, 'atende_deliveries_total', { channel: 'whatsapp', state }) + 1,
      );
    }
    // A status is not a customer message.
    expect(counted(statuses, 'atende_messages_ingested_total', { channel: 'whatsapp' })).toBe(
      counted(after, 'atende_messages_ingested_total', { channel: 'whatsapp' }),
    );
    expect(counted(statuses, 'atende_webhook_unavailable_total')).toBe(counted(before, 'atende_webhook_unavailable_total'));
  });

  it('shows the queue from the database, and counts a claim won, a claim lost and the wait it ended', async () => {
    const from = '5511977770002';
    await postWebhook(app.url, envelope(textMessage(from, 'Oi')));
    await waitFor(async () => (await outbound(from)).length > 0, 'menu queued');
    await postWebhook(app.url, envelope(textMessage(from, '1')));
    const [conv] = await app.db.sql`SELECT c.id FROM conversations c JOIN contacts k ON k.id = c.contact_id
      WHERE k.whatsapp = ${from} AND c.status = 'waiting'`;
    expect(conv).toBeDefined();
    const floor = await floorShows(app.url, 'atende_floor_waiting', await waitingInSupport());
    expect(value(floor, 'atende_floor_oldest_wait_seconds', { org: ids.orgId, team: ids.teams.Support })).toBeGreaterThanOrEqual(0);
    expect(value(floor, 'atende_floor_waiting', { org: ids.orgId, team: ids.teams.Sales })).toBeDefined();

    const ana = await app.login('ana@demo.test');
    const bruno = await app.login('bruno@demo.test');
    await ana.conversations.claim.mutate({ conversationId: conv!.id as string });
    expect(await refusal(bruno.conversations.claim.mutate({ conversationId: conv!.id as string }))).toMatchObject({ code: 'CONFLICT' });
    const after = await scrape();
    expect(counted(after, 'atende_claims_total', { outcome: 'won' })).toBe(counted(floor, 'atende_claims_total', { outcome: 'won' }) + 1);
    expect(counted(after, 'atende_claims_total', { outcome: 'lost' })).toBe(counted(floor, 'atende_claims_total', { outcome: 'lost' }) + 1);
    expect(counted(after, 'atende_queue_wait_seconds_count', { outcome: 'claimed' })).toBe(
      counted(floor, 'atende_queue_wait_seconds_count', { outcome: 'claimed' }) + 1,
    );
    await floorShows(app.url, 'atende_floor_active', await activeInSupport());
    await floorShows(app.url, 'atende_floor_waiting', await waitingInSupport());
  });

  it('counts offers made, declined and expired', async () => {
    const f = await signedInTeam(app, ids.orgId, 'MetricsRoute', 1, { acceptTimeoutSeconds: 30 });
    const before = await scrape();
    await arrive(app.services, f.channel);
    await arrive(app.services, f.channel);
    expect(await routeAll(app.services)).toBeGreaterThanOrEqual(1);
    const [offered] = await app.db.sql`SELECT id FROM conversations WHERE team_id = ${f.teamId} AND offered_to IS NOT NULL`;
    await f.agents[0]!.client.conversations.decline.mutate({ conversationId: offered!.id as string });
    await routeAll(app.services);
    await sweepOffers(app.services, new Date(Date.now() + 3_600_000));
    const after = await scrape();
    const offers = (outcome: string) =>
      counted(after, 'atende_routing_offers_total', { outcome }) - counted(before, 'atende_routing_offers_total', { outcome });
    expect(offers('made')).toBeGreaterThanOrEqual(2);
    expect(offers('declined')).toBe(1);
    expect(offers('expired')).toBeGreaterThanOrEqual(1);
    const [open] = await app.db.sql`SELECT count(*)::int AS n FROM conversation_offers o JOIN conversations c ON c.id = o.conversation_id
      WHERE c.team_id = ${f.teamId} AND o.ended_at IS NULL`;
    expect(offers('made')).toBe(offers('declined') + offers('expired') + offers('accepted') + offers('withdrawn') + open!.n);
  });

  it('shows /sync connections and documents, and times the commit of an edit', async () => {
    const contactId = await makeContact(app.db.sql, ids.orgId);
    const ana = await app.login('ana@demo.test');
    const before = await scrape();
    const a = connectDoc(app.url, `notes:${contactId}`, ana.cookie);
    try {
      await a.synced();
      a.doc.getText('t').insert(0, 'Metrics');
      await waitFor(
        async () => (await app.db.sql`SELECT 1 FROM doc_updates WHERE doc_name = ${`notes:${contactId}`}`).length > 0,
        'edit stored',
      );
      const after = await scrape();
      expect(value(after, 'atende_sync_connections')).toBeGreaterThanOrEqual(1);
      expect(value(after, 'atende_sync_documents')).toBeGreaterThanOrEqual(1);
      expect(value(after, 'atende_sync_pending_bytes')).toBeGreaterThanOrEqual(0);
      expect(counted(after, 'atende_sync_commit_seconds_count', { outcome: 'ok' })).toBeGreaterThan(
        counted(before, 'atende_sync_commit_seconds_count', { outcome: 'ok' }),
      );
    } finally {
      a.destroy();
    }
  });

  it('shows the job queue, the database’s connections and the process’s own gauges', async () => {
    const samples = await scrape();
    const connections = samples.filter((s) => s.name === 'atende_db_connections');
    expect(connections.reduce((n, s) => n + s.value, 0)).toBeGreaterThanOrEqual(1);
    expect(value(samples, 'atende_db_max_connections')).toBeGreaterThan(0);
    expect(value(samples, 'atende_db_pool_max')).toBeGreaterThan(0);
    expect(value(samples, 'atende_jobs_oldest_due_seconds')).toBeGreaterThanOrEqual(0);
    expect(value(samples, 'atende_floor_read_age_seconds')).toBeLessThan(10);
    expect(value(samples, 'atende_event_streams')).toBeGreaterThanOrEqual(0);
    expect(value(samples, 'atende_process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(value(samples, 'atende_floor_read_failures_total')).toBe(0);
  });

  it('two processes report the same whole-floor gauges, read from the database', async () => {
    const second: RunningApp = await startSecondProcess(app);
    try {
      let expected = await waitingInSupport();
      await floorShows(app.url, 'atende_floor_waiting', expected);
      await floorShows(second.url, 'atende_floor_waiting', expected);
      // A customer queues through the first process: the second sees it too.
      await inbound(app, channel, { from: '5511977770003', text: 'Oi' });
      await inbound(app, channel, { from: '5511977770003', text: '1' });
      expected = await waitingInSupport();
      const one = await floorShows(app.url, 'atende_floor_waiting', expected);
      const two = await floorShows(second.url, 'atende_floor_waiting', expected);
      // The process's own counters are its own: the second ingested nothing.
      expect(counted(one, 'atende_messages_ingested_total', { channel: 'whatsapp' })).toBeGreaterThan(0);
      expect(counted(two, 'atende_messages_ingested_total', { channel: 'whatsapp' })).toBe(0);
    } finally {
      await second.close();
    }
  });
});
