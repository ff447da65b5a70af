import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refusal, startTestApp, type TestApp } from '../../test/helpers/app.ts';
import { demoIds } from '../../test/helpers/orgs.ts';
import { routeAll, sweepOffers } from './routing.ts';
import { arrive, loads, signedInTeam, type SignedInTeam } from './routing-test-setup.ts';

/** Automatic routing (issue 12, item 2): offers, accept, decline, timeout, capacity. */
let app: TestApp;
let orgId: string;
let seq = 0;

beforeAll(async () => {
  // No floor loop here: each test drives routing itself (routeAll / sweepOffers), step by step.
  app = await startTestApp({}, { floor: { loop: false } });
  orgId = (await demoIds(app.db.sql)).orgId;
});
afterAll(async () => {
  await app?.stop();
});

type Floor = SignedInTeam;
const floor = (agents: number, settings: Record<string, unknown> = {}) => signedInTeam(app, orgId, `Route${++seq}`, agents, settings);
const offerOf = async (conversationId: string) =>
  (await app.db.sql`SELECT offered_to, status, assignee_id FROM conversations WHERE id = ${conversationId}`)[0]!;
const outcomes = async (conversationId: string) =>
  (await app.db.sql`SELECT user_id, outcome FROM conversation_offers WHERE conversation_id = ${conversationId} ORDER BY id`).map((r) => [
    r.user_id as string,
    (r.outcome as string | null) ?? 'open',
  ]);

