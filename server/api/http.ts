import type { IncomingMessage, ServerResponse } from 'node:http';
import { createOpenApiHttpHandler } from 'trpc-to-openapi';
import { pickLanguage, translate, type Language, type MessageKey } from '../../i18n/index.ts';
import { authenticateApiToken } from '../commands/api-tokens.ts';
import { bearerOf } from '../domain/api-tokens.ts';
import { errorsFor } from '../errors.ts';
import { clientIp, TRPC_MAX_BODY_BYTES } from '../http/request.ts';
import type { Services } from '../services/index.ts';
import { docsPage } from './docs-page.ts';
import { openApiDocument } from './openapi.ts';
import { TokenRateLimit } from './rate-limit.ts';
import { restRouter } from './router.ts';
import type { ApiContext } from './trpc.ts';

const REFUSALS: Record<'unknown' | 'revoked' | 'expired', MessageKey> = {
  unknown: 'api.tokenUnknown',
  revoked: 'api.tokenRevoked',
  expired: 'api.tokenExpired',
};

function refuse(res: ServerResponse, status: number, code: string, lang: Language, key: MessageKey, params = {}, headers = {}) {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers });
  res.end(JSON.stringify({ message: translate(lang, key, params), code, data: { reason: key } }));
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

    contexts.set(res, { services: s, caller: auth.caller, lang, fail: errorsFor(lang), ip: clientIp(req, s.env.TRUST_PROXY) });
    res.setHeader('cache-control', 'no-store');
    await operations(req, res);
  };
}
