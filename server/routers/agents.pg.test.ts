import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { translate } from '../../i18n/index.ts';
import { refusal, startTestApp, type TestApp } from '../../test/helpers/app.ts';
import { inbound, makeChannel } from '../../test/helpers/conversations.ts';
import { eventsNumbered, openEventStream } from '../../test/helpers/events.ts';
import { createOtherOrg, demoIds, waitFor } from '../../test/helpers/orgs.ts';
import { endPause, setAgentStatus, startPause, type StatusActor } from '../commands/agents.ts';
import { sweepTimers } from '../commands/timers.ts';
import { AppError, errorsFor } from '../errors.ts';
import { makeContact, makeConversation } from '../../test/helpers/factories.ts';

let app: TestApp;
let ids: Awaited<ReturnType<typeof demoIds>>;
const types: Record<string, string> = {};
const EN = { 'accept-language': 'en' };
const MINUTE = 60_000;

beforeAll(async () => {
  app = await startTestApp();
  ids = await demoIds(app.db.sql);
  await app.db.sql`UPDATE users SET language = 'en'`;
  for (const [name, max, earliest, active] of [
    ['Lunch', 60, '11:00', true],
    ['Break', 15, null, true],
    ['Retired', 10, null, false],
  ] as const) {
    // Named apart from the demo's own pause types.
    const [row] = await app.db.sql`INSERT INTO pause_types (org_id, name, max_minutes, earliest_time, active)
      VALUES (${ids.orgId}, ${`Test ${name}`}, ${max}, ${earliest}, ${active}) RETURNING id`;
    types[name] = row!.id as string;
  }
});
afterAll(() => app?.stop());

async function commandRefusal(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}

const actorOf = (email: string): StatusActor => ({ orgId: ids.orgId, userId: ids.users[email]!, fail: errorsFor('en') });
const statusOf = async (email: string) => (await app.db.sql`SELECT status FROM users WHERE email = ${email}`)[0]!.status as string;
const openPauses = (email: string) =>
  app.db.sql`SELECT started_at, ends_by, overrun_flagged_at FROM agent_pauses WHERE user_id = ${ids.users[email]!} AND ended_at IS NULL`;
const statusEvents = async (userId: string) =>
  eventsNumbered(app.db.sql)
    .then(() => app.db.sql`SELECT data FROM events WHERE type = 'user.status' AND data->>'userId' = ${userId} ORDER BY id`)
    .then((r) => r.map((e) => e.data.status as string));

describe('agent status', () => {
  it('goes online and offline by choice, publishing each change once', async () => {
    const ana = await app.login('ana@demo.test', undefined, EN);
    const before = (await statusEvents(ids.users['ana@demo.test']!)).length;
    expect((await ana.agents.setStatus.mutate({ status: 'offline' })).status).toBe('offline');
    expect(await statusOf('ana@demo.test')).toBe('offline');
    await ana.agents.setStatus.mutate({ status: 'offline' });
    expect((await ana.agents.setStatus.mutate({ status: 'online' })).status).toBe('online');
    expect((await statusEvents(ids.users['ana@demo.test']!)).slice(before)).toEqual(['offline', 'online']);
    const me = await ana.agents.me.query();
    expect(me).toMatchObject({ id: ids.users['ana@demo.test'], status: 'online', pause: null, codename: 'Ana' });
    expect(Date.parse(me.statusChangedAt)).not.toBeNaN();
  });

  it('refuses a status other than online or offline (paused comes from a pause)', async () => {
    const ana = await app.login('ana@demo.test', undefined, EN);
    expect((await refusal(ana.agents.setStatus.mutate({ status: 'paused' as never }))).code).toBe('BAD_REQUEST');
  });

  it('marks the agent offline at logout', async () => {
    const bruno = await app.login('bruno@demo.test', undefined, EN);
    expect(await statusOf('bruno@demo.test')).toBe('online');
    await bruno.auth.logout.mutate();
    expect(await statusOf('bruno@demo.test')).toBe('offline');
    expect((await statusEvents(ids.users['bruno@demo.test']!)).at(-1)).toBe('offline');
  });
});

