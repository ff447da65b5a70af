import WebSocket from 'ws';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { MSG_AWARENESS, MSG_SYNC } from '../../sync/server/updates.ts';
import { mulberry32 } from '../../test/helpers/prng.ts';

const REMOTE = Symbol('remote');

/** Every edit inserts `{e:<id>}`; peers find the ids in the bytes they receive. */
export const marker = (id: number) => `{e:${id}}`;
const PREFIX = Buffer.from('{e:');
const DIGIT_0 = 0x30;
const CLOSE = 0x7d;

/** The edit ids in a frame (markers are ASCII inside the update's UTF-8 strings). */
export function editIdsIn(frame: Buffer): number[] {
  const ids: number[] = [];
  for (let i = frame.indexOf(PREFIX); i >= 0; i = frame.indexOf(PREFIX, i + 1)) {
    let id = 0;
    let j = i + PREFIX.length;
    for (; j < frame.length && frame[j]! >= DIGIT_0 && frame[j]! <= DIGIT_0 + 9; j++) id = id * 10 + frame[j]! - DIGIT_0;
    if (j > i + PREFIX.length && frame[j] === CLOSE) ids.push(id);
  }
  return ids;
}

/** Where received edit ids go (the scenario's delivery tracker). */
export type OnEdits = (client: RawClient, ids: number[], at: number) => void;

/**
 * A y-websocket peer spoken in raw frames (lib0 encoding, y-protocols sync messages) over
 * `ws`, with a Y.Doc of its own. Lighter than the stock provider on purpose, so one process
 * can play a thousand peers: it answers the server's sync step 1, waits for step 2 (synced),
 * announces and renews its awareness state but never relays others' (the stock client does),
 * and finds the edits in each received update by their markers instead of applying it —
 * unless it is its document's observer (`apply`), which integrates everything it receives so
 * the end of a run can check that the updates were whole.
 */
export class RawClient {
  readonly doc = new Y.Doc();
  readonly text = this.doc.getText('t');
  ws: WebSocket | null = null;
  /** Frames received: sync updates, awareness. */
  updates = 0;
  awarenessFrames = 0;
  closedWith: number | null = null;
  private awarenessClock = 0;

  constructor(
    /** Index among the peers of its document. */
    readonly local: number,
    /** Which bench user (session) it connects as. */
    readonly user: number,
    private onEdits: OnEdits | null,
    readonly apply: boolean,
  ) {
    this.doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin === REMOTE) return;
      const encoder = encoding.createEncoder();
      encoding.writeVarUint(encoder, MSG_SYNC);
      syncProtocol.writeUpdate(encoder, update);
      this.send(encoding.toUint8Array(encoder));
    });
  }

  /** Opens the socket; resolves with the instant step 2 arrived (and was applied). */
  connect(url: string, headers: Record<string, string>, timeoutMs = 30_000): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      const ws = new WebSocket(url, { headers, perMessageDeflate: false });
      this.ws = ws;
      ws.binaryType = 'nodebuffer';
      let done = false;
      const fail = (err: Error) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        reject(err);
      };
      const timer = setTimeout(() => fail(new Error(`no sync step 2 from ${url} within ${timeoutMs} ms`)), timeoutMs);
      ws.on('unexpected-response', (_req, res) => {
        fail(new Error(`${url} refused the upgrade: ${res.statusCode}`));
        ws.terminate();
      });
      ws.on('error', (err) => fail(err));
      ws.on('close', (code) => {
        this.closedWith = code;
        fail(new Error(`${url} closed with ${code} before sync`));
      });
      ws.on('open', () => {
        // As the stock client: sync step 1, then the local awareness state.
        const encoder = encoding.createEncoder();
        encoding.writeVarUint(encoder, MSG_SYNC);
        syncProtocol.writeSyncStep1(encoder, this.doc);
        this.send(encoding.toUint8Array(encoder));
        this.renewAwareness();
      });
      ws.on('message', (data: Buffer) => {
        const at = performance.now();
        if (this.receive(data, at) && !done) {
          done = true;
          clearTimeout(timer);
          resolve(at);
        }
      });
    });
  }

  /** Handles one frame; true when it was the server's sync step 2. */
  private receive(data: Buffer, at: number): boolean {
    const decoder = decoding.createDecoder(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    const type = decoding.readVarUint(decoder);
    if (type === MSG_AWARENESS) {
      this.awarenessFrames++;
      return false;
    }
    if (type !== MSG_SYNC) return false;
    const syncType = decoding.readVarUint(decoder);
    if (syncType === syncProtocol.messageYjsSyncStep1) {
      const encoder = encoding.createEncoder();
      encoding.writeVarUint(encoder, MSG_SYNC);
      syncProtocol.writeSyncStep2(encoder, this.doc, decoding.readVarUint8Array(decoder));
      this.send(encoding.toUint8Array(encoder));
      return false;
    }
    const update = decoding.readVarUint8Array(decoder);
    if (syncType === syncProtocol.messageYjsSyncStep2) {
      Y.applyUpdate(this.doc, update, REMOTE);
      return true;
    }
    this.updates++;
    if (this.onEdits) {
      const ids = editIdsIn(data);
      if (ids.length > 0) this.onEdits(this, ids, at);
    }
    if (this.apply) Y.applyUpdate(this.doc, update, REMOTE);
    return false;
  }

  /** A small insert at a random place of what this peer sees; returns when it was sent. */
  edit(id: number, random: () => number): number {
    const at = performance.now();
    this.text.insert(Math.floor(random() * (this.text.length + 1)), marker(id));
    return at;
  }

  /** Announces (or renews, as the stock client does every 15 s) this peer's awareness state. */
  renewAwareness(): void {
    const update = encoding.createEncoder();
    encoding.writeVarUint(update, 1);
    encoding.writeVarUint(update, this.doc.clientID);
    encoding.writeVarUint(update, ++this.awarenessClock);
    encoding.writeVarString(update, JSON.stringify({ user: { name: `Bench ${this.user}`, color: '#30bced' } }));
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MSG_AWARENESS);
    encoding.writeVarUint8Array(encoder, encoding.toUint8Array(update));
    this.send(encoding.toUint8Array(encoder));
  }

  send(message: Uint8Array): void {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(message);
  }

  get open(): boolean {
    return this.ws?.readyState === WebSocket.OPEN;
  }

  close(): Promise<void> {
    const ws = this.ws;
    this.doc.destroy();
    if (!ws || ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        ws.terminate();
        resolve();
      }, 3_000);
      ws.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      ws.close();
    });
  }
}

/** Runs `fn` over `items` with at most `limit` in flight. */
export async function inBatches<T, R>(items: T[], limit: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** Seeded PRNG (mulberry32), so runs pick the same peers and places. */
export const seeded = mulberry32;
