import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refusal, startTestApp, type TestApp, type TestClient } from '../../test/helpers/app.ts';
import { makeContact, makeConversation } from '../../test/helpers/factories.ts';
import { makeChannel } from '../../test/helpers/conversations.ts';
import { seedMessages } from '../../test/helpers/messages.ts';
import { createOtherOrg, demoIds } from '../../test/helpers/orgs.ts';

let app: TestApp;
let ids: Awaited<ReturnType<typeof demoIds>>;
let ana: TestClient;
let admin: TestClient;
let channelId: string;
/** A Support conversation Ana serves, 620 messages long; its ids oldest first. */
let long: { id: string; messages: string[] };

beforeAll(async () => {
  app = await startTestApp();
  ids = await demoIds(app.db.sql);
  ana = await app.login('ana@demo.test');
  admin = await app.login('admin@demo.test');
  const [channel] = await app.db.sql`SELECT id FROM channels WHERE org_id = ${ids.orgId} AND kind = 'whatsapp' LIMIT 1`;
  channelId = channel!.id as string;
  const contactId = await makeContact(app.db.sql, ids.orgId, { whatsapp: '5535988887777' });
  const id = await makeConversation(app.db.sql, ids.orgId, {
    contactId,
    channelId,
    status: 'active',
    teamId: ids.teams.Support,
    assigneeId: ids.users['ana@demo.test'],
  });
  const messages = await seedMessages(app.db.sql, {
    orgId: ids.orgId,
    conversationId: id,
    channelId,
    authorId: ids.users['ana@demo.test'],
    count: 620,
  });
  long = { id, messages };
});
afterAll(() => app?.stop());

const texts = (ms: readonly { text: string }[]) => ms.map((m) => m.text);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `Message ${from + i}`);

describe('conversations.get on a long conversation', () => {
  it('carries the newest 100 messages, the newest included, and says older ones exist', async () => {
    const view = await ana.conversations.get.query({ conversationId: long.id });
    expect(texts(view.messages)).toEqual(range(521, 620));
    expect(view.hasOlder).toBe(true);
    expect(view.messages.at(-1)).toMatchObject({ id: long.messages[619], direction: 'out', author: { name: expect.any(String) } });
  });
});

