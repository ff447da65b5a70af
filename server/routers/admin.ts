import { z } from 'zod';
import { listAudit } from '../../db/queries/audit.ts';
import { lockedUsers } from '../../db/queries/lockout.ts';
import { getOrganization, updateOrganization, type Organization } from '../../db/queries/organizations.ts';
import { deleteTeam, getTeam, insertTeam, listTeams, membersOfTeams, setTeamMembers, updateTeam } from '../../db/queries/teams.ts';
import { listUsers } from '../../db/queries/users.ts';
import { isForeignKeyViolation, isUniqueViolation, runTx } from '../../db/sql.ts';
import { audit } from '../../db/queries/audit.ts';
import { deactivate, inviteUser, resendInvite, unlockUser, updateUserByAdmin } from '../commands/users.ts';
import { emailKey } from '../commands/login.ts';
import { standardAutoCloseMessage, storedAutoCloseMessage } from '../commands/timers.ts';
import { parseNetwork } from '../domain/networks.ts';
import { isValidTimeZone } from '../domain/work-hours.ts';
import { businessHoursSchema } from '../domain/business-hours.ts';
import { adminProcedure, router, type Context } from '../trpc.ts';
import { adminUser } from './views.ts';
import { adminConfigRouters } from './admin-config.ts';
import { monitorRouter } from './monitor.ts';
import { apiTokensRouter } from './admin-api-tokens.ts';
import { adminConversationsRouter } from './conversations.ts';
import * as v from './schemas.ts';
import { auditFilters } from './audit-filters.ts';
import { adminWebhooksRouter } from './admin-webhooks.ts';

type AdminCtx = Context & { user: { id: string }; org: { id: string } };
const actor = (ctx: AdminCtx) => ({ orgId: ctx.org.id, userId: ctx.user.id, ip: ctx.ip });

