import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { getChannel, type Channel } from '../../db/queries/channels.ts';
import type { Conversation } from '../../db/queries/conversations.ts';
import { getUser } from '../../db/queries/users.ts';
import { translate } from '../../i18n/index.ts';
import { startTestApp, type TestApp, type TestClient } from '../../test/helpers/app.ts';
import { inbound, makeChannel, waitingConversation } from '../../test/helpers/conversations.ts';
import { demoIds, waitFor } from '../../test/helpers/orgs.ts';
import { claimConversation } from './conversations/claim.ts';
import { actorFor } from './conversations/common.ts';
import { sweepTimers } from './timers.ts';
import { errorsFor } from '../errors.ts';

/**
 * When the system closes a conversation (queue, inactivity or bot timeout) the customer is
 * told, once, through the conversation's channel. The sweeps run at an instant the test
 * chooses (see timers.pg.test.ts).
 */
let app: TestApp;
let ids: Awaited<ReturnType<typeof demoIds>>;
let whatsapp: Channel;
let webchat: Channel;
let admin: TestClient;
let phone = 5511944440000;
const MINUTE = 60_000;
const later = (from: Date, minutes: number) => new Date(from.getTime() + minutes * MINUTE);
const nextPhone = () => String(++phone);
const standard = (lang: 'en' | 'pt-BR' | 'es') => translate(lang, 'admin.org.autoCloseStandard');

beforeAll(async () => {
  app = await startTestApp({}, { channels: { webchat: { deliveryPollMs: 100 } } });
  ids = await demoIds(app.db.sql);
  whatsapp = await makeChannel(app.db.sql, ids);
  webchat = await makeChannel(app.db.sql, ids, 'webchat');
  await app.db.sql`UPDATE teams SET queue_timeout_minutes = 30 WHERE id = ${ids.teams.Support!}`;
  await app.db.sql`UPDATE teams SET queue_timeout_minutes = 120 WHERE id = ${ids.teams.Sales!}`;
  await app.db.sql`UPDATE organizations SET bot_timeout_minutes = 45, inactivity_timeout_minutes = 90 WHERE id = ${ids.orgId}`;
  admin = await app.login('admin@demo.test', 'atende-demo');
});
afterAll(() => app?.stop());
beforeEach(async () => {
  await app.db
    .sql`UPDATE organizations SET auto_close_message = NULL, customer_language = 'pt-BR', queue_timeout_minutes = NULL WHERE id = ${ids.orgId}`;
});

/** The outbound bot rows of a conversation carrying this text. */
const told = (conversationId: string, text: string) =>
  app.db
    .sql`SELECT id, status, is_bot, wire_text FROM messages WHERE conversation_id = ${conversationId} AND direction = 'out' AND text = ${text}`;
const statusOf = async (id: string) => (await app.db.sql`SELECT status, close_reason FROM conversations WHERE id = ${id}`)[0]!;

async function activeConversation(): Promise<Conversation> {
  const waiting = await waitingConversation(app, whatsapp, nextPhone(), '1');
  const user = (await getUser(app.db.sql, ids.orgId, ids.users['ana@demo.test']!))!;
  return claimConversation(app.services, await actorFor(app.db.sql, user, errorsFor('en'), 'en'), waiting.id);
}

