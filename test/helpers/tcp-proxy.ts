import net from 'node:net';

export interface TcpProxy {
  /** http://localhost:<port> — the browser talks to the app through this. */
  url: string;
  port: number;
  /** Drops every open connection and refuses new ones (like a network going away). */
  cut(): void;
  /** Lets connections through again. */
  restore(): void;
  close(): Promise<void>;
}

/**
 * A TCP proxy in front of the app that a test can cut: unlike Playwright's `setOffline`, it
 * also breaks WebSockets and the event stream. While cut, new connections are accepted and
 * reset at once (the port stays ours, the browser sees a failed connection immediately).
 */
export async function startTcpProxy(target: string): Promise<TcpProxy> {
  const { hostname, port: targetPort } = new URL(target);
  const sockets = new Set<net.Socket>();
  const browserSide = new WeakSet<net.Socket>();
  let isCut = false;

  const server = net.createServer((client) => {
    client.on('error', () => {});
    if (isCut) {
      client.resetAndDestroy();
      return;
    }
    const upstream = net.connect(Number(targetPort), hostname === 'localhost' ? '127.0.0.1' : hostname);
    upstream.on('error', () => {});
    sockets.add(client);
    sockets.add(upstream);
    browserSide.add(client);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    // Every interface (IPv4 and IPv6): the browser may resolve localhost to either.
    server.listen(0, () => resolve());
  });
  const port = (server.address() as net.AddressInfo).port;

  return {
    url: `http://localhost:${port}`,
    port,
    cut() {
      isCut = true;
      // The browser's side is reset (a dropped network); the app's side is closed cleanly.
      for (const s of sockets) {
        if (browserSide.has(s)) s.resetAndDestroy();
        else s.destroy();
      }
      sockets.clear();
    },
    restore() {
      isCut = false;
    },
    close() {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
