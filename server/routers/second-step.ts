import { z } from 'zod';
import type { User } from '../../db/queries/users.ts';
import { clearedSecondStepCookie, secondStepCookie, secondStepTokenOf } from '../auth/second-step-cookie.ts';
import { authenticationResponse, relyingParty } from '../auth/webauthn.ts';
import { isPending, SECOND_STEP_MINUTES, type PendingSecondStep } from '../commands/twofactor/begin.ts';
import {
  cancelSecondStep,
  confirmForcedEnrollment,
  secondStepPasskeyOptions,
  secondStepState,
  startForcedEnrollment,
  verifySecondStepCode,
  verifySecondStepPasskey,
  type StepRequest,
} from '../commands/twofactor/second-step.ts';
import { isHttps, sessionCookie } from '../http/request.ts';
import { publicProcedure, router, type Context } from '../trpc.ts';
import { publicUser } from './views.ts';

const secure = (ctx: Context) => !!ctx.req && isHttps(ctx.req, ctx.services.env.TRUST_PROXY, ctx.services.env.APP_ORIGIN);

/**
 * The answer to a right password (login, a password link): a session cookie, or — with a
 * second factor to give or to enroll — only the second step's cookie and what it is. The user
 * is not described until the second step passes. The step's cookie is cleared before the
 * session's is set (a client that keeps the last cookie it is given keeps the session).
 */
export function answerSignIn(
  ctx: Context,
  result: { user: User; token: string } | PendingSecondStep,
): { user: ReturnType<typeof publicUser>; secondStep: null } | { user: null; secondStep: 'verify' | 'enroll' } {
  const res = ctx.res;
  if (isPending(result)) {
    res?.appendHeader('Set-Cookie', secondStepCookie(result.stepToken, SECOND_STEP_MINUTES * 60, secure(ctx)));
    return { user: null, secondStep: result.secondStep };
  }
  if (ctx.req && secondStepTokenOf(ctx.req)) res?.appendHeader('Set-Cookie', clearedSecondStepCookie(secure(ctx)));
  res?.appendHeader('Set-Cookie', sessionCookie(result.token, ctx.services.env.SESSION_MAX_DAYS * 86400, secure(ctx)));
  return { user: publicUser(result.user), secondStep: null };
}

const stepRequest = (ctx: Context): StepRequest => ({
  token: secondStepTokenOf(ctx.req),
  ip: ctx.ip,
  userAgent: ctx.req?.headers['user-agent'],
});

const code = z.string().trim().min(1, 'validation.required').max(64);

/**
 * The second step of a sign-in: public procedures, each authorized by the step's own cookie
 * (not a session: nothing else of the app accepts it). Each attempt is IP-throttled and
 * counts toward the address's lock like a wrong password.
 */
export const secondStepRouter = router({
  state: publicProcedure.query(({ ctx }) => secondStepState(ctx.services, secondStepTokenOf(ctx.req))),

  verify: publicProcedure.input(z.object({ code })).mutation(async ({ ctx, input }) => {
    const r = await verifySecondStepCode(ctx.services, ctx.fail, stepRequest(ctx), input.code);
    return answerSignIn(ctx, r);
  }),

  passkeyOptions: publicProcedure.mutation(({ ctx }) =>
    secondStepPasskeyOptions(ctx.services, ctx.fail, stepRequest(ctx), relyingParty(ctx.req, ctx.services.env.APP_ORIGIN)),
  ),

  passkey: publicProcedure.input(z.object({ response: authenticationResponse })).mutation(async ({ ctx, input }) => {
    const rp = relyingParty(ctx.req, ctx.services.env.APP_ORIGIN);
    const r = await verifySecondStepPasskey(ctx.services, ctx.fail, stepRequest(ctx), input.response, rp);
    return answerSignIn(ctx, r);
  }),

  enrollStart: publicProcedure.mutation(({ ctx }) => startForcedEnrollment(ctx.services, ctx.fail, stepRequest(ctx))),

  enrollConfirm: publicProcedure.input(z.object({ code })).mutation(async ({ ctx, input }) => {
    const r = await confirmForcedEnrollment(ctx.services, ctx.fail, stepRequest(ctx), input.code);
    return { ...answerSignIn(ctx, r), recoveryCodes: r.recoveryCodes };
  }),

  cancel: publicProcedure.mutation(async ({ ctx }) => {
    await cancelSecondStep(ctx.services, secondStepTokenOf(ctx.req));
    ctx.res?.appendHeader('Set-Cookie', clearedSecondStepCookie(secure(ctx)));
    return { ok: true as const };
  }),
});
