import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { CloseCode } from '../../../sync/shared/close-codes.ts';
import { trackStatus, type SyncStatus } from './ydoc.ts';

/**
 * The tab's side of a drain: a /sync server that closes the first connections right after
 * they open (never synced, so the stock provider's back-off grows each time) with a given
 * code, then keeps the next one. The stock provider and our status tracking, as in the tab.
 */
async function closingServer(code: number, closes: number) {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  const opened: number[] = [];
  wss.on('connection', (ws) => {
    opened.push(Date.now());
    if (opened.length <= closes) setTimeout(() => ws.close(code, 'test'), 20);
  });
  const url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`;
  return { url, opened, close: () => new Promise<void>((resolve) => wss.close(() => resolve())) };
}

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup) await c();
  cleanup = [];
});

async function watch(code: number, closes: number) {
  const server = await closingServer(code, closes);
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(server.url, 'notes:x', doc, {
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
  });
  const { status } = trackStatus(provider);
  const seen: SyncStatus[] = [];
  provider.on('status', () => queueMicrotask(() => seen.push(status())));
  provider.on('connection-close', () => queueMicrotask(() => seen.push(status())));
  cleanup.push(async () => {
    provider.destroy();
    doc.destroy();
    await server.close();
  });
  const reopened = async () => {
    const deadline = Date.now() + 10_000;
    while (server.opened.length <= closes && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    return server.opened;
  };
  return { provider, status, seen, reopened };
}

describe('the sync status of a document, when the server closes the socket', () => {
  it('1012 Service Restart (a drain): reconnects at once every time, and never says offline', async () => {
    const { seen, reopened, status } = await watch(CloseCode.ServiceRestart, 3);
    const opened = await reopened();
    expect(opened).toHaveLength(4);
    // Each reconnect within the provider's first delay (200 ms), not its growing back-off
    // (200, 400, 800 ms for sockets that never synced).
    const gaps = opened.slice(1).map((t, i) => t - opened[i]!);
    for (const gap of gaps) expect(gap).toBeLessThan(20 + 200 + 150);
    await expect.poll(() => status()).toBe('connected');
    expect(seen).not.toContain('offline');
    expect(seen).not.toContain('refused');
  });

  it('a dropped socket (no drain) says offline and backs off as the stock provider does', async () => {
    const { seen, reopened } = await watch(4503, 3);
    const opened = await reopened();
    const gaps = opened.slice(1).map((t, i) => t - opened[i]!);
    expect(gaps[2]).toBeGreaterThanOrEqual(20 + 800 - 50);
    expect(seen).toContain('offline');
  });

  it('a 44xx refusal stops the provider and says refused', async () => {
    const { provider, status } = await watch(CloseCode.Forbidden, 1);
    await expect.poll(() => status()).toBe('refused');
    expect(provider.shouldConnect).toBe(false);
  });
});
