import net from 'node:net';
import { translate } from '../../i18n/index.ts';
import { PASSWORD_MAX } from '../domain/password-policy.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/helpers/app.ts';
import { mulberry32 } from '../../test/helpers/prng.ts';
import { ROUTE_LABELS } from '../services/metrics.ts';
import { TRPC_MAX_BODY_BYTES } from './request.ts';
import { APP_CSP } from './static.ts';

let app: TestApp;
let cookie: string;
beforeAll(async () => {
  app = await startTestApp();
  cookie = (await app.login('ana@demo.test')).cookie!;
});
afterAll(() => app?.stop());

const json = { 'content-type': 'application/json' };
const profile = (headers: Record<string, string>, body = '{"extension":"1234"}') =>
  fetch(`${app.url}/trpc/auth.updateProfile`, { method: 'POST', headers: { ...json, cookie, ...headers }, body });

describe('the origin rule (SPEC §9)', () => {
  it('refuses a state change from a foreign Origin', async () => {
    const res = await profile({ origin: 'https://evil.example' });
    expect(res.status).toBe(403);
    expect((await res.json()).error.data.code).toBe('FORBIDDEN');
  });

  it('refuses Sec-Fetch-Site other than same-origin', async () => {
    for (const site of ['cross-site', 'same-site', 'none']) {
      expect((await profile({ 'sec-fetch-site': site })).status).toBe(403);
    }
  });

  it('serves the app origin, the request host, and non-browser clients', async () => {
    expect((await profile({ origin: 'http://localhost:3000', 'sec-fetch-site': 'same-origin' })).status).toBe(200);
    expect((await profile({ origin: app.url })).status).toBe(200);
    expect((await profile({})).status).toBe(200);
  });

  it('a non-browser client must still authenticate', async () => {
    const res = await fetch(`${app.url}/trpc/auth.updateProfile`, { method: 'POST', headers: json, body: '{}' });
    expect(res.status).toBe(401);
  });

  it('takes mutations as application/json only (no form posts)', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const res = await fetch(`${app.url}/trpc/auth.updateProfile`, {
        method: 'POST',
        headers: { 'content-type': type, cookie },
        body: '{}',
      });
      expect(res.status).toBe(415);
    }
  });

  it('never changes state on GET', async () => {
    const res = await fetch(`${app.url}/trpc/auth.logout`, { headers: { cookie } });
    expect(res.status).toBe(405);
    expect((await fetch(`${app.url}/trpc/auth.me`, { headers: { cookie } })).status).toBe(200);
  });

  it('refuses a foreign-origin upload', async () => {
    const form = new FormData();
    form.append('file', new Blob(['hi'], { type: 'text/plain' }), 'a.txt');
    const res = await fetch(`${app.url}/uploads`, { method: 'POST', headers: { cookie, origin: 'https://evil.example' }, body: form });
    expect(res.status).toBe(403);
  });
});

