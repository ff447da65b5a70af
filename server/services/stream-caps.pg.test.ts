import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Channel } from '../../db/queries/channels.ts';
import { parseEvents } from '../../client/widget/stream.ts';
import { startTestApp, type TestApp } from '../../test/helpers/app.ts';
import { makeChannel } from '../../test/helpers/conversations.ts';
import { openEventStream } from '../../test/helpers/events.ts';
import { en } from '../../test/helpers/i18n.ts';
import { demoIds, waitFor } from '../../test/helpers/orgs.ts';

// Small caps so that going past them stays cheap: two streams per session or visitor,
// three per address. TRUST_PROXY: each test picks its client's address (X-Forwarded-For).
const PER_SESSION = 2;
const PER_IP = 3;

let app: TestApp;
let channel: Channel;

beforeAll(async () => {
  app = await startTestApp({
    TRUST_PROXY: 'true',
    STREAMS_PER_SESSION: String(PER_SESSION),
    EVENT_STREAMS_PER_IP: String(PER_IP),
    WEBCHAT_STREAMS_PER_IP: String(PER_IP),
  });
  channel = await makeChannel(app.db.sql, await demoIds(app.db.sql), 'webchat');
});
afterAll(() => app?.stop());

let ipCounter = 0;
const freshIp = () => `10.77.${Math.floor(++ipCounter / 250)}.${(ipCounter % 250) + 1}`;

type EventStream = ReturnType<typeof openEventStream>;

/** events.stream from `ip`, once the server has admitted it (it says `stream.ready` after counting it). */
async function liveEvents(cookie: string, ip: string): Promise<EventStream> {
  const s = openEventStream(app.url, cookie, undefined, { 'x-forwarded-for': ip });
  await waitFor(async () => s.ended || s.received.some((e) => e.data.type === 'stream.ready'), 'stream admitted or refused');
  return s;
}

describe('events.stream caps', () => {
  it('one stream more than the cap for a session ends its oldest; the others stay live', async () => {
    const ana = await app.login('ana@demo.test');
    const streams: EventStream[] = [];
    // Each from its own address: only the per-session cap is at play.
    for (let i = 0; i <= PER_SESSION; i++) streams.push(await liveEvents(ana.cookie!, freshIp()));
    const [oldest, ...rest] = streams;
    await waitFor(async () => oldest!.ended, 'the oldest stream ends');
    expect(oldest!.error).toBeNull();
    expect(oldest!.received.at(-1)?.data.type).toBe('stream.replaced');
    expect(rest.every((s) => !s.ended)).toBe(true);
    // The newer ones still deliver.
    const bruno = await app.login('bruno@demo.test');
    await bruno.auth.updateProfile.mutate({ codename: 'Capped' });
    await waitFor(async () => rest.every((s) => s.received.some((e) => e.data.type === 'user.updated')), 'the others get the event');
    for (const s of streams) s.close();
  });

  it('an address holding the cap is refused (TOO_MANY_REQUESTS) without ending anyone’s stream; a slot freed there is usable again', async () => {
    const ip = freshIp();
    const carla = await app.login('carla@demo.test');
    const admin = await app.login('admin@demo.test');
    const held = [await liveEvents(carla.cookie!, ip), await liveEvents(carla.cookie!, ip), await liveEvents(admin.cookie!, ip)];
    expect(held.every((s) => !s.ended)).toBe(true);
    const refused = await liveEvents(admin.cookie!, ip);
    expect(refused.ended).toBe(true);
    expect((refused.error as { data?: { code?: string } }).data?.code).toBe('TOO_MANY_REQUESTS');
    expect(held.every((s) => !s.ended)).toBe(true);
    refused.close();
    // Another address is not affected.
    const elsewhere = await liveEvents(admin.cookie!, freshIp());
    expect(elsewhere.ended).toBe(false);
    elsewhere.close();
    // Closing one frees its slot (once the server sees the stream go).
    held.shift()!.close();
    const again = await waitFor(async () => {
      const s = await liveEvents(admin.cookie!, ip);
      if (!s.ended) return s;
      s.close();
      return null;
    }, 'a slot at that address again');
    again.close();
    for (const s of held) s.close();
  });
});

interface Visitor {
  token: string;
  ip: string;
}

async function newVisitor(ip = freshIp()): Promise<Visitor> {
  const res = await fetch(`${app.url}/webchat/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': ip, 'accept-language': 'en' },
    body: JSON.stringify({ channelId: channel.id }),
  });
  expect(res.status).toBe(201);
  const body = (await res.json()) as { visitorToken: string };
  return { token: body.visitorToken, ip };
}

/** GET /webchat/stream as the widget reads it; resolves once `ready` arrived or the answer was a refusal. */
async function widgetStream(v: Visitor) {
  const events: { event: string; data: any }[] = [];
  const controller = new AbortController();
  let done = false;
  const response = await fetch(`${app.url}/webchat/stream`, {
    headers: { authorization: `Bearer ${v.token}`, 'x-forwarded-for': v.ip, 'accept-language': 'en', accept: 'text/event-stream' },
    signal: controller.signal,
  });
  const refusal = response.ok ? null : ((await response.json()) as { error: { code: string; message: string } }).error;
  const reading = (async () => {
    if (!response.ok || !response.body) return;
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for (;;) {
        const { value, done: end } = await reader.read();
        if (end) break;
        buffer = parseEvents(buffer + decoder.decode(value, { stream: true }), (event, data) =>
          events.push({ event, data: JSON.parse(data) }),
        );
      }
    } catch {
      /* aborted */
    } finally {
      done = true;
    }
  })();
  if (response.ok) await waitFor(async () => events.some((e) => e.event === 'ready'), 'stream ready');
  return {
    status: response.status,
    refusal,
    events,
    get ended() {
      return done;
    },
    close: async () => {
      controller.abort();
      await reading;
    },
  };
}

describe('/webchat/stream caps', () => {
  it('a visitor opening one stream more than the cap closes its oldest, telling that widget not to come back', async () => {
    const v = await newVisitor();
    const streams = [];
    for (let i = 0; i <= PER_SESSION; i++) streams.push(await widgetStream(v));
    const [oldest, ...rest] = streams;
    await waitFor(async () => oldest!.ended, 'the oldest stream closes');
    expect(oldest!.events.at(-1)).toEqual({ event: 'end', data: { reason: 'replaced' } });
    expect(rest.every((s) => !s.ended)).toBe(true);
    for (const s of streams) await s.close();
  });

  it('an address holding the cap is answered 429; another address is not affected', async () => {
    const ip = freshIp();
    const [a, b] = [await newVisitor(ip), await newVisitor(ip)];
    const held = [await widgetStream(a), await widgetStream(a), await widgetStream(b)];
    const refused = await widgetStream(b);
    expect(refused.status).toBe(429);
    expect(refused.refusal).toEqual({ code: 'error.tooManyStreams', message: en('error.tooManyStreams') });
    expect(held.every((s) => !s.ended)).toBe(true);
    const elsewhere = await widgetStream({ ...b, ip: freshIp() });
    expect(elsewhere.status).toBe(200);
    await elsewhere.close();
    await held.shift()!.close();
    const again = await waitFor(async () => {
      const s = await widgetStream(b);
      if (s.status === 200) return s;
      return null;
    }, 'a slot at that address again');
    await again.close();
    for (const s of held) await s.close();
  });
});
