import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/helpers/app.ts';
import { openEventStream } from '../../test/helpers/events.ts';
import { createOtherOrg, demoIds, waitFor } from '../../test/helpers/orgs.ts';

let app: TestApp;
let ids: Awaited<ReturnType<typeof demoIds>>;
beforeAll(async () => {
  app = await startTestApp();
  ids = await demoIds(app.db.sql);
});
afterAll(() => app?.stop());

describe('events.stream', () => {
  it('refuses a logged-out stream', async () => {
    const s = openEventStream(app.url, null);
    await waitFor(async () => s.ended, 'the refusal');
    expect(String((s.error as Error)?.message ?? '')).not.toBe('');
    s.close();
  });

  it('delivers organization events live, with tracked ids, and nothing of another organization', async () => {
    const ana = await app.login('ana@demo.test');
    const stream = openEventStream(app.url, ana.cookie);
    await stream.started;
    const bruno = await app.login('bruno@demo.test');
    await bruno.auth.updateProfile.mutate({ codename: 'Bruninho' });
    const other = await createOtherOrg(app.db.sql, 'events');
    const outsider = await app.login(other.admin.email, other.password);
    await outsider.auth.updateProfile.mutate({ codename: 'Outsider' });
    await bruno.auth.updateProfile.mutate({ codename: 'Bruno' });
    await waitFor(async () => stream.received.filter((e) => e.data.type === 'user.updated').length >= 2, 'two updates');
    const updates = stream.received.filter((e) => e.data.type === 'user.updated');
    expect(updates.map((e) => e.data.userId)).toEqual([ids.users['bruno@demo.test'], ids.users['bruno@demo.test']]);
    expect(stream.received.some((e) => e.data.userId === other.admin.id)).toBe(false);
    expect(updates.every((e) => /^\d+$/.test(e.id))).toBe(true);
    // Another user's session events are private to them.
    expect(stream.received.some((e) => e.data.type === 'session.ended')).toBe(false);
    stream.close();
  });

  it('resumes after a reconnect from the last event id, without repeats', async () => {
    const ana = await app.login('ana@demo.test');
    const first = openEventStream(app.url, ana.cookie);
    await first.started;
    const admin = await app.login('admin@demo.test');
    await admin.admin.teams.update.mutate({ teamId: ids.teams.Support, queueTimeoutMinutes: 100 });
    await waitFor(async () => first.received.find((e) => e.data.type === 'team.updated'), 'first event');
    const lastId = first.received.at(-1)!.id;
    first.close();
    // Missed while disconnected:
    await admin.admin.teams.update.mutate({ teamId: ids.teams.Support, queueTimeoutMinutes: 101 });
    await admin.admin.teams.update.mutate({ teamId: ids.teams.Sales, queueTimeoutMinutes: 102 });
    const second = openEventStream(app.url, ana.cookie, lastId);
    await waitFor(async () => second.received.filter((e) => e.data.type === 'team.updated').length >= 2, 'replayed events');
    const replayed = second.received.filter((e) => e.data.type === 'team.updated').map((e) => e.data.teamId);
    expect(replayed).toEqual([ids.teams.Support, ids.teams.Sales]);
    expect(second.received.every((e) => BigInt(e.id) > BigInt(lastId))).toBe(true);
    second.close();
  });

  it('ends the stream at logout, and when every session of the user is revoked', async () => {
    const carla = await app.login('carla@demo.test');
    const stream = openEventStream(app.url, carla.cookie);
    await stream.started;
    await carla.auth.logout.mutate();
    await waitFor(async () => stream.ended, 'stream end at logout');
    stream.close();

    const again = await app.login('carla@demo.test');
    const s2 = openEventStream(app.url, again.cookie);
    await s2.started;
    const other = await app.login('carla@demo.test');
    await other.auth.changePassword.mutate({ currentPassword: 'atende-demo', newPassword: 'carla second passphrase' });
    await waitFor(async () => s2.ended, 'stream end at password change');
    s2.close();
  });

  it('delivers events to every process through LISTEN/NOTIFY', async () => {
    // A second server process on the same database (what REDIS_URL deployments run).
    const { startApp } = await import('../app.ts');
    const { parseEnv } = await import('../env.ts');
    const { createLogger } = await import('../log.ts');
    const env = parseEnv({
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: app.db.url,
      ATENDE_DEMO: 'true',
      ATENDE_DATA_DIR: app.env.ATENDE_DATA_DIR,
      LOG_LEVEL: 'silent',
    });
    const second = await startApp(env, createLogger('silent'), app.db.url);
    try {
      const ana = await app.login('ana@demo.test');
      const stream = openEventStream(second.url, ana.cookie);
      await stream.started;
      const bruno = await app.login('bruno@demo.test');
      await bruno.auth.updateProfile.mutate({ extension: '2001' });
      await waitFor(async () => stream.received.find((e) => e.data.type === 'user.updated'), 'cross-process event');
      stream.close();
    } finally {
      await second.close();
    }
  });
});
