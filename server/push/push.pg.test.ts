import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { translate } from '../../i18n/index.ts';
import { startApp, type RunningApp } from '../app.ts';
import { createLogger } from '../log.ts';
import { refusal, startTestApp, testEnv, type TestApp, type TestClient } from '../../test/helpers/app.ts';
import { startFakeGraph, type FakeGraph } from '../../test/helpers/fake-graph.ts';
import { demoIds, waitFor } from '../../test/helpers/orgs.ts';
import { startPushService, type FakeBrowser } from '../../test/helpers/push-service.ts';
import { APP_SECRET, botMenuChannel, envelope, postWebhook, textMessage, VERIFY_TOKEN } from '../../test/helpers/whatsapp.ts';
import { arrive, autoTeam, channelFor } from '../floor/routing-test-setup.ts';

/**
 * Push notifications end to end: real customer messages (the signed WhatsApp webhook) make
 * domain events, the follower decides the alerts and sends them with web-push to a local push
 * service that checks the VAPID signature and decrypts the payload as a browser would.
 */
const WHATSAPP = {
  WHATSAPP_APP_SECRET: APP_SECRET,
  WHATSAPP_VERIFY_TOKEN: VERIFY_TOKEN,
  WHATSAPP_ACCESS_TOKEN: 'env-access-token',
  PUSH_ALLOW_ANY_ENDPOINT: 'true',
};

let app: TestApp;
let graph: FakeGraph;
let pushService: Awaited<ReturnType<typeof startPushService>>;
let ids: Awaited<ReturnType<typeof demoIds>>;
const handled: { first: string[]; second: string[] } = { first: [], second: [] };
const clients: Record<'ana' | 'bruno' | 'carla' | 'admin', TestClient> = {} as never;
const browsers: Record<'ana' | 'bruno' | 'carla' | 'admin', FakeBrowser> = {} as never;
/** Ana's conversation (she claimed it), where the customer writes. */
let served: { id: string; from: string };

beforeAll(async () => {
  graph = await startFakeGraph({ token: 'env-access-token' });
  pushService = await startPushService();
  app = await startTestApp(
    { ...WHATSAPP, WHATSAPP_GRAPH_URL: graph.url, WHATSAPP_MEDIA_HOSTS: graph.url },
    { push: { onHandled: (id) => handled.first.push(id) } },
  );
  ids = await demoIds(app.db.sql);
  await botMenuChannel(app.db.sql, ids);
  for (const name of ['ana', 'bruno', 'carla', 'admin'] as const) {
    clients[name] = await app.login(`${name}@demo.test`);
    // Bruno's browser dropped its subscription: the push service answers 410 Gone.
    browsers[name] = pushService.browser(name, name === 'bruno' ? 410 : 201);
  }
});
afterAll(async () => {
  await app?.stop();
  await pushService?.close();
  await graph?.close();
});

const customerSays = (from: string, text: string, url = app.url) => postWebhook(url, envelope(textMessage(from, text)));

async function conversationOf(from: string): Promise<string> {
  return waitFor(async () => {
    const [row] = await app.db.sql`SELECT c.id FROM conversations c JOIN contacts k ON k.id = c.contact_id
      WHERE k.whatsapp = ${from} AND c.status = 'waiting'`;
    return row?.id as string | undefined;
  }, `a waiting conversation of ${from}`);
}

