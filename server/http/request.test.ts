import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { isForeignOrigin, parseCookies } from './request.ts';

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
