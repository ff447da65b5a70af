import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApp } from '../../app.ts';
import { createTestClient, refusalOf, startSecondProcess, startTestApp, type TestApp, type TestClient } from '../../../test/helpers/app.ts';
import { makeChannel, makeTemplate, waitingConversation } from '../../../test/helpers/conversations.ts';
import { makeContact } from '../../../test/helpers/factories.ts';
import { demoIds } from '../../../test/helpers/orgs.ts';
import type { Channel } from '../../../db/queries/channels.ts';
import { translate, type Language, type MessageKey } from '../../../i18n/index.ts';

/** Capacity in pull mode (issue 12, item 3): a claim past the agent's limit is refused, under concurrency too. */
let app: TestApp;
let second: RunningApp;
let ids: Awaited<ReturnType<typeof demoIds>>;
let channel: Channel;
let admin: TestClient;
let phone = 0;

beforeAll(async () => {
  app = await startTestApp();
  second = await startSecondProcess(app);
  ids = await demoIds(app.db.sql);
  channel = await makeChannel(app.db.sql, ids);
  admin = await app.login('admin@demo.test', undefined, { 'accept-language': 'en' });
});
afterAll(async () => {
  await second?.close();
  await app?.stop();
});

const waiting = async (n: number) => {
  const list = [];
  for (let i = 0; i < n; i++) list.push(await waitingConversation(app, channel, `55119777${String(++phone).padStart(5, '0')}`));
  return list;
};
const activeOf = async (email: string) =>
  (
    await app.db.sql`SELECT count(*)::int AS n FROM conversations c JOIN users u ON u.id = c.assignee_id
      WHERE u.email = ${email} AND c.status = 'active'`
  )[0]!.n as number;
/** A refusal is said in the user's own language (their profile's). */
const said = async (email: string, key: MessageKey, params: Record<string, string | number>) => {
  const [u] = await app.db.sql`SELECT language FROM users WHERE email = ${email}`;
  return translate(u!.language as Language, key, params);
};
const signIn = async (email: string, url: string) => {
  const c = createTestClient(url, { 'accept-language': 'en' });
  await c.auth.login.mutate({ email, password: 'atende-demo' });
  return c;
};

describe('capacity in pull mode', () => {
  it('ten claims at once by one agent on two processes, team limit 3: three taken, seven refused with the sentence', async () => {
    await admin.admin.teams.update.mutate({ teamId: ids.teams.Support!, maxPerAgent: 3 });
    expect((await admin.admin.teams.list.query()).find((t) => t.id === ids.teams.Support)!.maxPerAgent).toBe(3);
    const conversations = await waiting(10);
    const tabs = [await signIn('ana@demo.test', app.url), await signIn('ana@demo.test', second.url)];
    const results = await Promise.allSettled(
      conversations.map((c, i) => tabs[i % 2]!.conversations.claim.mutate({ conversationId: c.id })),
    );
    const refused = results.filter((r) => r.status === 'rejected') as PromiseRejectedResult[];
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
    expect(refused).toHaveLength(7);
    for (const r of refused) {
      expect(refusalOf(r.reason)?.code).toBe('PRECONDITION_FAILED');
      expect(r.reason.message).toBe(await said('ana@demo.test', 'conv.atTeamCapacity', { count: 3, team: 'Support' }));
    }
    expect(await activeOf('ana@demo.test')).toBe(3);
    // The refused ones are still waiting for someone else.
    const bruno = await signIn('bruno@demo.test', second.url);
    const left = conversations.filter((c) => !results.some((r, i) => r.status === 'fulfilled' && conversations[i]!.id === c.id));
    await bruno.conversations.claim.mutate({ conversationId: left[0]!.id });
    expect(await activeOf('bruno@demo.test')).toBe(1);
  }, 120_000);

  it("an agent's own limit replaces the team's; no limit set means none; an admin is never limited", async () => {
    const users = await admin.admin.users.list.query();
    const carla = users.find((u) => u.email === 'carla@demo.test')!;
    await admin.admin.users.update.mutate({ userId: carla.id, maxConversations: 1 });
    const [a, b] = await waiting(2);
    const client = await signIn('carla@demo.test', app.url);
    await client.conversations.claim.mutate({ conversationId: a!.id });
    const err = await client.conversations.claim.mutate({ conversationId: b!.id }).catch((e: unknown) => e);
    expect(refusalOf(err)?.code).toBe('PRECONDITION_FAILED');
    expect((err as Error).message).toBe(await said('carla@demo.test', 'conv.atOwnCapacity', { count: 1 }));
    // Back to the team's limit (3): one more is fine.
    await admin.admin.users.update.mutate({ userId: carla.id, maxConversations: null });
    await client.conversations.claim.mutate({ conversationId: b!.id });

    // No team limit at all: as many as there are.
    await admin.admin.teams.update.mutate({ teamId: ids.teams.Support!, maxPerAgent: null });
    for (const c of await waiting(3)) await client.conversations.claim.mutate({ conversationId: c.id });
    expect(await activeOf('carla@demo.test')).toBe(5);

    // An admin past any limit.
    await admin.admin.teams.update.mutate({ teamId: ids.teams.Support!, maxPerAgent: 1 });
    const adminUser = users.find((u) => u.email === 'admin@demo.test')!;
    await admin.admin.users.update.mutate({ userId: adminUser.id, maxConversations: 1 });
    for (const c of await waiting(2)) await admin.conversations.claim.mutate({ conversationId: c.id });
    expect(await activeOf('admin@demo.test')).toBe(2);

    // Starting a conversation is serving one more: refused past the limit as a claim is, nothing left behind.
    const template = await makeTemplate(app.db.sql, ids.orgId, channel.id, 'capacity_start');
    const contactId = await makeContact(app.db.sql, ids.orgId, { name: 'Cap Start', whatsapp: '5511900099001' });
    const start = { contactId, teamId: ids.teams.Support!, channelId: channel.id, templateId: template, params: ['a', 'b'] };
    const startErr = await client.conversations.start.mutate(start).catch((e: unknown) => e);
    expect(refusalOf(startErr)?.code).toBe('PRECONDITION_FAILED');
    expect((startErr as Error).message).toBe(await said('carla@demo.test', 'conv.atTeamCapacity', { count: 5, team: 'Support' }));
    expect(await app.db.sql`SELECT 1 FROM conversations WHERE contact_id = ${contactId}`).toHaveLength(0);
  }, 120_000);
});