describe('pauses', () => {
  it('starts a pause: paused, recorded with its end, shown to colleagues; ends back online', async () => {
    const ana = await app.login('ana@demo.test', undefined, EN);
    const state = await ana.agents.startPause.mutate({ pauseTypeId: types.Break! });
    expect(state.status).toBe('paused');
    expect(state.pause).toMatchObject({ typeId: types.Break, name: 'Test Break', overrun: false });
    expect(Date.parse(state.pause!.endsBy) - Date.parse(state.pause!.startedAt)).toBe(15 * MINUTE);
    const [pause] = await openPauses('ana@demo.test');
    expect(pause!.ends_by.getTime() - pause!.started_at.getTime()).toBe(15 * MINUTE);

    const carla = await app.login('carla@demo.test', undefined, EN);
    const list = await carla.agents.list.query();
    const seen = list.find((a) => a.id === ids.users['ana@demo.test']);
    expect(seen).toMatchObject({ status: 'paused', pause: { name: 'Test Break', typeId: types.Break } });

    const second = await refusal(ana.agents.startPause.mutate({ pauseTypeId: types.Lunch! }));
    expect([second.code, second.data.reason, second.message]).toEqual([
      'CONFLICT',
      'pause.alreadyPaused',
      translate('en', 'pause.alreadyPaused'),
    ]);

    expect((await ana.agents.endPause.mutate()).status).toBe('online');
    expect(await openPauses('ana@demo.test')).toHaveLength(0);
    const none = await refusal(ana.agents.endPause.mutate());
    expect([none.code, none.data.reason, none.message]).toEqual([
      'PRECONDITION_FAILED',
      'pause.notPaused',
      translate('en', 'pause.notPaused'),
    ]);
    expect((await statusEvents(ids.users['ana@demo.test']!)).slice(-2)).toEqual(['paused', 'online']);
  });

  it('accepts only active pause types of the organization', async () => {
    const ana = await app.login('ana@demo.test', undefined, EN);
    expect((await refusal(ana.agents.startPause.mutate({ pauseTypeId: types.Retired! }))).code).toBe('NOT_FOUND');
    const other = await createOtherOrg(app.db.sql, 'pauses');
    const [foreign] = await app.db
      .sql`INSERT INTO pause_types (org_id, name, max_minutes) VALUES (${other.org.id}, 'Theirs', 10) RETURNING id`;
    expect((await refusal(ana.agents.startPause.mutate({ pauseTypeId: foreign!.id }))).code).toBe('NOT_FOUND');
    expect(await statusOf('ana@demo.test')).toBe('online');
    const menu: { id: string; name: string }[] = await ana.agents.pauseTypes.query();
    expect(menu.map((t) => t.id)).toEqual(expect.arrayContaining([types.Break, types.Lunch]));
    expect(menu.map((t) => t.id)).not.toContain(types.Retired);
    expect(menu.map((t) => t.id)).not.toContain(foreign!.id);
    expect(menu.find((t) => t.id === types.Lunch)).toMatchObject({ name: 'Test Lunch', maxMinutes: 60, earliestTime: '11:00' });
  });

  it('respects the earliest time of day in the organization time zone', async () => {
    // The demo organization is in America/Sao_Paulo (UTC-3): 13:59 UTC is 10:59 there.
    const carla = actorOf('carla@demo.test');
    const early = await commandRefusal(startPause(app.services, carla, types.Lunch!, new Date('2030-03-04T13:59:00Z')));
    expect([early.code, early.reason, early.params]).toEqual(['PRECONDITION_FAILED', 'pause.tooEarly', { time: '11:00' }]);
    expect(early.message).toBe('This pause can only start from 11:00.');
    expect(await statusOf('carla@demo.test')).not.toBe('paused');

    const at = new Date('2030-03-04T14:00:00Z');
    const state = await startPause(app.services, carla, types.Lunch!, at);
    expect(state.status).toBe('paused');
    expect(state.pause).toMatchObject({ startedAt: at, endsBy: new Date(at.getTime() + 60 * MINUTE) });
    await endPause(app.services, carla, new Date(at.getTime() + 30 * MINUTE));
    const [row] = await app.db
      .sql`SELECT ended_at FROM agent_pauses WHERE user_id = ${ids.users['carla@demo.test']!} AND started_at = ${at}`;
    expect(row!.ended_at).toEqual(new Date(at.getTime() + 30 * MINUTE));
  });

  it('ends a running pause when the agent goes online, offline or logs out', async () => {
    const carla = actorOf('carla@demo.test');
    await startPause(app.services, carla, types.Break!);
    expect((await setAgentStatus(app.services, carla, 'offline')).pause).toBeNull();
    expect(await openPauses('carla@demo.test')).toHaveLength(0);

    const client = await app.login('carla@demo.test', undefined, EN);
    await client.agents.startPause.mutate({ pauseTypeId: types.Break! });
    await client.auth.logout.mutate();
    expect(await statusOf('carla@demo.test')).toBe('offline');
    // The pause closes with the status, whoever changed it, so no overrun is flagged later.
    expect(await openPauses('carla@demo.test')).toHaveLength(0);
  });

  it('leaves a paused agent unavailable to customers: the bot says no one is available', async () => {
    const channel = await makeChannel(app.db.sql, ids);
    await app.db.sql`UPDATE users SET status = 'offline' WHERE org_id = ${ids.orgId}`;
    await startPause(app.services, actorOf('bruno@demo.test'), types.Break!);
    await inbound(app, channel, { from: '5511911110001', text: 'Oi' });
    const queued = await inbound(app, channel, { from: '5511911110001', text: '1' });
    expect(queued.conversation.status).toBe('waiting');
    expect(queued.conversation.noOneNotifiedAt).not.toBeNull();
    await endPause(app.services, actorOf('bruno@demo.test'));
    await inbound(app, channel, { from: '5511911110002', text: 'Oi' });
    const served = await inbound(app, channel, { from: '5511911110002', text: '1' });
    expect(served.conversation.noOneNotifiedAt).toBeNull();
  });
});

