import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { parseEnv } from '../env.ts';
import { clientIp, isForeignOrigin, isHttps, parseCookies } from './request.ts';

const req = (method: string, headers: Record<string, string>) => ({ method, headers }) as unknown as IncomingMessage;
const APP = 'https://atende.example';

describe('isForeignOrigin', () => {
  it('follows SPEC §9', () => {
    expect(isForeignOrigin(req('POST', {}), APP)).toBe(false); // non-browser client
    expect(isForeignOrigin(req('POST', { origin: APP }), APP)).toBe(false);
    expect(isForeignOrigin(req('POST', { origin: 'https://evil.example' }), APP)).toBe(true);
    expect(isForeignOrigin(req('POST', { 'sec-fetch-site': 'same-origin' }), APP)).toBe(false);
    expect(isForeignOrigin(req('POST', { 'sec-fetch-site': 'same-site' }), APP)).toBe(true);
    expect(isForeignOrigin(req('POST', { 'sec-fetch-site': 'none' }), APP)).toBe(true);
    expect(isForeignOrigin(req('GET', { 'sec-fetch-site': 'none' }), APP)).toBe(false);
    expect(isForeignOrigin(req('POST', { origin: 'http://10.0.0.5:3000', host: '10.0.0.5:3000' }), APP)).toBe(false);
    expect(isForeignOrigin(req('POST', { origin: 'null' }), APP)).toBe(true);
  });
});

describe('parseCookies', () => {
  it('keeps the first of duplicated names and ignores junk', () => {
    expect(parseCookies('a=1; b=2; a=3; junk; c=%E0')).toEqual({ a: '1', b: '2' });
  });
});

describe('clientIp', () => {
  const from = (socket: string, forwarded?: string | string[]) =>
    ({
      headers: forwarded === undefined ? {} : { 'x-forwarded-for': forwarded },
      socket: { remoteAddress: socket },
    }) as unknown as IncomingMessage;

  it('takes the socket address when no proxy is trusted, whatever the header says', () => {
    expect(clientIp(from('203.0.113.7', '10.0.0.1'), 0)).toBe('203.0.113.7');
  });

  it('with one proxy, takes the address the proxy saw (the rightmost), never the spoofed leftmost entry', () => {
    // The client sent "X-Forwarded-For: 10.0.0.1" (an allowed network, say); the proxy appended its peer.
    expect(clientIp(from('127.0.0.1', '10.0.0.1, 198.51.100.9'), 1)).toBe('198.51.100.9');
    expect(clientIp(from('127.0.0.1', '198.51.100.9'), 1)).toBe('198.51.100.9');
    // Two headers count as one list, in order.
    expect(clientIp(from('127.0.0.1', ['10.0.0.1', '198.51.100.9']), 1)).toBe('198.51.100.9');
  });

  it('with N proxies, takes the Nth entry from the right', () => {
    // Two proxies: the first appends the client it saw (198.51.100.9), the second appends the first.
    const chain = '10.0.0.1, 198.51.100.9, 172.16.0.2';
    expect(clientIp(from('10.0.0.3', chain), 2)).toBe('198.51.100.9');
    expect(clientIp(from('10.0.0.3', chain), 3)).toBe('10.0.0.1');
    expect(clientIp(from('10.0.0.3', ` ${chain} ,`), 2)).toBe('198.51.100.9');
  });

  it('falls back to the socket when the request did not come through every proxy', () => {
    expect(clientIp(from('203.0.113.7'), 1)).toBe('203.0.113.7');
    expect(clientIp(from('203.0.113.7', ''), 1)).toBe('203.0.113.7');
    expect(clientIp(from('203.0.113.7', '10.0.0.1'), 2)).toBe('203.0.113.7');
  });
});

describe('isHttps', () => {
  const with_ = (proto: string | undefined) =>
    ({ headers: proto ? { 'x-forwarded-proto': proto } : {}, socket: {} }) as unknown as IncomingMessage;
  it('believes X-Forwarded-Proto only behind a trusted proxy', () => {
    expect(isHttps(with_('https'), 0, 'http://localhost:3000')).toBe(false);
    expect(isHttps(with_('https'), 1, 'http://localhost:3000')).toBe(true);
    expect(isHttps(with_('https, http'), 2, 'http://localhost:3000')).toBe(true);
    expect(isHttps(with_(undefined), 1, 'https://atende.example')).toBe(true);
  });
});

describe('TRUST_PROXY', () => {
  it('is a number of proxies: false/0 none, true one, N that many', () => {
    const hops = (v?: string) => parseEnv({ TRUST_PROXY: v }).TRUST_PROXY;
    expect(hops()).toBe(0);
    expect([hops('false'), hops('0'), hops('no')]).toEqual([0, 0, 0]);
    expect([hops('true'), hops('TRUE'), hops('1')]).toEqual([1, 1, 1]);
    expect(hops('2')).toBe(2);
    expect(() => hops('-1')).toThrow(/TRUST_PROXY/);
    expect(() => hops('maybe')).toThrow(/TRUST_PROXY/);
  });
});
