import { onCleanup } from 'solid-js';
import { useQueryClient } from '@tanstack/solid-query';
import { errorCode, trpc, isUnauthorized } from './trpc.ts';
import { fetchMe } from './session.ts';
import { keys } from './lib/keys.ts';
import { applyLiveEvent, emitLiveEvent } from './lib/live-events.ts';
import { onResumeRequest, setStreamState } from './offline/connection.ts';
import type { LiveEvent } from '../../shared/events.ts';

/**
 * Tracked events arrive as `{ id, data }`; untracked ones as the event itself. The data is the
 * catalogue's (shared/events.ts); a type this build does not know (a newer server) passes as
 * well, and the handlers' defaults ignore or refetch for it.
 */
function unwrap(value: unknown): { id?: string; event?: LiveEvent } {
  if (!value || typeof value !== 'object') return {};
  const v = value as Record<string, unknown>;
  if (typeof v.id === 'string' && v.data && typeof v.data === 'object') {
    const inner = v.data as Record<string, unknown>;
    return { id: v.id, event: typeof inner.type === 'string' ? (inner as LiveEvent) : undefined };
  }
  return { event: typeof v.type === 'string' ? (v as LiveEvent) : undefined };
}

/**
 * The one live stream per tab (`events.stream`). Updates the query cache as events arrive;
 * when the stream ends or fails it checks the session: signed out → `onSignedOut`,
 * otherwise it reconnects with back-off, resuming from the last event id. Its state feeds
 * the connection indicator; back from an outage, every shown query is refetched.
 */
export function useEventStream(onSignedOut: () => void, onEvent?: (event: LiveEvent) => void): void {
  const queryClient = useQueryClient();
  let lastEventId: string | undefined;
  let unsubscribe: (() => void) | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let attempts = 0;
  let stopped = false;
  let wasLive = false;
  let outage = false;
  // The server keeps a few streams per session, newest first: a tab whose stream was taken
  // by a newer tab waits until the agent looks at it again, so tabs don't take turns.
  let replaced = false;
  const resume = () => {
    if (!replaced || stopped || unsubscribe) return;
    replaced = false;
    setStreamState('connecting');
    start();
  };
  const resumeWhenSeen = () => {
    if (document.visibilityState === 'visible') resume();
  };
  document.addEventListener('visibilitychange', resumeWhenSeen);
  window.addEventListener('focus', resumeWhenSeen);
  const stopResumeRequests = onResumeRequest(resume);

  const live = () => {
    setStreamState('live');
    // Back after an outage: whatever the stream did not replay may have changed.
    if (outage) void queryClient.invalidateQueries();
    wasLive = true;
    outage = false;
  };
  const down = (serverUnreachable: boolean) => {
    if (wasLive || serverUnreachable) outage = true;
    setStreamState(serverUnreachable ? 'down' : 'connecting');
  };

  const handle = (event: LiveEvent) => {
    if (event.type === 'stream.replaced') {
      replaced = true;
      return;
    }
    if (event.type === 'stream.ready') {
      // A fresh stream follows from now: whatever was loaded (or is loading) before the server
      // started listening may have missed a change in between, so it is fetched again.
      void queryClient.invalidateQueries();
      return;
    }
    if (event.type.startsWith('user.')) void queryClient.invalidateQueries({ queryKey: keys.me });
    applyLiveEvent(queryClient, event);
    emitLiveEvent(event);
    onEvent?.(event);
  };

  const ended = async (error: unknown) => {
    unsubscribe = undefined;
    if (stopped) return;
    if (isUnauthorized(error)) return onSignedOut();
    if (replaced) {
      // Whatever happens meanwhile is fetched again when the stream is back.
      outage = true;
      setStreamState('elsewhere');
      return;
    }
    down(false);
    try {
      await queryClient.fetchQuery({ queryKey: keys.me, queryFn: fetchMe, retry: false });
    } catch (e) {
      if (isUnauthorized(e)) return onSignedOut();
      down(errorCode(e) === undefined);
    }
    if (stopped) return;
    attempts += 1;
    timer = setTimeout(start, Math.min(30_000, 500 * 2 ** attempts));
  };

  function start() {
    if (stopped) return;
    const sub = trpc.events.stream.subscribe(lastEventId ? { lastEventId } : {}, {
      onStarted: () => {
        attempts = 0;
        live();
      },
      onConnectionStateChange: (state: { state: string; error: unknown }) => {
        if (state.state === 'pending') live();
        else if (state.state === 'connecting') down(state.error !== null && state.error !== undefined);
      },
      onData: (value: unknown) => {
        const { id, event } = unwrap(value);
        if (id) lastEventId = id;
        if (event) handle(event);
      },
      onError: (error: unknown) => void ended(error),
      onComplete: () => void ended(null),
    });
    unsubscribe = () => sub.unsubscribe();
  }

  start();
  onCleanup(() => {
    stopped = true;
    document.removeEventListener('visibilitychange', resumeWhenSeen);
    window.removeEventListener('focus', resumeWhenSeen);
    stopResumeRequests();
    setStreamState('connecting');
    clearTimeout(timer);
    unsubscribe?.();
  });
}
