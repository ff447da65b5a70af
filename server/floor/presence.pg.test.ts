/**
 * Issue 12 item 1: presence that tells the truth. `connected` follows the agents' live devices
 * (events.stream and /sync, on any process) with the organization's grace period; a session
 * that ends makes the agent offline; "available" (online, connected, inside enforced work
 * hours) is what agents.list, the monitoring board and the "no one available" notice use.
 * Real PostgreSQL, two real server processes, the real tRPC and y-websocket clients.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Channel } from '../../db/queries/channels.ts';
import { docName } from '../../sync/shared/doc-name.ts';
import { refusal, startSecondProcess, startTestApp, type TestApp, type TestClient } from '../../test/helpers/app.ts';
import { makeChannel, waitingConversation } from '../../test/helpers/conversations.ts';
import { eventsNumbered, openEventStream } from '../../test/helpers/events.ts';
import { demoIds, waitFor } from '../../test/helpers/orgs.ts';
import { connectDoc } from '../../test/helpers/sync.ts';
import type { RunningApp } from '../app.ts';
import { WEEKDAYS, localClock } from '../domain/work-hours.ts';
import { expireSessions } from '../jobs/housekeeping.ts';
import { sweepPresence } from './presence.ts';

let app: TestApp;
let second: RunningApp;
let ids: Awaited<ReturnType<typeof demoIds>>;
let admin: TestClient;
const EN = { 'accept-language': 'en' };
const GRACE_MS = 60_000;
/** Just past the default grace period from now. */
const pastGrace = () => new Date(Date.now() + GRACE_MS + 1_000);

beforeAll(async () => {
  app = await startTestApp();
  second = await startSecondProcess(app);
  ids = await demoIds(app.db.sql);
  await app.db.sql`UPDATE users SET language = 'en'`;
  // The default grace (the test helper lengthens it for every other test).
  await app.db.sql`UPDATE organizations SET presence_grace_seconds = 60`;
  admin = await app.login('admin@demo.test', undefined, EN);
});
afterAll(async () => {
  await second?.close();
  await app?.stop();
});

const idOf = (email: string) => ids.users[email]!;
const presenceOf = async (email: string) =>
  (await app.db.sql`SELECT connected, device_lost_at FROM users WHERE id = ${idOf(email)}`)[0] as {
    connected: boolean;
    device_lost_at: Date | null;
  };
const devicesOf = (email: string) =>
  app.db.sql`SELECT process_id, connections FROM agent_devices WHERE user_id = ${idOf(email)} ORDER BY process_id`;
/** The user.presence events about the user, after the first `from` of them. */
const presenceEvents = async (email: string, from = 0) => {
  await eventsNumbered(app.db.sql);
  return (await app.db.sql`SELECT data FROM events WHERE type = 'user.presence' AND data->>'userId' = ${idOf(email)} ORDER BY id`)
    .map((e) => e.data.connected as boolean)
    .slice(from);
};
const statusEvents = async (email: string) => {
  await eventsNumbered(app.db.sql);
  return (await app.db.sql`SELECT data FROM events WHERE type = 'user.status' AND data->>'userId' = ${idOf(email)} ORDER BY id`).map(
    (e) => e.data.status as string,
  );
};
const listed = async (email: string) => (await admin.agents.list.query()).find((a) => a.id === idOf(email))!;
/** As if the agent had never had a device (a sign-in counts as one for the grace period). */
const noDevice = (email: string) => app.db.sql`UPDATE users SET connected = false, device_lost_at = NULL WHERE id = ${idOf(email)}`;

