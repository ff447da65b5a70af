import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, type TestClient } from '../../test/helpers/app.ts';
import { demoIds } from '../../test/helpers/orgs.ts';
import type { Channel } from '../../db/queries/channels.ts';
import { getChannel } from '../../db/queries/channels.ts';
import { ingestInbound } from '../commands/conversations/ingest.ts';
import { localDate } from '../domain/business-hours.ts';
import { sweepSla } from './sla.ts';
import { arrive, autoTeam, channelFor } from './routing-test-setup.ts';

/** Issue 12, items 5 and 6: business hours and service levels. */
let app: TestApp;
let orgId: string;
let admin: TestClient;
let seq = 0;

beforeAll(async () => {
  app = await startTestApp({}, { floor: { loop: false } });
  orgId = (await demoIds(app.db.sql)).orgId;
  await app.db.sql`UPDATE organizations SET customer_language = 'en', time_zone = 'America/Sao_Paulo' WHERE id = ${orgId}`;
  admin = await app.login('admin@demo.test', undefined, { 'accept-language': 'en' });
});
afterAll(async () => {
  await app?.stop();
});

const today = () => localDate(new Date(), 'America/Sao_Paulo');
async function team(settings: Record<string, unknown>, agents = 1) {
  const t = await autoTeam(app.db.sql, orgId, `Hours${++seq}`, agents);
  await app.db.sql`UPDATE teams SET routing = 'pull' WHERE id = ${t.teamId}`;
  await admin.admin.teams.update.mutate({ teamId: t.teamId, ...settings });
  const agent = await app.login(t.agents[0]!.email, undefined, { 'accept-language': 'en' });
  return { teamId: t.teamId, channel: await channelFor(app.db.sql, orgId, t.teamId), agent, agentId: t.agents[0]!.id };
}
const botTexts = async (id: string) =>
  (await app.db.sql`SELECT text, payload FROM messages WHERE conversation_id = ${id} AND is_bot ORDER BY seq`).map((m) => ({
    text: m.text as string,
    notice: (m.payload as { notice?: string }).notice ?? null,
  }));
const conversation = async (id: string) => (await app.db.sql`SELECT status, close_reason FROM conversations WHERE id = ${id}`)[0]!;

describe('business hours', () => {
  it('closed today (a holiday): the customer is told, and it waits for opening without the "no one available" notice', async () => {
    const t = await team({ businessHours: { schedule: {}, holidays: [today()] } });
    const id = await arrive(app.services, t.channel);
    expect(await conversation(id)).toMatchObject({ status: 'waiting' });
    const notices = (await botTexts(id)).map((m) => m.notice).filter(Boolean);
    expect(notices).toEqual(['out_of_hours']);
    expect((await botTexts(id)).at(-1)!.text).toContain('We are closed right now');
  });

  it('the team’s own text, and closing instead of waiting', async () => {
    const t = await team({
      businessHours: { schedule: { mon: [['09:00', '09:01']] }, holidays: [today()] },
      outOfHoursMessage: 'Closed for the holidays — back on Monday.',
      outOfHoursAction: 'close',
    });
    const id = await arrive(app.services, t.channel);
    expect(await conversation(id)).toMatchObject({ status: 'closed', close_reason: 'out_of_hours' });
    expect((await botTexts(id)).at(-1)).toEqual({ text: 'Closed for the holidays — back on Monday.', notice: 'out_of_hours' });
  });

  it('open hours: nothing changes; the bot menu marks a closed team', async () => {
    const open = await team({ businessHours: { schedule: {}, holidays: [] } });
    const closed = await team({ businessHours: { schedule: {}, holidays: [today()] } });
    const id = await arrive(app.services, open.channel);
    expect((await botTexts(id)).map((m) => m.notice)).not.toContain('out_of_hours');
    const [row] = await app.db
      .sql`INSERT INTO channels (org_id, kind, name, bot_greeting, bot_options, bot_invalid_message, no_one_available_message)
      VALUES (${orgId}, 'webchat', ${`Menu ${seq}`}, 'Hello!',
        ${app.db.sql.json([
          { key: '1', label: 'Open team', teamId: open.teamId },
          { key: '2', label: 'Closed team', teamId: closed.teamId },
        ])}, 'Sorry?', 'Nobody.') RETURNING id`;
    const channel = (await getChannel(app.db.sql, orgId, row!.id as string)) as Channel;
    const r = await ingestInbound(app.services, {
      channel,
      from: { webchatVisitorId: `menu-${seq}`, name: null },
      channelMessageId: `menu-${seq}-${Date.now()}`,
      sentAt: new Date(),
      kind: 'text',
      text: 'Hi',
    });
    const menu = (await botTexts(r.conversation.id))[0]!.text;
    expect(menu).toContain('1 Open team\n');
    expect(menu).toContain('2 Closed team (closed now)');
  });
});

