import { createHash, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { makeChannel } from '../../../test/helpers/conversations.ts';
import { en } from '../../../test/helpers/i18n.ts';
import { app, channel, freshIp, ids, newVisitor, postSession, useWebchatApp } from './webchat-test-setup.ts';

useWebchatApp();

describe('POST /webchat/session', () => {
  it('gives a new visitor a random token, stored only as its hash', async () => {
    const r = await postSession({ channelId: channel.id, name: 'Maria' });
    expect(r.status).toBe(201);
    expect(r.body.visitorToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const [row] = await app.db.sql`SELECT org_id, channel_id, name, token_hash FROM webchat_visitors WHERE id = ${r.body.visitorId}`;
    expect(row).toMatchObject({ org_id: ids.orgId, channel_id: channel.id, name: 'Maria' });
    expect(Buffer.from(row!.token_hash as Uint8Array).equals(createHash('sha256').update(r.body.visitorToken).digest())).toBe(true);
    const all = await app.db.sql`SELECT 1 FROM webchat_visitors WHERE token_hash::text LIKE ${`%${r.body.visitorToken}%`}`;
    expect(all).toHaveLength(0);
  });

  it('keeps the visitor of a token the browser already holds for this channel', async () => {
    const v = await newVisitor();
    const again = await postSession({ channelId: channel.id, name: 'Later Name' }, { authorization: `Bearer ${v.token}` });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ visitorToken: v.token, visitorId: v.visitorId });
  });

  it('refuses a channel that is not an active web chat channel, and bad input, with clear JSON errors', async () => {
    const unknown = await postSession({ channelId: randomUUID() });
    expect(unknown).toEqual({ status: 404, body: { error: { code: 'webchat.unknownChannel', message: en('webchat.unknownChannel') } } });
    const [wa] = await app.db.sql`SELECT id FROM channels WHERE kind = 'whatsapp' LIMIT 1`;
    expect((await postSession({ channelId: wa!.id })).status).toBe(404);
    const off = await makeChannel(app.db.sql, ids, 'webchat');
    await app.db.sql`UPDATE channels SET active = false WHERE id = ${off.id}`;
    expect((await postSession({ channelId: off.id })).status).toBe(404);

    const bad = await postSession({ channelId: 'not-an-id', name: 'x'.repeat(500) });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toBe(en('error.invalidInput'));
    expect(Object.keys(bad.body.error.fields).sort()).toEqual(['channelId', 'name']);
    const notJson = await fetch(`${app.url}/webchat/session`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({ channelId: channel.id }),
    });
    expect(notJson.status).toBe(400);
  });

  it('refuses a token unused for longer than WEBCHAT_VISITOR_TTL_DAYS; each use slides it, written at most hourly', async () => {
    expect(app.env.WEBCHAT_VISITOR_TTL_DAYS).toBe(30);
    const v = await newVisitor();
    expect((await v.send('Oi')).status).toBe(201);
    const seen = async () =>
      (await app.db.sql`SELECT last_seen_at FROM webchat_visitors WHERE id = ${v.visitorId}`)[0]!.last_seen_at as Date;

    // Used 29 days ago: still valid, and this use extends it.
    await app.db.sql`UPDATE webchat_visitors SET last_seen_at = now() - interval '29 days' WHERE id = ${v.visitorId}`;
    expect((await v.get('/webchat/messages')).status).toBe(200);
    const refreshed = await seen();
    expect(refreshed.getTime()).toBeGreaterThan(Date.now() - 60 * 60_000);
    // Seen a few minutes ago: no write on every request.
    await app.db.sql`UPDATE webchat_visitors SET last_seen_at = now() - interval '10 minutes' WHERE id = ${v.visitorId}`;
    const before = await seen();
    expect((await v.get('/webchat/messages')).status).toBe(200);
    expect((await seen()).getTime()).toBe(before.getTime());

    // Unused for 31 days: refused everywhere, like a garbage token.
    await app.db.sql`UPDATE webchat_visitors SET last_seen_at = now() - interval '31 days' WHERE id = ${v.visitorId}`;
    const refused = await v.get('/webchat/messages');
    expect(refused).toEqual({ status: 401, body: { error: { code: 'webchat.badToken', message: en('webchat.badToken') } } });
    expect((await v.send('Still there?')).status).toBe(401);
    // The widget opens a new session: the expired token does not keep its visitor.
    const fresh = await postSession({ channelId: channel.id }, { authorization: `Bearer ${v.token}` });
    expect(fresh.status).toBe(201);
    expect(fresh.body.visitorId).not.toBe(v.visitorId);
    expect(fresh.body.visitorToken).not.toBe(v.token);
    // The old visitor's contact and conversation are kept.
    const kept = await app.db.sql`SELECT c.id FROM conversations c JOIN contacts k ON k.org_id = c.org_id AND k.id = c.contact_id
      WHERE k.webchat_visitor_id = ${v.visitorId}`;
    expect(kept).toHaveLength(1);
  });
});

describe('rate limits', () => {
  it('allows 30 messages a minute per visitor, then answers 429', async () => {
    const v = await newVisitor();
    for (let i = 0; i < 30; i++) expect((await v.send(`message ${i}`)).status).toBe(201);
    const over = await v.send('one too many');
    expect(over.status).toBe(429);
    expect(over.body.error.message).toBe(en('webchat.tooManyMessages'));
  });

  it('allows 20 new sessions a minute per address, then answers 429', async () => {
    const ip = freshIp();
    for (let i = 0; i < 20; i++) expect((await postSession({ channelId: channel.id }, {}, ip)).status).toBe(201);
    const over = await postSession({ channelId: channel.id }, {}, ip);
    expect(over.status).toBe(429);
    expect(over.body.error.message).toBe(en('webchat.tooManySessions'));
    expect((await postSession({ channelId: channel.id }, {}, freshIp())).status).toBe(201);
  });
});
