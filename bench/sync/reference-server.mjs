// The reference server for bench/sync.bench.ts: @y/websocket-server 0.1.1 as its own
// src/server.js runs it (setupWSConnection on the ws it ships with; no auth, and no
// persistence since YPERSISTENCE is unset), but listening on a free port and printing
// `{"url":…}`. On SIGUSR2 it collects garbage and prints `{"memory":…}` (node --expose-gc).
import http from 'node:http';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { setupWSConnection } from '@y/websocket-server/utils';

const packageDir = fileURLToPath(import.meta.resolve('@y/websocket-server/utils'));
const requireThere = createRequire(packageDir);
const WebSocket = requireThere('ws');
const wsVersion = requireThere('ws/package.json').version;

const wss = new WebSocket.Server({ noServer: true });
const server = http.createServer((_request, response) => {
  response.writeHead(200, { 'Content-Type': 'text/plain' });
  response.end('okay');
});
wss.on('connection', setupWSConnection);
server.on('upgrade', (request, socket, head) => {
  wss.handleUpgrade(request, socket, head, (ws) => {
    wss.emit('connection', ws, request);
  });
});

process.on('SIGUSR2', () => {
  globalThis.gc?.();
  globalThis.gc?.();
  const m = process.memoryUsage();
  process.stdout.write(`${JSON.stringify({ memory: { rss: m.rss, heapUsed: m.heapUsed, external: m.external } })}\n`);
});
process.on('SIGTERM', () => process.exit(0));
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${port}`, ws: wsVersion })}\n`);
});
