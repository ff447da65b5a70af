import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refusal, startTestApp, type TestApp } from '../../test/helpers/app.ts';
import { demoIds } from '../../test/helpers/orgs.ts';
import type { Channel } from '../../db/queries/channels.ts';
import { ingestInbound } from '../commands/conversations/ingest.ts';
import { sweepReturns, sweepSnoozes } from './returns.ts';
import { routeAll } from './routing.ts';
import { arrive, signedInTeam, type SignedInTeam } from './routing-test-setup.ts';

/** Issue 12, items 4 and 7: returning conversations nobody answers, and waiting on the customer. */
let app: TestApp;
let orgId: string;
let seq = 0;

beforeAll(async () => {
  // No floor loop: each test sweeps at the instants it chooses.
  app = await startTestApp({}, { floor: { loop: false } });
  orgId = (await demoIds(app.db.sql)).orgId;
});
afterAll(async () => {
  await app?.stop();
});

type Agent = SignedInTeam['agents'][number];
const floor = (agents: number, settings: Record<string, unknown> = {}) => signedInTeam(app, orgId, `Ret${++seq}`, agents, settings);
/** A conversation offered and accepted: served by the agent it went to. */
async function served(f: { channel: Channel; agents: Agent[] }) {
  const id = await arrive(app.services, f.channel);
  await routeAll(app.services);
  const [row] = await app.db.sql`SELECT offered_to FROM conversations WHERE id = ${id}`;
  const agent = f.agents.find((a) => a.id === row!.offered_to)!;
  await agent.client.conversations.accept.mutate({ conversationId: id });
  return { id, agent };
}
const visitorOf = async (id: string) =>
  (await app.db.sql`SELECT k.webchat_visitor_id FROM conversations c JOIN contacts k ON k.id = c.contact_id WHERE c.id = ${id}`)[0]!
    .webchat_visitor_id as string;
let n = 0;
async function customerWrites(channel: Channel, id: string, text = 'Hello?') {
  await ingestInbound(app.services, {
    channel,
    from: { webchatVisitorId: await visitorOf(id), name: null },
    channelMessageId: `ret-${++n}-${Date.now()}`,
    sentAt: new Date(),
    kind: 'text',
    text,
  });
}
const state = async (id: string) =>
  (
    await app.db.sql`SELECT status, assignee_id, head_of_queue, offered_to, pending_since, pending_until, last_activity_at
    FROM conversations WHERE id = ${id}`
  )[0]!;
const minutes = (m: number) => new Date(Date.now() + m * 60_000);

describe('returning conversations nobody answers', () => {
  it('a customer message unanswered past the team’s minutes returns it to the head of the queue, and to someone else', async () => {
    const f = await floor(2, { noAnswerMinutes: 5 });
    const { id, agent } = await served(f);
    await customerWrites(f.channel, id);
    expect(await sweepReturns(app.services, minutes(4))).toBe(0);
    // Two processes sweeping at the same instant return it once.
    const counts = await Promise.all([sweepReturns(app.services, minutes(6)), sweepReturns(app.services, minutes(6))]);
    expect(counts[0]! + counts[1]!).toBe(1);
    expect(await state(id)).toMatchObject({ status: 'waiting', assignee_id: null, head_of_queue: true });
    const [told] = await app.db.sql`SELECT data FROM events WHERE type = 'conversation.returned' AND data->>'conversationId' = ${id}`;
    expect(told!.data).toMatchObject({ userId: agent.id, assigneeId: agent.id, reason: 'no_answer' });
    const [audited] = await app.db.sql`SELECT subject_user_id, details FROM audit_log WHERE action = 'conversation_returned'
      AND details->>'conversationId' = ${id}`;
    expect(audited).toMatchObject({ subject_user_id: agent.id, details: { reason: 'no_answer' } });
    // First in Waiting, and offered to the other agent, not back to the one who had it.
    const other = f.agents.find((a) => a.id !== agent.id)!;
    expect((await other.client.queue.list.query())[0]).toMatchObject({ id, headOfQueue: true });
    await routeAll(app.services);
    expect((await state(id)).offered_to).toBe(other.id);
  });

  it('an answer stops the clock; the customer writing again does not reset the inactivity timer', async () => {
    const f = await floor(1, { noAnswerMinutes: 5 });
    const { id, agent } = await served(f);
    await customerWrites(f.channel, id);
    await agent.client.conversations.send.mutate({ conversationId: id, text: 'On it', clientMessageId: `m-${Date.now()}-x` });
    expect(await sweepReturns(app.services, minutes(30))).toBe(0);
    const before = (await state(id)).last_activity_at as Date;
    await customerWrites(f.channel, id, 'Anyone?');
    expect(((await state(id)).last_activity_at as Date).getTime()).toBe(before.getTime());
  });

  it('the serving agent without a device past the team’s absence minutes loses it', async () => {
    const f = await floor(1, { absentMinutes: 10 });
    const { id, agent } = await served(f);
    await app.db.sql`UPDATE users SET connected = false, device_lost_at = now() - interval '9 minutes' WHERE id = ${agent.id}`;
    expect(await sweepReturns(app.services)).toBe(0);
    await app.db.sql`UPDATE users SET device_lost_at = now() - interval '11 minutes' WHERE id = ${agent.id}`;
    expect(await sweepReturns(app.services)).toBe(1);
    const [told] = await app.db.sql`SELECT data FROM events WHERE type = 'conversation.returned' AND data->>'conversationId' = ${id}`;
    expect(told!.data).toMatchObject({ userId: agent.id, reason: 'absent' });
  });

  it('rules off (the default): nothing is returned', async () => {
    const f = await floor(1);
    const { id, agent } = await served(f);
    await customerWrites(f.channel, id);
    await app.db.sql`UPDATE users SET connected = false, device_lost_at = now() - interval '1 day' WHERE id = ${agent.id}`;
    await sweepReturns(app.services, minutes(60 * 24));
    expect((await state(id)).status).toBe('active');
  });
});

