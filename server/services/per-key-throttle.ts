import { setTimeout as sleep } from 'node:timers/promises';

export interface PerKeyThrottle<A> {
  /** Asks for a run for `arg`'s key: at once, or at the end of its key's interval. */
  signal(arg: A): void;
  /** No more runs: waits end at once (a run they would have made is dropped); runs in progress are awaited. */
  stop(): Promise<void>;
}

/**
 * Runs `job` for each key signalled, at most once per `everyMs` per key, one run per key at a
 * time: the first signal runs it at once; signals during a run or the interval after its start
 * ask for one more run when the interval ends (with the arguments of the last signal), so the
 * last signal is always followed by a run. A failed run is logged and counts as a run.
 */
export function perKeyThrottle<A extends object>(
  everyMs: number,
  keyOf: (arg: A) => string,
  job: (arg: A) => Promise<void>,
  onError: (err: unknown) => void,
): PerKeyThrottle<A> {
  const running = new Map<string, Promise<void>>();
  /** Keys signalled again during their run or its interval, with their latest arguments. */
  const again = new Map<string, A>();
  let stopped = false;
  const stopping = new AbortController();
  const pause = (ms: number) => sleep(ms, undefined, { signal: stopping.signal }).catch(() => {});
  return {
    signal(arg) {
      if (stopped) return;
      const key = keyOf(arg);
      if (running.has(key)) {
        again.set(key, arg);
        return;
      }
      const run = (async () => {
        let next: A | undefined = arg;
        while (next !== undefined && !stopped) {
          again.delete(key);
          const started = Date.now();
          await job(next).catch(onError);
          const rest = started + everyMs - Date.now();
          if (rest > 0 && !stopped) await pause(rest);
          next = again.get(key);
        }
      })().finally(() => {
        running.delete(key);
        again.delete(key);
      });
      running.set(key, run);
    },
    async stop() {
      stopped = true;
      stopping.abort();
      await Promise.all(running.values());
    },
  };
}
