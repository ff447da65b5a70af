import { describe, expect, it } from 'vitest';
import { createHostLink, type HostData, type HostMessage } from './host.ts';

const SHOP = 'https://shop.example.com';
const EVIL = 'https://evil.example';
const TOKEN = JSON.stringify({ token: 'a'.repeat(43), visitorId: '00000000-0000-4000-8000-000000000001' });

/** A widget frame with a stand-in parent window that records what is posted to it. */
function frame(options: { embedded?: boolean; ancestorOrigin?: string | null } = {}) {
  const posted: { message: unknown; targetOrigin: string }[] = [];
  const parent = { postMessage: (message: unknown, targetOrigin: string) => void posted.push({ message, targetOrigin }) };
  let deliver: (e: HostMessage) => void = () => {};
  const link = createHostLink({
    parent: options.embedded === false ? null : parent,
    ancestorOrigin: options.ancestorOrigin ?? null,
    listen: (handler) => (deliver = handler),
  });
  const received: HostData[] = [];
  link.onMessage((d) => received.push(d));
  return {
    link,
    posted,
    received,
    fromParent: (origin: string, data: unknown) => deliver({ origin, source: parent, data }),
    fromElsewhere: (origin: string, data: unknown) => deliver({ origin, source: {}, data }),
  };
}

describe('the widget and its embedding page', () => {
  it('with no allowed sites (any site may embed) exchanges no session with the page', () => {
    const f = frame();
    f.link.allow([]);
    f.fromParent(SHOP, { type: 'atende:visibility', open: true });
    expect(f.link.store(TOKEN)).toBe(false);
    f.link.askForSession();
    f.fromParent(SHOP, { type: 'atende:session', value: TOKEN });
    expect(f.link.heldSession()).toBeNull();
    expect(f.posted).toEqual([]);
    // Closing carries nothing secret: to the page's origin as the browser named it.
    f.link.close();
    expect(f.posted).toEqual([{ message: { type: 'atende:close' }, targetOrigin: SHOP }]);
  });

  it('posts the session only to the allowed origin of its parent, never to any', () => {
    const f = frame();
    f.link.allow([SHOP]);
    // Before the page has said anything its origin is unknown: nothing is posted.
    expect(f.link.store(TOKEN)).toBe(false);
    f.fromParent(SHOP, { type: 'atende:visibility', open: false });
    expect(f.link.trustedOrigin()).toBe(SHOP);
    expect(f.link.store(TOKEN)).toBe(true);
    f.link.askForSession();
    expect(f.posted).toEqual([
      { message: { type: 'atende:store', value: TOKEN }, targetOrigin: SHOP },
      { message: { type: 'atende:ready' }, targetOrigin: SHOP },
    ]);
    expect(f.posted.every((p) => p.targetOrigin !== '*')).toBe(true);
  });

  it('takes a session back only from its parent on an allowed origin', () => {
    const f = frame();
    f.fromParent(SHOP, { type: 'atende:session', value: TOKEN });
    // Offered before the channel's sites arrived: held, trusted once they do.
    expect(f.link.heldSession()).toBeNull();
    f.link.allow([SHOP]);
    expect(f.link.heldSession()).toBe(TOKEN);
    expect(f.received).toEqual([{ type: 'atende:session' }]);

    const other = frame();
    other.link.allow([SHOP]);
    // Another window (a frame beside us, a popup) on the allowed origin is not our parent.
    other.fromElsewhere(SHOP, { type: 'atende:session', value: TOKEN });
    expect(other.link.heldSession()).toBeNull();
    expect(other.received).toEqual([]);
    // A parent on a site the channel does not list.
    other.fromParent(EVIL, { type: 'atende:session', value: TOKEN });
    expect(other.link.heldSession()).toBeNull();
    expect(other.link.store(TOKEN)).toBe(false);
    expect(other.posted).toEqual([]);
  });

  it('knows the page from the browser before any message, and is inert as a page of its own', () => {
    const f = frame({ ancestorOrigin: SHOP });
    f.link.allow([SHOP]);
    f.link.askForSession();
    expect(f.posted).toEqual([{ message: { type: 'atende:ready' }, targetOrigin: SHOP }]);
    // A masked ancestor ('null') is no origin.
    expect(frame({ ancestorOrigin: 'null' }).link.trustedOrigin()).toBeNull();

    const alone = frame({ embedded: false });
    alone.link.allow([SHOP]);
    expect(alone.link.embedded).toBe(false);
    expect(alone.link.store(TOKEN)).toBe(false);
    alone.link.close();
    expect(alone.posted).toEqual([]);
  });
});
