import { describe, expect, it } from 'vitest';
import { StreamCaps } from './stream-caps.ts';

describe('StreamCaps', () => {
  it('per owner, the newest wins: one more ends the oldest, released at once', () => {
    const caps = new StreamCaps(2, 10);
    const evicted: string[] = [];
    const a = caps.admit('s1', 'ip', () => evicted.push('a'));
    caps.admit('s1', 'ip', () => evicted.push('b'));
    expect(evicted).toEqual([]);
    caps.admit('s1', 'ip', () => evicted.push('c'));
    expect(evicted).toEqual(['a']);
    expect(caps.openFrom('ip')).toBe(2);
    a!.release(); // the stream's own end, later: no double count
    expect(caps.openFrom('ip')).toBe(2);
    caps.admit('s1', 'ip', () => evicted.push('d'));
    expect(evicted).toEqual(['a', 'b']);
  });

  it('per address, beyond the cap is refused and nobody is ended', () => {
    const caps = new StreamCaps(5, 2);
    const evicted: string[] = [];
    caps.admit('s1', 'ip', () => evicted.push('a'));
    const b = caps.admit('s2', 'ip', () => evicted.push('b'));
    expect(caps.admit('s3', 'ip', () => evicted.push('c'))).toBeNull();
    expect(caps.admit('s3', 'other', () => {})).not.toBeNull();
    expect(evicted).toEqual([]);
    b!.release();
    b!.release();
    expect(caps.openFrom('ip')).toBe(1);
    expect(caps.admit('s3', 'ip', () => {})).not.toBeNull();
  });

  it('an owner at its cap on a full address replaces its oldest there', () => {
    const caps = new StreamCaps(1, 1);
    const evicted: string[] = [];
    caps.admit('s1', 'ip', () => evicted.push('a'));
    expect(caps.admit('s1', 'ip', () => evicted.push('b'))).not.toBeNull();
    expect(evicted).toEqual(['a']);
    expect(caps.openFrom('ip')).toBe(1);
    // Its oldest elsewhere frees nothing here.
    caps.admit('s2', 'far', () => evicted.push('c'));
    expect(caps.admit('s2', 'ip', () => evicted.push('d'))).toBeNull();
    expect(evicted).toEqual(['a']);
  });

  it('forgets owners and addresses with nothing open', () => {
    const caps = new StreamCaps(2, 2);
    const slots = [caps.admit('s1', 'ip', () => {}), caps.admit('s1', 'ip2', () => {})];
    for (const s of slots) s!.release();
    expect(caps.openFrom('ip')).toBe(0);
    expect((caps as unknown as { owners: Map<string, unknown> }).owners.size).toBe(0);
    expect((caps as unknown as { ips: Map<string, unknown> }).ips.size).toBe(0);
  });
});