describe('push notifications', () => {
  it('registers each user\u2019s browsers and switches, and nobody else\u2019s', async () => {
    const { publicKey } = await clients.ana.push.publicKey.query();
    expect(Buffer.from(publicKey, 'base64url')).toHaveLength(65);
    // The same key for everyone, every time: generated once and kept in the database.
    expect((await clients.carla.push.publicKey.query()).publicKey).toBe(publicKey);

    for (const name of ['ana', 'bruno', 'carla', 'admin'] as const) {
      const b = browsers[name];
      const device = await clients[name].push.subscribe.mutate({ endpoint: b.endpoint, keys: b.keys, label: `${name} laptop` });
      expect(device).toMatchObject({ label: `${name} laptop`, paused: false, current: true, failures: 0 });
      expect(JSON.stringify(device)).not.toContain(b.endpoint);
    }
    await clients.carla.push.updateSettings.mutate({ waiting: false });
    expect(await clients.carla.push.settings.query()).toEqual({ waiting: false, message: true, offer: true });
    expect(await clients.ana.push.settings.query()).toEqual({ waiting: true, message: true, offer: true });

    const anaDevices = await clients.ana.push.devices.query({ currentEndpoint: browsers.ana.endpoint });
    expect(anaDevices.map((d) => [d.label, d.current, d.service])).toEqual([['ana laptop', true, new URL(pushService.url).host]]);
    const [carlaDevice] = await clients.carla.push.devices.query({});
    // Ana cannot pause or remove Carla's device: not hers, so not found.
    expect((await refusal(clients.ana.push.setDevice.mutate({ id: carlaDevice!.id, paused: true }))).code).toBe('NOT_FOUND');
    expect((await refusal(clients.ana.push.unsubscribe.mutate({ id: carlaDevice!.id }))).code).toBe('NOT_FOUND');
    expect((await clients.carla.push.devices.query({}))[0]).toMatchObject({ id: carlaDevice!.id, paused: false });

    // Keys that are not a P-256 point and a 16-byte secret are refused with a sentence.
    const bad = await refusal(
      clients.ana.push.subscribe.mutate({ endpoint: `${pushService.url}/push/x`, keys: { p256dh: 'AAAA', auth: 'AAAA' } }),
    );
    expect(bad).toMatchObject({ code: 'BAD_REQUEST', data: { reason: 'push.error.keys' } });
  });

  it('pushes a waiting conversation to its team and a customer message to the serving agent, encrypted and signed', async () => {
    const { publicKey } = await clients.ana.push.publicKey.query();
    served = { from: '5511911110001', id: '' };
    await customerSays(served.from, 'Oi');
    await customerSays(served.from, '1'); // the bot menu: Support
    served.id = await conversationOf(served.from);

    const waiting = await pushService.waitFor(
      (p) => p.browser === 'ana' && p.payload.kind === 'waiting' && p.payload.conversationId === served.id,
      'the waiting alert',
    );
    const [ana] = await app.db.sql`SELECT language FROM users WHERE id = ${ids.users['ana@demo.test']}`;
    const lang = ana!.language as 'pt-BR';
    const [support] = await app.db.sql`SELECT name FROM teams WHERE id = ${ids.teams.Support}`;
    expect(waiting.payload).toMatchObject({
      title: translate(lang, 'push.alert.waitingTitle', { team: support!.name as string }),
      body: translate(lang, 'push.alert.line', { contact: 'Cliente Teste', text: '1' }),
      url: `/conversations/${served.id}`,
      tag: `waiting:${served.id}`,
    });
    expect(waiting.headers.urgency).toBe('normal');

    await clients.ana.conversations.claim.mutate({ conversationId: served.id });
    await customerSays(served.from, 'Meu pedido 123 não chegou');
    const message = await pushService.waitFor((p) => p.browser === 'ana' && p.payload.kind === 'message', 'the message alert');
    expect(message.payload).toEqual({
      kind: 'message',
      title: translate(lang, 'push.alert.messageTitle', { contact: 'Cliente Teste' }),
      body: 'Meu pedido 123 não chegou',
      url: `/conversations/${served.id}`,
      tag: `message:${served.id}`,
      conversationId: served.id,
    });
    // RFC 8292: signed by the server's key, for this push service's origin, not expired.
    expect(message.vapid.valid).toBe(true);
    expect(message.vapid.k).toBe(publicKey);
    expect(message.vapid.claims.aud).toBe(pushService.url);
    expect(message.vapid.claims.exp).toBeGreaterThan(Date.now() / 1000);
    expect(message.vapid.claims.sub).toMatch(/^(mailto:|https:)/);
    expect(message.headers).toMatchObject({ 'content-encoding': 'aes128gcm', ttl: '3600', urgency: 'high' });
    expect(message.headers.topic).toMatch(/^[A-Za-z0-9_-]{32}$/);
    // Only Ana serves it: nobody else heard of the message.
    expect(pushService.received.filter((p) => p.payload.kind === 'message' && p.browser !== 'ana')).toEqual([]);
    await waitFor(async () => {
      const [row] = await app.db.sql`SELECT last_success_at FROM push_subscriptions WHERE user_id = ${ids.users['ana@demo.test']}`;
      return row?.last_success_at;
    }, 'the success recorded');
  });

  it('deletes a subscription the push service says is gone (410)', async () => {
    // Bruno is in Support: the waiting alert of the previous test went to his endpoint, which answered 410.
    await pushService.waitFor((p) => p.browser === 'bruno' && p.answered === 410, 'the push to Bruno');
    await waitFor(async () => {
      const rows = await app.db.sql`SELECT id FROM push_subscriptions WHERE user_id = ${ids.users['bruno@demo.test']}`;
      return rows.length === 0;
    }, 'Bruno\u2019s subscription deleted');
    expect(await clients.bruno.push.devices.query({})).toEqual([]);
  });

  it('pushes nothing to a user who switched that alert off, nor to a user of another team', async () => {
    const from = '5511911110002';
    await customerSays(from, 'Olá');
    await customerSays(from, '2'); // Sales
    const sales = await conversationOf(from);
    // The admin (Sales and Support) is told: the alert was decided and sent.
    await pushService.waitFor((p) => p.browser === 'admin' && p.payload.conversationId === sales, 'the admin\u2019s Sales alert');
    // One process handles events in order: once the next event's push arrives, the Sales one is done.
    await customerSays(served.from, 'Alguém aí?');
    await pushService.waitFor((p) => p.browser === 'ana' && p.payload.body === 'Alguém aí?', 'the next alert');
    // Ana is in Support only; Carla is in Sales but switched "waiting" off.
    expect(pushService.received.filter((p) => p.payload.conversationId === sales).map((p) => p.browser)).toEqual(['admin']);
    // The waiting alert of Support was not pushed to Carla either; her messages would be.
    expect(pushService.received.filter((p) => p.browser === 'carla')).toEqual([]);
  });

  it('pushes nothing to a paused device', async () => {
    const [device] = await clients.ana.push.devices.query({});
    expect(await clients.ana.push.setDevice.mutate({ id: device!.id, paused: true })).toMatchObject({ paused: true });
    await customerSays(served.from, 'Pausado?');
    // The admin's positive control is not available for a message (only Ana serves it): wait on this process's follower.
    const [event] = await waitFor(async () => {
      const rows = await app.db.sql`SELECT e.id FROM events e JOIN messages m ON m.id::text = e.data->>'messageId'
        WHERE e.type = 'message.created' AND m.text = 'Pausado?'`;
      return rows.length > 0 ? rows : null;
    }, 'the message event');
    await waitFor(async () => handled.first.includes(String(event!.id)), 'the follower done with it');
    expect(pushService.received.filter((p) => p.payload.body === 'Pausado?')).toEqual([]);
    await clients.ana.push.setDevice.mutate({ id: device!.id, paused: false });
  });

  it('sends each alert once with two app processes', async () => {
    const second: RunningApp = await startApp(
      testEnv(app.db.url, app.env.ATENDE_DATA_DIR, { ...WHATSAPP, WHATSAPP_GRAPH_URL: graph.url, WHATSAPP_MEDIA_HOSTS: graph.url }),
      createLogger('silent'),
      app.db.url,
      { push: { onHandled: (id) => handled.second.push(id) } },
    );
    try {
      for (const [n, url] of [
        [1, second.url],
        [2, app.url],
        [3, second.url],
      ] as const) {
        const text = `Duas vezes? ${n}`;
        await customerSays(served.from, text, url);
        await pushService.waitFor((p) => p.browser === 'ana' && p.payload.body === text, `push ${n}`);
        const [event] = await waitFor(async () => {
          const rows = await app.db.sql`SELECT e.id FROM events e JOIN messages m ON m.id::text = e.data->>'messageId'
            WHERE e.type = 'message.created' AND m.text = ${text}`;
          return rows.length > 0 ? rows : null;
        }, 'the message event');
        // Both processes followed the event to the end; only one of them sent it.
        await waitFor(
          async () => handled.first.includes(String(event!.id)) && handled.second.includes(String(event!.id)),
          'both processes',
        );
        expect(pushService.received.filter((p) => p.payload.body === text)).toHaveLength(1);
      }
      // Both processes sign with the one key pair kept in the database.
      const { publicKey } = await clients.ana.push.publicKey.query();
      expect(new Set(pushService.received.map((p) => [p.vapid.valid, p.vapid.k].join(' ')))).toEqual(new Set([`true ${publicKey}`]));
    } finally {
      await second.close();
    }
  });

  it('pushes an offer of automatic routing to the offered agent', async () => {
    const team = await autoTeam(app.db.sql, ids.orgId, 'Pushy', 1, { acceptTimeoutSeconds: 120 });
    const agent = await app.login(team.agents[0]!.email);
    const b = pushService.browser('pushy');
    await agent.push.subscribe.mutate({ endpoint: b.endpoint, keys: b.keys, label: 'phone' });
    const conversationId = await arrive(app.services, await channelFor(app.db.sql, ids.orgId, team.teamId));
    const offer = await pushService.waitFor((p) => p.browser === 'pushy' && p.payload.kind === 'offer', 'the offer');
    expect(offer.payload).toMatchObject({
      title: translate('en', 'push.alert.offerTitle'),
      url: `/conversations/${conversationId}`,
      // Replaces the conversation's "waiting" notification on the device.
      tag: `waiting:${conversationId}`,
    });
    expect(offer.payload.body).toMatch(/^Visitor [0-9a-z]{4}: 1$/);
    expect(offer.headers.urgency).toBe('high');
    expect(Number(offer.headers.ttl)).toBeGreaterThan(0);
    expect(Number(offer.headers.ttl)).toBeLessThanOrEqual(120);
  });

  it('keeps at most 20 devices per user, the newest', async () => {
    const carla = await app.login('carla@demo.test');
    const before = await carla.push.devices.query({});
    for (let i = 1; i <= 21; i++) {
      const b = pushService.browser(`carla-${i}`);
      await carla.push.subscribe.mutate({ endpoint: b.endpoint, keys: b.keys, label: `device ${i}` });
    }
    const labels = (await carla.push.devices.query({})).map((d) => d.label);
    expect(labels).toHaveLength(20);
    expect(labels).toContain('device 21');
    expect(labels).not.toContain(before[0]!.label);
  });

  it('removes a device when its sign-in session ends', async () => {
    const b = pushService.browser('ana-2');
    const other = await app.login('ana@demo.test');
    await other.push.subscribe.mutate({ endpoint: b.endpoint, keys: b.keys });
    expect(await other.push.devices.query({})).toHaveLength(2);
    await other.auth.logout.mutate();
    expect((await clients.ana.push.devices.query({})).map((d) => d.label)).toEqual(['ana laptop']);
  });
});
