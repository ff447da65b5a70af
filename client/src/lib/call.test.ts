import { describe, expect, it } from 'vitest';
import { callHref, opensPage } from './call.ts';

describe('callHref', () => {
  it('uses the device dialer without telephony', () => {
    expect(callHref(null, '5531999998888', '204')).toBe('tel:+5531999998888');
    expect(opensPage(callHref(null, '5531999998888', null))).toBe(false);
  });
  it('fills the organization template with the number and the agent extension, encoded', () => {
    expect(callHref('https://pbx.example.com/call?to={number}&from={extension}', '5531999998888', '204')).toBe(
      'https://pbx.example.com/call?to=5531999998888&from=204',
    );
    expect(callHref('sip:{number}@pbx.example.com', '5531999998888', null)).toBe('sip:5531999998888@pbx.example.com');
    expect(callHref('https://pbx.example.com/call?to={number}&from={extension}', '55', 'a&b')).toBe(
      'https://pbx.example.com/call?to=55&from=a%26b',
    );
    expect(opensPage('https://pbx.example.com/call?to=55')).toBe(true);
  });
});