describe('waiting on the customer', () => {
  it('pending leaves the capacity and comes back to the agent when the customer writes', async () => {
    const f = await floor(1, { maxPerAgent: 1 });
    const { id, agent } = await served(f);
    const second = await arrive(app.services, f.channel);
    await routeAll(app.services);
    expect((await state(second)).offered_to).toBeNull();
    const view = await agent.client.conversations.setPending.mutate({ conversationId: id });
    expect(view.pending).toMatchObject({ since: expect.any(String), until: null });
    expect((await agent.client.conversations.mine.query()).find((c) => c.id === id)!.pending).not.toBeNull();
    // Out of the count: the next conversation is offered.
    await routeAll(app.services);
    expect((await state(second)).offered_to).toBe(agent.id);
    await customerWrites(f.channel, id, 'Here is the photo');
    expect(await state(id)).toMatchObject({ status: 'active', assignee_id: agent.id, pending_since: null });
  });

  it('when its agent is not available, a pending conversation the customer answers goes to the queue', async () => {
    const f = await floor(1);
    const { id, agent } = await served(f);
    await agent.client.conversations.setPending.mutate({ conversationId: id });
    await app.db.sql`UPDATE users SET status = 'paused' WHERE id = ${agent.id}`;
    await customerWrites(f.channel, id);
    expect(await state(id)).toMatchObject({ status: 'waiting', head_of_queue: true, pending_since: null });
    const [told] = await app.db.sql`SELECT data FROM events WHERE type = 'conversation.returned' AND data->>'conversationId' = ${id}`;
    expect(told!.data).toMatchObject({ reason: 'pending_ended' });
  });

  it('snoozed until a time: it comes back then, once', async () => {
    const f = await floor(1);
    const { id, agent } = await served(f);
    const until = minutes(60).toISOString();
    expect((await agent.client.conversations.setPending.mutate({ conversationId: id, until })).pending!.until).toBe(until);
    expect(await sweepSnoozes(app.services, minutes(30))).toBe(0);
    const woken = await Promise.all([sweepSnoozes(app.services, minutes(61)), sweepSnoozes(app.services, minutes(61))]);
    expect(woken[0]! + woken[1]!).toBe(1);
    expect(await state(id)).toMatchObject({ status: 'active', assignee_id: agent.id, pending_since: null, pending_until: null });
  });

  it('refuses a snooze in the past or too far ahead, and anyone but the serving agent', async () => {
    const f = await floor(2);
    const { id, agent } = await served(f);
    const other = f.agents.find((a) => a.id !== agent.id)!;
    const past = await refusal(agent.client.conversations.setPending.mutate({ conversationId: id, until: minutes(-1).toISOString() }));
    expect(past).toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('30 days') });
    const far = await refusal(
      agent.client.conversations.setPending.mutate({ conversationId: id, until: minutes(60 * 24 * 31).toISOString() }),
    );
    expect(far.code).toBe('BAD_REQUEST');
    expect((await refusal(other.client.conversations.setPending.mutate({ conversationId: id }))).code).toBe('FORBIDDEN');
    expect((await state(id)).pending_since).toBeNull();
  });

  it('finishing a pending conversation clears it; the agent can take it back at once', async () => {
    const f = await floor(1);
    const { id, agent } = await served(f);
    await agent.client.conversations.setPending.mutate({ conversationId: id });
    expect((await agent.client.conversations.resume.mutate({ conversationId: id })).pending).toBeNull();
    await agent.client.conversations.setPending.mutate({ conversationId: id });
    await agent.client.conversations.finish.mutate({ conversationId: id });
    expect(await state(id)).toMatchObject({ status: 'closed', pending_since: null });
  });
});
