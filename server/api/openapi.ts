import { generateOpenApiDocument } from 'trpc-to-openapi';
import { API_SCOPES } from '../domain/api-tokens.ts';
import { restRouter } from './router.ts';

/** The OpenAPI 3 document of the REST API, generated from the operations' zod schemas. */
export function openApiDocument(origin: string) {
  return generateOpenApiDocument(restRouter, {
    title: 'Atende API',
    version: '1.0.0',
    baseUrl: origin,
    description: [
      'The REST API for integrations (CRM, ERP). Authenticate every request with an organization API token',
      'created by an administrator under Administration → API tokens: `Authorization: Bearer atd_…`.',
      `Each operation needs one scope (${API_SCOPES.join(', ')}); a token without it gets 403.`,
      'A missing, unknown, revoked or expired token gets 401; too many requests with one token get 429 with Retry-After.',
      "Every answer concerns the token's organization only: an id of another organization is 404.",
      'Errors are JSON: `{ "message": "…", "code": "FORBIDDEN", … }`.',
    ].join(' '),
    docsUrl: `${origin}/api/docs`,
    tags: ['contacts', 'conversations', 'templates', 'reports'],
    securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'An organization API token (atd_<prefix>_<secret>).' } },
  });
}