describe('conversations.messages', () => {
  it('pages back to the first message with no gaps or repeats', async () => {
    const view = await ana.conversations.get.query({ conversationId: long.id });
    const seen = [...view.messages];
    let hasOlder = view.hasOlder;
    let pages = 0;
    while (hasOlder) {
      const page = await ana.conversations.messages.query({ conversationId: long.id, before: seen[0]!.id, limit: 150 });
      expect(page.messages.length).toBeGreaterThan(0);
      seen.unshift(...page.messages);
      hasOlder = page.hasOlder;
      pages++;
    }
    expect(pages).toBe(4);
    expect(texts(seen)).toEqual(range(1, 620));
    expect(seen.map((m) => m.id)).toEqual(long.messages);
    // Stored order, and each message in the shape conversations.get gives.
    expect(seen.map((m) => m.seq)).toEqual([...seen.map((m) => m.seq)].sort((a, b) => a - b));
    expect(Object.keys(seen[0]!).sort()).toEqual(Object.keys(view.messages[0]!).sort());
  });

  it('answers the newest page without `before`, 100 by default', async () => {
    const page = await ana.conversations.messages.query({ conversationId: long.id });
    expect(texts(page.messages)).toEqual(range(521, 620));
    expect(page.hasOlder).toBe(true);
    const small = await ana.conversations.messages.query({ conversationId: long.id, before: long.messages[2], limit: 5 });
    expect([texts(small.messages), small.hasOlder]).toEqual([range(1, 2), false]);
  });

  it('jumps back to a message with `until`, past the limit, down to and including it', async () => {
    const page = await ana.conversations.messages.query({ conversationId: long.id, until: long.messages[9] });
    expect(texts(page.messages)).toEqual(range(10, 620));
    expect(page.hasOlder).toBe(true);
    const from = await ana.conversations.messages.query({ conversationId: long.id, before: long.messages[520], until: long.messages[0] });
    expect([texts(from.messages), from.hasOlder]).toEqual([range(1, 520), false]);
    // A near hit still answers a whole page.
    const near = await ana.conversations.messages.query({ conversationId: long.id, until: long.messages[600], limit: 50 });
    expect(texts(near.messages)).toEqual(range(571, 620));
  });

  it('refuses a jump further back than 5,000 messages, with a sentence', async () => {
    const id = await makeConversation(app.db.sql, ids.orgId, {
      contactId: await makeContact(app.db.sql, ids.orgId, { whatsapp: '5535988886666' }),
      channelId,
      status: 'closed',
      teamId: ids.teams.Support,
    });
    const messages = await seedMessages(app.db.sql, { orgId: ids.orgId, conversationId: id, channelId, count: 5002 });
    const e = await refusal(admin.conversations.messages.query({ conversationId: id, until: messages[0] }));
    expect([e.code, e.data.reason]).toEqual(['BAD_REQUEST', 'paging.tooFar']);
    expect(e.message).toContain('5000');
    const ok = await admin.conversations.messages.query({ conversationId: id, until: messages[2] });
    expect([ok.messages.length, ok.hasOlder]).toEqual([5000, true]);
  });

  it("never answers another conversation's messages", async () => {
    const other = await makeConversation(app.db.sql, ids.orgId, {
      contactId: await makeContact(app.db.sql, ids.orgId, { whatsapp: '5535988885555' }),
      channelId,
      status: 'active',
      teamId: ids.teams.Support,
      assigneeId: ids.users['ana@demo.test'],
    });
    const [foreign] = await seedMessages(app.db.sql, { orgId: ids.orgId, conversationId: other, channelId, count: 1, prefix: 'Other' });
    for (const input of [{ before: foreign }, { until: foreign }]) {
      const e = await refusal(ana.conversations.messages.query({ conversationId: long.id, ...input }));
      expect([e.code, e.data.reason]).toEqual(['BAD_REQUEST', 'paging.notInConversation']);
    }
  });

  it('refuses the logged out, another organization, and an agent without the history permission', async () => {
    const out = await refusal(app.client().conversations.messages.query({ conversationId: long.id }));
    expect(out.code).toBe('UNAUTHORIZED');

    const org = await createOtherOrg(app.db.sql, 'history');
    const outsider = await app.login(org.admin.email, org.password);
    expect((await refusal(outsider.conversations.messages.query({ conversationId: long.id }))).code).toBe('NOT_FOUND');
    // Aiming one of its own conversations at the demo organization's message ids finds nothing either.
    const theirs = { orgId: org.org.id, teams: { Support: org.team.id, Sales: org.team.id }, users: {} } as typeof ids;
    const own = await makeConversation(app.db.sql, org.org.id, {
      contactId: await makeContact(app.db.sql, org.org.id, { whatsapp: '5535988884444' }),
      channelId: (await makeChannel(app.db.sql, theirs)).id,
      status: 'active',
      teamId: org.team.id,
      assigneeId: org.agent.id,
    });
    for (const input of [{ before: long.messages[619] }, { until: long.messages[0] }]) {
      const e = await refusal(outsider.conversations.messages.query({ conversationId: own, ...input }));
      expect([e.code, e.data.reason]).toEqual(['BAD_REQUEST', 'paging.notInConversation']);
    }

    // A closed Sales conversation: Ana (Support only) may not read it unless she has history of all teams.
    const sales = await makeConversation(app.db.sql, ids.orgId, {
      contactId: await makeContact(app.db.sql, ids.orgId, { whatsapp: '5535988883333' }),
      channelId,
      status: 'closed',
      teamId: ids.teams.Sales,
      assigneeId: ids.users['carla@demo.test'],
    });
    await seedMessages(app.db.sql, { orgId: ids.orgId, conversationId: sales, channelId, count: 3 });
    expect((await refusal(ana.conversations.messages.query({ conversationId: sales }))).code).toBe('NOT_FOUND');
    expect((await refusal(ana.conversations.get.query({ conversationId: sales }))).code).toBe('NOT_FOUND');
    await admin.admin.users.update.mutate({ userId: ids.users['ana@demo.test'], historyAccess: 'all' });
    try {
      expect((await ana.conversations.messages.query({ conversationId: sales })).messages).toHaveLength(3);
    } finally {
      await admin.admin.users.update.mutate({ userId: ids.users['ana@demo.test'], historyAccess: 'own_teams' });
    }
  });
});

describe("the claim's answer", () => {
  it('carries only the newest page and whether older ones exist', async () => {
    const id = await makeConversation(app.db.sql, ids.orgId, {
      contactId: await makeContact(app.db.sql, ids.orgId, { whatsapp: '5535988882222' }),
      channelId,
      status: 'waiting',
      teamId: ids.teams.Support,
    });
    await app.db.sql`UPDATE conversations SET queued_at = now() WHERE id = ${id}`;
    await seedMessages(app.db.sql, { orgId: ids.orgId, conversationId: id, channelId, count: 130 });
    const answer = await ana.conversations.claim.mutate({ conversationId: id });
    expect([answer.messages.length, answer.messages.at(-1)!.text, answer.hasOlder]).toEqual([100, 'Message 130', true]);
  });
});