describe('service levels', () => {
  const later = (minutes: number) => new Date(Date.now() + minutes * 60_000);

  it('first response: due from the queue, breached once by the sweep (event, metric), shown in lists and the view', async () => {
    const t = await team({ slaFirstResponseMinutes: 5, slaNextResponseMinutes: 3, slaBusinessHours: false });
    const id = await arrive(app.services, t.channel);
    const row = (await t.agent.queue.list.query()).find((c) => c.id === id)!;
    expect(row.sla).toMatchObject({ kind: 'first', breached: false });
    const [q] = await app.db.sql`SELECT queued_at FROM conversations WHERE id = ${id}`;
    expect(Date.parse(row.sla!.dueAt) - (q!.queued_at as Date).getTime()).toBe(5 * 60_000);
    expect(await sweepSla(app.services, later(4))).toBe(0);
    const before = (await app.services.metrics.slaBreaches.get()).values.find((v) => v.labels.kind === 'first')?.value ?? 0;
    const swept = await Promise.all([sweepSla(app.services, later(6)), sweepSla(app.services, later(6))]);
    expect(swept[0]! + swept[1]!).toBe(1);
    expect((await app.services.metrics.slaBreaches.get()).values.find((v) => v.labels.kind === 'first')!.value).toBe(before + 1);
    const [event] = await app.db.sql`SELECT data FROM events WHERE type = 'conversation.slaBreached' AND data->>'conversationId' = ${id}`;
    expect(event!.data).toMatchObject({ kind: 'first', teamId: t.teamId });
    expect((await t.agent.conversations.get.query({ conversationId: id })).sla).toMatchObject({ kind: 'first', breached: true });

    // The agent answers: no target runs (the agent spoke last) and the breach is cleared.
    await t.agent.conversations.claim.mutate({ conversationId: id });
    await t.agent.conversations.send.mutate({ conversationId: id, text: 'Hello!', clientMessageId: `sla-${Date.now()}-a` });
    expect((await t.agent.conversations.get.query({ conversationId: id })).sla).toBeNull();
    // The customer writes again: the next-response target runs.
    const [k] = await app.db
      .sql`SELECT k.webchat_visitor_id FROM conversations c JOIN contacts k ON k.id = c.contact_id WHERE c.id = ${id}`;
    await ingestInbound(app.services, {
      channel: t.channel,
      from: { webchatVisitorId: k!.webchat_visitor_id as string, name: null },
      channelMessageId: `sla-next-${Date.now()}`,
      sentAt: new Date(),
      kind: 'text',
      text: 'And?',
    });
    const mine = (await t.agent.conversations.mine.query()).find((c) => c.id === id)!;
    expect(mine.sla).toMatchObject({ kind: 'next', breached: false });
    // Waiting on the customer: the clock stops.
    await t.agent.conversations.setPending.mutate({ conversationId: id });
    expect((await t.agent.conversations.get.query({ conversationId: id })).sla).toBeNull();
    expect(await sweepSla(app.services, later(60))).toBe(0);
  });

  it('the clock waits for opening when the team says so', async () => {
    const t = await team({
      businessHours: { schedule: {}, holidays: [today()] },
      slaFirstResponseMinutes: 5,
      slaBusinessHours: true,
    });
    const id = await arrive(app.services, t.channel);
    const sla = (await t.agent.queue.list.query()).find((c) => c.id === id)!.sla!;
    // Due 5 minutes into tomorrow (local), not 5 minutes from now.
    const dueAt = new Date(sla.dueAt);
    expect(localDate(dueAt, 'America/Sao_Paulo')).not.toBe(today());
    // Nothing is due before then — ten minutes on, or just before the due time when tomorrow
    // starts sooner (a run in the last minutes of the local day).
    expect(await sweepSla(app.services, new Date(Math.min(later(10).getTime(), dueAt.getTime() - 1_000)))).toBe(0);
  });
});
