import type { IncomingMessage, ServerResponse } from 'node:http';
import { createOpenApiHttpHandler } from 'trpc-to-openapi';
import { pickLanguage, translate, type Language, type MessageKey } from '../../i18n/index.ts';
import { authenticateApiToken } from '../commands/api-tokens.ts';
import { bearerOf } from '../domain/api-tokens.ts';
import { errorsFor } from '../errors.ts';
import { clientIp, TRPC_MAX_BODY_BYTES, TRPC_MAX_BODY_TEXT } from '../http/request.ts';
import type { Services } from '../services/index.ts';
import { docsPage } from './docs-page.ts';
import { openApiDocument } from './openapi.ts';
import { TokenRateLimit } from './rate-limit.ts';
import { restRouter } from './router.ts';
import { requestLanguage, type ApiContext } from './trpc.ts';

const REFUSALS: Record<'unknown' | 'revoked' | 'expired', MessageKey> = {
  unknown: 'api.tokenUnknown',
  revoked: 'api.tokenRevoked',
  expired: 'api.tokenExpired',
};

function refuse(res: ServerResponse, status: number, code: string, lang: Language, key: MessageKey, params = {}, headers = {}) {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers });
  res.end(JSON.stringify({ message: translate(lang, key, params), code, data: { reason: key } }));
}

type Body = { ok: true; value: unknown } | { ok: false; why: 'tooLarge' | 'invalid' | 'gone' };

/**
 * The JSON body of a write, read here rather than by trpc-to-openapi: it answers a body that is
 * not JSON with a 500 and an English sentence. Past the limit it stops reading at once (the
 * refusal closes the connection): a body without end is not waited for. A client that goes
 * away mid-body settles it too ('gone': nobody to answer).
 */
function readJsonBody(req: IncomingMessage, max: number): Promise<Body> {
  return new Promise((resolve) => {
    const gone = () => resolve({ ok: false, why: 'gone' });
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= max) return void chunks.push(chunk);
      req.off('data', onData).off('end', onEnd);
      resolve({ ok: false, why: 'tooLarge' });
    };
    const onEnd = () => {
      const text = Buffer.concat(chunks).toString('utf8');
      if (!text.trim()) return resolve({ ok: true, value: {} });
      try {
        resolve({ ok: true, value: JSON.parse(text) });
      } catch {
        resolve({ ok: false, why: 'invalid' });
      }
    };
    // Whichever comes first settles it: 'close' after 'end' finds it settled.
    req.on('data', onData).on('end', onEnd).on('error', gone).on('close', gone);
  });
}

/**
 * /api/v1/* (the REST API), /api/v1/openapi.json and /api/docs. Authentication is the token
 * in `Authorization: Bearer` and nothing else: a session cookie is never read here, so a
 * browser cannot be made to call the API on someone's behalf (no CSRF). The token is checked
 * and counted before any operation runs; the operation then checks its scope.
 */
export function createApiHandler(s: Services) {
  const limit = new TokenRateLimit(s.env.API_RATE_PER_MINUTE, { redis: s.redis, sql: s.sql, sharedDatabase: !!s.env.DATABASE_URL });
  // The context of each request, built here once the token is known (the adapter passes `res` through).
  const contexts = new WeakMap<ServerResponse, ApiContext>();
  const operations = createOpenApiHttpHandler({
    router: restRouter,
    createContext: ({ res }) => contexts.get(res as ServerResponse)!,
    maxBodySize: TRPC_MAX_BODY_BYTES,
    onError: ({ error, path }) => {
      if (error.code === 'INTERNAL_SERVER_ERROR') s.log.error({ err: error.cause ?? error, path }, 'API operation failed');
    },
  });
  let document: ReturnType<typeof openApiDocument> | null = null;
  const doc = () => (document ??= openApiDocument(s.env.APP_ORIGIN ?? ''));

  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname.replace(/\/+$/, '');
    const lang = pickLanguage(req.headers['accept-language']);
    if (path === '/api/v1/openapi.json' || path === '/api/docs') {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { allow: 'GET, HEAD' }).end();
        return;
      }
      if (path === '/api/docs') {
        res.writeHead(200, {
          'content-type': 'text/html; charset=utf-8',
          // Nothing runs and nothing loads from elsewhere: the page is text and inline styles.
          'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
        });
        res.end(docsPage(doc() as never));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(doc()));
      return;
    }
    if (!path.startsWith('/api/v1/')) return refuse(res, 404, 'NOT_FOUND', lang, 'api.noSuchOperation');

    const presented = bearerOf(req.headers.authorization);
    if (!presented) return refuse(res, 401, 'UNAUTHORIZED', lang, 'api.unauthenticated', {}, { 'www-authenticate': 'Bearer' });
    const auth = await authenticateApiToken(s.sql, presented);
    if (!auth.ok) {
      return refuse(res, 401, 'UNAUTHORIZED', lang, REFUSALS[auth.reason], {}, { 'www-authenticate': 'Bearer error="invalid_token"' });
    }
    const wait = await limit.take(auth.caller.tokenId);
    if (wait > 0) return refuse(res, 429, 'TOO_MANY_REQUESTS', lang, 'api.rateLimited', { seconds: wait }, { 'retry-after': String(wait) });

    if (req.method === 'POST' || req.method === 'PATCH' || req.method === 'PUT') {
      if (!(req.headers['content-type'] ?? '').toLowerCase().startsWith('application/json')) {
        return refuse(res, 415, 'UNSUPPORTED_MEDIA_TYPE', lang, 'error.jsonOnly');
      }
      // The unread rest of the body goes with the connection.
      const tooLarge = () =>
        refuse(res, 413, 'PAYLOAD_TOO_LARGE', lang, 'error.requestTooLarge', { max: TRPC_MAX_BODY_TEXT }, { connection: 'close' });
      // Refused from the headers, before a byte of the body is read.
      if (Number(req.headers['content-length'] ?? 0) > TRPC_MAX_BODY_BYTES) return tooLarge();
      const body = await readJsonBody(req, TRPC_MAX_BODY_BYTES);
      if (!body.ok && body.why === 'gone') return;
      if (!body.ok) return body.why === 'tooLarge' ? tooLarge() : refuse(res, 400, 'PARSE_ERROR', lang, 'api.badJson');
      // The adapter takes a parsed `body` as Express's body parser leaves it.
      (req as IncomingMessage & { body?: unknown }).body = body.value;
    }
    contexts.set(res, { services: s, caller: auth.caller, lang, fail: errorsFor(lang), ip: clientIp(req, s.env.TRUST_PROXY) });
    res.setHeader('cache-control', 'no-store');
    // The language of refusals made before the operation's context exists (an unknown path or method).
    await requestLanguage.run(lang, () => operations(req, res));
  };
}
