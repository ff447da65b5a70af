import type { ServerResponse } from 'node:http';
import type { Language } from '../../../i18n/index.ts';
import {
  activeWebchatChannel,
  latestVisitorConversation,
  visitorMessage,
  webchatOwner,
  type Visitor,
} from '../../../db/queries/webchat.ts';
import type { StoredEvent } from '../../events/bus.ts';
import type { WebchatStreamEvent, WebchatStreamEvents } from '../../../shared/webchat-wire.ts';
import type { Services } from '../../services/index.ts';
import { StreamCaps } from '../../services/stream-caps.ts';
import { advanceOutbound } from './delivery.ts';
import { refuse } from './http.ts';
import { visitorView } from './view.ts';

const HEARTBEAT_MS = 20_000;
const CHANNEL_RECHECK_MS = 60_000;
const OWNER_CACHE_MAX = 50_000;
/** What a visitor hears of: their messages (new, or a new status) and their conversation's state. */
type VisitorEvent = StoredEvent<'message.created' | 'message.status' | 'conversation.updated' | 'queue.changed'>;
const forVisitors = (e: StoredEvent): e is VisitorEvent =>
  e.type === 'message.created' || e.type === 'message.status' || e.type === 'conversation.updated' || e.type === 'queue.changed';

interface Owner {
  visitorId: string;
  channelId: string;
}

interface OpenStream {
  visitor: Visitor;
  res: ServerResponse;
  /** Events are handled one after the other per stream, so the widget sees them in order. */
  chain: Promise<void>;
}

/**
 * GET /webchat/stream: live messages and status changes for one visitor, as server-sent
 * events. One bus subscription for all streams of this process; each event's conversation
 * is resolved once to its owner (a visitor on a web chat channel, or nobody) and sent only
 * to that visitor's streams — never to another visitor's.
 *
 * Protocol: `ready` first (the widget then fetches GET /webchat/messages, so whatever
 * happened while it was away is covered), then `message` events carrying the visitor's view
 * of a message (new, or with a new status) and `conversation` events; `end` when the
 * channel stops serving. An outbound message pushed here counts as delivered.
 */
export class WebchatStreams {
  private streams = new Set<OpenStream>();
  private owners = new Map<string, Owner | null>();
  private unsubscribe: (() => void) | null = null;
  /** Events are routed in bus order (the owner lookup may read the database). */
  private routing: Promise<void> = Promise.resolve();
  private heartbeat: NodeJS.Timeout | null = null;
  private recheck: NodeJS.Timeout | null = null;
  /** Per visitor the newest STREAMS_PER_SESSION win; per address WEBCHAT_STREAMS_PER_IP (per process). */
  private caps: StreamCaps;

  constructor(private s: Services) {
    this.caps = new StreamCaps(s.env.STREAMS_PER_SESSION, s.env.WEBCHAT_STREAMS_PER_IP);
  }

  start(): void {
    this.unsubscribe = this.s.bus.subscribe((e) => {
      if (this.streams.size === 0) return;
      if (!forVisitors(e)) return;
      this.routing = this.routing
        .then(() => this.dispatch(e))
        .catch((err) => this.s.log.warn({ err, type: e.type }, 'web chat stream event not delivered'));
    });
    this.heartbeat = setInterval(() => {
      for (const st of this.streams) st.res.write(': ping\n\n');
    }, HEARTBEAT_MS);
    this.heartbeat.unref();
    this.recheck = setInterval(() => void this.recheckChannels(), CHANNEL_RECHECK_MS);
    this.recheck.unref();
  }

  stop(): void {
    this.unsubscribe?.();
    if (this.heartbeat) clearInterval(this.heartbeat);
    if (this.recheck) clearInterval(this.recheck);
    for (const st of this.streams) st.res.end();
    this.streams.clear();
  }

  get size(): number {
    return this.streams.size;
  }

  /**
   * One more stream of this visitor ends its oldest beyond the cap (with `end`, so that
   * widget stops instead of reconnecting and taking a slot back); an address over its cap
   * is answered 429.
   */
  open(res: ServerResponse, visitor: Visitor, ip: string, lang: Language): void {
    // Gone while its token was checked: its 'close' has fired already and would never release a slot.
    if (res.destroyed) return;
    const st: OpenStream = { visitor, res, chain: Promise.resolve() };
    const slot = this.caps.admit(visitor.id, ip, () => this.end(st, { reason: 'replaced' }));
    if (!slot) {
      refuse(res, 429, lang, 'error.tooManyStreams', { headers: { 'retry-after': '60' } });
      return;
    }
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
      'x-content-type-options': 'nosniff',
    });
    this.streams.add(st);
    // Subscribed (above) before `ready`, so nothing falls between the widget's fetch and live.
    res.write('retry: 3000\n\n');
    this.send(st, 'ready', { visitorId: visitor.id });
    // The response closes when the widget goes away (or the server ends it).
    res.on('close', () => {
      this.streams.delete(st);
      slot.release();
    });
  }

  /** Tells the widget not to come back (`end`) and closes the stream. */
  private end(st: OpenStream, data: { reason?: string } = {}): void {
    this.send(st, 'end', data);
    st.res.end();
    this.streams.delete(st);
  }

  private send<E extends WebchatStreamEvent>(st: OpenStream, event: E, data: WebchatStreamEvents[E]): void {
    if (!st.res.writableEnded) st.res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  private async ownerOf(e: StoredEvent, conversationId: string): Promise<Owner | null> {
    const key = `${e.orgId}:${conversationId}`;
    if (this.owners.has(key)) return this.owners.get(key)!;
    // A conversation never changes its contact or channel: the answer can be kept.
    const owner = await webchatOwner(this.s.sql, e.orgId, conversationId);
    if (this.owners.size >= OWNER_CACHE_MAX) this.owners.clear();
    this.owners.set(key, owner);
    return owner;
  }

  private async dispatch(e: VisitorEvent): Promise<void> {
    const owner = await this.ownerOf(e, e.data.conversationId);
    if (!owner) return;
    for (const st of this.streams) {
      const v = st.visitor;
      if (v.orgId !== e.orgId || v.id !== owner.visitorId || v.channelId !== owner.channelId) continue;
      st.chain = st.chain.then(() => this.deliver(st, e)).catch((err) => this.s.log.warn({ err }, 'web chat stream write failed'));
    }
  }

  private async deliver(st: OpenStream, e: VisitorEvent): Promise<void> {
    if (st.res.writableEnded) return;
    if (e.type === 'conversation.updated' || e.type === 'queue.changed') {
      const current = await latestVisitorConversation(this.s.sql, st.visitor);
      if (current) this.send(st, 'conversation', current);
      return;
    }
    let row = await visitorMessage(this.s.sql, st.visitor, e.data.messageId);
    if (!row) return;
    if (row.direction === 'out' && (row.status === 'queued' || row.status === 'sent')) {
      const [advanced] = await advanceOutbound(this.s, st.visitor.orgId, [row.id], 'delivered');
      if (advanced) row = { ...row, status: advanced.status };
    }
    this.send(st, 'message', visitorView(row, st.visitor.id));
  }

  private async recheckChannels(): Promise<void> {
    const channels = new Map<string, boolean>();
    for (const st of this.streams) {
      const id = st.visitor.channelId;
      if (!channels.has(id)) channels.set(id, (await activeWebchatChannel(this.s.sql, id).catch(() => true)) !== null);
      if (!channels.get(id)) this.end(st);
    }
  }
}
