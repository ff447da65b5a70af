import { describe, expect, it } from 'vitest';
import { metricsAccess, routeLabel, ROUTE_LABELS } from './metrics.ts';
import { mulberry32 } from '../../test/helpers/prng.ts';

describe('routeLabel', () => {
  it('names what the server serves', () => {
    expect(routeLabel('POST', '/trpc/auth.login')).toBe('trpc');
    expect(routeLabel('GET', '/sync/contact.x')).toBe('sync');
    expect(routeLabel('POST', '/webhooks/whatsapp')).toBe('webhooks');
    expect(routeLabel('GET', '/uploads/abc')).toBe('uploads');
    expect(routeLabel('GET', '/widget')).toBe('widget');
    expect(routeLabel('POST', '/webchat/messages')).toBe('webchat');
    expect(routeLabel('GET', '/healthz')).toBe('healthz');
    expect(routeLabel('GET', '/metrics')).toBe('metrics');
    expect(routeLabel('GET', '/assets/main-abc.js')).toBe('static');
    expect(routeLabel('GET', '/sw.js')).toBe('static');
    expect(routeLabel('GET', '/')).toBe('app');
    expect(routeLabel('GET', '/conversations/123')).toBe('app');
    expect(routeLabel('DELETE', '/anything')).toBe('other');
  });

  it('never makes a label out of the address', () => {
    const random = mulberry32(7);
    const word = () => Math.floor(random() * 36 ** 6).toString(36);
    const methods = ['GET', 'HEAD', 'POST', 'PUT', 'OPTIONS', undefined];
    const seen = new Set<string>();
    for (let i = 0; i < 1000; i++)
      seen.add(routeLabel(methods[i % methods.length], `/${word()}${i % 3 ? `/${word()}` : ''}${i % 5 ? '' : '.php'}`));
    for (const label of seen) expect(ROUTE_LABELS).toContain(label);
  });
});

describe('metricsAccess', () => {
  const TOKEN = 'a-metrics-token-of-enough-length';
  const ask = (remoteAddress: string | undefined, headers: Record<string, string> = {}, token?: string) =>
    metricsAccess({ remoteAddress, headers }, token);

  it('without a token, answers only this machine, by the socket address', () => {
    for (const local of ['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1']) expect(ask(local)).toBe('allowed');
    for (const remote of ['10.0.0.5', '::ffff:10.0.0.5', '2001:db8::1', '128.0.0.1', '', undefined]) expect(ask(remote)).toBe('forbidden');
    // A header cannot make a remote client local...
    expect(ask('10.0.0.5', { 'x-forwarded-for': '127.0.0.1' })).toBe('forbidden');
    // ...and a request a proxy on this machine relayed is not a local client.
    expect(ask('127.0.0.1', { 'x-forwarded-for': '203.0.113.7' })).toBe('forbidden');
    expect(ask('127.0.0.1', { forwarded: 'for=203.0.113.7' })).toBe('forbidden');
  });

  it('with a token, asks every client for it, this machine included', () => {
    expect(ask('10.0.0.5', { authorization: `Bearer ${TOKEN}` }, TOKEN)).toBe('allowed');
    expect(ask('127.0.0.1', { authorization: `bearer ${TOKEN}` }, TOKEN)).toBe('allowed');
    expect(ask('127.0.0.1', {}, TOKEN)).toBe('unauthorized');
    expect(ask('10.0.0.5', { authorization: `Bearer ${TOKEN}x` }, TOKEN)).toBe('unauthorized');
    expect(ask('10.0.0.5', { authorization: `Bearer ${TOKEN.slice(1)}` }, TOKEN)).toBe('unauthorized');
    expect(ask('10.0.0.5', { authorization: TOKEN }, TOKEN)).toBe('unauthorized');
    expect(ask('10.0.0.5', { authorization: 'Bearer ' }, TOKEN)).toBe('unauthorized');
  });
});
