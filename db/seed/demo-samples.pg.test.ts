/**
 * Issue 17 item 11: the demo `npm start` seeds has a few conversations, so every screen has
 * something on the first look — one waiting in Support, one in service with Ana with some
 * history, one WhatsApp conversation outside the 24-hour window, a closed one with a rating
 * and a disposition in its contact's history. (The suite's template database has none.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, type TestClient } from '../../test/helpers/app.ts';
import { DEMO_PASSWORD, seedDemo } from './demo.ts';
import { DEMO_TEXT } from './demo-text.ts';
import { hashPassword } from '../../server/auth/password.ts';

let app: TestApp;
let ana: TestClient;
const text = DEMO_TEXT.en.samples;

beforeAll(async () => {
  // No floor loop: TRUNCATE under a running sweep deadlocks.
  app = await startTestApp({}, { floor: { loop: false } });
  // The template's demo has no samples: seed the demo again, as `npm start` does on an empty database.
  await app.db.sql`TRUNCATE organizations CASCADE`;
  const seeded = await seedDemo(app.db.sql, await hashPassword(DEMO_PASSWORD), {
    whatsappPhoneNumberId: '100000000000009',
    language: 'en',
    sampleConversations: true,
  });
  expect(seeded).not.toBeNull();
  ana = await app.login('ana@demo.test');
});
afterAll(() => app?.stop());

type Row = { id: string; protocol: string; contact: { name: string }; lastMessage: { text: string } | null };

describe('the demo sample conversations', () => {
  it("has one waiting in Support, with the customer's words", async () => {
    const queue = (await ana.queue.list.query()) as Row[];
    expect(queue.map((q) => q.contact.name)).toEqual([text.waiting.contact]);
    expect(queue[0]!.protocol).toMatch(/^\d{8}-\d{6}$/);
  });

  it('has two in service with Ana: one with history, one whose WhatsApp window closed two days ago', async () => {
    const mine = (await ana.conversations.mine.query()) as Row[];
    expect(mine.map((c) => c.contact.name).sort()).toEqual([text.inService.contact, text.outsideWindow.contact].sort());
    const current = mine.find((c) => c.contact.name === text.inService.contact)!;
    const detail = await ana.conversations.get.query({ conversationId: current.id });
    const messages = detail.messages as { direction: string; text: string; seq: number; authorId?: string | null }[];
    expect(messages.filter((m) => !m.text.includes('\n')).map((m) => m.text)).toEqual([
      text.inService.first,
      '1',
      text.inService.agentReply,
      text.inService.customerReply,
      text.inService.agentFollowUp,
      text.inService.last,
    ]);
    expect(messages.map((m) => m.seq)).toEqual([...messages.map((m) => m.seq)].sort((a, b) => a - b));
    expect(detail.window.open).toBe(true);

    const old = mine.find((c) => c.contact.name === text.outsideWindow.contact)!;
    const outside = await ana.conversations.get.query({ conversationId: old.id });
    expect(outside.window).toMatchObject({ open: false, reason: 'expired' });
    const closedAt = outside.window.open ? null : outside.window.closedAt;
    expect(Date.now() - Date.parse(closedAt!)).toBeGreaterThan(20 * 3600_000);
  });

  it('has a closed one, rated with a disposition, in the history of the contact served now', async () => {
    const mine = (await ana.conversations.mine.query()) as (Row & { contact: { id: string } })[];
    const joao = mine.find((c) => c.contact.name === text.inService.contact)!;
    const contact = await ana.contacts.get.query({ id: joao.contact.id });
    expect(contact.history).toHaveLength(1);
    expect(contact.history[0]).toMatchObject({
      status: 'closed',
      rating: 5,
      disposition: { name: 'Resolved' },
      assignee: { name: 'Ana Souza' },
    });
    // Protocols come from the organization's counter, one each.
    const protocols = (await app.db.sql`SELECT protocol FROM conversations`).map((r) => r.protocol as string);
    expect(new Set(protocols).size).toBe(4);
    // Nothing of the demo's history waits in the outbox to be sent to anyone.
    expect((await app.db.sql`SELECT count(*)::int AS n FROM messages WHERE status IN ('queued', 'sending')`)[0]!.n).toBe(0);
  });
});
