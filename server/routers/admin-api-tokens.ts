import { z } from 'zod';
import { createApiToken, listTokens, revokeToken, type TokenAdmin } from '../commands/api-tokens.ts';
import { API_SCOPES } from '../domain/api-tokens.ts';
import { adminProcedure, router, type Context } from '../trpc.ts';
import * as v from './schemas.ts';

type AdminCtx = Context & { user: { id: string }; org: { id: string } };
const admin = (ctx: AdminCtx): TokenAdmin => ({ orgId: ctx.org.id, userId: ctx.user.id, ip: ctx.ip, fail: ctx.fail });

/** The organization's API tokens (admin.apiTokens.*): every change audited with who made it. */
export const apiTokensRouter = router({
  list: adminProcedure.query(({ ctx }) => listTokens(ctx.services, ctx.org.id)),
  /** Answers the token's secret, once: it is not stored and cannot be shown again. */
  create: adminProcedure
    .input(
      z.object({
        name: z.string().trim().min(1, 'validation.required').max(80),
        scopes: z.array(z.enum(API_SCOPES)).min(1, 'api.scopesRequired').max(API_SCOPES.length),
        /** An instant (ISO 8601 with offset); null: until revoked. */
        expiresAt: z.iso.datetime({ offset: true }).nullable().default(null),
      }),
    )
    .mutation(({ ctx, input }) =>
      createApiToken(ctx.services, admin(ctx), {
        name: input.name,
        scopes: input.scopes,
        expiresAt: input.expiresAt ? new Date(input.expiresAt) : null,
      }),
    ),
  revoke: adminProcedure
    .input(z.object({ tokenId: v.uuid }))
    .mutation(({ ctx, input }) => revokeToken(ctx.services, admin(ctx), input.tokenId)),
});
