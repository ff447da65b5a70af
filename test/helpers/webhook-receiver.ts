import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request a webhook receiver got: its raw body (what the signature covers) and headers. */
export interface ReceivedHook {
  path: string;
  headers: http.IncomingHttpHeaders;
  raw: string;
  body: { id: string; type: string; occurredAt: string; organizationId: string; data: Record<string, any> };
  answered: number;
}

/**
 * A local webhook receiver (the outside world, as a real HTTP server on 127.0.0.1): records
 * every request and answers what `answer` says (200 unless told otherwise).
 */
export async function startReceiver() {
  const received: ReceivedHook[] = [];
  let answer: (hook: Omit<ReceivedHook, 'answered'>, index: number) => number = () => 200;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: ReceivedHook['body'];
      try {
        body = JSON.parse(raw);
      } catch {
        body = { id: '', type: 'unreadable', occurredAt: '', organizationId: '', data: {} };
      }
      const hook = { path: req.url ?? '/', headers: req.headers, raw, body };
      const status = answer(hook, received.length);
      received.push({ ...hook, answered: status });
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'receiver says no');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: (path: string) => `http://127.0.0.1:${port}${path}`,
    received,
    on: (path: string) => received.filter((r) => r.path === path),
    answer(fn: typeof answer) {
      answer = fn;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
export type Receiver = Awaited<ReturnType<typeof startReceiver>>;
