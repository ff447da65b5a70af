import { describe, expect, it } from 'vitest';
import { perKeyThrottle } from './per-key-throttle.ts';

describe('perKeyThrottle', () => {
  it('runs the trailing run with the last signal’s arguments, and a failed run still counts as one', async () => {
    const runs: string[] = [];
    const errors: unknown[] = [];
    const t = perKeyThrottle(
      50,
      (a: { key: string; n: number }) => a.key,
      async (a) => {
        runs.push(`${a.key}${a.n}`);
        if (a.n === 1) throw new Error('first run fails');
      },
      (err) => errors.push(err),
    );
    t.signal({ key: 'k', n: 1 });
    t.signal({ key: 'k', n: 2 });
    t.signal({ key: 'k', n: 3 });
    t.signal({ key: 'other', n: 1 });
    await expect.poll(() => runs).toEqual(['k1', 'other1', 'k3']);
    expect(errors).toHaveLength(2);
    await t.stop();
    t.signal({ key: 'k', n: 4 });
    expect(runs).toEqual(['k1', 'other1', 'k3']);
  });
});
