import { describe, expect, it } from 'vitest';
import { bottomFollower } from './follow-bottom.ts';

/** A scrolling box as the browser keeps it: scrollTop clamped to the content. */
function box(scrollHeight: number, clientHeight = 300) {
  let top = 0;
  return {
    scrollHeight,
    clientHeight,
    get scrollTop() {
      return top;
    },
    set scrollTop(v: number) {
      top = Math.max(0, Math.min(v, this.scrollHeight - this.clientHeight));
    },
  };
}

describe('bottomFollower', () => {
  it('keeps following when content grew before the scroll event of its own scroll arrived', () => {
    const f = bottomFollower();
    const el = box(1000);
    f.toBottom(el);
    expect(el.scrollTop).toBe(700);
    el.scrollHeight = 1400; // three long messages arrived meanwhile
    f.onScroll(el); // the event of our own scroll, read late
    expect(f.following).toBe(true);
    f.toBottom(el);
    expect(el.scrollTop).toBe(1100);
  });

  it('stops when the reader scrolls up, and follows again back at the bottom', () => {
    const f = bottomFollower();
    const el = box(1000);
    f.toBottom(el);
    el.scrollTop = 400;
    f.onScroll(el);
    expect(f.following).toBe(false);
    el.scrollHeight = 1200;
    f.toBottom(el);
    expect(el.scrollTop).toBe(400);
    el.scrollTop = 880;
    f.onScroll(el);
    expect(f.following).toBe(true);
  });

  it('follows again when asked (the reader wrote)', () => {
    const f = bottomFollower();
    const el = box(1000);
    el.scrollTop = 100;
    f.onScroll(el);
    f.toBottom(el);
    el.scrollTop = 50;
    f.onScroll(el);
    expect(f.following).toBe(false);
    f.follow();
    f.toBottom(el);
    expect(el.scrollTop).toBe(700);
  });

  it('stops following when the reader is taken to an older message, until back at the bottom', () => {
    const f = bottomFollower();
    const el = box(1000);
    f.toBottom(el);
    f.stop();
    f.toBottom(el);
    expect(f.following).toBe(false);
    el.scrollTop = 700;
    f.onScroll(el);
    expect(f.following).toBe(true);
  });
});
