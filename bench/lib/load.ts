/**
 * Closed-loop load: `concurrency` workers each send one operation, wait for its answer and
 * send the next, until `operations` have completed. ops/s is completions over wall time.
 * The operation is told which worker runs it (0 … concurrency − 1, e.g. to pick that
 * worker's own client) and its index among all operations (0 … operations − 1).
 */
export async function closedLoop(
  name: string,
  options: { concurrency: number; operations: number },
  operation: (worker: number, index: number) => Promise<void>,
): Promise<{ name: string; operations: number; seconds: number; latenciesMs: number[] }> {
  const latenciesMs = new Array<number>(options.operations);
  let next = 0;
  const worker = async (_: unknown, w: number) => {
    while (next < options.operations) {
      const i = next++;
      const t0 = performance.now();
      await operation(w, i);
      latenciesMs[i] = performance.now() - t0;
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  return { name, operations: options.operations, seconds: (performance.now() - start) / 1000, latenciesMs };
}
