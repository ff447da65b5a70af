import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refusal, startTestApp, type TestApp, type TestClient } from '../../test/helpers/app.ts';
import { makeChannel, setOnline, waitingConversation } from '../../test/helpers/conversations.ts';
import { demoIds } from '../../test/helpers/orgs.ts';

/** The supervisor role: set by an admin; works as an agent; sees the board of their own teams only. */
let app: TestApp;
let ids: Awaited<ReturnType<typeof demoIds>>;
let admin: TestClient;

beforeAll(async () => {
  app = await startTestApp();
  ids = await demoIds(app.db.sql);
  admin = await app.login('admin@demo.test');
});
afterAll(() => app?.stop());

describe('supervisor', () => {
  it('is a role an admin sets, and claims in their teams as an agent does', async () => {
    const bruno = ids.users['bruno@demo.test'];
    const updated = await admin.admin.users.update.mutate({ userId: bruno, role: 'supervisor' });
    expect(updated.role).toBe('supervisor');
    const channel = await makeChannel(app.db.sql, ids);
    await setOnline(app.db.sql, ['bruno@demo.test']);
    const client = await app.login('bruno@demo.test');
    expect((await client.auth.me.query()).user.role).toBe('supervisor');
    const support = await waitingConversation(app, channel, '5511988880001', '1');
    const sales = await waitingConversation(app, channel, '5511988880002', '2');
    expect((await client.conversations.claim.mutate({ conversationId: support!.id })).status).toBe('active');
    expect(await refusal(client.conversations.claim.mutate({ conversationId: sales!.id }))).toMatchObject({ code: 'NOT_FOUND' });

    // The board: their team's conversations and the agents of their team; Sales stays out.
    const board = await client.admin.monitor.overview.query();
    expect(board.teams.map((t) => t.name)).toEqual(['Support']);
    expect(board.conversations.map((c) => c.id)).toEqual([support!.id]);
    expect(board.agents.map((a) => a.name).sort()).toEqual(['Admin Demo', 'Ana Souza', 'Bruno Lima', 'Carla Dias']);
    const all = await admin.admin.monitor.overview.query();
    expect(all.conversations.map((c) => c.id)).toEqual(expect.arrayContaining([support!.id, sales!.id]));

    // No configuration, no action on the board.
    expect(await refusal(client.admin.users.list.query())).toMatchObject({ code: 'FORBIDDEN' });
    expect(await refusal(client.admin.conversations.forceClose.mutate({ conversationId: support!.id }))).toMatchObject({
      code: 'FORBIDDEN',
    });
  });

  it('sees, as a supervisor of Sales only, neither Support agents nor its conversations', async () => {
    await app.db.sql`UPDATE users SET role = 'supervisor' WHERE id = ${ids.users['carla@demo.test']}`;
    await app.db.sql`DELETE FROM team_members WHERE user_id = ${ids.users['carla@demo.test']} AND team_id = ${ids.teams.Support}`;
    const carla = await app.login('carla@demo.test');
    const board = await carla.admin.monitor.overview.query();
    expect(board.teams.map((t) => t.name)).toEqual(['Sales']);
    expect(board.conversations.every((c) => c.team?.id === ids.teams.Sales)).toBe(true);
    expect(board.agents.map((a) => a.name).sort()).toEqual(['Admin Demo', 'Carla Dias']);
    expect(board.unknownDeliveries).toEqual([]);
  });

  it('is not an admin for the last-admin rule', async () => {
    const adminId = ids.users['admin@demo.test'];
    expect(await refusal(admin.admin.users.update.mutate({ userId: adminId, role: 'supervisor' }))).toMatchObject({ code: 'BAD_REQUEST' });
  });
});
