import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Channel } from '../../db/queries/channels.ts';
import type { Conversation } from '../../db/queries/conversations.ts';
import { startTestApp, type TestApp } from '../../test/helpers/app.ts';
import { inbound, makeChannel, waitingConversation } from '../../test/helpers/conversations.ts';
import { demoIds, waitFor } from '../../test/helpers/orgs.ts';
import { claimConversation } from './conversations/claim.ts';
import { actorFor } from './conversations/common.ts';
import { sweepTimers } from './timers.ts';
import { getUser } from '../../db/queries/users.ts';
import { errorsFor } from '../errors.ts';

/**
 * The timers run against a clock the test chooses: conversations are created now, and the
 * sweep is told it is later. (The worker's own minute sweep uses the real clock, so it never
 * reaches these deadlines while the tests run.)
 */
let app: TestApp;
let ids: Awaited<ReturnType<typeof demoIds>>;
let channel: Channel;
let phone = 5511933330000;
const MINUTE = 60_000;
const later = (from: Date, minutes: number) => new Date(from.getTime() + minutes * MINUTE);

beforeAll(async () => {
  app = await startTestApp();
  ids = await demoIds(app.db.sql);
  channel = await makeChannel(app.db.sql, ids);
  // Distinct timeouts, so each sweep below reaches exactly one of them.
  await app.db.sql`UPDATE teams SET queue_timeout_minutes = 30 WHERE id = ${ids.teams.Support!}`;
  await app.db.sql`UPDATE teams SET queue_timeout_minutes = 120 WHERE id = ${ids.teams.Sales!}`;
  await app.db.sql`UPDATE organizations SET bot_timeout_minutes = 45, inactivity_timeout_minutes = 90 WHERE id = ${ids.orgId}`;
});
afterAll(() => app?.stop());

const nextPhone = () => String(++phone);
const row = async (id: string) =>
  (await app.db.sql`SELECT status, close_reason, closed_at, closed_by, assignee_id, served_by FROM conversations WHERE id = ${id}`)[0]!;
const autoCloseAudits = (id: string) =>
  app.db
    .sql`SELECT subject_user_id, details FROM audit_log WHERE action = 'conversation_auto_closed' AND details->>'conversationId' = ${id}`;
const closedIds = (r: Awaited<ReturnType<typeof sweepTimers>>) => r.closed.map((c) => c.conversationId).sort();

async function activeConversation(email: string): Promise<Conversation> {
  const waiting = await waitingConversation(app, channel, nextPhone(), '1');
  const user = (await getUser(app.db.sql, ids.orgId, ids.users[email]!))!;
  return claimConversation(app.services, await actorFor(app.db.sql, user, errorsFor('en'), 'en'), waiting.id);
}