describe('connected follows live devices, on any process', () => {
  it('an events.stream on process B connects the agent; after the grace the sweep disconnects; a new stream reconnects', async () => {
    const ana = await app.login('ana@demo.test', undefined, EN);
    // The sign-in itself was announced (a device just seen).
    expect(await presenceEvents('ana@demo.test')).toEqual([true]);
    await noDevice('ana@demo.test');
    expect(await listed('ana@demo.test')).toMatchObject({ status: 'online', connected: false, available: false });
    const from = (await presenceEvents('ana@demo.test')).length;

    const stream = openEventStream(second.url, ana.cookie);
    await stream.started;
    await waitFor(async () => (await presenceOf('ana@demo.test')).connected, 'connected through process B');
    expect(await devicesOf('ana@demo.test')).toEqual([{ process_id: second.services.presence.processId, connections: 1 }]);
    // Asked through process A.
    expect(await listed('ana@demo.test')).toMatchObject({ connected: true, available: true });
    expect(await presenceEvents('ana@demo.test', from)).toEqual([true]);

    stream.close();
    await waitFor(async () => (await presenceOf('ana@demo.test')).device_lost_at !== null, 'the device lost');
    expect(await devicesOf('ana@demo.test')).toEqual([]);
    // Within the grace: still connected (a page reload, a network blip).
    await sweepPresence(app.services, new Date());
    expect(await listed('ana@demo.test')).toMatchObject({ connected: true, available: true });

    // Past it, swept by both processes at once: disconnected once.
    const at = pastGrace();
    await Promise.all([sweepPresence(app.services, at), sweepPresence(second.services, at)]);
    await sweepPresence(app.services, at);
    expect(await listed('ana@demo.test')).toMatchObject({ status: 'online', connected: false, available: false });
    expect(await presenceEvents('ana@demo.test', from)).toEqual([true, false]);

    const again = openEventStream(app.url, ana.cookie);
    await again.started;
    await waitFor(async () => (await presenceOf('ana@demo.test')).connected, 'connected again');
    expect(await presenceOf('ana@demo.test')).toMatchObject({ connected: true, device_lost_at: null });
    expect(await presenceEvents('ana@demo.test', from)).toEqual([true, false, true]);
    // Colleagues hear it on their streams.
    const watcher = openEventStream(app.url, admin.cookie);
    await watcher.started;
    again.close();
    await waitFor(async () => (await presenceOf('ana@demo.test')).device_lost_at !== null, 'lost again');
    await sweepPresence(app.services, pastGrace());
    await waitFor(
      async () =>
        watcher.received.some((e) => e.data.type === 'user.presence' && e.data.userId === idOf('ana@demo.test') && !e.data.connected),
      'user.presence on a colleague’s stream',
    );
    watcher.close();
  });

  it('a /sync connection (stock y-websocket client) counts as a device', async () => {
    const bruno = await app.login('bruno@demo.test', undefined, EN);
    await noDevice('bruno@demo.test');
    const doc = connectDoc(second.url, docName.presence(ids.orgId), bruno.cookie);
    await doc.synced();
    await waitFor(async () => (await presenceOf('bruno@demo.test')).connected, 'connected through /sync');
    expect(await devicesOf('bruno@demo.test')).toEqual([{ process_id: second.services.presence.processId, connections: 1 }]);
    expect(await listed('bruno@demo.test')).toMatchObject({ connected: true, available: true });
    doc.destroy();
    await waitFor(async () => (await presenceOf('bruno@demo.test')).device_lost_at !== null, 'the socket gone');
    expect(await devicesOf('bruno@demo.test')).toEqual([]);
    expect((await presenceOf('bruno@demo.test')).connected).toBe(true);
  });

  it('with two connections (stream + sync), closing one keeps the agent connected with no device lost', async () => {
    const carla = await app.login('carla@demo.test', undefined, EN);
    await noDevice('carla@demo.test');
    const from = (await presenceEvents('carla@demo.test')).length;
    const stream = openEventStream(app.url, carla.cookie);
    await stream.started;
    const doc = connectDoc(app.url, docName.presence(ids.orgId), carla.cookie);
    await doc.synced();
    await waitFor(async () => (await presenceOf('carla@demo.test')).connected, 'connected');
    stream.close();
    // The heartbeat writes the count: one connection left on this process, its row kept.
    await waitFor(async () => {
      await app.services.presence.heartbeat();
      const rows = await devicesOf('carla@demo.test');
      return rows.length === 1 && rows[0]!.connections === 1;
    }, 'one connection left');
    expect(await presenceOf('carla@demo.test')).toEqual({ connected: true, device_lost_at: null });
    doc.destroy();
    await waitFor(async () => (await presenceOf('carla@demo.test')).device_lost_at !== null, 'both gone');
    expect(await presenceEvents('carla@demo.test', from)).toEqual([true]);
  });

  it('quick open / close / open on one process ends with the device row there', async () => {
    const presence = app.services.presence;
    for (let i = 0; i < 20; i++) presence.connect(ids.orgId, idOf('ana@demo.test'))();
    const release = presence.connect(ids.orgId, idOf('ana@demo.test'));
    await waitFor(async () => (await devicesOf('ana@demo.test')).length === 1, 'the row');
    await new Promise((r) => setTimeout(r, 200));
    expect(await devicesOf('ana@demo.test')).toEqual([{ process_id: presence.processId, connections: 1 }]);
    expect(await presenceOf('ana@demo.test')).toEqual({ connected: true, device_lost_at: null });
    release();
    release(); // idempotent
    await waitFor(async () => (await devicesOf('ana@demo.test')).length === 0, 'the row gone');
  });

  it('a process that dies without stopping: its devices are swept and the grace starts', async () => {
    const dead = randomUUID();
    await app.db.sql`INSERT INTO server_processes (id, heartbeat_at) VALUES (${dead}, now() - interval '2 minutes')`;
    await app.db
      .sql`INSERT INTO agent_devices (process_id, org_id, user_id, connections) VALUES (${dead}, ${ids.orgId}, ${idOf('bruno@demo.test')}, 2)`;
    await app.db.sql`UPDATE users SET status = 'online', connected = true, device_lost_at = NULL WHERE id = ${idOf('bruno@demo.test')}`;
    const now = new Date();
    await sweepPresence(app.services, now);
    expect(await app.db.sql`SELECT 1 FROM server_processes WHERE id = ${dead}`).toHaveLength(0);
    expect(await devicesOf('bruno@demo.test')).toEqual([]);
    const after = await presenceOf('bruno@demo.test');
    expect(after.connected).toBe(true);
    // Lost at the sweep (this one's or, with the floor loop running, an earlier one's).
    expect(after.device_lost_at!.getTime()).toBeLessThanOrEqual(now.getTime());
    await sweepPresence(app.services, new Date(after.device_lost_at!.getTime() + GRACE_MS - 1_000));
    expect((await presenceOf('bruno@demo.test')).connected).toBe(true);
    await sweepPresence(app.services, new Date(after.device_lost_at!.getTime() + GRACE_MS + 1_000));
    expect(await listed('bruno@demo.test')).toMatchObject({ connected: false, available: false });
  });

  it('a live process swept as dead (a long stall) writes its devices again at the next heartbeat', async () => {
    const ana = await app.login('ana@demo.test', undefined, EN);
    const stream = openEventStream(second.url, ana.cookie);
    await stream.started;
    const processId = second.services.presence.processId;
    await waitFor(async () => (await devicesOf('ana@demo.test')).length === 1, 'the device');
    await app.db.sql`DELETE FROM server_processes WHERE id = ${processId}`;
    expect(await devicesOf('ana@demo.test')).toEqual([]);
    await second.services.presence.heartbeat();
    await waitFor(async () => (await devicesOf('ana@demo.test')).length === 1, 'the device written again');
    await sweepPresence(app.services, pastGrace());
    expect(await presenceOf('ana@demo.test')).toEqual({ connected: true, device_lost_at: null });
    stream.close();
    await waitFor(async () => (await presenceOf('ana@demo.test')).device_lost_at !== null, 'closed');
  });

  it('the grace period is an organization setting (0 to 3600 s)', async () => {
    expect((await admin.admin.org.get.query()).presenceGraceSeconds).toBe(60);
    expect((await refusal(admin.admin.org.update.mutate({ presenceGraceSeconds: 3601 }))).code).toBe('BAD_REQUEST');
    await admin.admin.org.update.mutate({ presenceGraceSeconds: 5 });
    try {
      expect((await admin.admin.org.get.query()).presenceGraceSeconds).toBe(5);
      await app.db
        .sql`UPDATE users SET connected = true, device_lost_at = now() - interval '10 seconds' WHERE id = ${idOf('bruno@demo.test')}`;
      await sweepPresence(app.services, new Date());
      expect((await presenceOf('bruno@demo.test')).connected).toBe(false);
    } finally {
      await admin.admin.org.update.mutate({ presenceGraceSeconds: 60 });
    }
  });
});