describe('operational endpoints', () => {
  it('answers /healthz and /metrics', async () => {
    const health = await fetch(`${app.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ ok: true });
    const metrics = await (await fetch(`${app.url}/metrics`)).text();
    expect(metrics).toContain('atende_http_requests_total');
    expect(metrics).toContain('atende_logins_total{outcome="ok"}');
  });

  it('turns bad input into a readable BAD_REQUEST with field messages', async () => {
    const res = await fetch(`${app.url}/trpc/auth.login`, {
      method: 'POST',
      headers: { ...json, 'accept-language': 'en' },
      body: '{"email":"not-an-email","password":"x"}',
    });
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.error.data.code).toBe('BAD_REQUEST');
    expect(body.error.data.fieldErrors.email).toBeTruthy();
    expect(body.error.message).toContain('Some fields are not valid');
    expect(body.error.data.fieldErrors.email).toBe('Enter a valid e-mail address.');
  });

  it('says what is wrong with each field in the person\u2019s language, for our rules and zod\u2019s own', async () => {
    const ask = async (lang: string, input: unknown) => {
      const res = await fetch(`${app.url}/trpc/auth.login`, {
        method: 'POST',
        headers: { ...json, 'accept-language': lang },
        body: JSON.stringify(input),
      });
      return (await res.json()).error as { message: string; data: { fieldErrors: Record<string, string> } };
    };
    const pt = await ask('pt-BR', { email: 'not-an-email', password: 'x' });
    expect(pt.data.fieldErrors.email).toBe(translate('pt-BR', 'validation.email'));
    expect(pt.message).toBe(`${translate('pt-BR', 'error.invalidInput')} (email: ${translate('pt-BR', 'validation.email')})`);
    const es = await ask('es', { password: 'x' });
    expect(es.data.fieldErrors.email).toBe(translate('es', 'validation.required'));
    const long = await ask('es', { email: 'a@b.co', password: 'x'.repeat(5000) });
    expect(long.data.fieldErrors.password).toBe(translate('es', 'validation.tooLong', { max: PASSWORD_MAX * 4 }));
  });

  it('answers a malformed address with 400, never a crash', async () => {
    expect((await fetch(`${app.url}/%zz`)).status).toBe(400);
  });

  it('answers unknown procedures with NOT_FOUND, never a crash', async () => {
    const res = await fetch(`${app.url}/trpc/nope.nothing`, { headers: { cookie } });
    expect(res.status).toBe(404);
  });
});

interface RawAnswer {
  status: number;
  head: string;
  body: string;
  /** Bytes of the body the client had sent when the answer came. */
  sent: number;
}

/** The data of a chunked HTTP/1.1 body (ASCII answers only: sizes are counted in characters). */
function unchunk(raw: string): string {
  let out = '';
  for (let at = 0; ; ) {
    const eol = raw.indexOf('\r\n', at);
    const size = eol < 0 ? 0 : Number.parseInt(raw.slice(at, eol), 16);
    if (!size) return out;
    out += raw.slice(eol + 2, eol + 2 + size);
    at = eol + 2 + size + 2;
  }
}

/**
 * Sends a request's head and then body chunks over a raw socket, and stops sending at the
 * first byte of an answer (or after the last chunk, never ending a chunked body). Answers
 * what the server said and how much of the body it had been sent by then.
 */
function sendRaw(url: string, head: string, chunks: Buffer[], deadlineMs = 30_000): Promise<RawAnswer> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname);
    let answer = '';
    let sent = 0;
    const timer = setTimeout(() => finish(new Error(`no answer within ${deadlineMs} ms (sent ${sent} bytes of the body)`)), deadlineMs);
    const finish = (err?: Error) => {
      clearTimeout(timer);
      socket.destroy();
      if (!answer) return reject(err ?? new Error('the connection closed without an answer'));
      const [headPart = '', ...rest] = answer.split('\r\n\r\n');
      let body = rest.join('\r\n\r\n');
      if (/^transfer-encoding: chunked$/im.test(headPart)) body = unchunk(body);
      resolve({ status: Number(headPart.split(' ')[1]), head: headPart.toLowerCase(), body, sent });
    };
    socket.on('data', (d: Buffer) => (answer += d.toString('utf8')));
    socket.on('end', () => finish());
    // The server may reset a connection it refused while we still write: what it answered counts.
    socket.on('error', (err) => finish(err));
    socket.on('connect', async () => {
      socket.write(head);
      for (const chunk of chunks) {
        if (answer || socket.destroyed) return;
        sent += chunk.length;
        if (!socket.write(chunk)) await new Promise((r) => socket.once('drain', r));
      }
    });
  });
}

describe('request body limit (tRPC)', () => {
  const loginHead = (extra: string) =>
    `POST /trpc/auth.login HTTP/1.1\r\nHost: ${new URL(app.url).host}\r\nContent-Type: application/json\r\nAccept-Language: en\r\n${extra}\r\n`;

  it('refuses a body declared larger than 1 MB from its headers, before it is sent, with a sentence', async () => {
    const declared = 64 * 1024 * 1024;
    // Only the first kilobyte of the 64 MB ever leaves the client: the answer must come without the rest.
    const answer = await sendRaw(app.url, loginHead(`Content-Length: ${declared}\r\n`), [
      Buffer.from(`{"email":"a@b.co","password":"${'x'.repeat(1000)}`),
    ]);
    expect(answer.status).toBe(413);
    expect(answer.sent).toBeLessThan(2048);
    expect(answer.head).toContain('connection: close');
    const error = JSON.parse(answer.body).error;
    expect(error.data.code).toBe('PAYLOAD_TOO_LARGE');
    expect(error.message).toBe(translate('en', 'error.requestTooLarge', { max: '1 MB' }));
  });

  it('refuses a chunked body once it passes 1 MB, without waiting for its end', async () => {
    const piece = (n: number) => {
      const data = Buffer.alloc(n, 'x');
      return Buffer.concat([Buffer.from(`${n.toString(16)}\r\n`), data, Buffer.from('\r\n')]);
    };
    // 1 MB + 1 KB of body in 64 KB chunks, and never the terminating chunk: a server that
    // reads the whole body before judging it would wait for ever.
    const chunks = [...Array.from({ length: TRPC_MAX_BODY_BYTES / 65536 }, () => piece(65536)), piece(1024)];
    const answer = await sendRaw(app.url, loginHead('Transfer-Encoding: chunked\r\n'), chunks);
    expect(answer.status).toBe(413);
    expect(answer.head).toContain('connection: close');
    const error = JSON.parse(answer.body).error;
    expect(error.data.code).toBe('PAYLOAD_TOO_LARGE');
    expect(error.message).toBe(translate('en', 'error.requestTooLarge', { max: '1 MB' }));
  });

  it('still takes a body just under the limit (and judges its input as usual)', async () => {
    const body = JSON.stringify({ email: 'a@b.co', password: 'x'.repeat(TRPC_MAX_BODY_BYTES - 100) });
    expect(body.length).toBeLessThanOrEqual(TRPC_MAX_BODY_BYTES);
    const res = await fetch(`${app.url}/trpc/auth.login`, { method: 'POST', headers: { ...json, 'accept-language': 'en' }, body });
    expect(res.status).toBe(400);
    expect((await res.json()).error.data.code).toBe('BAD_REQUEST');
  });
});

