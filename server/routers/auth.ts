import { z } from 'zod';
import { audit } from '../../db/queries/audit.ts';
import { getAttachment } from '../../db/queries/attachments.ts';
import { setPasswordHash, setStatus, getPasswordHash, updateUser } from '../../db/queries/users.ts';
import { teamsOfUser } from '../../db/queries/teams.ts';
import { countOrganizations } from '../../db/queries/organizations.ts';
import { runTx } from '../../db/sql.ts';
import { translate } from '../../i18n/index.ts';
import { checkPasswordPolicy, hashPassword, verifyPassword } from '../auth/password.ts';
import { createSession, endAllSessions, endSession } from '../auth/session.ts';
import { login } from '../commands/login.ts';
import { proveIdentity } from '../commands/prove-identity.ts';
import { checkLink, requestNewLink, requestReset, usePasswordLink } from '../commands/links.ts';
import { setupFirstOrganization } from '../commands/setup.ts';
import { isValidTimeZone } from '../domain/work-hours.ts';
import { clearedSessionCookie, isHttps, sessionCookie } from '../http/request.ts';
import { authedProcedure, publicProcedure, router, type Context } from '../trpc.ts';
import { publicUser } from './views.ts';
import { answerSignIn } from './second-step.ts';
import * as v from './schemas.ts';

function setCookie(ctx: Context, token: string | null): void {
  if (!ctx.res || !ctx.req) return;
  const secure = isHttps(ctx.req, ctx.services.env.TRUST_PROXY, ctx.services.env.APP_ORIGIN);
  ctx.res.appendHeader(
    'Set-Cookie',
    token ? sessionCookie(token, ctx.services.env.SESSION_MAX_DAYS * 86400, secure) : clearedSessionCookie(secure),
  );
}

const userAgent = (ctx: Context) => ctx.req?.headers['user-agent'];

