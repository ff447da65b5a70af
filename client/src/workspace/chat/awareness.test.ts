import * as Y from 'yjs';
import { Awareness } from 'y-protocols/awareness';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { SharedDoc } from '../../lib/ydoc.ts';
import { distinctPeople, holdLocalState, joinNames, setTypingOn, TYPING_IDLE_MS, type Peer } from './awareness.ts';

/** Just what the awareness helpers use of a shared document. */
function fakeShared(): SharedDoc {
  const doc = new Y.Doc();
  return { name: 'conversation:x', doc, awareness: new Awareness(doc) } as unknown as SharedDoc;
}

const ana = { id: 'a', name: 'Ana' };

afterEach(() => vi.useRealTimers());

describe('local awareness state', () => {
  it('announces me while held, as viewing only for viewing holders, and leaves with the last holder', () => {
    const sd = fakeShared();
    const releasePresence = holdLocalState(sd, ana, false);
    expect(sd.awareness.getLocalState()).toEqual({ user: ana, viewing: false, typing: 0 });
    const releasePage = holdLocalState(sd, ana, true);
    expect(sd.awareness.getLocalState()).toMatchObject({ viewing: true });
    releasePage();
    expect(sd.awareness.getLocalState()).toMatchObject({ user: ana, viewing: false });
    releasePage(); // twice is once
    expect(sd.awareness.getLocalState()).not.toBeNull();
    releasePresence();
    expect(sd.awareness.getLocalState()).toBeNull();
  });

  it('typing is a timestamp that ends by itself after the idle time, or at once when told', () => {
    vi.useFakeTimers();
    const sd = fakeShared();
    const release = holdLocalState(sd, ana, true);
    setTypingOn(sd, true);
    const typing = () => (sd.awareness.getLocalState() as { typing: number }).typing;
    expect(typing()).toBeGreaterThan(0);
    vi.advanceTimersByTime(TYPING_IDLE_MS - 100);
    expect(typing()).toBeGreaterThan(0);
    setTypingOn(sd, true); // a keystroke keeps it going
    vi.advanceTimersByTime(TYPING_IDLE_MS - 100);
    expect(typing()).toBeGreaterThan(0);
    vi.advanceTimersByTime(200);
    expect(typing()).toBe(0);
    setTypingOn(sd, true);
    setTypingOn(sd, false);
    expect(typing()).toBe(0);
    release();
  });
});

describe('people from peers', () => {
  const peer = (clientId: number, id: string, name: string, viewing: boolean, typing = false): Peer => ({
    clientId,
    user: { id, name },
    viewing,
    typing,
  });

  it('one entry per person (several tabs), never me, named by the server’s record, sorted', () => {
    const peers = [
      peer(1, 'b', 'claimed name', true),
      peer(2, 'b', 'claimed name', true),
      peer(3, 'a', 'Ana', true),
      peer(4, 'c', 'Carla', false),
      peer(5, 'd', 'Dora', true),
    ];
    const names = new Map([['b', 'Bruno Lima']]);
    expect(distinctPeople(peers, 'a', names, (p) => p.viewing)).toEqual([
      { id: 'b', name: 'Bruno Lima' },
      { id: 'd', name: 'Dora' },
    ]);
  });

  it('joins names as a sentence', () => {
    const and = (first: string, last: string) => `${first} and ${last}`;
    expect(joinNames([], and)).toBe('');
    expect(joinNames(['Ana'], and)).toBe('Ana');
    expect(joinNames(['Ana', 'Bruno', 'Carla'], and)).toBe('Ana, Bruno and Carla');
  });
});
