/** The widget's side of /webchat (server/channels/webchat/api.ts). Same origin: plain fetch. */
import type { ChannelProfile, MessagesAnswer, ReadAnswer, SendAnswer, SessionAnswer, UploadAnswer } from '../../shared/webchat-wire.ts';
import { createHostLink } from './host.ts';

export interface Session {
  token: string;
  visitorId: string;
}

export class ApiError extends Error {
  constructor(
    public status: number,
    message: string,
    public code: string | null = null,
  ) {
    super(message);
  }
}

function storageUsable(): boolean {
  try {
    localStorage.setItem('atende.probe', '1');
    localStorage.removeItem('atende.probe');
    return true;
  } catch {
    return false;
  }
}

/**
 * The widget's own storage (Atende's origin), partitioned by the embedding site. A browser
 * that blocks third-party storage (Chrome with third-party cookies blocked, incognito)
 * refuses it: then the session lives in memory, and — only when the channel allows the
 * embedding page's origin (host.ts) — the page keeps a copy in its storage (`atende:store`)
 * and hands it back by postMessage (`atende:session`). Without a parent (the page opened
 * directly) the first-party storage always works.
 */
const usable = storageUsable();
const memory = new Map<string, string>();
// A session in the address (`#session=`, from an older embed script or from a page planting
// a token of its own) is never read; it is dropped so it does not linger in the history.
if (location.hash) history.replaceState(null, '', location.pathname + location.search);

/** The embedding page. Created at load, so a message the page posts on the frame's load is not missed. */
export const host = createHostLink({
  parent: window.parent !== window ? window.parent : null,
  ancestorOrigin: location.ancestorOrigins?.item(0) ?? null,
  listen: (handler) => window.addEventListener('message', handler),
});

const storage = {
  get(key: string): string | null {
    return usable ? localStorage.getItem(key) : (memory.get(key) ?? null);
  },
  set(key: string, value: string | null): void {
    if (usable) {
      if (value === null) localStorage.removeItem(key);
      else localStorage.setItem(key, value);
      return;
    }
    if (value === null) memory.delete(key);
    else memory.set(key, value);
    host.store(value);
  },
};

const keyOf = (channelId: string) => `atende.webchat.${channelId}`;

function parseSession(text: string | null): Session | null {
  try {
    const value = JSON.parse(text ?? 'null') as Session | null;
    return value && typeof value.token === 'string' && typeof value.visitorId === 'string' ? value : null;
  } catch {
    return null;
  }
}

export function loadSession(channelId: string): Session | null {
  return parseSession(storage.get(keyOf(channelId)));
}

/**
 * The session the embedding page keeps for the widget: only where the browser denies the
 * frame its own storage, and only from a page the channel allows (host.ts); null otherwise.
 */
export function hostSession(channelId: string): Session | null {
  if (usable) return null;
  const held = host.heldSession();
  const session = parseSession(held);
  if (session) memory.set(keyOf(channelId), held!);
  return session;
}

/** The channel's allowed sites arrived: a page it allows may now hand back the session it keeps. */
export function allowSites(sites: readonly string[]): void {
  host.allow(sites);
  if (!usable) host.askForSession();
}

export function saveSession(channelId: string, session: Session | null): void {
  storage.set(keyOf(channelId), session ? JSON.stringify(session) : null);
}

/** A random id for a message the visitor writes: the server stores a retried send once. */
export function newClientMessageId(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export class WebchatApi {
  constructor(
    private channelId: string,
    private networkError: string,
  ) {}

  private async request<T>(path: string, init: RequestInit & { token?: string | null } = {}): Promise<T> {
    const headers = new Headers(init.headers);
    if (init.token) headers.set('authorization', `Bearer ${init.token}`);
    let res: Response;
    try {
      res = await fetch(path, { ...init, headers, cache: 'no-store' });
    } catch {
      throw new ApiError(0, this.networkError);
    }
    if (!res.ok) {
      const body = (await res.json().catch(() => null)) as { error?: { message?: string; code?: string } } | null;
      throw new ApiError(res.status, body?.error?.message ?? this.networkError, body?.error?.code ?? null);
    }
    return (await res.json()) as T;
  }

  private json(body: unknown): RequestInit {
    return { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
  }

  profile(): Promise<ChannelProfile> {
    return this.request(`/webchat/channel?channelId=${encodeURIComponent(this.channelId)}`);
  }

  session(name: string, token: string | null): Promise<SessionAnswer> {
    return this.request('/webchat/session', { ...this.json({ channelId: this.channelId, ...(name ? { name } : {}) }), token });
  }

  /** The newest page, or with `before` the page just older than that message. */
  messages(token: string, before?: string): Promise<MessagesAnswer> {
    const older = before ? `&before=${encodeURIComponent(before)}` : '';
    return this.request(`/webchat/messages?channelId=${encodeURIComponent(this.channelId)}${older}`, { token });
  }

  send(token: string, input: { clientMessageId: string; text?: string; attachmentId?: string }): Promise<SendAnswer> {
    return this.request('/webchat/messages', { ...this.json({ ...input, channelId: this.channelId }), token });
  }

  read(token: string, upToMessageId: string): Promise<ReadAnswer> {
    return this.request('/webchat/read', { ...this.json({ upToMessageId, channelId: this.channelId }), token });
  }

  upload(token: string, file: File): Promise<UploadAnswer> {
    const form = new FormData();
    form.append('file', file, file.name);
    return this.request('/webchat/upload', { method: 'POST', body: form, token });
  }

  /** A file, fetched with the token (never in the address) and handed to the page as a blob. */
  async file(token: string, url: string): Promise<Blob> {
    let res: Response;
    try {
      res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    } catch {
      throw new ApiError(0, this.networkError);
    }
    if (!res.ok) throw new ApiError(res.status, this.networkError);
    return res.blob();
  }
}
