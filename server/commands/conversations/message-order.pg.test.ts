import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Channel } from '../../../db/queries/channels.ts';
import { listMessages } from '../../../db/queries/messages.ts';
import { visitorMessages } from '../../../db/queries/webchat.ts';
import { startTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { inbound, makeChannel } from '../../../test/helpers/conversations.ts';
import { demoIds } from '../../../test/helpers/orgs.ts';

/**
 * Issue 17.2: messages written in one transaction share created_at (the customer's first
 * message and the bot's menu); the transcript must still show them in the order they were
 * stored, everywhere messages are listed.
 */
let app: TestApp;
let ids: Awaited<ReturnType<typeof demoIds>>;
let wa: Channel;
let web: Channel;

beforeAll(async () => {
  app = await startTestApp();
  ids = await demoIds(app.db.sql);
  wa = await makeChannel(app.db.sql, ids, 'whatsapp');
  web = await makeChannel(app.db.sql, ids, 'webchat');
});
afterAll(() => app?.stop());

// Ids chosen so that ordering by id puts the later row first: a tie on created_at broken by
// the id shows them reversed.
const HIGH = 'ffffffff-ffff-4fff-bfff-ffffffffffff';
const LOW = '00000000-0000-4000-8000-000000000000';

/** Two rows in one transaction (same created_at), the first with the higher id. */
async function tiedPair(
  conversationId: string,
  channelId: string,
  first: { direction: 'in' | 'out'; text: string },
  second: { direction: 'in' | 'out'; text: string },
  suffix: string,
) {
  const high = HIGH.slice(0, -suffix.length) + suffix;
  const low = LOW.slice(0, -suffix.length) + suffix;
  await app.db.sql.begin(async (tx) => {
    for (const [id, m] of [
      [high, first],
      [low, second],
    ] as const) {
      await tx`INSERT INTO messages (org_id, id, conversation_id, channel_id, direction, kind, text, status, is_bot)
        VALUES (${ids.orgId}, ${id}, ${conversationId}, ${channelId}, ${m.direction}, 'text', ${m.text}, ${m.direction === 'in' ? 'received' : 'sent'}, ${m.direction === 'out'})`;
    }
  });
  const [a, b] = await app.db.sql`SELECT created_at FROM messages WHERE id IN (${high}, ${low})`;
  expect(a!.created_at).toEqual(b!.created_at);
}

describe('transcript order', () => {
  it("shows a new customer's first message before the bot's menu, every time", async () => {
    const admin = await app.login('admin@demo.test');
    for (let i = 0; i < 12; i++) {
      const r = await inbound(app, wa, { from: `55119700000${String(i).padStart(2, '0')}`, text: `Oi ${i}` });
      const view = await admin.conversations.get.query({ conversationId: r.conversation.id });
      expect(view.messages.map((m) => m.direction)).toEqual(['in', 'out']);
      expect(view.messages[0]!.text).toBe(`Oi ${i}`);
    }
  });

  it('keeps the stored order on a created_at tie in the agent view, the waiting row and the widget', async () => {
    const visitorId = crypto.randomUUID();
    const r = await inbound(app, web, { from: visitorId, text: 'first' });
    // Agent view: an out row then an in row in one transaction.
    await tiedPair(r.conversation.id, web.id, { direction: 'out', text: 'bot says' }, { direction: 'in', text: 'customer says' }, 'a1');
    const texts = (await listMessages(app.db.sql, ids.orgId, r.conversation.id)).map((m) => m.text);
    expect(texts.slice(-2)).toEqual(['bot says', 'customer says']);

    // Waiting row: the customer's latest message is the one stored last.
    await app.db
      .sql`UPDATE conversations SET status = 'waiting', team_id = ${ids.teams.Support}, queued_at = now() WHERE id = ${r.conversation.id}`;
    await tiedPair(r.conversation.id, web.id, { direction: 'in', text: 'older' }, { direction: 'in', text: 'newest' }, 'b2');
    const ana = await app.login('ana@demo.test');
    const [row] = await ana.queue.list.query({ conversationIds: [r.conversation.id] });
    expect(row!.lastMessage).toMatchObject({ text: 'newest' });

    // The widget's list: same order, and the cursor pages after the right row.
    // (The contact of a web chat visitor carries the visitor's id.)
    const v = { id: visitorId, orgId: ids.orgId, channelId: web.id, name: '' };
    const all = (await visitorMessages(app.db.sql, v, null, 100)).rows;
    expect(all.map((m) => m.text)).toEqual(['first', expect.any(String), 'bot says', 'customer says', 'older', 'newest']);
    const botSays = all.find((m) => m.text === 'bot says')!;
    const after = (await visitorMessages(app.db.sql, v, botSays.id, 100)).rows.map((m) => m.text);
    expect(after).toEqual(['customer says', 'older', 'newest']);
  });

  it('lists the newest messages of a long conversation, oldest first', async () => {
    const r = await inbound(app, wa, { from: '5511970009999', text: 'start' });
    await app.db.sql`INSERT INTO messages (org_id, conversation_id, channel_id, direction, kind, text, status)
      SELECT ${ids.orgId}, ${r.conversation.id}, ${wa.id}, 'in', 'text', 'm' || g, 'received' FROM generate_series(1, 520) g ORDER BY g`;
    const list = await listMessages(app.db.sql, ids.orgId, r.conversation.id);
    expect(list).toHaveLength(500);
    expect(list.at(-1)!.text).toBe('m520');
    expect(list[0]!.text).toBe('m21');
  });
});