describe('a session that ends makes the agent offline', () => {
  it('logout → offline', async () => {
    const bruno = await app.login('bruno@demo.test', undefined, EN);
    expect((await listed('bruno@demo.test')).status).toBe('online');
    await bruno.auth.logout.mutate();
    expect(await listed('bruno@demo.test')).toMatchObject({ status: 'offline', available: false });
  });

  it('an expired session swept by housekeeping → offline (its running pause ended) and user.status', async () => {
    const [type] = await app.db.sql`INSERT INTO pause_types (org_id, name, max_minutes) VALUES (${ids.orgId}, 'Presence test break', 15)
      RETURNING id`;
    const bruno = await app.login('bruno@demo.test', undefined, EN);
    await bruno.agents.startPause.mutate({ pauseTypeId: type!.id as string });
    // A second session of another user that expires too, while that user keeps a fresh one: still online.
    const carla = await app.login('carla@demo.test', undefined, EN);
    await app.login('carla@demo.test', undefined, EN);
    await app.db.sql`UPDATE sessions SET created_at = now() - interval '40 days' WHERE user_id = ${idOf('bruno@demo.test')}`;
    const carlaSession = carla.token!.split('.')[0]!;
    await app.db.sql`UPDATE sessions SET created_at = now() - interval '40 days' WHERE id = ${carlaSession}`;
    const before = (await statusEvents('bruno@demo.test')).length;

    await expireSessions(app.services);
    expect(await listed('bruno@demo.test')).toMatchObject({ status: 'offline', pause: null, available: false });
    expect((await statusEvents('bruno@demo.test')).slice(before)).toEqual(['offline']);
    expect(await app.db.sql`SELECT 1 FROM agent_pauses WHERE user_id = ${idOf('bruno@demo.test')} AND ended_at IS NULL`).toHaveLength(0);
    expect((await listed('carla@demo.test')).status).toBe('online');
    // Idempotent: nothing more to expire, nothing more said.
    await expireSessions(app.services);
    expect((await statusEvents('bruno@demo.test')).slice(before)).toEqual(['offline']);
  });

  it('an expired session met by a request (before housekeeping) → offline and user.status', async () => {
    const bruno = await app.login('bruno@demo.test', undefined, EN);
    await app.db.sql`UPDATE sessions SET last_verified_at = now() - interval '11 days' WHERE user_id = ${idOf('bruno@demo.test')}`;
    const before = (await statusEvents('bruno@demo.test')).length;
    expect((await refusal(bruno.agents.me.query())).code).toBe('UNAUTHORIZED');
    expect((await listed('bruno@demo.test')).status).toBe('offline');
    expect((await statusEvents('bruno@demo.test')).slice(before)).toEqual(['offline']);
  });
});