describe('sweepTimers', () => {
  it('closes each open conversation at its own deadline, with its reason, once', async () => {
    const inBot = (await inbound(app, channel, { from: nextPhone(), text: 'Oi' })).conversation;
    const support = await waitingConversation(app, channel, nextPhone(), '1');
    const sales = await waitingConversation(app, channel, nextPhone(), '2');
    const active = await activeConversation('ana@demo.test');
    await app.db
      .sql`INSERT INTO conversation_participants (org_id, conversation_id, user_id) VALUES (${ids.orgId}, ${active.id}, ${ids.users['bruno@demo.test']!})`;
    const t0 = new Date();

    expect(closedIds(await sweepTimers(app.services, later(t0, 29)))).toEqual([]);

    const queue = await sweepTimers(app.services, later(t0, 31));
    expect(queue.closed).toEqual([{ conversationId: support.id, orgId: ids.orgId, reason: 'queue_timeout' }]);
    expect(await row(support.id)).toMatchObject({
      status: 'closed',
      close_reason: 'queue_timeout',
      closed_at: later(t0, 31),
      closed_by: null,
      assignee_id: null,
    });

    const bot = await sweepTimers(app.services, later(t0, 46));
    expect(bot.closed).toEqual([{ conversationId: inBot.id, orgId: ids.orgId, reason: 'bot_timeout' }]);
    expect(await row(inBot.id)).toMatchObject({ status: 'closed', close_reason: 'bot_timeout' });

    const idle = await sweepTimers(app.services, later(t0, 91));
    expect(idle.closed).toEqual([{ conversationId: active.id, orgId: ids.orgId, reason: 'inactivity' }]);
    // The assignee is cleared (the table's rule) but the agent who served it is kept.
    expect(await row(active.id)).toMatchObject({
      status: 'closed',
      close_reason: 'inactivity',
      assignee_id: null,
      served_by: ids.users['ana@demo.test'],
    });
    const participants = await app.db.sql`SELECT 1 FROM conversation_participants WHERE conversation_id = ${active.id}`;
    expect(participants).toHaveLength(0);

    expect(await row(sales.id)).toMatchObject({ status: 'waiting' });
    expect((await sweepTimers(app.services, later(t0, 121))).closed.map((c) => c.conversationId)).toEqual([sales.id]);

    for (const c of [support, inBot, active, sales]) expect(await autoCloseAudits(c.id)).toHaveLength(1);
    const [audit] = await autoCloseAudits(active.id);
    expect(audit).toMatchObject({
      subject_user_id: ids.users['ana@demo.test'],
      details: { reason: 'inactivity', protocol: active.protocol },
    });

    // Each close is published, naming the agent who had it so their workspace hears of it.
    const events = await app.db
      .sql`SELECT data FROM events WHERE type = 'conversation.updated' AND data->>'conversationId' = ${active.id} AND data->>'status' = 'closed'`;
    expect(events.map((e) => e.data)).toEqual([
      expect.objectContaining({ assigneeId: ids.users['ana@demo.test'], teamId: ids.teams.Support }),
    ]);
    const queueEvents = await app.db
      .sql`SELECT 1 FROM events WHERE type = 'queue.changed' AND data->>'conversationId' = ${support.id} AND data->>'status' = 'closed'`;
    expect(queueEvents).toHaveLength(1);

    // Nothing left to do: a repeat sweep changes nothing.
    const again = closedIds(await sweepTimers(app.services, later(t0, 500)));
    for (const c of [support, inBot, active, sales]) expect(again).not.toContain(c.id);
    for (const c of [support, inBot, active, sales]) expect(await autoCloseAudits(c.id)).toHaveLength(1);
  });

  it('measures inactivity from the last activity, not from the claim', async () => {
    const active = await activeConversation('carla@demo.test');
    const t0 = new Date();
    await app.db.sql`UPDATE conversations SET last_activity_at = ${later(t0, 60)} WHERE id = ${active.id}`;
    expect(closedIds(await sweepTimers(app.services, later(t0, 100)))).not.toContain(active.id);
    expect(closedIds(await sweepTimers(app.services, later(t0, 151)))).toContain(active.id);
  });

  it('closes each conversation once when several processes sweep at the same instant', async () => {
    const opened = [];
    for (let i = 0; i < 6; i++) opened.push(await waitingConversation(app, channel, nextPhone(), '1'));
    const at = later(new Date(), 31);
    const results = await Promise.all([sweepTimers(app.services, at, 2), sweepTimers(app.services, at, 2), sweepTimers(app.services, at)]);
    const all = results.flatMap((r) => r.closed.map((c) => c.conversationId));
    for (const c of opened) {
      expect(all.filter((id) => id === c.id)).toHaveLength(1);
      expect(await autoCloseAudits(c.id)).toHaveLength(1);
      expect((await row(c.id)).status).toBe('closed');
    }
  });
});

describe('the job queue', () => {
  it('runs queued jobs: a one-off sweep closes what is due at its instant', async () => {
    const waiting = await waitingConversation(app, channel, nextPhone(), '1');
    await app.services.jobs.add('sweep_timers', { now: later(new Date(), 31).toISOString() });
    await waitFor(async () => (await row(waiting.id)).status === 'closed', 'the worker to sweep');
    expect(await row(waiting.id)).toMatchObject({ close_reason: 'queue_timeout' });
  });

  it('registers the minute sweep in the database, once for every process', async () => {
    const crons = await app.db.sql`SELECT identifier FROM graphile_worker._private_known_crontabs`;
    expect(crons.map((c) => c.identifier)).toContain('sweep_timers');
  });
});
