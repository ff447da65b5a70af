import { createHash, timingSafeEqual } from 'node:crypto';
import client from 'prom-client';

export function createMetrics() {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: 'atende_' });
  return {
    registry,
    httpRequests: new client.Counter({
      name: 'atende_http_requests_total',
      help: 'HTTP requests by route group (a fixed set, see routeLabel) and status class',
      labelNames: ['route', 'status'] as const,
      registers: [registry],
    }),
    logins: new client.Counter({
      name: 'atende_logins_total',
      help: 'Login attempts by outcome',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    slaBreaches: new client.Counter({
      name: 'atende_sla_breaches_total',
      help: 'Service-level targets missed (first response, next response), counted by the process whose sweep found them',
      labelNames: ['kind'] as const,
      registers: [registry],
    }),
    offers: new client.Counter({
      name: 'atende_routing_offers_total',
      help: 'Automatic routing: offers made, and how they ended (accepted counts as claims do)',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    eventStreams: new client.Gauge({
      name: 'atende_event_streams',
      help: 'Open events.stream subscriptions in this process',
      registers: [registry],
    }),
  };
}
export type Metrics = ReturnType<typeof createMetrics>;

/** What the server serves under its first path segment; each is its own `route` label. */
const ROUTES = ['trpc', 'sync', 'webhooks', 'uploads', 'widget', 'webchat', 'healthz', 'metrics'] as const;
export const ROUTE_LABELS = [...ROUTES, 'static', 'app', 'other'] as const;
export type RouteLabel = (typeof ROUTE_LABELS)[number];
const isRoute = (segment: string): segment is (typeof ROUTES)[number] => (ROUTES as readonly string[]).includes(segment);

/**
 * The `route` label of a request. The label set is fixed: a label made from the URL would
 * let anyone add series (memory, and /metrics' size) for ever with made-up addresses.
 * `static`: the built files (/assets/…, /sw.js, icons); `app`: the client's pages (any
 * other GET is answered with index.html); `other`: the rest.
 */
export function routeLabel(method: string | undefined, pathname: string): RouteLabel {
  const first = pathname.split('/')[1] ?? '';
  if (isRoute(first)) return first;
  if (method !== 'GET' && method !== 'HEAD') return 'other';
  if (first === 'assets' || (pathname.lastIndexOf('/') === 0 && first.includes('.'))) return 'static';
  return 'app';
}

const LOOPBACK = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1|::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3})$/;

export type MetricsAccess = 'allowed' | 'unauthorized' | 'forbidden';

/**
 * Who may read /metrics (it shows login failures and lockouts).
 * - METRICS_TOKEN set: every client must send `Authorization: Bearer <token>`, this machine
 *   included (a reverse proxy on the same host makes the public look local).
 * - Not set: only a client on this machine, judged by the socket's address (never by
 *   X-Forwarded-For); a request that a proxy relayed (it carries X-Forwarded-For or
 *   Forwarded) is not a local client even though it arrives from 127.0.0.1.
 */
export function metricsAccess(
  request: { remoteAddress: string | undefined; headers: Record<string, string | string[] | undefined> },
  token: string | undefined,
): MetricsAccess {
  if (token) {
    const auth = request.headers.authorization;
    const match = typeof auth === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(auth) : null;
    return match && sameSecret(match[1]!, token) ? 'allowed' : 'unauthorized';
  }
  const relayed = request.headers['x-forwarded-for'] !== undefined || request.headers.forwarded !== undefined;
  return !relayed && LOOPBACK.test(request.remoteAddress ?? '') ? 'allowed' : 'forbidden';
}

/** Constant-time comparison (hashing first makes the lengths equal and hides the token's). */
function sameSecret(given: string, expected: string): boolean {
  const digest = (v: string) => createHash('sha256').update(v).digest();
  return timingSafeEqual(digest(given), digest(expected));
}
