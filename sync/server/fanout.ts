import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';

export type FanoutKind = 'update' | 'awareness';

/** Carries documents' updates and awareness between server processes. */
export interface Fanout {
  subscribe(doc: string, handler: (kind: FanoutKind, data: Uint8Array) => void): Promise<void>;
  unsubscribe(doc: string): Promise<void>;
  publish(doc: string, kind: FanoutKind, data: Uint8Array): void;
  onResync(handler: () => void): void;
  stop(): Promise<void>;
}

const KINDS: FanoutKind[] = ['update', 'awareness'];

/**
 * Redis pub/sub fan-out: one channel per document; each frame is [kind][process id][bytes],
 * and a process ignores its own. After a reconnect we subscribe again ourselves (ioredis's
 * own resubscription leaves a promise nobody handles when the link drops again) and rooms
 * resync from PostgreSQL (what was published while we were away is stored there). While
 * Redis is down a document still opens: it subscribes when Redis is back, then resyncs.
 */
export class RedisFanout implements Fanout {
  private readonly processId = randomBytes(8);
  private readonly sub: Redis;
  private handlers = new Map<string, (kind: FanoutKind, data: Uint8Array) => void>();
  private resync: (() => void) | null = null;
  private connectedOnce = false;

  constructor(private pub: Redis) {
    this.sub = pub.duplicate({ autoResubscribe: false });
    this.sub.on('messageBuffer', (channel: Buffer, message: Buffer) => {
      if (message.length < 9 || message.subarray(1, 9).equals(this.processId)) return;
      const handler = this.handlers.get(channel.toString().slice('sync:'.length));
      const kind = KINDS[message[0]!];
      if (handler && kind) handler(kind, new Uint8Array(message.subarray(9)));
    });
    this.sub.on('ready', () => {
      const reconnected = this.connectedOnce;
      this.connectedOnce = true;
      const channels = [...this.handlers.keys()].map((doc) => `sync:${doc}`);
      const subscribed = channels.length ? this.sub.subscribe(...channels) : Promise.resolve(0);
      subscribed.then(
        () => reconnected && this.resync?.(),
        () => {},
      );
    });
    this.sub.on('error', () => {});
  }

  async subscribe(doc: string, handler: (kind: FanoutKind, data: Uint8Array) => void): Promise<void> {
    this.handlers.set(doc, handler);
    const subscribed = this.sub.subscribe(`sync:${doc}`);
    // Down: the 'ready' handler subscribes and resyncs every room once Redis is back.
    if (this.sub.status !== 'ready') return void subscribed.catch(() => {});
    await subscribed.catch(() => {});
  }

  async unsubscribe(doc: string): Promise<void> {
    this.handlers.delete(doc);
    await this.sub.unsubscribe(`sync:${doc}`).catch(() => {});
  }

  publish(doc: string, kind: FanoutKind, data: Uint8Array): void {
    const frame = Buffer.concat([Buffer.from([KINDS.indexOf(kind)]), this.processId, Buffer.from(data)]);
    this.pub.publish(`sync:${doc}`, frame).catch(() => {});
  }

  onResync(handler: () => void): void {
    this.resync = handler;
  }

  async stop(): Promise<void> {
    this.handlers.clear();
    this.sub.disconnect();
  }
}
