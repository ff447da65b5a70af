import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { makeChannel } from '../../../test/helpers/conversations.ts';
import { createOtherOrg, waitFor } from '../../../test/helpers/orgs.ts';
import { en } from '../../../test/helpers/i18n.ts';
import {
  app,
  channel,
  conversationOf,
  freshIp,
  ids,
  newVisitor,
  openStream,
  postSession,
  statusOf,
  TestVisitor,
  useWebchatApp,
} from './webchat-test-setup.ts';

useWebchatApp();

describe('visitor isolation', () => {
  it("visitor B never reads A's messages, files or stream", async () => {
    const a = await newVisitor();
    const b = await newVisitor();
    const bStream = openStream(b);
    await bStream.ready();
    const up = await a.upload(new Blob(['private notes'], { type: 'text/plain' }), 'a.txt');
    expect(up.status).toBe(201);
    const aMsg = (await a.send('secret of A', undefined, { attachmentId: up.body.attachmentId })).body.message;
    await a.send('1');
    const conv = await conversationOf(a);
    const ana = await app.login('ana@demo.test');
    await ana.conversations.claim.mutate({ conversationId: conv.id });
    const reply = await ana.conversations.send.mutate({ conversationId: conv.id, text: 'for A only', clientMessageId: 'ana-for-a-0001' });

    expect(await b.messages()).toEqual([]);
    expect(await b.messages(aMsg.id)).toEqual([]);
    expect((await b.post('/webchat/read', { upToMessageId: reply.id })).status).toBe(404);
    expect(await statusOf(reply.id)).not.toBe('read');
    expect((await b.get(`/webchat/files/${up.body.attachmentId}`)).status).toBe(404);
    expect((await b.send('using A file', undefined, { attachmentId: up.body.attachmentId })).status).toBe(404);
    // A sees all of it.
    await waitFor(async () => (await a.messages()).some((m) => m.id === reply.id), 'A sees the reply');
    expect((await fetch(`${app.url}/webchat/files/${up.body.attachmentId}`, { headers: a.headers() })).status).toBe(200);
    // B's stream carried nothing of A's.
    await new Promise((r) => setTimeout(r, 300));
    expect(bStream.events.filter((e) => e.event !== 'ready')).toEqual([]);
    await bStream.close();
  });

  it('a token of one channel cannot act on another; a garbage or missing token gets 401', async () => {
    const other = await makeChannel(app.db.sql, ids, 'webchat');
    const x = await newVisitor(channel);
    expect((await x.send('to the other channel', undefined, { channelId: other.id })).status).toBe(403);
    expect((await x.get(`/webchat/messages?channelId=${other.id}`)).status).toBe(403);
    expect(await openStream(x, `?channelId=${other.id}`).status).toBe(403);
    // On the other channel the same browser is a new visitor.
    const fresh = await postSession({ channelId: other.id }, { authorization: `Bearer ${x.token}` });
    expect(fresh.status).toBe(201);
    expect(fresh.body.visitorId).not.toBe(x.visitorId);

    const garbage = new TestVisitor('x'.repeat(43), randomUUID(), freshIp());
    const none = new TestVisitor('', randomUUID(), freshIp());
    for (const v of [garbage, none]) {
      const r = await v.send('hi');
      expect(r).toEqual({ status: 401, body: { error: { code: 'webchat.badToken', message: en('webchat.badToken') } } });
      expect((await v.get('/webchat/messages')).status).toBe(401);
      expect((await v.post('/webchat/read', { upToMessageId: randomUUID() })).status).toBe(401);
      expect((await v.upload(new Blob(['x'], { type: 'text/plain' }), 'x.txt')).status).toBe(401);
      expect((await v.get(`/webchat/files/${randomUUID()}`)).status).toBe(401);
      expect(await openStream(v).status).toBe(401);
    }
  });

  it('a token stops working when its channel is deactivated; another organization sees nothing', async () => {
    const ch = await makeChannel(app.db.sql, ids, 'webchat');
    const v = await newVisitor(ch);
    await v.send('hello');
    await app.db.sql`UPDATE channels SET active = false WHERE id = ${ch.id}`;
    expect((await v.get('/webchat/messages')).status).toBe(401);

    const otherOrg = await createOtherOrg(app.db.sql, 'webchat');
    const [row] = await app.db
      .sql`INSERT INTO channels (org_id, kind, name) VALUES (${otherOrg.org.id}, 'webchat', 'Their chat') RETURNING id`;
    const theirs = await postSession({ channelId: row!.id });
    const outsider = new TestVisitor(theirs.body.visitorToken, theirs.body.visitorId, freshIp());
    const mine = await newVisitor();
    const m = (await mine.send('in the demo org')).body.message;
    expect(await outsider.messages(m.id)).toEqual([]);
    expect((await outsider.post('/webchat/read', { upToMessageId: m.id })).status).toBe(404);
  });

  it('refuses a browser request from a foreign origin', async () => {
    const v = await newVisitor();
    const res = await fetch(`${app.url}/webchat/messages`, {
      method: 'POST',
      headers: { ...v.headers({ 'content-type': 'application/json' }), origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
      body: JSON.stringify({ clientMessageId: 'evil-0001', text: 'x' }),
    });
    expect(res.status).toBe(403);
  });
});
