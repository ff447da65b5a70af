import http from 'node:http';
import type { Duplex } from 'node:stream';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import { TRPC_ERROR_CODES_BY_KEY } from '@trpc/server/rpc';
import { ping } from '../../db/queries/system.ts';
import { validateSessionToken } from '../auth/session.ts';
import { type Language, type MessageKey, pickLanguage, translate } from '../../i18n/index.ts';
import { appRouter } from '../router.ts';
import type { Services } from '../services/index.ts';
import { createContext } from '../trpc.ts';
import { metricsAccess, routeLabel } from '../services/metrics.ts';
import { isForeignOrigin, sessionTokenOf, TRPC_MAX_BODY_BYTES, TRPC_MAX_BODY_TEXT } from './request.ts';
import { serveStatic } from './static.ts';
import { handleUpload, serveUpload } from './uploads.ts';
import { handleExport } from './exports.ts';
import { createApiHandler } from '../api/http.ts';

/** Later parts mount their routes (/webhooks, /widget, /webchat) and the /sync upgrade here. */
export interface HttpMounts {
  routes: Array<{ prefix: string; handle: (req: http.IncomingMessage, res: http.ServerResponse) => void | Promise<void> }>;
  upgrades: Array<{ prefix: string; handle: (req: http.IncomingMessage, socket: Duplex, head: Buffer) => void }>;
}

function trpcError(
  res: http.ServerResponse,
  status: number,
  code: keyof typeof TRPC_ERROR_CODES_BY_KEY,
  message: string,
  headers: http.OutgoingHttpHeaders = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify({ error: { message, code: TRPC_ERROR_CODES_BY_KEY[code], data: { code, httpStatus: status } } }));
}

/** The body's declared length, or null when it is sent chunked (then counted as it arrives). */
function declaredLength(req: http.IncomingMessage): number | null {
  const value = req.headers['content-length'];
  return value === undefined ? null : Number(value);
}