export const authRouter = router({
  login: publicProcedure.input(z.object({ email: v.email, password: v.password })).mutation(async ({ ctx, input }) => {
    const result = await login(ctx.services, ctx.fail, { ...input, ip: ctx.ip, userAgent: userAgent(ctx) });
    return answerSignIn(ctx, result);
  }),

  logout: authedProcedure.mutation(async ({ ctx }) => {
    const s = ctx.services;
    await runTx(s.sql, async (tx) => {
      await endSession(tx, s.bus, ctx.auth.sessionId);
      await audit(tx, { orgId: ctx.org.id, action: 'logout', actorUserId: ctx.user.id, subjectUserId: ctx.user.id, ip: ctx.ip });
      if (await setStatus(tx, ctx.org.id, ctx.user.id, 'offline')) {
        await s.bus.publish(tx, ctx.org.id, 'user.status', { userId: ctx.user.id, status: 'offline' });
      }
    });
    setCookie(ctx, null);
    return { ok: true as const };
  }),

  me: authedProcedure.query(async ({ ctx }) => {
    const teams = await teamsOfUser(ctx.services.sql, ctx.org.id, ctx.user.id);
    return {
      user: publicUser(ctx.user),
      organization: {
        id: ctx.org.id,
        name: ctx.org.name,
        timeZone: ctx.org.timeZone,
        brandColor: ctx.org.brandColor,
        clickToCallUrl: ctx.org.clickToCallUrl,
        // The contact form marks them (the server enforces them: commands/contacts.ts).
        requiredContactFields: ctx.org.requiredContactFields,
      },
      teams: teams.map((t) => ({ id: t.id, name: t.name })),
      status: ctx.user.status,
    };
  }),

  requestReset: publicProcedure.input(z.object({ email: v.email })).mutation(async ({ ctx, input }) => {
    if (!(await ctx.services.ipLimiter.take(ctx.ip))) throw ctx.fail('TOO_MANY_REQUESTS', 'auth.ipThrottled');
    requestReset(ctx.services, input.email, ctx.ip);
    return { message: translate(ctx.lang, 'auth.resetRequested') };
  }),

  checkLink: publicProcedure
    .input(z.object({ token: z.string().max(200) }))
    .query(({ ctx, input }) => checkLink(ctx.services, input.token)),

  acceptInvite: publicProcedure.input(z.object({ token: v.token, password: v.password })).mutation(async ({ ctx, input }) => {
    const r = await usePasswordLink(ctx.services, ctx.fail, { ...input, expectKind: 'invite', ip: ctx.ip, userAgent: userAgent(ctx) });
    return answerSignIn(ctx, r);
  }),

  resetPassword: publicProcedure.input(z.object({ token: v.token, password: v.password })).mutation(async ({ ctx, input }) => {
    const r = await usePasswordLink(ctx.services, ctx.fail, { ...input, expectKind: 'reset', ip: ctx.ip, userAgent: userAgent(ctx) });
    return answerSignIn(ctx, r);
  }),

  requestNewLink: publicProcedure.input(z.object({ token: z.string().max(200) })).mutation(async ({ ctx, input }) => {
    if (!(await ctx.services.ipLimiter.take(ctx.ip))) throw ctx.fail('TOO_MANY_REQUESTS', 'auth.ipThrottled');
    await requestNewLink(ctx.services, input.token, ctx.ip);
    return { message: translate(ctx.lang, 'auth.newLinkRequested') };
  }),

  changePassword: authedProcedure
    .input(z.object({ currentPassword: v.password, newPassword: v.password }))
    .mutation(async ({ ctx, input }) => {
      const s = ctx.services;
      await proveIdentity(s, ctx.fail, ctx.user, ctx.ip, 'auth.wrongCurrentPassword', async () =>
        verifyPassword(await getPasswordHash(s.sql, ctx.org.id, ctx.user.id), input.currentPassword),
      );
      const problem = checkPasswordPolicy(input.newPassword);
      if (problem) throw ctx.fail('BAD_REQUEST', problem.key, problem.params);
      const hash = await hashPassword(input.newPassword);
      const session = await runTx(s.sql, async (tx) => {
        await setPasswordHash(tx, ctx.org.id, ctx.user.id, hash);
        await endAllSessions(tx, s.bus, ctx.org.id, ctx.user.id);
        await audit(tx, {
          orgId: ctx.org.id,
          action: 'password_changed',
          actorUserId: ctx.user.id,
          subjectUserId: ctx.user.id,
          ip: ctx.ip,
        });
        return createSession(tx, { orgId: ctx.org.id, userId: ctx.user.id, ip: ctx.ip, userAgent: userAgent(ctx) });
      });
      setCookie(ctx, session.token);
      return { ok: true as const };
    }),

  updateProfile: authedProcedure
    .input(
      z.object({
        name: v.name.optional(),
        codename: v.optionalText(40),
        extension: z
          .string()
          .trim()
          .regex(/^[0-9*#]{0,15}$/, 'validation.digitsOnly')
          .nullable()
          .optional(),
        language: v.language.optional(),
        timeZone: v.timeZone.nullable().optional(),
        photoAttachmentId: v.uuid.nullable().optional(),
        soundAlerts: z.boolean().optional(),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const s = ctx.services;
      if (input.timeZone && !isValidTimeZone(input.timeZone))
        throw ctx.fail('BAD_REQUEST', 'user.unknownTimeZone', { zone: input.timeZone });
      if (input.photoAttachmentId) {
        const photo = await getAttachment(s.sql, ctx.org.id, input.photoAttachmentId);
        if (!photo || photo.uploadedBy !== ctx.user.id) throw ctx.fail('NOT_FOUND', 'error.notFound');
        if (!photo.contentType.startsWith('image/')) throw ctx.fail('BAD_REQUEST', 'upload.notImage');
      }
      const user = await runTx(s.sql, async (tx) => {
        const updated = await updateUser(tx, ctx.org.id, ctx.user.id, {
          ...input,
          extension: input.extension === '' ? null : input.extension,
        });
        await s.bus.publish(tx, ctx.org.id, 'user.updated', { userId: ctx.user.id });
        return updated!;
      });
      return { user: publicUser(user) };
    }),

  setupStatus: publicProcedure.query(async ({ ctx }) => ({ needsSetup: (await countOrganizations(ctx.services.sql)) === 0 })),

  setup: publicProcedure
    .input(
      z.object({
        token: v.token,
        organizationName: v.name,
        timeZone: v.timeZone,
        name: v.name,
        email: v.email,
        password: v.password,
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const r = await setupFirstOrganization(ctx.services, ctx.fail, { ...input, language: ctx.lang, ip: ctx.ip });
      setCookie(ctx, r.token);
      return { user: publicUser(r.user) };
    }),
});
