import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refusal, startTestApp, type TestApp, type TestClient } from '../../test/helpers/app.ts';
import { makeChannel, setOnline, waitingConversation } from '../../test/helpers/conversations.ts';
import { makeContact } from '../../test/helpers/factories.ts';
import { createOtherOrg, demoIds } from '../../test/helpers/orgs.ts';

/**
 * reports.summary over hand-built conversations in São Paulo time (UTC−3, no daylight saving):
 * every expected figure below is worked out by hand from the rows.
 */
let app: TestApp;
let ids: Awaited<ReturnType<typeof demoIds>>;
let admin: TestClient;
let channelId: string;
let disposition: string;
let tag1: string;
let tag2: string;

/** A local São Paulo time as an instant. */
const sp = (local: string) => new Date(`${local}-03:00`);
const plus = (at: Date, seconds: number) => new Date(at.getTime() + seconds * 1000);

interface Row {
  team: 'Support' | 'Sales';
  created: Date;
  /** Seconds after creation; null: never. */
  claimedAfter?: number;
  firstResponseAfterClaim?: number;
  closedAfterClaim?: number;
  agent?: string;
  reason?: string;
  rating?: number;
  disposition?: string;
  tags?: string[];
}

async function conversation(r: Row, orgId = ids.orgId, channel = channelId, teamId = ids.teams[r.team]): Promise<string> {
  const sql = app.db.sql;
  const contact = await makeContact(sql, orgId);
  const claimed = r.claimedAfter === undefined ? null : plus(r.created, r.claimedAfter);
  const [row] = await sql`INSERT INTO conversations (org_id, protocol, contact_id, channel_id, team_id, status, assignee_id,
      created_at, queued_at, claimed_at, first_response_at)
    VALUES (${orgId}, ${`R-${Math.random().toString(36).slice(2, 10)}`}, ${contact}, ${channel}, ${teamId},
      ${claimed ? 'active' : 'waiting'}, ${claimed ? r.agent! : null}, ${r.created}, ${r.created}, ${claimed},
      ${claimed && r.firstResponseAfterClaim !== undefined ? plus(claimed, r.firstResponseAfterClaim) : null})
    RETURNING id`;
  const id = row!.id as string;
  if (r.closedAfterClaim !== undefined) {
    // Closed as the commands close: the trigger keeps the state it was closed from.
    const closedAt = plus(claimed ?? r.created, r.closedAfterClaim);
    await sql`UPDATE conversations SET status = 'closed', closed_at = ${closedAt}, close_reason = ${r.reason ?? 'agent'},
      served_by = assignee_id, assignee_id = NULL, rating = ${r.rating ?? null}, disposition_id = ${r.disposition ?? null}
      WHERE id = ${id}`;
  }
  for (const tag of r.tags ?? [])
    await sql`INSERT INTO conversation_tags (org_id, conversation_id, tag_id) VALUES (${orgId}, ${id}, ${tag})`;
  return id;
}

beforeAll(async () => {
  app = await startTestApp();
  const sql = app.db.sql;
  ids = await demoIds(sql);
  await sql`UPDATE organizations SET time_zone = 'America/Sao_Paulo' WHERE id = ${ids.orgId}`;
  await sql`UPDATE teams SET sla_first_response_minutes = 2 WHERE id = ${ids.teams.Sales}`;
  await sql`UPDATE users SET role = 'supervisor' WHERE id = ${ids.users['bruno@demo.test']}`;
  channelId = (await makeChannel(sql, ids)).id;
  const idOf = (rows: { id: unknown }[]) => rows[0]!.id as string;
  disposition = idOf(await sql`INSERT INTO dispositions (org_id, name) VALUES (${ids.orgId}, 'Solved') RETURNING id`);
  tag1 = idOf(await sql`INSERT INTO tags (org_id, name) VALUES (${ids.orgId}, 'Billing') RETURNING id`);
  tag2 = idOf(await sql`INSERT INTO tags (org_id, name) VALUES (${ids.orgId}, 'Urgent') RETURNING id`);
  const u = ids.users;
  // A: Support, Tuesday 09:00; waits 60 s, first answer 120 s, served 1800 s by Ana.
  await conversation({
    team: 'Support',
    created: sp('2026-11-10T09:00:00'),
    claimedAfter: 60,
    firstResponseAfterClaim: 120,
    closedAfterClaim: 1800,
    agent: u['ana@demo.test'],
    rating: 5,
    disposition,
    tags: [tag1],
  });
  // B: Support, Tuesday 23:30 local (already Wednesday in UTC): counts on Tuesday, hour 23.
  await conversation({
    team: 'Support',
    created: sp('2026-11-10T23:30:00'),
    claimedAfter: 180,
    firstResponseAfterClaim: 60,
    closedAfterClaim: 600,
    agent: u['bruno@demo.test'],
    reason: 'inactivity',
    rating: 3,
  });
  // H: Sales, Tuesday 14:00; answered within its service level.
  await conversation({
    team: 'Sales',
    created: sp('2026-11-10T14:00:00'),
    claimedAfter: 30,
    firstResponseAfterClaim: 10,
    closedAfterClaim: 100,
    agent: u['carla@demo.test'],
    rating: 4,
    disposition,
  });
  // C: Sales, Wednesday 10:00; nobody claimed it: the queue timer closed it an hour later.
  await conversation({ team: 'Sales', created: sp('2026-11-11T10:00:00'), closedAfterClaim: 3600, reason: 'queue_timeout' });
  // D: Sales, Wednesday 10:30; claimed after 300 s, transferred, its service level breached (then answered: cleared).
  const d = await conversation({
    team: 'Sales',
    created: sp('2026-11-11T10:30:00'),
    claimedAfter: 300,
    agent: u['carla@demo.test'],
    tags: [tag1, tag2],
  });
  await sql`UPDATE conversations SET transfers = 1, sla_breached_at = now() WHERE id = ${d}`;
  await sql`UPDATE conversations SET sla_breached_at = NULL WHERE id = ${d}`;
  // Outside the period: a minute before it starts (Monday 23:59 local) and as it ends (Thursday 00:00 local).
  await conversation({ team: 'Support', created: sp('2026-11-09T23:59:00') });
  await conversation({ team: 'Support', created: sp('2026-11-12T00:00:00') });
  admin = await app.login('admin@demo.test');
});
afterAll(() => app?.stop());

