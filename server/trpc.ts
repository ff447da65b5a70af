import type { IncomingMessage, ServerResponse } from 'node:http';
import { initTRPC } from '@trpc/server';
import { ZodError } from 'zod';
import { catalogue, isLanguage, pickLanguage, translate, type Language, type MessageKey } from '../i18n/index.ts';
import { validateSessionToken, type Authenticated } from './auth/session.ts';
import { AppError, errorsFor, type Fail } from './errors.ts';
import { clientIp, sessionTokenOf, TRPC_MAX_BODY_TEXT } from './http/request.ts';
import type { Services } from './services/index.ts';

export interface Context {
  services: Services;
  req: IncomingMessage | null;
  res: ServerResponse | null;
  ip: string;
  lang: Language;
  fail: Fail;
  auth: Authenticated | null;
}

export async function createContext(services: Services, req: IncomingMessage | null, res: ServerResponse | null): Promise<Context> {
  const token = req ? sessionTokenOf(req) : null;
  const auth = token
    ? await validateSessionToken(
        services.sql,
        token,
        { idleDays: services.env.SESSION_IDLE_DAYS, maxDays: services.env.SESSION_MAX_DAYS },
        services.bus,
      )
    : null;
  const lang = auth && isLanguage(auth.user.language) ? auth.user.language : pickLanguage(req?.headers['accept-language']);
  return { services, req, res, ip: req ? clientIp(req, services.env.TRUST_PROXY) : '', lang, fail: errorsFor(lang), auth };
}

const t = initTRPC.context<Context>().create({
  // Never send stacks (the formatter drops them anyway); so tRPC does not build them for every
  // refusal either — a rush of 49 losing claims made 49 source-mapped stack traces.
  isDev: false,
  sse: {
    ping: { enabled: true, intervalMs: 15_000 },
    client: { reconnectAfterInactivityMs: 40_000 },
  },
  errorFormatter({ shape, error, ctx }) {
    const lang = ctx?.lang ?? 'en';
    const cause = error.cause;
    if (cause instanceof ZodError) {
      const fieldErrors: Record<string, string> = {};
      for (const issue of cause.issues) fieldErrors[issue.path.join('.') || '_'] ??= issueSentence(lang, issue);
      const first = Object.entries(fieldErrors)[0];
      return {
        ...shape,
        message: `${translate(lang, 'error.invalidInput')}${first ? ` (${first[0]}: ${first[1]})` : ''}`,
        data: { ...shape.data, stack: undefined, reason: 'error.invalidInput', fieldErrors },
      };
    }
    const reason = error instanceof AppError ? error.reason : null;
    // Unexpected failures never leak internals to a person.
    const message =
      error.code === 'INTERNAL_SERVER_ERROR' && !reason
        ? translate(lang, 'error.internal')
        : error.code === 'PAYLOAD_TOO_LARGE'
          ? translate(lang, 'error.requestTooLarge', { max: TRPC_MAX_BODY_TEXT })
          : shape.message;
    return { ...shape, message, data: { ...shape.data, stack: undefined, reason } };
  },
});

/**
 * A validation problem as a sentence in the person's language: our schemas name catalogue
 * keys (`validation.*`) as messages; zod's own issues are mapped by their code.
 */
export function issueSentence(lang: Language, issue: ZodError['issues'][number]): string {
  if (issue.message in catalogue.en) return translate(lang, issue.message as MessageKey);
  const i = issue as {
    code: string;
    minimum?: number | bigint;
    maximum?: number | bigint;
    origin?: string;
    input?: unknown;
    format?: string;
  };
  const text = i.origin === 'string';
  switch (i.code) {
    case 'invalid_type':
      return translate(lang, i.input === undefined ? 'validation.required' : 'validation.invalid');
    case 'too_small':
      if (i.origin === 'string' && Number(i.minimum) <= 1) return translate(lang, 'validation.required');
      return translate(lang, text ? 'validation.tooShort' : 'validation.tooSmall', { min: String(i.minimum) });
    case 'too_big':
      return translate(lang, text ? 'validation.tooLong' : 'validation.tooBig', { max: String(i.maximum) });
    case 'invalid_format':
      return translate(lang, i.format === 'email' ? 'validation.email' : i.format === 'uuid' ? 'validation.id' : 'validation.invalid');
    default:
      return translate(lang, 'validation.invalid');
  }
}

export const router = t.router;
export const publicProcedure = t.procedure;
export const createCallerFactory = t.createCallerFactory;
export const middleware = t.middleware;

export const authedProcedure = t.procedure.use(({ ctx, next }) => {
  if (!ctx.auth) throw ctx.fail('UNAUTHORIZED', 'error.unauthenticated');
  // The organization always comes from the session, never from input.
  return next({ ctx: { ...ctx, auth: ctx.auth, user: ctx.auth.user, org: ctx.auth.organization } });
});

export const adminProcedure = authedProcedure.use(({ ctx, next }) => {
  if (ctx.user.role !== 'admin') throw ctx.fail('FORBIDDEN', 'error.adminOnly');
  return next();
});

/**
 * The monitoring board and the reports: admins for every team, supervisors for the teams they
 * belong to (`teamScope`; null: every team, and conversations with none). Nothing else an
 * admin does is open to a supervisor.
 */
export const supervisorProcedure = authedProcedure.use(({ ctx, next }) => {
  if (ctx.user.role !== 'admin' && ctx.user.role !== 'supervisor') throw ctx.fail('FORBIDDEN', 'error.supervisorOnly');
  const teamScope: readonly string[] | null = ctx.user.role === 'admin' ? null : ctx.auth.teamIds;
  return next({ ctx: { ...ctx, teamScope } });
});
