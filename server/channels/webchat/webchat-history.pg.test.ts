import { describe, expect, it } from 'vitest';
import { seedMessages } from '../../../test/helpers/messages.ts';
import { app, channel, conversationOf, ids, newVisitor, useWebchatApp } from './webchat-test-setup.ts';

useWebchatApp();

describe("the widget's history of a long conversation", () => {
  it('answers the newest page, then older pages with `before` down to the first, no gaps or repeats', async () => {
    const v = await newVisitor(channel, 'Long Talker');
    expect((await v.send('Primeira mensagem')).status).toBe(201);
    const conv = await conversationOf(v);
    await seedMessages(app.db.sql, { orgId: ids.orgId, conversationId: conv.id, channelId: channel.id, count: 450, prefix: 'Longa' });

    const newest = await v.get('/webchat/messages');
    expect(newest.status).toBe(200);
    expect([newest.body.messages.length, newest.body.older, newest.body.messages.at(-1).text]).toEqual([200, true, 'Longa 450']);
    const cursor = newest.body.cursor;

    const seen = [...newest.body.messages];
    let older = true;
    while (older) {
      const page = await v.get(`/webchat/messages?before=${seen[0].id}&limit=150`);
      expect(page.status).toBe(200);
      // A page back leaves the cursor of newer messages alone.
      expect(page.body.cursor).toBeNull();
      seen.unshift(...page.body.messages);
      older = page.body.older;
    }
    const texts = seen.map((m) => m.text);
    // The visitor's message, the bot's menu, then the 450 seeded ones.
    expect(texts.slice(0, 2)).toEqual(['Primeira mensagem', 'Hello! Which team?\n1 Support\n2 Sales']);
    expect(texts.slice(2)).toEqual(Array.from({ length: 450 }, (_, i) => `Longa ${i + 1}`));
    expect(new Set(seen.map((m) => m.id)).size).toBe(seen.length);
    expect(cursor).toBe(seen.at(-1).id);
  });

  it("refuses `before` of another visitor's message", async () => {
    const a = await newVisitor(channel, 'Visitor A');
    const b = await newVisitor(channel, 'Visitor B');
    const sent = await a.send('Só meu');
    expect((await b.send('Meu também')).status).toBe(201);
    const r = await b.get(`/webchat/messages?before=${sent.body.message.id}`);
    expect(r.status).toBe(404);
  });
});
