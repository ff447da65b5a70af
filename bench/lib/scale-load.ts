/** What one timed closed-loop run measured: operations completed inside its window. */
export interface TimedRun {
  operations: number;
  seconds: number;
  latenciesMs: number[];
  failures: number;
  /** The first few failures, as said. */
  failuresSeen: string[];
  /** The operation ran out of work before the window's end (the window ended there). */
  exhausted: boolean;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Closed loop for a set time: `concurrency` workers each run one operation, wait for it and
 * run the next, for `warmUpSeconds` (not counted) and then `seconds`. Only operations that
 * complete inside the measured window count; `window.begin` / `window.end` are called at its
 * edges (the CPU sampler), before the operations still in flight are awaited. An operation
 * resolves false when there is no more work (e.g. no conversation left to claim): the window
 * then ends at once. A failed operation is counted and the worker goes on.
 */
export async function timedClosedLoop<T>(
  options: { concurrency: number; warmUpSeconds: number; seconds: number },
  operation: (worker: number) => Promise<boolean>,
  window: { begin(): void; end(): Promise<T> },
): Promise<{ run: TimedRun; window: T }> {
  let windowStart = Number.POSITIVE_INFINITY;
  let windowEnd = Number.POSITIVE_INFINITY;
  let stopped = false;
  let exhausted = false;
  let wakeController: () => void = () => {};
  const exhaustedSignal = new Promise<void>((r) => {
    wakeController = r;
  });
  const latenciesMs: number[] = [];
  const failuresSeen: string[] = [];
  let failures = 0;

  const worker = async (w: number) => {
    while (!stopped) {
      const t0 = performance.now();
      let more = true;
      let failed = false;
      try {
        more = await operation(w);
      } catch (err) {
        failed = true;
        if (performance.now() >= windowStart && t0 < windowEnd) {
          failures++;
          if (failuresSeen.length < 3) failuresSeen.push(err instanceof Error ? err.message : String(err));
        }
      }
      const t1 = performance.now();
      if (!more) {
        exhausted = true;
        wakeController();
        return;
      }
      if (!failed && t1 >= windowStart && t1 <= windowEnd) latenciesMs.push(t1 - t0);
    }
  };

  const workers = Array.from({ length: options.concurrency }, (_, w) => worker(w));
  await Promise.race([sleep(options.warmUpSeconds * 1000), exhaustedSignal]);
  if (exhausted) {
    stopped = true;
    await Promise.all(workers);
    throw new Error(`the work ran out during the ${options.warmUpSeconds} s warm-up`);
  }
  window.begin();
  windowStart = performance.now();
  await Promise.race([sleep(options.seconds * 1000), exhaustedSignal]);
  windowEnd = performance.now();
  stopped = true;
  const measured = await window.end();
  await Promise.all(workers);
  return {
    run: {
      operations: latenciesMs.length,
      seconds: (windowEnd - windowStart) / 1000,
      latenciesMs,
      failures,
      failuresSeen,
      exhausted,
    },
    window: measured,
  };
}
