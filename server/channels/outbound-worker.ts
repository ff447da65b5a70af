import { Pump } from '../jobs/pump.ts';
import type { Services } from '../services/index.ts';

/**
 * A channel's delivery worker: drains queued outbound messages in cycles, woken by
 * `message.created` for a queued row, with a slow poll as a safety net; the leases
 * themselves are in db/queries/deliveries.ts.
 */
export abstract class OutboundWorker {
  private unsubscribe: (() => void) | null = null;
  protected readonly pump: Pump;

  constructor(
    protected readonly s: Services,
    private readonly pollMs: number,
    what: string,
  ) {
    this.pump = new Pump(
      () => this.cycle(),
      (err) => s.log.warn({ err }, `${what} cycle failed; will retry`),
    );
  }

  start(): void {
    this.unsubscribe = this.s.bus.subscribe((e) => {
      if (e.type === 'message.created' && e.data.status === 'queued') this.wake();
    });
    this.pump.start(this.pollMs);
  }

  wake(): void {
    this.pump.wake();
  }

  async stop(): Promise<void> {
    this.unsubscribe?.();
    await this.pump.stop();
  }

  protected abstract cycle(): Promise<void>;
}