export function createHttpServer(
  s: Services,
  options: {
    clientDir: string;
    mounts?: HttpMounts;
    /** True once the process drains (SIGTERM, server/app.ts): /healthz says 503 and every answer closes its connection. */
    draining?: () => boolean;
  },
): http.Server {
  const trpc = createHTTPHandler({
    router: appRouter,
    basePath: '/trpc/',
    createContext: ({ req, res }) => createContext(s, req, res),
    // A body sent without Content-Length (chunked) is counted as it streams and refused once
    // past the limit: tRPC holds at most the limit in memory, never the whole body.
    maxBodySize: TRPC_MAX_BODY_BYTES,
    // Close the connection after a 413, so the client stops sending the rest.
    responseMeta: ({ errors }) => (errors.some((e) => e.code === 'PAYLOAD_TOO_LARGE') ? { headers: { connection: 'close' } } : {}),
    onError: ({ error, path }) => {
      if (error.code === 'INTERNAL_SERVER_ERROR') s.log.error({ err: error.cause ?? error, path }, 'procedure failed');
    },
  });
  const policy = { idleDays: s.env.SESSION_IDLE_DAYS, maxDays: s.env.SESSION_MAX_DAYS };
  // The REST API for integrations (token-authenticated, never by cookie) and its reference.
  const api = createApiHandler(s);

  /**
   * The caller of /uploads and /exports: a live session sent from this app's own origin (a
   * cookie alone must not let another site read or write files), else refused here and null.
   */
  const signedIn = async (req: http.IncomingMessage, res: http.ServerResponse, lang: Language) => {
    const refuse = (status: number, key: MessageKey) => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: translate(lang, key) } }));
      return null;
    };
    if (isForeignOrigin(req, s.env.APP_ORIGIN)) return refuse(403, 'error.foreignOrigin');
    const token = sessionTokenOf(req);
    const auth = token ? await validateSessionToken(s.sql, token, policy, s.bus) : null;
    return auth ?? refuse(401, 'error.unauthenticated');
  };

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    const lang = pickLanguage(req.headers['accept-language']);
    const route = routeLabel(req.method, path);
    res.on('finish', () => s.metrics.httpRequests.inc({ route, status: `${Math.floor(res.statusCode / 100)}xx` }));

    const draining = options.draining?.() === true;
    // A request that still comes on a kept-alive connection is answered, then that connection closes.
    if (draining) res.setHeader('connection', 'close');
    if (path === '/healthz') {
      if (draining) {
        // At once, so a load balancer stops sending here before the listener is gone.
        res.writeHead(503, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: false, draining: true }));
        return;
      }
      try {
        await ping(s.sql);
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true }));
      } catch {
        res.writeHead(503, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: false, database: 'unreachable' }));
      }
      return;
    }
    if (path === '/metrics') {
      const access = metricsAccess({ remoteAddress: req.socket.remoteAddress, headers: req.headers }, s.env.METRICS_TOKEN);
      if (access !== 'allowed') {
        const status = access === 'unauthorized' ? 401 : 403;
        res.writeHead(status, {
          'content-type': 'application/json',
          'cache-control': 'no-store',
          ...(status === 401 ? { 'www-authenticate': 'Bearer' } : {}),
        });
        res.end(JSON.stringify({ error: { message: translate(lang, 'error.metricsRefused') } }));
        return;
      }
      res.writeHead(200, { 'content-type': s.metrics.registry.contentType, 'cache-control': 'no-store' });
      res.end(await s.metrics.registry.metrics());
      return;
    }
    if (path.startsWith('/trpc/')) {
      if (isForeignOrigin(req, s.env.APP_ORIGIN)) return trpcError(res, 403, 'FORBIDDEN', translate(lang, 'error.foreignOrigin'));
      if (req.method === 'POST' && !(req.headers['content-type'] ?? '').toLowerCase().startsWith('application/json')) {
        return trpcError(res, 415, 'UNSUPPORTED_MEDIA_TYPE', translate(lang, 'error.jsonOnly'));
      }
      if (req.method !== 'GET' && req.method !== 'POST') return trpcError(res, 405, 'METHOD_NOT_SUPPORTED', 'Use GET or POST.');
      // Refused from the headers, before a byte of the body is read (an anonymous 64 MB
      // auth.login once cost the process 250 MB).
      if ((declaredLength(req) ?? 0) > TRPC_MAX_BODY_BYTES) {
        return trpcError(res, 413, 'PAYLOAD_TOO_LARGE', translate(lang, 'error.requestTooLarge', { max: TRPC_MAX_BODY_TEXT }), {
          connection: 'close',
        });
      }
      return trpc(req, res);
    }
    if (path === '/uploads' || path.startsWith('/uploads/')) {
      const auth = await signedIn(req, res, lang);
      if (!auth) return;
      if (path === '/uploads' && req.method === 'POST') return handleUpload(req, res, s, auth);
      if (req.method === 'GET' && path.startsWith('/uploads/')) return serveUpload(res, s, auth, path.slice('/uploads/'.length));
      res.writeHead(405).end();
      return;
    }
    if (path.startsWith('/exports/')) {
      // Downloads (transcripts, the audit CSV): the same session and Origin rules as /uploads.
      const auth = await signedIn(req, res, lang);
      if (!auth) return;
      return handleExport(req, res, s, auth, path);
    }
    if (path === '/api/docs' || path.startsWith('/api/')) return api(req, res);
    for (const route of options.mounts?.routes ?? []) {
      if (path === route.prefix || path.startsWith(`${route.prefix}/`)) return route.handle(req, res);
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405).end();
      return;
    }
    serveStatic(options.clientDir, path, res, req);
  };

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err) => {
      s.log.error({ err, url: req.url }, 'request failed');
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: translate(pickLanguage(req.headers['accept-language']), 'error.internal') } }));
    });
  });
  server.on('upgrade', (req, socket, head) => {
    // A client that resets the connection while the upgrade is being authorized must not crash the process.
    socket.on('error', () => socket.destroy());
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const mount = options.mounts?.upgrades.find((u) => path === u.prefix || path.startsWith(`${u.prefix}/`));
    if (!mount) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    mount.handle(req, socket, head);
  });
  return server;
}
