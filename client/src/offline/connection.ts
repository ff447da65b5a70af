import { createSignal } from 'solid-js';

/**
 * Whether this tab can reach the server: the browser's own online flag plus the state of
 * the live stream (events.ts feeds it). `navigator.onLine` alone says nothing about a
 * server that is down or a network that drops packets, so the stream has the last word.
 */
export type Connection = 'online' | 'offline' | 'reconnecting' | 'elsewhere';
/** `elsewhere`: a newer tab of this session took the live stream (the server keeps a few per session). */
export type StreamState = 'connecting' | 'live' | 'down' | 'elsewhere';

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
  return s === 'live' ? 'online' : s === 'down' ? 'offline' : s === 'elsewhere' ? 'elsewhere' : 'reconnecting';
}

const resumeListeners = new Set<() => void>();
/** The agent asks this tab to take the live stream back (events.ts listens). */
export function requestResume(): void {
  for (const listener of [...resumeListeners]) listener();
}
export function onResumeRequest(listener: () => void): () => void {
  resumeListeners.add(listener);
  return () => resumeListeners.delete(listener);
}

const [wasLive, setWasLive] = createSignal(false);

/**
 * What the top bar shows about the connection: nothing while all is well (the status menu
 * is the only "Online" there), "Reconnecting…" once a stream that was live is trying again,
 * "No connection" when the browser is offline or the server cannot be reached. The first
 * connect of a page load shows nothing (it takes a moment, and nothing is wrong yet).
 */
export function connectionProblem(): Exclude<Connection, 'online'> | null {
  const state = connection();
  if (state === 'online') return null;
  if (state === 'reconnecting' && !wasLive()) return null;
  return state;
}

/** From events.ts: the live stream connected, is trying, or failed to reach the server. */
export function setStreamState(next: StreamState): void {
  const was = stream();
  if (was === next) return;
  setStream(next);
  if (next === 'live') {
    setWasLive(true);
    fireReconnect();
  }
}

/** Called when the tab is back in touch with the server (stream live again, or browser online). */
export function onReconnect(listener: () => void): () => void {
  reconnectListeners.add(listener);
  return () => reconnectListeners.delete(listener);
}
