import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect } from 'vitest';
import { parseEvents } from '../../../client/widget/stream.ts';
import type { Channel } from '../../../db/queries/channels.ts';
import { startTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { makeChannel } from '../../../test/helpers/conversations.ts';
import { demoIds, waitFor } from '../../../test/helpers/orgs.ts';

/**
 * What the web chat's .pg test files share: each starts its own app (on a database of its
 * own) through `useWebchatApp()`, and talks to it as the widget does — visitors with their
 * tokens, the stream read as a browser reads it.
 */

export let app: TestApp;
export let ids: Awaited<ReturnType<typeof demoIds>>;
/** An active web chat channel of the demo organization, with the demo bot menu. */
export let channel: Channel;

/** Registers the file's hooks: the app started in beforeAll, stopped in afterAll. */
export function useWebchatApp(): void {
  beforeAll(async () => {
    // TRUST_PROXY: each test visitor comes from its own address (X-Forwarded-For), so the
    // per-IP limits are tested on purpose only.
    app = await startTestApp(
      { TRUST_PROXY: 'true', UPLOAD_MAX_BYTES: String(64 * 1024) },
      { channels: { webchat: { deliveryPollMs: 100 } } },
    );
    ids = await demoIds(app.db.sql);
    await app.db.sql`UPDATE users SET language = 'en', status = 'online', connected = true`;
    channel = await makeChannel(app.db.sql, ids, 'webchat');
  });
  afterAll(() => app?.stop());
}

let ipCounter = 0;
export const freshIp = () => {
  ipCounter++;
  return `10.${Math.floor(ipCounter / 250) % 250}.${ipCounter % 250}.${(ipCounter % 200) + 1}`;
};

/** A JSON answer or event payload, read as it comes (the tests check its fields). */
// biome-ignore lint/suspicious/noExplicitAny: the answers are the wire format under test, not typed values
type Json = any;

export interface Answer {
  status: number;
  body: Json;
}

export class TestVisitor {
  constructor(
    public token: string,
    public visitorId: string,
    public ip: string,
  ) {}

  headers(extra: Record<string, string> = {}): Record<string, string> {
    return { authorization: `Bearer ${this.token}`, 'x-forwarded-for': this.ip, 'accept-language': 'en', ...extra };
  }

  async get(path: string): Promise<Answer> {
    const res = await fetch(`${app.url}${path}`, { headers: this.headers() });
    return { status: res.status, body: await res.json() };
  }

  async post(path: string, body: unknown): Promise<Answer> {
    const res = await fetch(`${app.url}${path}`, {
      method: 'POST',
      headers: this.headers({ 'content-type': 'application/json' }),
      body: JSON.stringify(body),
    });
    return { status: res.status, body: await res.json() };
  }

  send(text: string, clientMessageId: string = randomUUID(), extra: Record<string, unknown> = {}) {
    return this.post('/webchat/messages', { clientMessageId, text, ...extra });
  }

  async messages(after?: string): Promise<Json[]> {
    const r = await this.get(`/webchat/messages${after ? `?after=${after}` : ''}`);
    expect(r.status).toBe(200);
    return r.body.messages;
  }

  async upload(body: Blob, name: string): Promise<Answer> {
    const form = new FormData();
    form.append('file', body, name);
    const res = await fetch(`${app.url}/webchat/upload`, { method: 'POST', headers: this.headers(), body: form });
    return { status: res.status, body: await res.json() };
  }
}

export async function postSession(body: unknown, headers: Record<string, string> = {}, ip = freshIp()): Promise<Answer> {
  const res = await fetch(`${app.url}/webchat/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': ip, 'accept-language': 'en', ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

export async function newVisitor(on: Channel = channel, name?: string): Promise<TestVisitor> {
  const ip = freshIp();
  const r = await postSession({ channelId: on.id, ...(name ? { name } : {}) }, {}, ip);
  expect(r.status).toBe(201);
  return new TestVisitor(r.body.visitorToken, r.body.visitorId, ip);
}

interface StreamEvent {
  event: string;
  data: Json;
}

/** GET /webchat/stream read as a browser's fetch would, collecting the events. */
export function openStream(v: TestVisitor, query = '') {
  const events: StreamEvent[] = [];
  const controller = new AbortController();
  const response = fetch(`${app.url}/webchat/stream${query}`, {
    headers: v.headers({ accept: 'text/event-stream' }),
    signal: controller.signal,
  });
  const reading = response.then(async (res) => {
    if (!res.ok || !res.body) return res.status;
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer = parseEvents(buffer + decoder.decode(value, { stream: true }), (event, data) =>
          events.push({ event, data: JSON.parse(data) }),
        );
      }
    } catch {
      /* aborted */
    }
    return res.status;
  });
  return {
    events,
    status: response.then((r) => r.status),
    ready: () => waitFor(async () => events.find((e) => e.event === 'ready'), 'stream ready'),
    message: (pred: (m: Json) => boolean, what = 'message event') =>
      waitFor(async () => events.find((e) => e.event === 'message' && pred(e.data))?.data, what),
    close: async () => {
      controller.abort();
      await reading.catch(() => {});
    },
  };
}

export const statusOf = async (messageId: string) =>
  (await app.db.sql`SELECT status FROM messages WHERE id = ${messageId}`)[0]!.status as string;
export const conversationOf = async (v: TestVisitor) =>
  (
    await app.db.sql`SELECT c.id, c.status FROM conversations c JOIN contacts k ON k.id = c.contact_id
    WHERE k.webchat_visitor_id = ${v.visitorId} ORDER BY c.created_at DESC LIMIT 1`
  )[0] as { id: string; status: string };
