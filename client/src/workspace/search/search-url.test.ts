import { describe, expect, it } from 'vitest';
import { dayRange, hitHref } from './search-url.ts';

describe('hitHref', () => {
  const contact = { id: 'k1', name: 'Maria' };
  it('opens the message in its conversation', () => {
    expect(hitHref({ kind: 'message', conversationId: 'c1', messageId: 'm1', contact })).toBe('/conversations/c1?message=m1');
    expect(hitHref({ kind: 'file', conversationId: 'c1', messageId: 'm2', contact })).toBe('/conversations/c1?message=m2');
  });
  it('opens the conversation of a protocol, and the contact of a notes hit', () => {
    expect(hitHref({ kind: 'message', conversationId: 'c1', messageId: null, contact })).toBe('/conversations/c1');
    expect(hitHref({ kind: 'notes', conversationId: null, messageId: null, contact })).toBe('/contacts/k1');
  });
});

describe('dayRange', () => {
  it('covers whole local days, the last one included', () => {
    const r = dayRange('2026-12-01', '2026-12-01');
    expect(new Date(r.to!).getTime() - new Date(r.from!).getTime()).toBe(24 * 3600 * 1000);
    expect(new Date(r.from!).getDate()).toBe(1);
  });
  it('ignores what is not a day', () => {
    expect(dayRange('yesterday', '')).toEqual({});
    expect(dayRange(undefined, undefined)).toEqual({});
  });
});
