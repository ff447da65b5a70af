import { createSignal } from 'solid-js';

/**
 * Whether this tab can reach the server: the browser's own online flag plus the state of
 * the live stream (events.ts feeds it). `navigator.onLine` alone says nothing about a
 * server that is down or a network that drops packets, so the stream has the last word.
 */
export type Connection = 'online' | 'offline' | 'reconnecting';
export type StreamState = 'connecting' | 'live' | 'down';

const [browserOnline, setBrowserOnline] = createSignal(typeof navigator === 'undefined' ? true : navigator.onLine);
const [stream, setStream] = createSignal<StreamState>('connecting');

const reconnectListeners = new Set<() => void>();
const fireReconnect = () => {
  for (const listener of [...reconnectListeners]) listener();
};

if (typeof window !== 'undefined') {
  window.addEventListener('online', () => {
    setBrowserOnline(true);
    fireReconnect();
  });
  window.addEventListener('offline', () => setBrowserOnline(false));
}

export function connection(): Connection {
  if (!browserOnline()) return 'offline';
  const s = stream();
  return s === 'live' ? 'online' : s === 'down' ? 'offline' : 'reconnecting';
}

export const streamState = stream;

/** From events.ts: the live stream connected, is trying, or failed to reach the server. */
export function setStreamState(next: StreamState): void {
  const was = stream();
  if (was === next) return;
  setStream(next);
  if (next === 'live') fireReconnect();
}

/** Called when the tab is back in touch with the server (stream live again, or browser online). */
export function onReconnect(listener: () => void): () => void {
  reconnectListeners.add(listener);
  return () => reconnectListeners.delete(listener);
}
