/**
 * Closed-loop load: `concurrency` workers each send one operation, wait for its answer and
 * send the next, until `operations` have completed. ops/s is completions over wall time.
 */
export async function closedLoop(
  name: string,
  options: { concurrency: number; operations: number },
  operation: () => Promise<void>,
): Promise<{ name: string; operations: number; seconds: number; latenciesMs: number[] }> {
  const latenciesMs = new Array<number>(options.operations);
  let next = 0;
  const worker = async () => {
    while (next < options.operations) {
      const i = next++;
      const t0 = performance.now();
      await operation();
      latenciesMs[i] = performance.now() - t0;
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  return { name, operations: options.operations, seconds: (performance.now() - start) / 1000, latenciesMs };
}
