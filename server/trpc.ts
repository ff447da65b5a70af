import type { IncomingMessage, ServerResponse } from 'node:http';
import { initTRPC } from '@trpc/server';
import { ZodError } from 'zod';
import { isLanguage, pickLanguage, translate, type Language } from '../i18n/index.ts';
import { validateSessionToken, type Authenticated } from './auth/session.ts';
import { AppError, errorsFor, type Fail } from './errors.ts';
import { clientIp, sessionTokenOf } from './http/request.ts';
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
    ? await validateSessionToken(services.sql, token, { idleDays: services.env.SESSION_IDLE_DAYS, maxDays: services.env.SESSION_MAX_DAYS })
    : null;
  const lang = auth && isLanguage(auth.user.language) ? auth.user.language : pickLanguage(req?.headers['accept-language']);
  return { services, req, res, ip: req ? clientIp(req, services.env.TRUST_PROXY) : '', lang, fail: errorsFor(lang), auth };
}

const t = initTRPC.context<Context>().create({
  sse: {
    ping: { enabled: true, intervalMs: 15_000 },
    client: { reconnectAfterInactivityMs: 40_000 },
  },
  errorFormatter({ shape, error, ctx }) {
    const lang = ctx?.lang ?? 'en';
    const cause = error.cause;
    if (cause instanceof ZodError) {
      const fieldErrors: Record<string, string> = {};
      for (const issue of cause.issues) fieldErrors[issue.path.join('.') || '_'] ??= issue.message;
      const first = Object.entries(fieldErrors)[0];
      return {
        ...shape,
        message: `${translate(lang, 'error.invalidInput')}${first ? ` (${first[0]}: ${first[1]})` : ''}`,
        data: { ...shape.data, stack: undefined, reason: 'error.invalidInput', fieldErrors },
      };
    }
    const reason = error instanceof AppError ? error.reason : null;
    // Unexpected failures never leak internals to a person.
    const message = error.code === 'INTERNAL_SERVER_ERROR' && !reason ? translate(lang, 'error.internal') : shape.message;
    return { ...shape, message, data: { ...shape.data, stack: undefined, reason } };
  },
});

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
