import { describe, expect, it } from 'vitest';
import { CloseCode } from './close-codes.ts';

/** y-websocket 3.x's own rule (src/y-websocket.js, defaultShouldReconnect). */
const stockClientReconnects = (code: number) => !(code >= 4400 && code < 4500);

describe('close codes against the stock client', () => {
  it('tells a refused or malformed peer not to come back, and a peer we dropped for our own reasons to come back', () => {
    const final = Object.entries(CloseCode)
      .filter(([, code]) => !stockClientReconnects(code))
      .map(([name]) => name)
      .sort();
    expect(final).toEqual(['BadDocName', 'Forbidden', 'Malformed', 'TooLarge', 'TooManyConnections', 'Unauthorized']);
  });
});
