import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { challengeOf, relyingParty } from './webauthn.ts';

const req = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage;
const APP = 'https://atende.example.com';

describe('the relying party of a WebAuthn ceremony', () => {
  it('is the app origin, or the request’s own host; never another origin', () => {
    expect(relyingParty(null, APP)).toEqual({ origin: APP, rpID: 'atende.example.com' });
    expect(relyingParty(req({ origin: APP, host: 'atende.example.com' }), APP)).toEqual({ origin: APP, rpID: 'atende.example.com' });
    expect(relyingParty(req({ origin: 'http://localhost:4000', host: 'localhost:4000' }), APP)).toEqual({
      origin: 'http://localhost:4000',
      rpID: 'localhost',
    });
    expect(relyingParty(req({ origin: 'https://evil.example', host: 'atende.example.com' }), APP)).toEqual({
      origin: APP,
      rpID: 'atende.example.com',
    });
  });

  it('reads the challenge the browser signed, and nothing from garbage', () => {
    const clientData = Buffer.from(JSON.stringify({ type: 'webauthn.get', challenge: 'abc_DEF-1', origin: APP })).toString('base64url');
    expect(challengeOf(clientData)).toBe('abc_DEF-1');
    expect(challengeOf(Buffer.from('{}').toString('base64url'))).toBeNull();
    expect(challengeOf('not json')).toBeNull();
  });
});
