/**
 * Counts arrivals of each message id across `expected` receivers and records the moment the
 * last one arrived, so "time until everyone has it" is taken when it happens, not when the
 * waiting code next runs.
 */
export class Arrivals {
  private counts = new Map<string, number>();
  private completedAt = new Map<string, number>();
  private waiters = new Map<string, (at: number) => void>();

  constructor(private expected: number) {}

  arrived(id: string): void {
    const count = (this.counts.get(id) ?? 0) + 1;
    this.counts.set(id, count);
    if (count !== this.expected) return;
    const at = performance.now();
    this.completedAt.set(id, at);
    this.waiters.get(id)?.(at);
  }

  /** Resolves with the completion time of `id`; rejects after `timeoutMs` naming how many got it. */
  complete(id: string, timeoutMs: number): Promise<number> {
    const done = this.completedAt.get(id);
    if (done !== undefined) return Promise.resolve(done);
    return new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(id);
        reject(new Error(`message ${id} reached ${this.counts.get(id) ?? 0} of ${this.expected} receivers within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.set(id, (at) => {
        clearTimeout(timer);
        this.waiters.delete(id);
        resolve(at);
      });
    });
  }
}