describe('automatic routing', () => {
  it('offers a new conversation to the agent with the fewest, ties to the one idle longest; only they may take it', async () => {
    const f = await floor(2);
    const [a, b] = f.agents as [Floor['agents'][0], Floor['agents'][0]];
    await app.db.sql`UPDATE users SET last_routed_at = now() - interval '1 hour' WHERE id = ${b.id}`;
    await app.db.sql`UPDATE users SET last_routed_at = now() - interval '5 minutes' WHERE id = ${a.id}`;
    const first = await arrive(app.services, f.channel);
    await routeAll(app.services);
    expect((await offerOf(first)).offered_to).toBe(b.id);
    // B now has one (offered): the next goes to A, who has none.
    const second = await arrive(app.services, f.channel);
    await routeAll(app.services);
    expect((await offerOf(second)).offered_to).toBe(a.id);

    // Everyone in the team sees it in Waiting, marked as offered to B, with its deadline.
    const queue = await a.client.queue.list.query();
    const row = queue.find((c) => c.id === first)!;
    expect(row.offeredTo).toEqual({ id: b.id, name: expect.any(String) });
    expect(Date.parse(row.offerExpiresAt!)).toBeGreaterThan(Date.now());
    const refused = await refusal(a.client.conversations.claim.mutate({ conversationId: first }));
    expect(refused).toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('offered to') });
    const view = await b.client.conversations.accept.mutate({ conversationId: first });
    expect(view).toMatchObject({ status: 'active', assignee: { id: b.id }, offeredTo: null });
    expect(await outcomes(first)).toEqual([[b.id, 'accepted']]);
    // Accepting again, or someone else's offer: the offer is gone.
    expect(await refusal(a.client.conversations.accept.mutate({ conversationId: first }))).toMatchObject({ code: 'CONFLICT' });
  });

  it('a decline offers it to the next agent; once everyone passed it waits in the queue, still claimable by hand', async () => {
    const f = await floor(2);
    const id = await arrive(app.services, f.channel);
    await routeAll(app.services);
    const firstAgent = (await offerOf(id)).offered_to as string;
    const first = f.agents.find((x) => x.id === firstAgent)!;
    const other = f.agents.find((x) => x.id !== firstAgent)!;
    expect(await first.client.conversations.decline.mutate({ conversationId: id })).toEqual({ ok: true });
    expect(await refusal(first.client.conversations.decline.mutate({ conversationId: id }))).toMatchObject({ code: 'CONFLICT' });
    await routeAll(app.services);
    expect((await offerOf(id)).offered_to).toBe(other.id);
    await other.client.conversations.decline.mutate({ conversationId: id });
    await routeAll(app.services);
    expect((await offerOf(id)).offered_to).toBeNull();
    expect(await outcomes(id)).toEqual([
      [first.id, 'declined'],
      [other.id, 'declined'],
    ]);
    await first.client.conversations.claim.mutate({ conversationId: id });
    expect(await offerOf(id)).toMatchObject({ status: 'active', assignee_id: first.id });
    const [row] = await app.db.sql`SELECT count(*)::int AS n FROM audit_log WHERE action = 'conversation_offer_declined'
      AND details->>'conversationId' = ${id}`;
    expect(row!.n).toBe(2);
  });

  it('an offer not accepted in time goes to the next agent; an agent who pauses or loses the device gives theirs back', async () => {
    const f = await floor(3, { acceptTimeoutSeconds: 30 });
    const id = await arrive(app.services, f.channel);
    await routeAll(app.services);
    const first = (await offerOf(id)).offered_to as string;
    expect(await sweepOffers(app.services, new Date(Date.now() + 10_000))).toBe(0);
    expect(await sweepOffers(app.services, new Date(Date.now() + 31_000))).toBe(1);
    await routeAll(app.services);
    const second = (await offerOf(id)).offered_to as string;
    expect(second).not.toBe(first);
    expect(second).not.toBeNull();
    // The second agent pauses (here: their status says so) — the offer is withdrawn at the next sweep.
    await app.db.sql`UPDATE users SET status = 'paused' WHERE id = ${second}`;
    expect(await sweepOffers(app.services)).toBe(1);
    await routeAll(app.services);
    const third = (await offerOf(id)).offered_to as string;
    expect([first, second]).not.toContain(third);
    await app.db.sql`UPDATE users SET connected = false WHERE id = ${third}`;
    expect(await sweepOffers(app.services)).toBe(1);
    expect(await outcomes(id)).toEqual([
      [first, 'expired'],
      [second, 'withdrawn'],
      [third, 'withdrawn'],
    ]);
    // Nobody left who has not passed it or is available: it waits.
    await routeAll(app.services);
    expect((await offerOf(id)).offered_to).toBeNull();
  });

  it('never offers an agent more than their capacity of active + offered; a close frees a place for the next', async () => {
    const f = await floor(2, { maxPerAgent: 2 });
    const [a] = f.agents;
    await app.db.sql`UPDATE users SET max_conversations = 1 WHERE id = ${a!.id}`;
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push(await arrive(app.services, f.channel));
    await routeAll(app.services);
    const held = await loads(
      app.db.sql,
      f.agents.map((x) => x.id),
    );
    expect([...held.values()].sort()).toEqual([1, 2]);
    expect(held.get(a!.id)).toBe(1);
    const unoffered = await app.db.sql`SELECT id FROM conversations WHERE id = ANY(${ids}::uuid[]) AND offered_to IS NULL`;
    expect(unoffered).toHaveLength(2);
    // A accepts and finishes theirs: a place frees, the oldest waiting one goes to A.
    const [mine] = await app.db.sql`SELECT id FROM conversations WHERE offered_to = ${a!.id}`;
    await a!.client.conversations.accept.mutate({ conversationId: mine!.id as string });
    await routeAll(app.services);
    expect((await loads(app.db.sql, [a!.id])).get(a!.id)).toBe(1);
    await a!.client.conversations.finish.mutate({ conversationId: mine!.id as string });
    await routeAll(app.services);
    const [next] = await app.db.sql`SELECT id FROM conversations WHERE offered_to = ${a!.id}`;
    expect(next!.id).toBe(ids.find((x) => unoffered.some((u) => u.id === x)));
  });

  it('a pull-mode team is never routed; switching it to auto offers its queue', async () => {
    const f = await floor(1);
    await app.db.sql`UPDATE teams SET routing = 'pull' WHERE id = ${f.teamId}`;
    const id = await arrive(app.services, f.channel);
    await routeAll(app.services);
    expect((await offerOf(id)).offered_to).toBeNull();
    const admin = await app.login('admin@demo.test');
    const team = await admin.admin.teams.update.mutate({ teamId: f.teamId, routing: 'auto', acceptTimeoutSeconds: 45 });
    expect(team).toMatchObject({ routing: 'auto', acceptTimeoutSeconds: 45 });
    await routeAll(app.services);
    expect((await offerOf(id)).offered_to).toBe(f.agents[0]!.id);
  });
});
