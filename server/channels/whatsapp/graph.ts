/**
 * A small client for the WhatsApp Cloud API (Graph API). It reports, for every send, whether
 * Meta certainly did not take the message (safe to retry), certainly refused it (failed), or
 * whether we cannot know (the request may have arrived: never retried on our own).
 */
export const GRAPH_VERSION = 'v21.0';
const TIMEOUT_MS = 30_000;

export type SendResult =
  | { kind: 'accepted'; wamid: string }
  | { kind: 'retry'; code: number | null; title: string }
  | { kind: 'failed'; code: number | null; title: string }
  | { kind: 'unknown'; title: string };

/** Meta's throughput and per-user rate limits: nothing was sent, try again later. */
const RETRYABLE_CODES = new Set([4, 80007, 130429, 131056, 131000, 1, 2]);

function notSent(err: unknown): boolean {
  const code = (err as { cause?: { code?: string } })?.cause?.code;
  // The connection never opened, so the request cannot have reached Meta.
  return code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'ECONNRESET_BEFORE_SEND';
}

/** A media request we will never make (not a transient failure): the message is marked unavailable. */
/** What POST /{phone-number-id}/messages answers: a message id, or an error (any field may be missing). */
interface GraphSendAnswer {
  messages?: { id?: unknown }[];
  error?: { code?: unknown; message?: unknown; error_data?: { details?: unknown } };
}

export class MediaRefused extends Error {}

const MAX_REDIRECTS = 3;

/** Meta's media ids are plain numbers; anything else is never put into a Graph URL. */
export const isMediaId = (id: string): boolean => /^\d{1,40}$/.test(id);

/** `image/jpeg; charset=…` → `image/jpeg`. */
const mediaType = (value: string): string => value.split(';')[0]!.trim().toLowerCase();

const hostOf = (url: string): string => {
  try {
    return new URL(url).host;
  } catch {
    return '(not a URL)';
  }
};

/**
 * Whether the Bearer token may be sent to this media URL. `hosts` (WHATSAPP_MEDIA_HOSTS) holds
 * host names, matched over https on the default port, or full origins (`http://127.0.0.1:4010`,
 * for a local fake in tests), matched exactly.
 */
export function mediaUrlAllowed(url: string, hosts: readonly string[]): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (u.username || u.password) return false;
  return hosts.some((entry) =>
    entry.includes('://') ? u.origin === entry : u.protocol === 'https:' && u.port === '' && u.hostname === entry,
  );
}

export interface GraphOptions {
  version?: string;
  /** Where inbound media may be downloaded from (WHATSAPP_MEDIA_HOSTS, normalized). */
  mediaHosts?: readonly string[];
}

export class GraphClient {
  private version: string;
  constructor(
    private baseUrl: string,
    private options: GraphOptions = {},
  ) {
    this.version = options.version ?? GRAPH_VERSION;
  }

  private url(path: string): string {
    return `${this.baseUrl.replace(/\/$/, '')}/${this.version}/${path}`;
  }

  async sendMessage(phoneNumberId: string, token: string, body: Record<string, unknown>): Promise<SendResult> {
    let res: Response;
    try {
      res = await fetch(this.url(`${phoneNumberId}/messages`), {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (err) {
      if (notSent(err)) return { kind: 'retry', code: null, title: 'Graph API not reachable' };
      return { kind: 'unknown', title: err instanceof Error ? err.message : String(err) };
    }
    let json: GraphSendAnswer = {};
    try {
      json = (await res.json()) as GraphSendAnswer;
    } catch {
      if (res.ok) return { kind: 'unknown', title: 'Unreadable answer from the Graph API' };
    }
    const wamid = json?.messages?.[0]?.id;
    if (res.ok && typeof wamid === 'string') return { kind: 'accepted', wamid };
    if (res.ok) return { kind: 'unknown', title: 'The Graph API answered without a message id' };
    const code = typeof json?.error?.code === 'number' ? json.error.code : null;
    const title = String(json?.error?.error_data?.details ?? json?.error?.message ?? `HTTP ${res.status}`);
    if (res.status >= 500 || res.status === 429 || (code !== null && RETRYABLE_CODES.has(code))) return { kind: 'retry', code, title };
    return { kind: 'failed', code, title };
  }

  /** Uploads a file for an outbound media message; returns the media id. */
  async uploadMedia(phoneNumberId: string, token: string, file: { bytes: Buffer; contentType: string; filename: string }): Promise<string> {
    const form = new FormData();
    form.append('messaging_product', 'whatsapp');
    form.append('type', file.contentType);
    form.append('file', new Blob([new Uint8Array(file.bytes)], { type: file.contentType }), file.filename);
    const res = await fetch(this.url(`${phoneNumberId}/media`), {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: form,
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    const json = (await res.json().catch(() => ({}))) as { id?: string; error?: { message?: string } };
    if (!res.ok || !json.id) throw new Error(`media upload failed: ${json.error?.message ?? res.status}`);
    return json.id;
  }

  /**
   * Inbound media, step 1: GET /<media-id> names a short-lived URL and the file's type. The
   * id goes into the path, so only Meta's plain numeric ids are accepted (a webhook's
   * `../../<id>/x?fields=…` would otherwise steer a request carrying our token).
   */
  async lookupMedia(mediaId: string, token: string): Promise<{ url: string; mimeType: string | null }> {
    if (!isMediaId(mediaId)) throw new MediaRefused('media id is not a Graph media id');
    const meta = await fetch(this.url(encodeURIComponent(mediaId)), {
      headers: { authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    const info = (await meta.json().catch(() => ({}))) as { url?: unknown; mime_type?: unknown };
    if (!meta.ok || typeof info.url !== 'string') throw new Error(`media lookup failed: HTTP ${meta.status}`);
    return { url: info.url, mimeType: typeof info.mime_type === 'string' ? mediaType(info.mime_type) : null };
  }

  /**
   * Inbound media, step 2: the file, fetched with the token only from Meta's media hosts
   * (WHATSAPP_MEDIA_HOSTS), redirects included: the token never follows a URL elsewhere.
   */
  async fetchMediaFile(url: string, token: string): Promise<{ bytes: Buffer; contentType: string | null }> {
    let next = url;
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      if (!mediaUrlAllowed(next, this.options.mediaHosts ?? []))
        throw new MediaRefused(`media URL on a host not in WHATSAPP_MEDIA_HOSTS: ${hostOf(next)}`);
      const file = await fetch(next, {
        headers: { authorization: `Bearer ${token}` },
        redirect: 'manual',
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      const location = file.status >= 300 && file.status < 400 ? file.headers.get('location') : null;
      if (location) {
        await file.body?.cancel();
        next = new URL(location, next).toString();
        continue;
      }
      if (!file.ok) throw new Error(`media download failed: HTTP ${file.status}`);
      const header = file.headers.get('content-type');
      return { bytes: Buffer.from(await file.arrayBuffer()), contentType: header ? mediaType(header) : null };
    }
    throw new Error('media download failed: too many redirects');
  }
}
