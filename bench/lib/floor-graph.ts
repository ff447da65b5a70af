import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The Graph API's message send, as test/helpers/fake-graph.ts answers it (same request and
 * response format), calling `onSend` with the text and the arrival instant of each send the
 * moment it arrives. (The test helper keeps every request for later assertions; a benchmark
 * needs the instant, and a run of minutes should not keep them all.) Never the network.
 */
export async function startTimedGraph(token: string, onSend: (text: string, at: number) => void) {
  let counter = 0;
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const at = performance.timeOrigin + performance.now();
    const json = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (req.headers.authorization !== `Bearer ${token}`) {
      return json(401, { error: { message: 'Invalid OAuth access token.', type: 'OAuthException', code: 190 } });
    }
    const parts = new URL(req.url ?? '/', 'http://graph').pathname.split('/').filter(Boolean); // [version, id, edge]
    if (req.method !== 'POST' || parts[2] !== 'messages') return json(404, { error: { message: 'Unknown path', code: 100 } });
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { to?: string; text?: { body?: string } };
    onSend(body.text?.body ?? '', at);
    json(200, {
      messaging_product: 'whatsapp',
      contacts: [{ input: body.to, wa_id: body.to }],
      messages: [{ id: `wamid.FLOOR${++counter}` }],
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    sends: () => counter,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