const userSettings = {
  historyAccess: z.enum(['own_teams', 'all', 'none']).optional(),
  /** The agent's own limit of active conversations (null: their teams'). */
  maxConversations: v.capacity.optional(),
  internalChat: z.boolean().optional(),
  workHours: v.workHours.optional(),
  timeZone: v.timeZone.nullable().optional(),
  codename: v.optionalText(40),
  extension: z
    .string()
    .trim()
    .regex(/^[0-9*#]{0,15}$/, 'validation.digitsOnly')
    .nullable()
    .optional(),
};

const teamFields = {
  name: v.name,
  queueTimeoutMinutes: z
    .number()
    .int()
    .min(1)
    .max(60 * 24 * 30),
  dispositionRequired: z.boolean(),
  internalChat: z.boolean(),
  tagsAllowed: z.boolean(),
  /** 'pull': agents claim from the queue; 'auto': each conversation is offered to one available agent. */
  routing: z.enum(['pull', 'auto']),
  /** Active conversations an agent may hold when claiming this team's (null: no limit). */
  maxPerAgent: v.capacity,
  /** How long an offer waits for the agent's accept before it goes to the next agent. */
  acceptTimeoutSeconds: z.number().int().min(10).max(3600),
  /** A customer message unanswered this many minutes returns the conversation to the queue (null: off). */
  noAnswerMinutes: z.number().int().min(1).max(10080).nullable(),
  /** The serving agent without a device this many minutes returns it to the queue (null: off). */
  absentMinutes: z.number().int().min(1).max(10080).nullable(),
  /** Whether conversations waiting on the customer count toward the agent's capacity. */
  pendingCounts: z.boolean(),
  /** Weekly schedule in the organization's time zone (empty: always open) and closed local dates. */
  businessHours: businessHoursSchema,
  /** Told to a customer who arrives while the team is closed (null or empty: the standard sentence). */
  outOfHoursMessage: z.string().trim().max(1000).nullable(),
  /** Outside business hours a new conversation waits for opening, or is closed after the message. */
  outOfHoursAction: z.enum(['wait', 'close']),
  /** Service levels in minutes (null: none): to the first agent message, and to each next answer. */
  slaFirstResponseMinutes: z.number().int().min(1).max(10080).nullable(),
  slaNextResponseMinutes: z.number().int().min(1).max(10080).nullable(),
  /** The service-level clock runs only inside business hours. */
  slaBusinessHours: z.boolean(),
};

async function usersView(ctx: AdminCtx) {
  const sql = ctx.services.sql;
  const [users, members] = await Promise.all([listUsers(sql, ctx.org.id), membersOfTeams(sql, ctx.org.id)]);
  const locks = await lockedUsers(
    sql,
    users.map((u) => ({ id: u.id, emailKey: emailKey(u.email) })),
  );
  return users.map((u) =>
    adminUser(
      u,
      members.filter((m) => m.userId === u.id).map((m) => m.teamId),
      locks.get(u.id) ?? null,
    ),
  );
}

const usersRouter = router({
  list: adminProcedure.query(({ ctx }) => usersView(ctx)),
  invite: adminProcedure
    .input(
      z.object({
        email: v.email,
        name: v.name,
        role: z.enum(['admin', 'supervisor', 'agent']).default('agent'),
        teamIds: z.array(v.uuid).max(100).default([]),
        language: v.language.default('pt-BR'),
        ...userSettings,
      }),
    )
    .mutation(async ({ ctx, input }) => adminUser(await inviteUser(ctx.services, ctx.fail, actor(ctx), input), input.teamIds, null)),
  update: adminProcedure
    .input(
      z.object({
        userId: v.uuid,
        name: v.name.optional(),
        email: v.email.optional(),
        role: z.enum(['admin', 'supervisor', 'agent']).optional(),
        teamIds: z.array(v.uuid).max(100).optional(),
        language: v.language.optional(),
        ...userSettings,
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const { userId, ...patch } = input;
      await updateUserByAdmin(ctx.services, ctx.fail, actor(ctx), userId, patch);
      return (await usersView(ctx)).find((u) => u.id === userId)!;
    }),
  unlock: adminProcedure
    .input(z.object({ userId: v.uuid }))
    .mutation(({ ctx, input }) => unlockUser(ctx.services, ctx.fail, actor(ctx), input.userId)),
  deactivate: adminProcedure.input(z.object({ userId: v.uuid })).mutation(async ({ ctx, input }) => {
    await deactivate(ctx.services, ctx.fail, actor(ctx), input.userId);
    return { ok: true as const };
  }),
  resendInvite: adminProcedure.input(z.object({ userId: v.uuid })).mutation(async ({ ctx, input }) => {
    await resendInvite(ctx.services, ctx.fail, actor(ctx), input.userId);
    return { ok: true as const };
  }),
});

const teamsRouter = router({
  list: adminProcedure.query(async ({ ctx }) => {
    const [teams, members] = await Promise.all([listTeams(ctx.services.sql, ctx.org.id), membersOfTeams(ctx.services.sql, ctx.org.id)]);
    return teams.map((t) => ({ ...t, memberIds: members.filter((m) => m.teamId === t.id).map((m) => m.userId) }));
  }),
  create: adminProcedure
    .input(
      z
        .object({ ...teamFields, name: v.name })
        .partial()
        .required({ name: true }),
    )
    .mutation(async ({ ctx, input }) => {
      const s = ctx.services;
      try {
        return await runTx(s.sql, async (tx) => {
          const team = await insertTeam(tx, ctx.org.id, input);
          await s.bus.publish(tx, ctx.org.id, 'team.updated', { teamId: team.id });
          return team;
        });
      } catch (err) {
        if (isUniqueViolation(err)) throw ctx.fail('CONFLICT', 'team.nameTaken');
        throw err;
      }
    }),
  update: adminProcedure
    .input(
      z
        .object({ teamId: v.uuid, ...teamFields })
        .partial()
        .required({ teamId: true }),
    )
    .mutation(async ({ ctx, input }) => {
      const s = ctx.services;
      const { teamId, ...patch } = input;
      try {
        return await runTx(s.sql, async (tx) => {
          const team = await updateTeam(tx, ctx.org.id, teamId, patch);
          if (!team) throw ctx.fail('NOT_FOUND', 'error.notFound');
          await s.bus.publish(tx, ctx.org.id, 'team.updated', { teamId });
          return team;
        });
      } catch (err) {
        if (isUniqueViolation(err)) throw ctx.fail('CONFLICT', 'team.nameTaken');
        throw err;
      }
    }),
  setMembers: adminProcedure.input(z.object({ teamId: v.uuid, userIds: z.array(v.uuid).max(1000) })).mutation(async ({ ctx, input }) => {
    const s = ctx.services;
    return runTx(s.sql, async (tx) => {
      if (!(await getTeam(tx, ctx.org.id, input.teamId))) throw ctx.fail('NOT_FOUND', 'error.notFound');
      try {
        await setTeamMembers(tx, ctx.org.id, input.teamId, input.userIds);
      } catch (err) {
        // A user id of another organization fails the composite foreign key: same answer as unknown.
        if (isForeignKeyViolation(err)) throw ctx.fail('NOT_FOUND', 'error.notFound');
        throw err;
      }
      await s.bus.publish(tx, ctx.org.id, 'team.updated', { teamId: input.teamId });
      return { ok: true as const };
    });
  }),
  delete: adminProcedure.input(z.object({ teamId: v.uuid })).mutation(async ({ ctx, input }) => {
    const s = ctx.services;
    return runTx(s.sql, async (tx) => {
      if (!(await deleteTeam(tx, ctx.org.id, input.teamId))) throw ctx.fail('NOT_FOUND', 'error.notFound');
      await s.bus.publish(tx, ctx.org.id, 'team.updated', { teamId: input.teamId });
      return { ok: true as const };
    });
  }),
});

/** An address the agent's browser opens to call: a web page or a calling scheme, with the number in it. */
const clickToCallUrl = z
  .string()
  .trim()
  .max(500)
  .refine((u) => /^(https?:\/\/|sip:|sips:|tel:|callto:)/i.test(u) && u.includes('{number}'), 'validation.clickToCall');

/** The organization as its admin screen shows it: with the standard closing sentence in its customer language. */
const orgView = (org: Organization) => ({ ...org, autoCloseMessageStandard: standardAutoCloseMessage(org.customerLanguage) });

const orgRouter = router({
  get: adminProcedure.query(async ({ ctx }) => orgView((await getOrganization(ctx.services.sql, ctx.org.id))!)),
  update: adminProcedure
    .input(
      z.object({
        name: v.name.optional(),
        timeZone: v.timeZone.optional(),
        allowedNetworks: z.array(z.string().trim().max(64)).max(200).optional(),
        workHoursPolicy: z.enum(['flag', 'refuse_login']).optional(),
        inactivityTimeoutMinutes: z
          .number()
          .int()
          .min(1)
          .max(60 * 24 * 7)
          .optional(),
        botTimeoutMinutes: z
          .number()
          .int()
          .min(1)
          .max(60 * 24 * 7)
          .optional(),
        ratingWindowMinutes: z
          .number()
          .int()
          .min(1)
          .max(60 * 24)
          .optional(),
        requiredContactFields: z.array(z.string().trim().min(1).max(60)).max(30).optional(),
        identifyAgents: z.boolean().optional(),
        brandColor: z
          .string()
          .regex(/^#[0-9a-fA-F]{6}$/, 'validation.colour')
          .optional(),
        customerLanguage: v.language.optional(),
        /** Told to the customer when the system closes a conversation; '' = nothing. */
        autoCloseMessage: z.string().max(1000).optional(),
        /** Queue timeout of conversations waiting with no team; null = never. */
        queueTimeoutMinutes: z
          .number()
          .int()
          .min(1)
          .max(60 * 24 * 30)
          .nullable()
          .optional(),
        /** Click-to-call through the organization's telephony; null = the device's dialer (tel:). */
        clickToCallUrl: clickToCallUrl.nullable().optional(),
        /** WhatsApp: tell customers their place in the queue / when an agent joins. */
        notifyQueue: z.boolean().optional(),
        notifyJoined: z.boolean().optional(),
        /** How long an agent whose last device went away still counts as connected. */
        presenceGraceSeconds: z.number().int().min(0).max(3600).optional(),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      if (input.timeZone && !isValidTimeZone(input.timeZone))
        throw ctx.fail('BAD_REQUEST', 'user.unknownTimeZone', { zone: input.timeZone });
      const bad = input.allowedNetworks?.find((n) => parseNetwork(n) === null);
      if (bad !== undefined) throw ctx.fail('BAD_REQUEST', 'org.badNetwork', { value: bad });
      const s = ctx.services;
      return runTx(s.sql, async (tx) => {
        const { autoCloseMessage, ...rest } = input;
        const org = await updateOrganization(tx, ctx.org.id, {
          ...rest,
          ...(autoCloseMessage === undefined ? {} : { autoCloseMessage: storedAutoCloseMessage(autoCloseMessage) }),
        });
        await audit(tx, {
          orgId: ctx.org.id,
          action: 'organization_updated',
          actorUserId: ctx.user.id,
          ip: ctx.ip,
          details: { fields: Object.keys(input) },
        });
        await s.bus.publish(tx, ctx.org.id, 'org.updated', {});
        return orgView(org);
      });
    }),
});

export const adminRouter = router({
  users: usersRouter,
  conversations: adminConversationsRouter,
  teams: teamsRouter,
  org: orgRouter,
  ...adminConfigRouters,
  monitor: monitorRouter,
  webhooks: adminWebhooksRouter,
  apiTokens: apiTokensRouter,
  audit: router({
    list: adminProcedure
      .input(
        z.object({ limit: z.number().int().min(1).max(500).default(100), beforeId: z.string().regex(/^\d+$/).optional(), ...auditFilters }),
      )
      .query(({ ctx, input }) => {
        const { limit, beforeId, ...filters } = input;
        if (filters.from && filters.to && filters.from >= filters.to) throw ctx.fail('BAD_REQUEST', 'transcripts.badRange');
        return listAudit(ctx.services.sql, ctx.org.id, limit, beforeId, filters);
      }),
  }),
});
