import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type Behaviour =
  | 'ok'
  | { status: number; error: { code: number; message: string; details?: string } }
  /** Reads the request, then breaks the connection without answering: the sender cannot know. */
  | 'drop';

export interface RecordedPost {
  phoneNumberId: string;
  token: string | null;
  body: Record<string, any>;
}

/** A WhatsApp Business Account's template list as the fake serves it (GET /<version>/<waba-id>/message_templates). */
export interface FakeWaba {
  /** The token its requests must carry (190 otherwise). */
  token: string;
  /** Meta's template objects, as GET message_templates returns them. */
  templates: Record<string, unknown>[];
  /** At most this many per page (Meta's `limit` may ask for fewer). */
  pageSize: number;
  /** Answers every request with this Graph error (e.g. 4 / 80007 rate limit), or breaks the connection. */
  failure?: { status: number; code: number; message: string } | 'drop';
  /** Fails only pages after the first (a list that breaks half-way). */
  failAfterFirstPage?: boolean;
}

/**
 * A local stand-in for Meta's Graph API that speaks its request/response format: message
 * sends (counted per message), media upload, media lookup and download. Never the network.
 */
export async function startFakeGraph(options: { token?: string } = {}) {
  const posts: RecordedPost[] = [];
  const uploads: { phoneNumberId: string; size: number; type: string | null }[] = [];
  const queue: Behaviour[] = [];
  /**
   * Inbound media by id; `url` makes the lookup name another download URL (a hostile or moved
   * answer), `redirect` makes the download answer 302 to another place.
   */
  const media = new Map<string, { bytes: Buffer; mime: string; url?: string; redirect?: string }>();
  /** Every request, in order (the token each one carried), to prove where the token did not go. */
  const requests: { method: string; path: string; token: string | null }[] = [];
  const wabas = new Map<string, FakeWaba>();
  let counter = 0;
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks);
    const url = new URL(req.url ?? '/', 'http://graph');
    const parts = url.pathname.split('/').filter(Boolean); // [version, id, edge?]
    const token = req.headers.authorization?.replace(/^Bearer /, '') ?? null;
    requests.push({ method: req.method ?? '', path: req.url ?? '', token });
    const json = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (req.method === 'GET' && parts[2] === 'message_templates') {
      serveTemplates(url, parts[1]!, token, json, req);
      return;
    }
    if (options.token && token !== options.token) {
      return json(401, { error: { message: 'Invalid OAuth access token.', type: 'OAuthException', code: 190 } });
    }
    if (req.method === 'POST' && parts[2] === 'messages') {
      const body = JSON.parse(raw.toString('utf8'));
      posts.push({ phoneNumberId: parts[1]!, token, body });
      const behaviour = queue.shift() ?? 'ok';
      if (behaviour === 'drop') return req.socket.destroy();
      if (behaviour !== 'ok') {
        return json(behaviour.status, {
          error: {
            message: behaviour.error.message,
            type: 'OAuthException',
            code: behaviour.error.code,
            error_data: { messaging_product: 'whatsapp', details: behaviour.error.details ?? behaviour.error.message },
            fbtrace_id: 'AbC',
          },
        });
      }
      return json(200, {
        messaging_product: 'whatsapp',
        contacts: [{ input: body.to, wa_id: body.to }],
        messages: [{ id: `wamid.FAKE${++counter}` }],
      });
    }
    if (req.method === 'POST' && parts[2] === 'media') {
      uploads.push({ phoneNumberId: parts[1]!, size: raw.length, type: req.headers['content-type'] ?? null });
      return json(200, { id: `media-out-${++counter}` });
    }
    if (req.method === 'GET' && parts[0] === 'files') {
      const m = media.get(parts[1]!);
      if (!m) return json(404, { error: { message: 'not found', code: 100 } });
      if (m.redirect) return res.writeHead(302, { location: m.redirect }).end();
      return res.writeHead(200, { 'content-type': m.mime }).end(m.bytes);
    }
    if (req.method === 'GET' && parts.length === 2) {
      const m = media.get(parts[1]!);
      if (!m) return json(404, { error: { message: 'Unsupported get request.', code: 100 } });
      const address = server.address() as AddressInfo;
      return json(200, {
        messaging_product: 'whatsapp',
        url: m.url ?? `http://127.0.0.1:${address.port}/files/${parts[1]}`,
        mime_type: m.mime,
        sha256: 'x',
        file_size: m.bytes.length,
        id: parts[1],
      });
    }
    json(404, { error: { message: 'Unknown path', code: 100 } });
  });
  /** Meta's paged answer: `after` is an opaque cursor (here the offset); `next` only while more remain. */
  function serveTemplates(
    url: URL,
    wabaId: string,
    token: string | null,
    json: (status: number, body: unknown) => void,
    req: http.IncomingMessage,
  ): void {
    const waba = wabas.get(wabaId);
    if (!waba) {
      json(400, { error: { message: `Unsupported get request. Object with ID '${wabaId}' does not exist`, code: 100 } });
      return;
    }
    if (token !== waba.token) {
      json(401, { error: { message: 'Error validating access token: Session has expired', type: 'OAuthException', code: 190 } });
      return;
    }
    const after = url.searchParams.get('after');
    const offset = after ? Number(Buffer.from(after, 'base64url').toString('utf8')) : 0;
    if (waba.failure && (!waba.failAfterFirstPage || offset > 0)) {
      if (waba.failure === 'drop') req.socket.destroy();
      else json(waba.failure.status, { error: { message: waba.failure.message, type: 'OAuthException', code: waba.failure.code } });
      return;
    }
    const limit = Math.min(Number(url.searchParams.get('limit') ?? 25) || 25, waba.pageSize);
    const page = waba.templates.slice(offset, offset + limit);
    const cursor = (n: number) => Buffer.from(String(n)).toString('base64url');
    const more = offset + limit < waba.templates.length;
    const next = new URL(url.toString());
    next.searchParams.set('after', cursor(offset + limit));
    json(200, {
      data: page,
      paging: {
        cursors: { before: cursor(offset), after: cursor(offset + page.length) },
        ...(more ? { next: `http://graph.invalid${next.pathname}${next.search}` } : {}),
      },
    });
  }
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    posts,
    uploads,
    requests,
    media,
    /** Template lists by WABA id (GET /<version>/<waba-id>/message_templates). */
    wabas,
    /** Behaviours for the next POSTs to /messages, in order; afterwards every send is accepted. */
    next(...b: Behaviour[]) {
      queue.push(...b);
    },
    postsFor(messageId: string) {
      return posts.filter((p) => p.body.biz_opaque_callback_data === messageId);
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

export type FakeGraph = Awaited<ReturnType<typeof startFakeGraph>>;
