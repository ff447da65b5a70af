import { createRoot } from 'solid-js';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { useNow } from './clock.ts';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('useNow', () => {
  it('runs one interval however many components read it, and stops when the last one goes', () => {
    const first = createRoot((dispose) => ({ now: useNow(), dispose }));
    const second = createRoot((dispose) => ({ now: useNow(), dispose }));
    expect(vi.getTimerCount()).toBe(1);
    const before = first.now();
    vi.advanceTimersByTime(1000);
    expect(first.now()).toBe(before + 1000);
    expect(second.now()).toBe(first.now());
    first.dispose();
    expect(vi.getTimerCount()).toBe(1);
    second.dispose();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('starts again, from the current time, for a later reader', () => {
    vi.setSystemTime(new Date('2026-01-01T10:00:00Z'));
    const late = createRoot((dispose) => ({ now: useNow(), dispose }));
    expect(late.now()).toBe(Date.parse('2026-01-01T10:00:00Z'));
    expect(vi.getTimerCount()).toBe(1);
    late.dispose();
    expect(vi.getTimerCount()).toBe(0);
  });
});
