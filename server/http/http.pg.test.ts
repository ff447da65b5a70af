import { translate } from '../../i18n/index.ts';
import { PASSWORD_MAX } from '../domain/password-policy.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/helpers/app.ts';

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
      const res = await fetch(`${app.url}/trpc/auth.updateProfile`, { method: 'POST', headers: { 'content-type': type, cookie }, body: '{}' });
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
    const res = await fetch(`${app.url}/trpc/auth.login`, { method: 'POST', headers: { ...json, 'accept-language': 'en' }, body: '{"email":"not-an-email","password":"x"}' });
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.error.data.code).toBe('BAD_REQUEST');
    expect(body.error.data.fieldErrors.email).toBeTruthy();
    expect(body.error.message).toContain('Some fields are not valid');
    expect(body.error.data.fieldErrors.email).toBe('Enter a valid e-mail address.');
  });

  it('says what is wrong with each field in the person\u2019s language, for our rules and zod\u2019s own', async () => {
    const ask = async (lang: string, input: unknown) => {
      const res = await fetch(`${app.url}/trpc/auth.login`, { method: 'POST', headers: { ...json, 'accept-language': lang }, body: JSON.stringify(input) });
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
