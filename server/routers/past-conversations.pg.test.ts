import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refusal, startTestApp, type TestApp, type TestClient } from '../../test/helpers/app.ts';
import { makeChannel, setOnline, waitingConversation } from '../../test/helpers/conversations.ts';
import { createOtherOrg, demoIds } from '../../test/helpers/orgs.ts';

let app: TestApp;
let ids: Awaited<ReturnType<typeof demoIds>>;
let admin: TestClient;
let ana: TestClient;
let bruno: TestClient;
let carla: TestClient;
let outsider: TestClient;
/** Support: Ana claims, writes, transfers to Bruno, who invites Carla, tags and finishes it. */
let support: { id: string; protocol: string; contactId: string };
/** Sales: Carla serves and finishes it (Ana is not in Sales). */
let sales: { id: string; protocol: string };
let dispositionId: string;
let tagId: string;
let channelId: string;

beforeAll(async () => {
  app = await startTestApp();
  ids = await demoIds(app.db.sql);
  admin = await app.login('admin@demo.test');
  ana = await app.login('ana@demo.test');
  bruno = await app.login('bruno@demo.test');
  carla = await app.login('carla@demo.test');
  const other = await createOtherOrg(app.db.sql, 'history');
  outsider = await app.login(other.admin.email, other.password);
  await setOnline(app.db.sql, ['ana@demo.test', 'bruno@demo.test', 'carla@demo.test']);
  const channel = await makeChannel(app.db.sql, ids, 'webchat');
  channelId = channel.id;
  dispositionId = (await app.db.sql`SELECT id FROM dispositions WHERE org_id = ${ids.orgId} AND active LIMIT 1`)[0]!.id as string;
  tagId = (await app.db.sql`SELECT id FROM tags WHERE org_id = ${ids.orgId} AND active LIMIT 1`)[0]!.id as string;

  const s = await waitingConversation(app, channel, 'visitor-history-1', '1');
  await ana.conversations.claim.mutate({ conversationId: s.id });
  await ana.conversations.send.mutate({
    conversationId: s.id,
    text: 'Olá! A ação foi concluída, señor.',
    clientMessageId: 'history-ana-1',
  });
  await ana.conversations.transfer.mutate({ conversationId: s.id, toUserId: ids.users['bruno@demo.test'] });
  await bruno.conversations.claim.mutate({ conversationId: s.id });
  await bruno.conversations.invite.mutate({ conversationId: s.id, userId: ids.users['carla@demo.test'] });
  await bruno.conversations.setTags.mutate({ conversationId: s.id, tagIds: [tagId] });
  await bruno.conversations.finish.mutate({ conversationId: s.id, dispositionId });
  support = { id: s.id, protocol: s.protocol, contactId: s.contactId };

  const c = await waitingConversation(app, channel, 'visitor-history-2', '2');
  await carla.conversations.claim.mutate({ conversationId: c.id });
  await carla.conversations.finish.mutate({ conversationId: c.id });
  sales = { id: c.id, protocol: c.protocol };
});
afterAll(() => app?.stop());

const protocols = (r: { items: { protocol: string }[] }) => r.items.map((i) => i.protocol);
const setHistoryAccess = (who: string, historyAccess: 'own_teams' | 'all' | 'none') =>
  admin.admin.users.update.mutate({ userId: ids.users[who]!, historyAccess });

