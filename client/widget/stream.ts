import type { WebchatStreamEvent, WebchatStreamEvents } from '../../shared/webchat-wire.ts';

export interface StreamHandlers {
  /** The stream is live: fetch the messages now (covers whatever happened while away). */
  onReady(): void;
  onMessage(m: WebchatStreamEvents['message']): void;
  onConversation(c: WebchatStreamEvents['conversation']): void;
  onConnected(connected: boolean): void;
  /** The token is no longer valid or the channel stopped: do not reconnect. */
  onGone(): void;
}

/** Splits a server-sent-events buffer into complete events; returns the unfinished rest. */
export function parseEvents(buffer: string, emit: (event: string, data: string) => void): string {
  const blocks = buffer.replace(/\r\n/g, '\n').split('\n\n');
  const rest = blocks.pop() ?? '';
  for (const block of blocks) {
    let event = 'message';
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) continue;
      const i = line.indexOf(':');
      const field = i < 0 ? line : line.slice(0, i);
      const value = i < 0 ? '' : line.slice(i + 1).replace(/^ /, '');
      if (field === 'event') event = value;
      else if (field === 'data') data.push(value);
    }
    if (data.length) emit(event, data.join('\n'));
  }
  return rest;
}

/**
 * GET /webchat/stream read with fetch (not EventSource) so the token travels in the
 * Authorization header, never in an address. Reconnects with backoff until closed.
 */
export function openStream(channelId: string, token: string, h: StreamHandlers): { close(): void } {
  let closed = false;
  let controller: AbortController | null = null;
  let delay = 1_000;

  const connectOnce = async (): Promise<'retry' | 'gone'> => {
    controller = new AbortController();
    const res = await fetch(`/webchat/stream?channelId=${encodeURIComponent(channelId)}`, {
      headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' },
      signal: controller.signal,
      cache: 'no-store',
    });
    if (res.status === 401 || res.status === 403) return 'gone';
    if (!res.ok || !res.body) return 'retry';
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    let gone = false;
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer = parseEvents(buffer + decoder.decode(value, { stream: true }), (name, data) => {
        // Typed, so an event the server does not send is a compile error here.
        const event = name as WebchatStreamEvent;
        if (event === 'ready') {
          delay = 1_000;
          h.onConnected(true);
          h.onReady();
        } else if (event === 'message') h.onMessage(JSON.parse(data) as WebchatStreamEvents['message']);
        else if (event === 'conversation') h.onConversation(JSON.parse(data) as WebchatStreamEvents['conversation']);
        else if (event === 'end') gone = true;
      });
    }
    return gone ? 'gone' : 'retry';
  };

  const loop = async () => {
    while (!closed) {
      let outcome: 'retry' | 'gone' = 'retry';
      try {
        outcome = await connectOnce();
      } catch {
        outcome = 'retry';
      }
      if (closed) return;
      h.onConnected(false);
      if (outcome === 'gone') {
        h.onGone();
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, 15_000);
    }
  };
  void loop();

  return {
    close() {
      closed = true;
      controller?.abort();
    },
  };
}
