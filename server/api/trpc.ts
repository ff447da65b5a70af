import { initTRPC } from '@trpc/server';
import type { OpenApiMeta } from 'trpc-to-openapi';
import { ZodError } from 'zod';
import { translate, type Language } from '../../i18n/index.ts';
import type { ApiCaller } from '../commands/api-tokens.ts';
import type { ApiScope } from '../domain/api-tokens.ts';
import { AppError, type Fail } from '../errors.ts';
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

const t = initTRPC
  .context<ApiContext>()
  .meta<ApiMeta>()
  .create({
    isDev: false,
    errorFormatter({ shape, error, ctx }) {
      const lang = ctx?.lang ?? 'en';
      // Invalid input: the adapter answers "Input validation failed" with zod's issues; each
      // field's sentence, in the caller's language, goes in data.fieldErrors (as in the app).
      if (error.cause instanceof ZodError) {
        const fieldErrors: Record<string, string> = {};
        for (const issue of error.cause.issues) fieldErrors[issue.path.join('.') || '_'] ??= issueSentence(lang, issue);
        return {
          message: translate(lang, 'error.invalidInput'),
          code: shape.code,
          data: { code: shape.data.code, httpStatus: shape.data.httpStatus, reason: 'error.invalidInput', fieldErrors },
        };
      }
      const reason = error instanceof AppError ? error.reason : null;
      // Unexpected failures never leak internals.
      const message = error.code === 'INTERNAL_SERVER_ERROR' && !reason ? translate(lang, 'error.internal') : shape.message;
      return { message, code: shape.code, data: { code: shape.data.code, httpStatus: shape.data.httpStatus, reason } };
    },
  });

export const apiRouter = t.router;

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
        errorResponses: {
          400: 'Invalid input',
          401: 'No valid token',
          403: `The token lacks ${scope}`,
          404: 'Not found',
          429: 'Rate limited',
        },
      },
    })
    .use(({ ctx, meta, next }) => {
      const needed = meta?.scope;
      // Every operation names its scope; one that does not is refused rather than open.
      if (!needed || !ctx.caller.scopes.includes(needed)) throw ctx.fail('FORBIDDEN', 'api.scopeMissing', { scope: needed ?? '?' });
      return next();
    });
}
