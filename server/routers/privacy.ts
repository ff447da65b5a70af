import { z } from 'zod';
import { getContact } from '../../db/queries/contacts.ts';
import { contactErasedAt, contactHoldings, getPrivacySettings } from '../../db/queries/privacy.ts';
import { eraseContact, updatePrivacySettings } from '../commands/privacy.ts';
import { erasureConfirmation } from '../domain/privacy.ts';
import { adminProcedure, router, type Context } from '../trpc.ts';
import * as v from './schemas.ts';

type AdminCtx = Context & { user: { id: string }; org: { id: string } };
const actor = (ctx: AdminCtx) => ({ orgId: ctx.org.id, userId: ctx.user.id, ip: ctx.ip });

/** Months, 1 to 50 years; null keeps forever. */
const months = z.number().int().min(1).max(600).nullable();

/**
 * LGPD / GDPR (docs/privacy.md): retention settings, and a contact's erasure. Admins only —
 * both are decisions about everything the organization holds on a person (supervisors, who see
 * their teams' conversations, may not). The export is a download: server/http/privacy-export.ts.
 */
export const privacyRouter = router({
  settings: adminProcedure.query(({ ctx }) => getPrivacySettings(ctx.services.sql, ctx.org.id)),

  updateSettings: adminProcedure
    .input(z.object({ eraseClosedAfterMonths: months, deleteAuditAfterMonths: months }))
    .mutation(({ ctx, input }) => updatePrivacySettings(ctx.services, actor(ctx), input)),

  /** What the erasure dialog shows: what the admin must type, and how much would go. */
  contact: adminProcedure.input(z.object({ contactId: v.uuid })).query(async ({ ctx, input }) => {
    const s = ctx.services;
    const c = await getContact(s.sql, ctx.org.id, input.contactId);
    if (!c) throw ctx.fail('NOT_FOUND', 'error.notFound');
    const erasedAt = await contactErasedAt(s.sql, ctx.org.id, c.id);
    return {
      id: c.id,
      name: c.name,
      confirmation: erasureConfirmation(c),
      erasedAt: erasedAt?.toISOString() ?? null,
      holdings: await contactHoldings(s.sql, ctx.org.id, c.id),
    };
  }),

  eraseContact: adminProcedure
    .input(
      z.object({
        contactId: v.uuid,
        confirmation: z.string().max(300),
        requestedBy: z.string().trim().min(1, 'privacy.referenceRequired').max(200),
      }),
    )
    .mutation(({ ctx, input }) => eraseContact(ctx.services, actor(ctx), ctx.fail, input)),
});