describe('auto-close tells the customer', () => {
  it('queues the closing message once for each reason, in the customer language', async () => {
    const inBot = (await inbound(app, whatsapp, { from: nextPhone(), text: 'Oi' })).conversation;
    const waiting = await waitingConversation(app, whatsapp, nextPhone(), '1');
    const active = await activeConversation();
    const t0 = new Date();

    const swept = await sweepTimers(app.services, later(t0, 91));
    const reasons = Object.fromEntries(swept.closed.map((c) => [c.conversationId, c.reason]));
    expect([reasons[waiting.id], reasons[inBot.id], reasons[active.id]]).toEqual(['queue_timeout', 'bot_timeout', 'inactivity']);
    for (const c of [waiting, inBot, active]) {
      const rows = await told(c.id, standard('pt-BR'));
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ is_bot: true, wire_text: standard('pt-BR') });
    }
    // The closes are done: a later sweep tells nobody again.
    await sweepTimers(app.services, later(t0, 500));
    for (const c of [waiting, inBot, active]) expect(await told(c.id, standard('pt-BR'))).toHaveLength(1);

    // The organization's customer language picks the standard sentence.
    await app.db.sql`UPDATE organizations SET customer_language = 'en' WHERE id = ${ids.orgId}`;
    const english = await waitingConversation(app, whatsapp, nextPhone(), '1');
    await sweepTimers(app.services, later(new Date(), 31));
    expect(await told(english.id, standard('en'))).toHaveLength(1);
    expect(await told(english.id, standard('pt-BR'))).toHaveLength(0);
  });

  it('reaches a web chat visitor through the widget API', async () => {
    const session = await fetch(`${app.url}/webchat/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ channelId: webchat.id }),
    });
    expect(session.status).toBe(201);
    const { visitorToken, visitorId } = (await session.json()) as { visitorToken: string; visitorId: string };
    const headers = { authorization: `Bearer ${visitorToken}`, 'content-type': 'application/json', 'accept-language': 'en' };
    for (const text of ['Hello', '1']) {
      const r = await fetch(`${app.url}/webchat/messages`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ clientMessageId: randomUUID(), text }),
      });
      expect(r.status).toBe(201);
    }
    const [conversation] = await app.db.sql`SELECT c.id FROM conversations c JOIN contacts k ON k.id = c.contact_id
      WHERE k.webchat_visitor_id = ${visitorId} AND c.status = 'waiting'`;
    expect(conversation).toBeDefined();

    await sweepTimers(app.services, later(new Date(), 31));
    expect(await statusOf(conversation!.id as string)).toMatchObject({ status: 'closed', close_reason: 'queue_timeout' });
    // The web chat delivery takes the queued row like any bot message…
    await waitFor(
      async () => (await told(conversation!.id as string, standard('pt-BR')))[0]?.status === 'sent',
      'the closing message to be sent',
    );
    // …and the visitor's widget gets it.
    const list = await fetch(`${app.url}/webchat/messages`, { headers });
    const body = (await list.json()) as {
      messages: { text: string; isBot: boolean; direction: string }[];
      conversation: { status: string };
    };
    expect(body.messages.at(-1)).toMatchObject({ text: standard('pt-BR'), isBot: true, direction: 'out' });
    expect(body.conversation.status).toBe('closed');
  });

  it('sends nothing on WhatsApp outside the 24-hour window, and still closes', async () => {
    const twoDaysAgo = new Date(Date.now() - 48 * 60 * MINUTE);
    const waiting = await waitingConversation(app, whatsapp, nextPhone(), '1', twoDaysAgo);
    await sweepTimers(app.services, later(new Date(), 31));
    expect(await statusOf(waiting.id)).toMatchObject({ status: 'closed', close_reason: 'queue_timeout' });
    expect(await told(waiting.id, standard('pt-BR'))).toHaveLength(0);
  });

  it('sends the organization’s own text, or nothing when the admin empties it', async () => {
    const custom = 'We closed this chat. Write again any time!';
    let org = await admin.admin.org.update.mutate({ autoCloseMessage: custom });
    expect(org).toMatchObject({ autoCloseMessage: custom });
    const first = await waitingConversation(app, whatsapp, nextPhone(), '1');
    await sweepTimers(app.services, later(new Date(), 31));
    expect(await told(first.id, custom)).toHaveLength(1);

    org = await admin.admin.org.update.mutate({ autoCloseMessage: '  ' });
    expect(org).toMatchObject({ autoCloseMessage: '' });
    const silent = await waitingConversation(app, whatsapp, nextPhone(), '1');
    await sweepTimers(app.services, later(new Date(), 31));
    expect(await statusOf(silent.id)).toMatchObject({ status: 'closed' });
    const out = await app.db.sql`SELECT text FROM messages WHERE conversation_id = ${silent.id} AND direction = 'out'`;
    expect(out.map((m) => m.text)).not.toContain(standard('pt-BR'));
    expect(out.map((m) => m.text)).not.toContain('');

    // A standard sentence saved back (the form shows it) follows the customer language.
    org = await admin.admin.org.update.mutate({ autoCloseMessage: standard('pt-BR'), customerLanguage: 'es' });
    expect(org).toMatchObject({ autoCloseMessage: null, autoCloseMessageStandard: standard('es') });
    expect(await admin.admin.org.get.query()).toMatchObject({ autoCloseMessage: null, autoCloseMessageStandard: standard('es') });
  });

  it('tells each customer once when several processes sweep at the same instant', async () => {
    const opened: Conversation[] = [];
    for (let i = 0; i < 6; i++) opened.push(await waitingConversation(app, whatsapp, nextPhone(), '1'));
    const at = later(new Date(), 31);
    await Promise.all([sweepTimers(app.services, at, 2), sweepTimers(app.services, at, 2), sweepTimers(app.services, at)]);
    for (const c of opened) {
      expect(await statusOf(c.id)).toMatchObject({ status: 'closed' });
      expect(await told(c.id, standard('pt-BR'))).toHaveLength(1);
    }
  });
});

describe('the queue timeout of conversations waiting with no team', () => {
  it('closes them at the organization’s queue timeout, never when it has none', async () => {
    // A channel without a bot menu queues new conversations with no team.
    const noMenu = await makeChannel(app.db.sql, ids);
    await app.db.sql`UPDATE channels SET bot_options = '[]'::jsonb WHERE id = ${noMenu.id}`;
    const channel = (await getChannel(app.db.sql, ids.orgId, noMenu.id))!;
    const first = (await inbound(app, channel, { from: nextPhone(), text: 'Oi' })).conversation;
    expect(first).toMatchObject({ status: 'waiting', teamId: null });
    const t0 = new Date();

    // No organization queue timeout: it waits for an admin, however long.
    await sweepTimers(app.services, later(t0, 60 * 24 * 60));
    expect(await statusOf(first.id)).toMatchObject({ status: 'waiting' });
    const deadline = async () =>
      ((await admin.admin.monitor.overview.query()).conversations as { id: string; autoCloseAt: string | null }[]).find(
        (c) => c.id === first.id,
      )!.autoCloseAt;
    expect(await deadline()).toBeNull();

    const org = await admin.admin.org.update.mutate({ queueTimeoutMinutes: 20 });
    expect(org).toMatchObject({ queueTimeoutMinutes: 20 });
    // The monitoring board shows the same deadline the sweep applies.
    const [queued] = await app.db.sql`SELECT queued_at FROM conversations WHERE id = ${first.id}`;
    expect(await deadline()).toBe(later(queued!.queued_at as Date, 20).toISOString());
    await sweepTimers(app.services, later(t0, 19));
    expect(await statusOf(first.id)).toMatchObject({ status: 'waiting' });
    const closed = await sweepTimers(app.services, later(t0, 21));
    expect(closed.closed).toContainEqual({ conversationId: first.id, orgId: ids.orgId, reason: 'queue_timeout' });
    expect(await statusOf(first.id)).toMatchObject({ status: 'closed', close_reason: 'queue_timeout' });
    expect(await told(first.id, standard('pt-BR'))).toHaveLength(1);

    // Teams keep their own timeout: a Support conversation is not closed at the organization's 20 minutes.
    const support = await waitingConversation(app, whatsapp, nextPhone(), '1');
    await sweepTimers(app.services, later(new Date(), 21));
    expect(await statusOf(support.id)).toMatchObject({ status: 'waiting' });

    // Cleared again: never.
    expect(await admin.admin.org.update.mutate({ queueTimeoutMinutes: null })).toMatchObject({ queueTimeoutMinutes: null });
  });
});