const PERIOD = { from: '2026-11-10', to: '2026-11-11' };

describe('reports.summary', () => {
  it('counts the period in the organization time zone, with every figure', async () => {
    const r = await admin.reports.summary.query(PERIOD);
    expect(r.period).toEqual({ from: '2026-11-10T03:00:00.000Z', to: '2026-11-12T03:00:00.000Z', timeZone: 'America/Sao_Paulo' });
    expect(r.totals).toMatchObject({ received: 5, answered: 4, abandoned: 1, transferred: 1, autoClosed: 2 });
    // Waiting 30, 60, 180, 300 s; handling 100, 600, 1800 s; first response 10, 60, 120 s.
    expect(r.totals.waiting).toEqual({ count: 4, p50: 120, p90: 264, average: 142.5 });
    expect(r.totals.handling).toEqual({ count: 3, p50: 600, p90: 1560, average: 833.3 });
    expect(r.totals.firstResponse).toEqual({ count: 3, p50: 60, p90: 108, average: 63.3 });
    expect(r.ratings).toEqual({
      count: 3,
      average: 4,
      distribution: [1, 2, 3, 4, 5].map((rating) => ({ rating, count: rating >= 3 ? 1 : 0 })),
    });
    expect(r.sla).toEqual({ met: 1, breached: 1 });
    expect(r.byDay.map((d) => [d.date, d.received])).toEqual([
      ['2026-11-10', 3],
      ['2026-11-11', 2],
    ]);
    expect(r.byHour).toHaveLength(24);
    expect(r.byHour.filter((h) => h.received > 0).map((h) => [h.hour, h.received])).toEqual([
      [9, 1],
      [10, 2],
      [14, 1],
      [23, 1],
    ]);
    // Hours add up into days: Tuesday waited 60, 180 and 30 s.
    expect(r.byDay[0]!.waiting).toEqual({ count: 3, p50: null, p90: null, average: 90 });
    // ISO weekdays: 2 Tuesday, 3 Wednesday.
    expect(r.byWeekday.map((w) => w.received)).toEqual([0, 3, 2, 0, 0, 0, 0]);
    expect(r.byTeam.map((t) => [t.team?.name, t.received, t.abandoned])).toEqual([
      ['Sales', 3, 1],
      ['Support', 2, 0],
    ]);
    expect(r.byChannel).toHaveLength(1);
    expect(r.byChannel[0]).toMatchObject({ channel: { id: channelId }, received: 5 });
    const agents = Object.fromEntries(r.byAgent.map((a) => [a.agent?.name ?? 'none', a.received]));
    expect(agents).toEqual({ 'Carla Dias': 2, 'Ana Souza': 1, 'Bruno Lima': 1, none: 1 });
    expect(r.dispositions).toEqual([{ disposition: { id: disposition, name: 'Solved' }, count: 2 }]);
    expect(r.tags).toEqual([
      { tag: { id: tag1, name: 'Billing' }, count: 2 },
      { tag: { id: tag2, name: 'Urgent' }, count: 1 },
    ]);
  });

  it('takes date-times as instants, and filters by team, channel and agent', async () => {
    const evening = await admin.reports.summary.query({ from: '2026-11-10T22:00:00-03:00', to: '2026-11-11T02:00:00.000Z' });
    expect(evening.totals.received).toBe(0);
    const night = await admin.reports.summary.query({ from: '2026-11-10T23:00:00-03:00', to: '2026-11-11T03:00:00.000Z' });
    expect(night.totals.received).toBe(1);
    expect((await admin.reports.summary.query({ ...PERIOD, teamId: ids.teams.Sales })).totals.received).toBe(3);
    expect((await admin.reports.summary.query({ ...PERIOD, channelId })).totals.received).toBe(5);
    expect((await admin.reports.summary.query({ ...PERIOD, agentId: ids.users['carla@demo.test'] })).totals.received).toBe(2);
  });

  it('refuses a period that ends before it starts or is longer than 400 days', async () => {
    expect(await refusal(admin.reports.summary.query({ from: '2026-11-11', to: '2026-11-10' }))).toMatchObject({ code: 'BAD_REQUEST' });
    expect(await refusal(admin.reports.summary.query({ from: '2025-01-01', to: '2026-11-10' }))).toMatchObject({ code: 'BAD_REQUEST' });
    expect(await refusal(admin.reports.summary.query({ from: 'yesterday!', to: '2026-11-10' }))).toMatchObject({ code: 'BAD_REQUEST' });
  });

  it('shows a supervisor only their teams, and refuses agents, other teams and logged-out callers', async () => {
    const bruno = await app.login('bruno@demo.test');
    const own = await bruno.reports.summary.query(PERIOD);
    expect(own.totals.received).toBe(2);
    expect(own.byTeam.map((t) => t.team?.name)).toEqual(['Support']);
    expect((await bruno.reports.summary.query({ ...PERIOD, teamId: ids.teams.Support })).totals.received).toBe(2);
    expect(await refusal(bruno.reports.summary.query({ ...PERIOD, teamId: ids.teams.Sales }))).toMatchObject({ code: 'FORBIDDEN' });
    const ana = await app.login('ana@demo.test');
    expect(await refusal(ana.reports.summary.query(PERIOD))).toMatchObject({ code: 'FORBIDDEN' });
    expect(await refusal(app.client().reports.summary.query(PERIOD))).toMatchObject({ code: 'UNAUTHORIZED' });
  });

  it("never counts another organization's conversations", async () => {
    const other = await createOtherOrg(app.db.sql, 'reports');
    const otherChannel = await app.db
      .sql`INSERT INTO channels (org_id, kind, name) VALUES (${other.org.id}, 'webchat', 'Web') RETURNING id`;
    await conversation({ team: 'Support', created: sp('2026-11-10T12:00:00') }, other.org.id, otherChannel[0]!.id as string, other.team.id);
    const outsider = await app.login(other.admin.email, other.password);
    const theirs = await outsider.reports.summary.query({ ...PERIOD, teamId: ids.teams.Support, channelId });
    expect(theirs.totals.received).toBe(0);
    expect((await outsider.reports.summary.query(PERIOD)).totals.received).toBe(1);
    expect((await admin.reports.summary.query(PERIOD)).totals.received).toBe(5);
  });

  it('counts a transfer made by the transfer command, and a conversation closed while waiting as abandoned', async () => {
    const sql = app.db.sql;
    const channel = await makeChannel(sql, ids);
    await setOnline(sql, ['carla@demo.test']);
    const carla = await app.login('carla@demo.test');
    const c = await waitingConversation(app, channel, '5511977770001', '1');
    await carla.conversations.claim.mutate({ conversationId: c.id });
    await carla.conversations.transfer.mutate({ conversationId: c.id, toTeamId: ids.teams.Sales });
    const [row] = await sql`SELECT transfers, first_queued_at, first_claimed_at, queued_at FROM conversations WHERE id = ${c.id}`;
    expect(row!.transfers).toBe(1);
    // Back in a queue: queued_at moved on, the first wait stays.
    expect(row!.first_queued_at < row!.queued_at).toBe(true);
    expect(row!.first_claimed_at).not.toBeNull();
    const transfers = await sql`SELECT from_team_id, from_user_id, to_team_id FROM conversation_transfers WHERE conversation_id = ${c.id}`;
    expect(transfers).toEqual([
      { from_team_id: ids.teams.Support, from_user_id: ids.users['carla@demo.test'], to_team_id: ids.teams.Sales },
    ]);
    await admin.admin.conversations.forceClose.mutate({ conversationId: c.id });
    const [closed] = await sql`SELECT closed_from FROM conversations WHERE id = ${c.id}`;
    expect(closed!.closed_from).toBe('waiting');
    const today = new Date().toISOString().slice(0, 10);
    const r = await admin.reports.summary.query({ from: `${today}T00:00:00Z`, to: new Date(Date.now() + 60_000).toISOString() });
    expect(r.totals).toMatchObject({ received: 1, answered: 1, transferred: 1, abandoned: 1 });
  });
});
