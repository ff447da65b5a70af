import { z } from 'zod';
import { factorsOf, factorsOfUsers, getPolicy, getTotp, listPasskeys } from '../../db/queries/twofactor.ts';
import { registrationResponse, relyingParty } from '../auth/webauthn.ts';
import { changePolicy, resetFactors } from '../commands/twofactor/admin.ts';
import { addPasskey, passkeyRegistrationOptions, removePasskey } from '../commands/twofactor/passkeys.ts';
import { confirmTotpEnrollment, disableTotp, regenerateRecoveryCodes, startTotpEnrollment } from '../commands/twofactor/totp.ts';
import { secondFactorRequired } from '../domain/twofactor.ts';
import { adminProcedure, authedProcedure, router, type Context } from '../trpc.ts';
import * as v from './schemas.ts';

const code = z.string().trim().min(1, 'validation.required').max(64);
/** The password, or a current code from the app: what removing a factor asks for. */
const proof = z
  .object({ password: v.password.min(1).optional(), code: code.optional() })
  .refine((p) => p.password !== undefined || p.code !== undefined, { message: 'validation.required', path: ['password'] });
const requiredFor = z.enum(['nobody', 'admins', 'everyone']);
const rp = (ctx: Context) => relyingParty(ctx.req, ctx.services.env.APP_ORIGIN);

/** Two-factor sign-in: each user's own factors (the profile), and the organization's policy and resets (admins). */
export const twofactorRouter = router({
  status: authedProcedure.query(async ({ ctx }) => {
    const db = ctx.services.sql;
    const [factors, totp, passkeys, policy] = await Promise.all([
      factorsOf(db, ctx.org.id, ctx.user.id),
      getTotp(db, ctx.org.id, ctx.user.id),
      listPasskeys(db, ctx.org.id, ctx.user.id),
      getPolicy(db, ctx.org.id),
    ]);
    return {
      totp: totp?.confirmedAt ? { since: totp.confirmedAt } : null,
      recoveryCodesLeft: factors.recoveryCodes,
      passkeys: passkeys.map((p) => ({ id: p.id, name: p.name, createdAt: p.createdAt, lastUsedAt: p.lastUsedAt })),
      required: secondFactorRequired(policy, ctx.user.role),
    };
  }),

  totpStart: authedProcedure.mutation(({ ctx }) => startTotpEnrollment(ctx.services, ctx.fail, ctx.user)),

  totpConfirm: authedProcedure
    .input(z.object({ code }))
    .mutation(({ ctx, input }) => confirmTotpEnrollment(ctx.services, ctx.fail, ctx.user, input.code, ctx.ip)),

  totpDisable: authedProcedure.input(proof).mutation(async ({ ctx, input }) => {
    await disableTotp(ctx.services, ctx.fail, ctx.user, input, ctx.ip);
    return { ok: true as const };
  }),

  regenerateRecoveryCodes: authedProcedure
    .input(proof)
    .mutation(({ ctx, input }) => regenerateRecoveryCodes(ctx.services, ctx.fail, ctx.user, input, ctx.ip)),

  passkeyOptions: authedProcedure.mutation(({ ctx }) => passkeyRegistrationOptions(ctx.services, ctx.user, rp(ctx), ctx.org.name)),

  passkeyAdd: authedProcedure
    .input(z.object({ name: v.name.pipe(z.string().max(60)), response: registrationResponse }))
    .mutation(({ ctx, input }) => addPasskey(ctx.services, ctx.fail, ctx.user, input, rp(ctx), ctx.ip)),

  passkeyRemove: authedProcedure.input(z.object({ passkeyId: v.uuid, password: v.password.min(1) })).mutation(async ({ ctx, input }) => {
    await removePasskey(ctx.services, ctx.fail, ctx.user, input, ctx.ip);
    return { ok: true as const };
  }),

  policy: adminProcedure.query(async ({ ctx }) => ({ requiredFor: await getPolicy(ctx.services.sql, ctx.org.id) })),

  setPolicy: adminProcedure.input(z.object({ requiredFor })).mutation(async ({ ctx, input }) => {
    await changePolicy(ctx.services, { orgId: ctx.org.id, userId: ctx.user.id, ip: ctx.ip }, input.requiredFor);
    return { requiredFor: input.requiredFor };
  }),

  users: adminProcedure.query(({ ctx }) => factorsOfUsers(ctx.services.sql, ctx.org.id)),

  reset: adminProcedure
    .input(z.object({ userId: v.uuid }))
    .mutation(({ ctx, input }) =>
      resetFactors(ctx.services, ctx.fail, { orgId: ctx.org.id, userId: ctx.user.id, ip: ctx.ip }, input.userId),
    ),
});