describe('conversations.history', () => {
  it('lists closed conversations newest closed first, with what the row shows', async () => {
    const r = await admin.conversations.history.query({});
    expect(protocols(r)).toEqual([sales.protocol, support.protocol]);
    expect(r.items[1]).toMatchObject({
      id: support.id,
      contact: { id: support.contactId },
      channel: { id: channelId, kind: 'webchat' },
      team: { id: ids.teams.Support, name: 'Support' },
      assignee: { id: ids.users['bruno@demo.test'], name: expect.any(String) },
      closeReason: 'agent',
      disposition: { id: dispositionId },
      tags: [{ id: tagId }],
      rating: null,
    });
    expect(r.nextCursor).toBeNull();
  });

  it('shows an agent only what its history permission allows', async () => {
    // own_teams (the default): Ana is in Support, not Sales.
    expect(protocols(await ana.conversations.history.query({}))).toEqual([support.protocol]);
    await setHistoryAccess('ana@demo.test', 'all');
    expect(protocols(await ana.conversations.history.query({}))).toEqual([sales.protocol, support.protocol]);
    await setHistoryAccess('ana@demo.test', 'none');
    // Not even the conversation she served herself: closed ones follow the history permission.
    expect((await ana.conversations.history.query({})).items).toEqual([]);
    expect((await refusal(ana.conversations.transcript.query({ conversationId: support.id }))).code).toBe('NOT_FOUND');
    await setHistoryAccess('ana@demo.test', 'own_teams');
  });

  it('gives another organization and a logged-out caller nothing', async () => {
    expect((await outsider.conversations.history.query({})).items).toEqual([]);
    expect((await outsider.conversations.history.query({ filters: { protocol: support.protocol } })).items).toEqual([]);
    expect((await refusal(outsider.conversations.transcript.query({ conversationId: support.id }))).code).toBe('NOT_FOUND');
    expect((await refusal(outsider.conversations.transcript.query({ protocol: support.protocol }))).code).toBe('NOT_FOUND');
    expect((await refusal(app.client().conversations.history.query({}))).code).toBe('UNAUTHORIZED');
  });

  it('filters by team, channel, agent, tag, disposition, contact, protocol and closing time', async () => {
    const q = async (filters: Record<string, unknown>) => protocols(await admin.conversations.history.query({ filters }));
    expect(await q({ teamId: ids.teams.Sales })).toEqual([sales.protocol]);
    expect(await q({ channelId })).toEqual([sales.protocol, support.protocol]);
    expect(await q({ agentId: ids.users['bruno@demo.test'] })).toEqual([support.protocol]);
    expect(await q({ tagId })).toEqual([support.protocol]);
    expect(await q({ dispositionId })).toEqual([support.protocol]);
    expect(await q({ contactId: support.contactId })).toEqual([support.protocol]);
    expect(await q({ protocol: ` ${sales.protocol} ` })).toEqual([sales.protocol]);
    const hourAgo = new Date(Date.now() - 3_600_000).toISOString();
    const inAnHour = new Date(Date.now() + 3_600_000).toISOString();
    expect(await q({ from: hourAgo, to: inAnHour })).toHaveLength(2);
    expect(await q({ to: hourAgo })).toEqual([]);
    expect((await refusal(admin.conversations.history.query({ filters: { from: inAnHour, to: hourAgo } }))).code).toBe('BAD_REQUEST');
  });

  it('pages by keyset without repeating or skipping a row', async () => {
    const first = await admin.conversations.history.query({ limit: 1 });
    expect(protocols(first)).toEqual([sales.protocol]);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = await admin.conversations.history.query({ limit: 1, cursor: first.nextCursor! });
    expect(protocols(second)).toEqual([support.protocol]);
    expect(second.nextCursor).toBeNull();
    expect((await refusal(admin.conversations.history.query({ cursor: 'not-a-cursor' }))).code).toBe('BAD_REQUEST');
  });
});

describe('conversations.transcript', () => {
  it('has every message in stored order, the files, tags, disposition, participants and what happened', async () => {
    const t = await ana.conversations.transcript.query({ conversationId: support.id });
    expect(t).toMatchObject({ id: support.id, protocol: support.protocol, status: 'closed', disposition: { id: dispositionId } });
    const texts = t.messages.map((m) => m.text);
    expect(texts.slice(0, 2)).toEqual(['Oi', expect.any(String)]);
    expect(texts).toContain('Olá! A ação foi concluída, señor.');
    expect(t.messages.map((m) => m.seq)).toEqual([...t.messages.map((m) => m.seq)].sort((a, b) => a - b));
    const mine = t.messages.find((m) => m.text.startsWith('Olá!'))!;
    expect(mine.author).toEqual({ id: ids.users['ana@demo.test'], name: expect.any(String) });
    expect(t.tags.map((g) => g.id)).toEqual([tagId]);
    expect(t.ratingComment).toBeNull();
    const kinds = t.events.map((e) => e.kind);
    expect(kinds).toEqual(['created', 'claimed', 'transferred', 'claimed', 'invited', 'closed']);
    expect(t.events[2]).toMatchObject({ actor: { id: ids.users['ana@demo.test'] }, target: { id: ids.users['bruno@demo.test'] } });
    expect(t.events[4]).toMatchObject({ actor: { id: ids.users['bruno@demo.test'] }, target: { id: ids.users['carla@demo.test'] } });
    const roles = Object.fromEntries(t.participants.map((p) => [p.id, p.roles]));
    expect(roles[ids.users['ana@demo.test']]).toEqual(expect.arrayContaining(['served', 'wrote']));
    expect(roles[ids.users['bruno@demo.test']]).toContain('served');
    expect(roles[ids.users['carla@demo.test']]).toEqual(['invited']);
    // By protocol number: the same conversation.
    expect((await ana.conversations.transcript.query({ protocol: support.protocol })).id).toBe(support.id);
  });

  it('is refused to an agent of another team, as opening the conversation is', async () => {
    expect((await refusal(ana.conversations.transcript.query({ conversationId: sales.id }))).code).toBe('NOT_FOUND');
    expect((await refusal(ana.conversations.transcript.query({ protocol: sales.protocol }))).code).toBe('NOT_FOUND');
    expect((await refusal(ana.conversations.transcript.query({ protocol: 'no-such-protocol' }))).code).toBe('NOT_FOUND');
    expect((await refusal(app.client().conversations.transcript.query({ conversationId: support.id }))).code).toBe('UNAUTHORIZED');
  });
});
