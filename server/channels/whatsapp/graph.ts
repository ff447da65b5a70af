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

export class GraphClient {
  constructor(private baseUrl: string, private version = GRAPH_VERSION) {}

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
    let json: Record<string, any> = {};
    try {
      json = (await res.json()) as Record<string, any>;
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
      method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form, signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    const json = (await res.json().catch(() => ({}))) as { id?: string; error?: { message?: string } };
    if (!res.ok || !json.id) throw new Error(`media upload failed: ${json.error?.message ?? res.status}`);
    return json.id;
  }

  /** Inbound media: GET /<media-id> gives a short-lived URL, fetched with the same token. */
  async downloadMedia(mediaId: string, token: string): Promise<{ bytes: Buffer; contentType: string }> {
    const meta = await fetch(this.url(mediaId), { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(TIMEOUT_MS) });
    const info = (await meta.json().catch(() => ({}))) as { url?: string; mime_type?: string };
    if (!meta.ok || !info.url) throw new Error(`media lookup failed: HTTP ${meta.status}`);
    const file = await fetch(info.url, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(TIMEOUT_MS) });
    if (!file.ok) throw new Error(`media download failed: HTTP ${file.status}`);
    return { bytes: Buffer.from(await file.arrayBuffer()), contentType: (info.mime_type ?? file.headers.get('content-type') ?? 'application/octet-stream').split(';')[0]!.trim() };
  }
}