describe('/metrics', () => {
  const routeLabels = async () => {
    const text = await (await fetch(`${app.url}/metrics`)).text();
    return new Set([...text.matchAll(/^atende_http_requests_total\{route="([^"]*)"/gm)].map((m) => m[1]!));
  };

  it('keeps a fixed set of route labels, whatever addresses are asked for', async () => {
    const random = mulberry32(10);
    const word = () => Math.floor(random() * 36 ** 8).toString(36);
    for (let batch = 0; batch < 30; batch++) {
      await Promise.all(
        Array.from({ length: 10 }, async (_, i) => {
          const res = await fetch(`${app.url}/${word()}/${word()}`, { method: i % 3 === 0 ? 'POST' : 'GET' });
          await res.arrayBuffer();
        }),
      );
    }
    const labels = await routeLabels();
    expect(labels.size).toBeGreaterThan(0);
    for (const label of labels) expect(ROUTE_LABELS).toContain(label);
  });

  it('is refused to a request a proxy relayed, even from this machine', async () => {
    const res = await fetch(`${app.url}/metrics`, { headers: { 'x-forwarded-for': '203.0.113.7', 'accept-language': 'en' } });
    expect(res.status).toBe(403);
    const text = await res.text();
    expect(text).not.toContain('atende_');
    expect(JSON.parse(text).error.message).toBe(translate('en', 'error.metricsRefused'));
  });

  it('with METRICS_TOKEN set, asks every client for the token', async () => {
    const token = 'metrics-token-for-the-test-0123456789';
    const guarded = await startTestApp({ METRICS_TOKEN: token });
    try {
      const without = await fetch(`${guarded.url}/metrics`);
      expect(without.status).toBe(401);
      expect(without.headers.get('www-authenticate')).toBe('Bearer');
      expect(await without.text()).not.toContain('atende_');
      expect((await fetch(`${guarded.url}/metrics`, { headers: { authorization: `Bearer ${token}x` } })).status).toBe(401);
      const ok = await fetch(`${guarded.url}/metrics`, { headers: { authorization: `Bearer ${token}` } });
      expect(ok.status).toBe(200);
      expect(await ok.text()).toContain('atende_http_requests_total');
    } finally {
      await guarded.stop();
    }
  });
});

describe('Content-Security-Policy', () => {
  it('is the app\u2019s on the app\u2019s pages, and not on the widget (framed by other sites, its own policy)', async () => {
    const page = await fetch(`${app.url}/`);
    await page.arrayBuffer();
    expect(page.headers.get('content-security-policy')).toBe(APP_CSP);
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    const widget = await fetch(`${app.url}/widget`);
    await widget.arrayBuffer();
    expect(widget.headers.get('content-security-policy')).not.toBe(APP_CSP);
    expect(widget.headers.get('x-frame-options')).toBeNull();
  });
});