describe('overrun', () => {
  it('flags a pause past its end once, to administrators only', async () => {
    const admin = await app.login('admin@demo.test', undefined, EN);
    const carla = await app.login('carla@demo.test', undefined, EN);
    const adminStream = openEventStream(app.url, admin.cookie);
    const agentStream = openEventStream(app.url, carla.cookie);
    await Promise.all([adminStream.started, agentStream.started]);

    const started = new Date();
    await startPause(app.services, actorOf('ana@demo.test'), types.Break!, started);
    expect((await sweepTimers(app.services, new Date(started.getTime() + 14 * MINUTE))).overruns).toEqual([]);
    const sweep = await sweepTimers(app.services, new Date(started.getTime() + 16 * MINUTE));
    expect(sweep.overruns.map((o) => o.userId)).toEqual([ids.users['ana@demo.test']]);
    const [pause] = await openPauses('ana@demo.test');
    expect(pause!.overrun_flagged_at).toEqual(new Date(started.getTime() + 16 * MINUTE));
    expect((await sweepTimers(app.services, new Date(started.getTime() + 30 * MINUTE))).overruns).toEqual([]);

    const flagged = await waitFor(async () => adminStream.received.find((e) => e.data.type === 'agent.pauseOverrun'), 'the overrun event');
    expect(flagged.data.userId).toBe(ids.users['ana@demo.test']);
    // An org-wide event after it: once the agent has that, it would have had the overrun too.
    await setAgentStatus(app.services, actorOf('bruno@demo.test'), 'online');
    await setAgentStatus(app.services, actorOf('bruno@demo.test'), 'offline');
    await waitFor(
      async () =>
        agentStream.received.some(
          (e) => e.data.type === 'user.status' && e.data.status === 'offline' && e.data.userId === ids.users['bruno@demo.test'],
        ),
      'a later event',
    );
    expect(agentStream.received.some((e) => e.data.type === 'agent.pauseOverrun')).toBe(false);
    adminStream.close();
    agentStream.close();

    // The agents list shows it as overrun, and the monitoring board flags it.
    const list = await carla.agents.list.query();
    expect(list.find((a) => a.id === ids.users['ana@demo.test'])!.pause!.overrun).toBe(true);
    const board = await admin.admin.monitor.overview.query();
    expect(board.agents.find((a) => a.id === ids.users['ana@demo.test'])).toMatchObject({ status: 'paused', pauseOverrun: true });
    await endPause(app.services, actorOf('ana@demo.test'));
  });
});

