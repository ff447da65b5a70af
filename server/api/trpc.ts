import { AsyncLocalStorage } from 'node:async_hooks';
import { initTRPC, TRPCError, type TRPC_ERROR_CODE_KEY } from '@trpc/server';
import type { OpenApiMeta } from 'trpc-to-openapi';
import { ZodError } from 'zod';
import { translate, type Language, type MessageKey } from '../../i18n/index.ts';
import type { ApiCaller } from '../commands/api-tokens.ts';
import type { ApiScope } from '../domain/api-tokens.ts';
import { AppError, type Fail } from '../errors.ts';
import { TRPC_MAX_BODY_TEXT } from '../http/request.ts';
import type { Services } from '../services/index.ts';
import { issueSentence } from '../trpc.ts';

/**
 * The REST API's own tRPC instance (OpenAPI meta, its own context). Its procedures call the
 * same commands and zod schemas as the app's routers; only the caller differs: an
 * organization token instead of a session (authenticated in server/api/http.ts before any
 * procedure runs, so `caller` is always set here).
 */
export interface ApiContext {
  services: Services;
  caller: ApiCaller;
  lang: Language;
  fail: Fail;
  ip: string;
}

export type ApiMeta = OpenApiMeta & { scope?: ApiScope };

/**
 * The caller's language for refusals the adapter makes before a context exists (no such
 * operation, a body that is not JSON): server/api/http.ts runs each request inside it.
 */
export const requestLanguage = new AsyncLocalStorage<Language>();

/**
 * Invalid input, re-wrapped: trpc-to-openapi replaces the message of an error caused by a
 * ZodError with its English "Input validation failed" (and adds zod's English issues); under
 * another name our translated sentence and field errors are what the integration reads.
 */
class InvalidInput extends Error {
  override name = 'InvalidInput';
  constructor(readonly zod: ZodError) {
    super('invalid input');
  }
}

/** Refusals trpc-to-openapi makes itself (plain TRPCErrors, English), as sentences of the catalogue. */
const ADAPTER_REFUSALS: Partial<Record<TRPC_ERROR_CODE_KEY, [MessageKey, Record<string, string>]>> = {
  NOT_FOUND: ['api.noSuchOperation', {}],
  PARSE_ERROR: ['api.badJson', {}],
  UNSUPPORTED_MEDIA_TYPE: ['error.jsonOnly', {}],
  PAYLOAD_TOO_LARGE: ['error.requestTooLarge', { max: TRPC_MAX_BODY_TEXT }],
};

const t = initTRPC
  .context<ApiContext>()
  .meta<ApiMeta>()
  .create({
    isDev: false,
    errorFormatter({ shape, error, ctx }) {
      const lang = ctx?.lang ?? requestLanguage.getStore() ?? 'en';
      // Invalid input: each field's sentence, in the caller's language, goes in data.fieldErrors (as in the app).
      const zod = error.cause instanceof InvalidInput ? error.cause.zod : error.cause instanceof ZodError ? error.cause : null;
      if (zod) {
        const fieldErrors: Record<string, string> = {};
        for (const issue of zod.issues) fieldErrors[issue.path.join('.') || '_'] ??= issueSentence(lang, issue);
        return {
          message: translate(lang, 'error.invalidInput'),
          code: shape.code,
          data: { code: shape.data.code, httpStatus: shape.data.httpStatus, reason: 'error.invalidInput', fieldErrors },
        };
      }
      const adapter = error instanceof AppError ? undefined : ADAPTER_REFUSALS[error.code];
      if (adapter) {
        const [key, params] = adapter;
        return {
          message: translate(lang, key, params),
          code: shape.code,
          data: { code: shape.data.code, httpStatus: shape.data.httpStatus, reason: key },
        };
      }
      const reason = error instanceof AppError ? error.reason : null;
      // Unexpected failures never leak internals.
      const message = error.code === 'INTERNAL_SERVER_ERROR' && !reason ? translate(lang, 'error.internal') : shape.message;
      return { message, code: shape.code, data: { code: shape.data.code, httpStatus: shape.data.httpStatus, reason } };
    },
  });

export const apiRouter = t.router;

/** The refusals an operation may answer, for its OpenAPI document (docs/integrations.md lists them). */
function errorResponses(scope: ApiScope, writes: boolean): Record<number, string> {
  const answers: Record<number, string> = {
    400: 'Invalid input, or a body that is not JSON',
    401: 'No valid token',
    403: `The token lacks ${scope}`,
    404: 'Not found',
    429: 'Rate limited',
  };
  if (writes) Object.assign(answers, { 409: 'Conflict', 412: 'A rule refuses it', 413: 'Body over 1 MB', 415: 'Not application/json' });
  return answers;
}

/**
 * An operation of the REST API: the scope it needs (checked before the input is used; a token
 * without it gets 403 naming the scope), and its OpenAPI description (which names the scope too).
 */
export function operation(scope: ApiScope, openapi: Omit<NonNullable<OpenApiMeta['openapi']>, 'protect'>) {
  return t.procedure
    .meta({
      scope,
      openapi: {
        ...openapi,
        protect: true,
        description: `${openapi.description ?? ''}\n\nScope: \`${scope}\`.`.trim(),
        errorResponses: errorResponses(scope, openapi.method !== 'GET'),
      },
    })
    .use(async ({ ctx, meta, next }) => {
      const needed = meta?.scope;
      // Every operation names its scope; one that does not is refused rather than open.
      if (!needed || !ctx.caller.scopes.includes(needed)) throw ctx.fail('FORBIDDEN', 'api.scopeMissing', { scope: needed ?? '?' });
      const result = await next();
      if (!result.ok && result.error.cause instanceof ZodError) {
        throw new TRPCError({ code: 'BAD_REQUEST', cause: new InvalidInput(result.error.cause) });
      }
      return result;
    });
}
