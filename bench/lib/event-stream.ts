import { createSubscriptionClient } from '../../test/helpers/events.ts';

/**
 * One `events.stream` subscription through the real tRPC client over SSE, as a browser tab
 * opens it, calling `onEvent` with each event's id the moment it arrives. (The test helper
 * only collects events; a benchmark needs the arrival instant.)
 */
export function subscribeToEvents(baseUrl: string, cookie: string, onEvent: (id: string) => void) {
  let started!: () => void;
  let failed!: (err: unknown) => void;
  const ready = new Promise<void>((resolve, reject) => {
    started = resolve;
    failed = reject;
  });
  const client = createSubscriptionClient(baseUrl, { cookie });
  const sub = client.events.stream.subscribe(
    {},
    {
      onStarted: () => started(),
      onData: (envelope) => onEvent((envelope as unknown as { id: string }).id),
      onError: (err) => failed(err),
    },
  );
  return { ready, close: () => sub.unsubscribe() };
}
