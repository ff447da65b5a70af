import client from 'prom-client';

export function createMetrics() {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: 'atende_' });
  return {
    registry,
    httpRequests: new client.Counter({
      name: 'atende_http_requests_total',
      help: 'HTTP requests by route group and status class',
      labelNames: ['route', 'status'] as const,
      registers: [registry],
    }),
    logins: new client.Counter({
      name: 'atende_logins_total',
      help: 'Login attempts by outcome',
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
