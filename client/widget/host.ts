/**
 * The page that embeds the widget (the company's site), and how far the widget trusts it.
 *
 * The visitor token is a credential: whoever holds it reads the visitor's conversation, and
 * a widget that takes a token from its page can be made to talk as someone else's visitor
 * (a hostile page plants its own token, then reads what the person writes). So a session
 * crosses between widget and page only with a page whose origin the channel lists among its
 * allowed sites: posted to that origin (never '*'), taken only from a message whose source
 * is our parent window and whose origin is that site. A channel that allows any site (an
 * empty list) exchanges no session with its page at all — any page may frame the widget
 * then — and keeps the session in the frame's storage (or memory, where the browser denies
 * the frame its storage). The session never travels in the frame's address.
 */

/** A message from the embedding page, as the browser delivers it. */
export interface HostMessage {
  origin: string;
  source: unknown;
  data: unknown;
}

/** The parts of the window the link uses (a stand-in in unit tests). */
export interface HostEnv {
  /** The embedding page's window; null when the widget is a page of its own. */
  parent: { postMessage(message: unknown, targetOrigin: string): void } | null;
  /** The embedding page's origin as the browser names it before any message (location.ancestorOrigins), when it does. */
  ancestorOrigin: string | null;
  listen(handler: (e: HostMessage) => void): void;
}

export type HostData = { type: 'atende:visibility'; open: boolean } | { type: 'atende:session' };

export interface HostLink {
  readonly embedded: boolean;
  /** The channel's allowed sites (GET /webchat/channel). Until they arrive no page is trusted. */
  allow(sites: readonly string[]): void;
  /** The embedding page's origin when the channel lists it; null otherwise, and always when the list is empty. */
  trustedOrigin(): string | null;
  /** Asks a trusted page to keep the session (null: forget it). False when there is none to ask. */
  store(value: string | null): boolean;
  /** The session a trusted page handed back, if it did. */
  heldSession(): string | null;
  /** Asks a trusted page to hand the session back (it may have sent it before the sites were known). */
  askForSession(): void;
  /** Tells the page to close the chat. Nothing secret: to the page's origin when known, else any. */
  close(): void;
  onMessage(handler: (data: HostData) => void): () => void;
}

export function createHostLink(env: HostEnv): HostLink {
  const parent = env.parent;
  let parentOrigin = env.ancestorOrigin && env.ancestorOrigin !== 'null' ? env.ancestorOrigin : null;
  let sites: readonly string[] = [];
  let offered: { origin: string; value: string } | null = null;
  const handlers = new Set<(data: HostData) => void>();

  env.listen((e) => {
    // Only our own parent; a message from any other window (another frame, a popup) is not the host.
    if (!parent || e.source !== parent || typeof e.data !== 'object' || e.data === null) return;
    parentOrigin = e.origin;
    const data = e.data as { type?: unknown; open?: unknown; value?: unknown };
    let message: HostData | null = null;
    if (data.type === 'atende:visibility') message = { type: 'atende:visibility', open: Boolean(data.open) };
    if (data.type === 'atende:session' && typeof data.value === 'string' && data.value.length <= 4096) {
      // Kept with the origin it came from: whether that origin is trusted is decided on use
      // (the allowed sites may arrive after the message).
      offered = { origin: e.origin, value: data.value };
      message = { type: 'atende:session' };
    }
    if (message) for (const h of handlers) h(message);
  });

  const trustedOrigin = () => (parent && parentOrigin && sites.length > 0 && sites.includes(parentOrigin) ? parentOrigin : null);

  return {
    embedded: parent !== null,
    allow(next) {
      sites = [...next];
    },
    trustedOrigin,
    store(value) {
      const origin = trustedOrigin();
      if (!parent || !origin) return false;
      parent.postMessage({ type: 'atende:store', value }, origin);
      return true;
    },
    heldSession() {
      const origin = trustedOrigin();
      return offered && origin && offered.origin === origin ? offered.value : null;
    },
    askForSession() {
      const origin = trustedOrigin();
      if (parent && origin) parent.postMessage({ type: 'atende:ready' }, origin);
    },
    close() {
      parent?.postMessage({ type: 'atende:close' }, parentOrigin ?? '*');
    },
    onMessage(handler) {
      handlers.add(handler);
      return () => handlers.delete(handler);
    },
  };
}