describe('agents list and monitoring board', () => {
  it('lists every active user with teams and rating average over the conversations each served', async () => {
    const channel = await makeChannel(app.db.sql, ids);
    const contactId = await makeContact(app.db.sql, ids.orgId, { name: 'Rated' });
    for (const rating of [4, 5, 5]) {
      await makeConversation(app.db.sql, ids.orgId, {
        contactId,
        channelId: channel.id,
        teamId: ids.teams.Support,
        status: 'closed',
        servedBy: ids.users['bruno@demo.test']!,
        rating,
      });
    }
    await app.db.sql`INSERT INTO users (org_id, email, name, deactivated_at) VALUES (${ids.orgId}, 'gone@demo.test', 'Gone Away', now())`;
    const ana = await app.login('ana@demo.test', undefined, EN);
    const list = await ana.agents.list.query();
    expect(list.map((a) => a.name)).toEqual(['Admin Demo', 'Ana Souza', 'Bruno Lima', 'Carla Dias']);
    const bruno = list.find((a) => a.id === ids.users['bruno@demo.test']);
    expect(bruno).toMatchObject({ ratingAverage: 4.67, ratingCount: 3, teamIds: [ids.teams.Support], photoUrl: null, codename: 'Bruno' });
    const carla = list.find((a) => a.id === ids.users['carla@demo.test']);
    expect(carla).toMatchObject({ ratingAverage: null, ratingCount: 0 });
    expect([...carla!.teamIds].sort()).toEqual([ids.teams.Sales, ids.teams.Support].sort());
    // Never another organization's people.
    expect(JSON.stringify(list)).not.toContain('Agent pauses');
  });

  it('shows admins every open conversation and who is absent inside their work hours', async () => {
    const channel = await makeChannel(app.db.sql, ids);
    await app.db.sql`UPDATE users SET status = 'online', connected = true WHERE email = 'carla@demo.test'`;
    const inBot = await inbound(app, channel, { from: '5511922220001', text: 'Oi' });
    await inbound(app, channel, { from: '5511922220002', text: 'Oi' });
    const waiting = await inbound(app, channel, { from: '5511922220002', text: '2' });
    const allDay = Object.fromEntries(['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'].map((d) => [d, [['00:00', '23:59']]]));
    await app.db.sql`UPDATE users SET work_hours = ${app.db.sql.json(allDay)}, status = 'offline' WHERE email = 'bruno@demo.test'`;
    await app.db.sql`UPDATE users SET work_hours = ${app.db.sql.json(allDay)} WHERE email = 'carla@demo.test'`;

    // A send in doubt (the process died mid-send) is listed for the admin.
    const [doubt] = await app.db
      .sql`UPDATE messages SET status = 'unknown' WHERE id = (SELECT id FROM messages WHERE conversation_id = ${waiting.conversation.id} AND direction = 'out' ORDER BY created_at LIMIT 1) RETURNING id, text`;
    const admin = await app.login('admin@demo.test', undefined, EN);
    const board = await admin.admin.monitor.overview.query();
    expect(board.unknownDeliveries).toEqual([
      expect.objectContaining({
        messageId: doubt!.id,
        conversationId: waiting.conversation.id,
        text: doubt!.text,
        channel: { id: channel.id, name: channel.name },
      }),
    ]);
    const bot = board.conversations.find((c) => c.id === inBot.conversation.id);
    expect(bot).toMatchObject({
      status: 'bot',
      team: null,
      channel: { id: channel.id, kind: 'whatsapp' },
      contact: { whatsapp: '5511922220001' },
      assignee: null,
    });
    const queued = board.conversations.find((c) => c.id === waiting.conversation.id);
    expect(queued).toMatchObject({
      status: 'waiting',
      team: { id: ids.teams.Sales, name: 'Sales' },
      waitingSince: waiting.conversation.queuedAt!.toISOString(),
    });
    expect(board.conversations.every((c: { status: string }) => c.status !== 'closed')).toBe(true);
    const byEmail = (id: string) => board.agents.find((a) => a.id === id);
    expect(byEmail(ids.users['bruno@demo.test']!)).toMatchObject({
      status: 'offline',
      absent: true,
      pauseOverrun: false,
      timeZone: 'America/Sao_Paulo',
    });
    expect(byEmail(ids.users['carla@demo.test']!)).toMatchObject({ status: 'online', absent: false });
    // No schedule: never absent.
    expect(byEmail(ids.users['admin@demo.test']!)!.absent).toBe(false);

    const agent = await app.login('ana@demo.test', undefined, EN);
    expect((await refusal(agent.admin.monitor.overview.query())).code).toBe('FORBIDDEN');
  });
});