describe('"available" is what the customer notice and agents.list use', () => {
  let channel: Channel;
  beforeAll(async () => {
    channel = await makeChannel(app.db.sql, ids);
  });
  const noticeSent = async (conversationId: string) =>
    (await app.db.sql`SELECT no_one_notified_at FROM conversations WHERE id = ${conversationId}`)[0]!.no_one_notified_at !== null;
  let phone = 5511977000001;

  it('"no one available" is said when the only online member has had no device past the grace, not within it', async () => {
    // Sales: Carla and the admin; only Carla online, her last device lost just now.
    await app.db.sql`UPDATE users SET status = 'offline' WHERE id = ${idOf('admin@demo.test')}`;
    await app.db.sql`UPDATE users SET status = 'online', connected = true, device_lost_at = now() WHERE id = ${idOf('carla@demo.test')}`;
    await app.db.sql`DELETE FROM agent_devices WHERE user_id = ${idOf('carla@demo.test')}`;
    const within = await waitingConversation(app, channel, String(phone++), '2');
    expect(within).toMatchObject({ status: 'waiting', teamId: ids.teams.Sales });
    expect(await noticeSent(within.id)).toBe(false);

    await sweepPresence(app.services, pastGrace());
    expect(await listed('carla@demo.test')).toMatchObject({ status: 'online', connected: false, available: false });
    const past = await waitingConversation(app, channel, String(phone++), '2');
    expect(await noticeSent(past.id)).toBe(true);
  });

  it('agents.list: available only when online, connected and inside enforced work hours', async () => {
    const set = (status: string) =>
      app.db.sql`UPDATE users SET status = ${status}, connected = true, device_lost_at = NULL WHERE id = ${idOf('bruno@demo.test')}`;
    await set('online');
    expect(await listed('bruno@demo.test')).toMatchObject({ connected: true, available: true });
    await set('paused');
    expect(await listed('bruno@demo.test')).toMatchObject({ status: 'paused', connected: true, available: false });
    await set('offline');
    expect(await listed('bruno@demo.test')).toMatchObject({ status: 'offline', connected: true, available: false });

    // Work hours on another weekday only: outside them now.
    await set('online');
    const [saved] = await app.db.sql`SELECT time_zone, work_hours FROM users WHERE id = ${idOf('bruno@demo.test')}`;
    const today = localClock(new Date(), 'America/Sao_Paulo').day;
    const otherDay = WEEKDAYS.find((d) => d !== today)!;
    await app.db.sql`UPDATE users SET time_zone = 'America/Sao_Paulo', work_hours = ${app.db.sql.json({ [otherDay]: [['00:00', '23:59']] })}
      WHERE id = ${idOf('bruno@demo.test')}`;
    try {
      // Flagged only: the schedule does not decide availability.
      await admin.admin.org.update.mutate({ workHoursPolicy: 'flag' });
      expect((await listed('bruno@demo.test')).available).toBe(true);
      await admin.admin.org.update.mutate({ workHoursPolicy: 'refuse_login' });
      expect(await listed('bruno@demo.test')).toMatchObject({ status: 'online', connected: true, available: false });
      // The monitoring board says the same.
      const board = await admin.admin.monitor.overview.query();
      expect(board.agents.find((a) => a.id === idOf('bruno@demo.test'))).toMatchObject({ connected: true, available: false });
    } finally {
      await admin.admin.org.update.mutate({ workHoursPolicy: 'flag' });
      await app.db.sql`UPDATE users SET time_zone = ${saved!.time_zone}, work_hours = ${app.db.sql.json(saved!.work_hours)}
        WHERE id = ${idOf('bruno@demo.test')}`;
    }
  });
});
