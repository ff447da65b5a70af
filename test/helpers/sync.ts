import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';

/** The stock y-websocket client, as a browser tab of this session would use it. */
export function connectDoc(baseUrl: string, name: string, cookie: string | null, opts: { doc?: Y.Doc; origin?: string } = {}) {
  const headers: Record<string, string> = {};
  if (cookie) headers.cookie = cookie;
  if (opts.origin) headers.origin = opts.origin;
  class CookieWebSocket extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols, { headers });
    }
  }
  const doc = opts.doc ?? new Y.Doc();
  const provider = new WebsocketProvider(`${baseUrl.replace(/^http/, 'ws')}/sync`, name, doc, {
    WebSocketPolyfill: CookieWebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
  });
  const closes: number[] = [];
  provider.on('connection-close', (event: CloseEvent | null) => {
    if (event) closes.push(event.code);
  });
  return {
    doc,
    provider,
    closes,
    /**
     * Resolves once synced; rejects with the close codes seen when that does not happen in
     * time (a close the stock client treats as final, 4400-4499, never reconnects).
     */
    synced: (timeoutMs = 20_000) =>
      new Promise<void>((resolve, reject) => {
        if (provider.synced) return resolve();
        const onSync = (s: boolean) => {
          if (!s) return;
          clearTimeout(timer);
          provider.off('sync', onSync);
          resolve();
        };
        const timer = setTimeout(() => {
          provider.off('sync', onSync);
          reject(
            new Error(
              `${name}: not synced after ${timeoutMs} ms (close codes seen: ${closes.join(', ') || 'none'}; connected: ${provider.wsconnected})`,
            ),
          );
        }, timeoutMs);
        provider.on('sync', onSync);
      }),
    destroy: () => {
      provider.destroy();
      doc.destroy();
    },
  };
}

/** Tries an upgrade with a raw client; resolves the HTTP status of a refusal, or 101. */
export function upgradeStatus(baseUrl: string, name: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/sync/${name}`, { headers });
    ws.on('open', () => {
      ws.close();
      resolve(101);
    });
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('error', () => {});
  });
}
