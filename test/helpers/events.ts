import { createTRPCClient, httpSubscriptionLink } from '@trpc/client';
import { EventSource } from 'eventsource';
import type { AppRouter } from '../../server/router.ts';
import type { Sql } from '../../db/sql.ts';

export interface LiveEvent {
  type: string;
  [key: string]: unknown;
}

/**
 * The app's typed tRPC client for subscriptions, over SSE (the `eventsource` package: Node 20
 * has no EventSource), sending these headers (the session cookie, say) as a browser would.
 */
export function createSubscriptionClient(baseUrl: string, headers: Record<string, string> = {}) {
  return createTRPCClient<AppRouter>({
    links: [
      httpSubscriptionLink({
        url: `${baseUrl}/trpc`,
        EventSource,
        eventSourceOptions: {
          fetch: (url, init) => fetch(url, { ...init, headers: { ...(init?.headers ?? {}), ...headers } }),
        },
      }),
    ],
  });
}

/**
 * Opens events.stream with the real tRPC client over SSE, sending the session cookie, and
 * collects what arrives.
 */
export function openEventStream(baseUrl: string, cookie: string | null, lastEventId?: string, headers: Record<string, string> = {}) {
  const received: { id: string; data: LiveEvent }[] = [];
  let ended = false;
  let error: unknown = null;
  let started: () => void;
  const startedP = new Promise<void>((r) => (started = r));
  const client = createSubscriptionClient(baseUrl, { ...headers, ...(cookie ? { cookie } : {}) });
  const sub = client.events.stream.subscribe(lastEventId ? { lastEventId } : {}, {
    // A fresh stream is live once the server says `stream.ready` (it has read its cursor: every
    // later event reaches it); the response starting is earlier. A resumed one has no such signal.
    onStarted: () => {
      if (lastEventId) started();
    },
    onData: (envelope) => {
      const e = envelope as unknown as { id: string; data: LiveEvent };
      received.push({ id: e.id, data: e.data });
      if (e.data.type === 'stream.ready') started();
    },
    onError: (err) => {
      error = err;
      ended = true;
      started();
    },
    onComplete: () => {
      ended = true;
    },
    onStopped: () => {
      ended = true;
    },
  });
  return {
    received,
    started: startedP,
    get ended() {
      return ended;
    },
    get error() {
      return error;
    },
    close: () => sub.unsubscribe(),
  };
}

/**
 * Waits until every committed event has its number (docs/architecture.md "Events": a change
 * commits with its events in `pending_events`, the sequencer moves them into `events` right
 * after). A test that saw a background change (a heartbeat, a timer) and reads `events` at
 * once calls this first; a command's own events are numbered before it answers.
 */
export async function eventsNumbered(sql: Sql): Promise<void> {
  for (let i = 0; ; i++) {
    const [row] = await sql`SELECT NOT EXISTS (SELECT 1 FROM pending_events) AS done`;
    if (row!.done) return;
    if (i > 500) throw new Error('events still waiting for their numbers after 10 s');
    await new Promise((r) => setTimeout(r, 20));
  }
}
