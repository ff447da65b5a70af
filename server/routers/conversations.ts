import { z } from 'zod';
import { listMine, listQueue } from '../../db/queries/conversation-views.ts';
import { slaTeams } from '../../db/queries/sla.ts';
import { compareServed, compareWaiting } from '../../shared/floor-order.ts';
import { withSla } from '../floor/sla.ts';
import { dispositions, tags } from '../../db/queries/config.ts';
import { mayView } from '../domain/conversation-access.ts';
import { fillCannedResponse } from '../commands/conversations/canned.ts';
import { acceptOffer, claimForAnswer, declineOffer } from '../commands/conversations/claim.ts';
import { resumePending, setPending } from '../commands/conversations/pending.ts';
import { markConversationRead } from '../commands/conversations/read.ts';
import { actorFor, loadVisible, type Actor } from '../commands/conversations/common.ts';
import {
  finishConversation,
  forceClose,
  inviteColleague,
  leaveConversation,
  releaseFromBot,
  setTags,
  transferConversation,
} from '../commands/conversations/lifecycle.ts';
import { sendCanned, sendMessage, sendTemplate, startConversation } from '../commands/conversations/send.ts';
import { adminProcedure, authedProcedure, router, type Context } from '../trpc.ts';
import type { User } from '../../db/queries/users.ts';
import { conversationView, newestMessagesView } from './conversation-view.ts';
import { conversationMessagesProcedures } from './conversation-messages.ts';
import * as v from './schemas.ts';
import { pastConversationProcedures } from './past-conversations.ts';

type Authed = Context & { user: User };
const actor = (ctx: Authed): Promise<Actor> => actorFor(ctx.services.sql, ctx.user, ctx.fail, ctx.lang, ctx.ip, ctx.auth?.teamIds);

/** Returns the conversation as the caller sees it after a command. */
async function view(ctx: Authed, a: Actor, conversationId: string) {
  const { conversation, facts } = await loadVisible(ctx.services.sql, a, conversationId, mayView);
  return conversationView(ctx.services.sql, a, conversation, facts);
}

/** SPEC §9: claim and accept answer "the conversation", its messages included (read after the commit). */
async function withMessages<T extends { id: string }>(ctx: Authed, a: Actor, answer: T) {
  return { ...answer, ...(await newestMessagesView(ctx.services.sql, a, a.orgId, answer.id)) };
}

type SentMessage = Awaited<ReturnType<typeof sendMessage>>;

/** What a send answers: the stored message, written by the caller. */
const sent = (ctx: Authed, m: SentMessage) => ({
  id: m.id,
  conversationId: m.conversationId,
  direction: m.direction,
  kind: m.kind,
  text: m.text,
  status: m.status,
  clientMessageId: m.clientMessageId,
  author: { id: ctx.user.id, name: ctx.user.name },
});

const conversationId = z.object({ conversationId: v.uuid });
const clientMessageId = z.string().trim().min(8, 'validation.clientMessageId').max(100);
const params = z.array(z.string().max(1024)).max(20);

export const queueRouter = router({
  /** The Waiting list; `conversationIds` asks for just those rows (same visibility; absent ones are not, or no longer, visible). */
  list: authedProcedure
    .input(z.object({ teamId: v.uuid.optional(), conversationIds: z.array(v.uuid).min(1).max(100).optional() }).optional())
    .query(async ({ ctx, input }) => {
      const a = await actor(ctx);
      const [rows, teams] = await Promise.all([
        listQueue(ctx.services.sql, {
          orgId: a.orgId,
          userId: a.id,
          teamIds: a.teamIds,
          all: a.role === 'admin',
          teamId: input?.teamId,
          conversationIds: input?.conversationIds,
        }),
        slaTeams(ctx.services.sql, a.orgId),
      ]);
      // The SQL's cap keeps the returned and oldest 5,000; the service levels order them here.
      return withSla(rows, teams).sort(compareWaiting);
    }),
});

export const conversationsRouter = router({
  ...pastConversationProcedures,
  ...conversationMessagesProcedures,
  get: authedProcedure.input(conversationId).query(async ({ ctx, input }) => view(ctx, await actor(ctx), input.conversationId)),
  /** In service; `conversationIds` asks for just those rows (same rule; absent ones are not, or no longer, mine). */
  mine: authedProcedure
    .input(z.object({ conversationIds: z.array(v.uuid).min(1).max(100).optional() }).optional())
    .query(async ({ ctx, input }) => {
      const [rows, teams] = await Promise.all([
        listMine(ctx.services.sql, ctx.org.id, ctx.user.id, input?.conversationIds),
        slaTeams(ctx.services.sql, ctx.org.id),
      ]);
      return withSla(rows, teams).sort(compareServed);
    }),
  /** The caller has seen the conversation up to message `seq` (their unread counts drop). */
  markRead: authedProcedure
    .input(z.object({ conversationId: v.uuid, seq: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER) }))
    .mutation(async ({ ctx, input }) => markConversationRead(ctx.services, await actor(ctx), input)),
  /** A canned response filled for this conversation (text and files), for the composer to edit before sending. */
  fillCanned: authedProcedure
    .input(z.object({ conversationId: v.uuid, cannedId: v.uuid }))
    .query(async ({ ctx, input }) => fillCannedResponse(ctx.services.sql, await actor(ctx), input)),
  /** Answers with the conversation as its new agent sees it (commands/conversations/claim.ts claimForAnswer). */
  claim: authedProcedure.input(conversationId).mutation(async ({ ctx, input }) => {
    const a = await actor(ctx);
    return withMessages(ctx, a, await claimForAnswer(ctx.services, a, input.conversationId));
  }),
  /** Automatic routing: takes the conversation offered to the caller (a claim; refused once the offer is gone). */
  accept: authedProcedure.input(conversationId).mutation(async ({ ctx, input }) => {
    const a = await actor(ctx);
    return withMessages(ctx, a, await acceptOffer(ctx.services, a, input.conversationId));
  }),
  /**
   * Waiting on the customer: set aside until they write, or until `until` (snoozed); it comes back
   * to the caller when available, else to the team's queue.
   */
  setPending: authedProcedure
    .input(z.object({ conversationId: v.uuid, until: z.iso.datetime({ offset: true }).nullish() }))
    .mutation(async ({ ctx, input }) => {
      const a = await actor(ctx);
      await setPending(ctx.services, a, { conversationId: input.conversationId, until: input.until ? new Date(input.until) : null });
      return view(ctx, a, input.conversationId);
    }),
  /** Takes a pending conversation back into service now. */
  resume: authedProcedure.input(conversationId).mutation(async ({ ctx, input }) => {
    const a = await actor(ctx);
    await resumePending(ctx.services, a, input.conversationId);
    return view(ctx, a, input.conversationId);
  }),
  /** Automatic routing: gives the offer back; the conversation is offered to the next available agent. */
  decline: authedProcedure.input(conversationId).mutation(async ({ ctx, input }) => {
    const a = await actor(ctx);
    await declineOffer(ctx.services, a, input.conversationId);
    return { ok: true as const };
  }),
  send: authedProcedure
    .input(z.object({ conversationId: v.uuid, text: z.string().max(4096), clientMessageId, attachmentId: v.uuid.nullish() }))
    .mutation(async ({ ctx, input }) => {
      return sent(ctx, await sendMessage(ctx.services, await actor(ctx), input));
    }),
  sendCanned: authedProcedure
    .input(z.object({ conversationId: v.uuid, cannedId: v.uuid, clientMessageId: clientMessageId.optional() }))
    .mutation(async ({ ctx, input }) => {
      return sent(ctx, await sendCanned(ctx.services, await actor(ctx), input));
    }),
  sendTemplate: authedProcedure
    .input(
      z.object({ conversationId: v.uuid, templateId: v.uuid, params: params.default([]), clientMessageId: clientMessageId.optional() }),
    )
    .mutation(async ({ ctx, input }) => {
      return sent(ctx, await sendTemplate(ctx.services, await actor(ctx), input));
    }),
  start: authedProcedure
    .input(
      z.object({
        contactId: v.uuid,
        teamId: v.uuid,
        channelId: v.uuid,
        templateId: v.uuid.optional(),
        params: params.optional(),
        text: z.string().max(4096).optional(),
        clientMessageId: clientMessageId.optional(),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const a = await actor(ctx);
      const c = await startConversation(ctx.services, a, input);
      return view(ctx, a, c.id);
    }),
  transfer: authedProcedure
    .input(z.object({ conversationId: v.uuid, toTeamId: v.uuid.optional(), toUserId: v.uuid.optional() }))
    .mutation(async ({ ctx, input }) => {
      const a = await actor(ctx);
      const c = await transferConversation(ctx.services, a, input);
      return { id: c.id, protocol: c.protocol, status: c.status, teamId: c.teamId, targetUserId: c.targetUserId };
    }),
  finish: authedProcedure.input(z.object({ conversationId: v.uuid, dispositionId: v.uuid.optional() })).mutation(async ({ ctx, input }) => {
    const a = await actor(ctx);
    const c = await finishConversation(ctx.services, a, input);
    return { id: c.id, protocol: c.protocol, status: c.status, closeReason: c.closeReason, dispositionId: c.dispositionId };
  }),
  invite: authedProcedure.input(z.object({ conversationId: v.uuid, userId: v.uuid })).mutation(async ({ ctx, input }) => {
    const a = await actor(ctx);
    await inviteColleague(ctx.services, a, input);
    return view(ctx, a, input.conversationId);
  }),
  leave: authedProcedure.input(z.object({ conversationId: v.uuid, userId: v.uuid.optional() })).mutation(async ({ ctx, input }) => {
    const a = await actor(ctx);
    const c = await leaveConversation(ctx.services, a, input);
    return { id: c.id, protocol: c.protocol, status: c.status };
  }),
  /** The organization's active tags, for the tag picker of a conversation (admins edit them elsewhere). */
  tagOptions: authedProcedure.query(async ({ ctx }) =>
    (await tags.list(ctx.services.sql, ctx.org.id, 'AND active')).map((t) => ({ id: t.id, name: t.name, color: t.color })),
  ),
  /** The active dispositions an agent may pick when finishing. */
  dispositionOptions: authedProcedure.query(async ({ ctx }) =>
    (await dispositions.list(ctx.services.sql, ctx.org.id, 'AND active')).map((d) => ({ id: d.id, name: d.name })),
  ),
  setTags: authedProcedure.input(z.object({ conversationId: v.uuid, tagIds: z.array(v.uuid).max(50) })).mutation(async ({ ctx, input }) => {
    const a = await actor(ctx);
    await setTags(ctx.services, a, input);
    return view(ctx, a, input.conversationId);
  }),
});

/** Monitoring actions on any conversation of the organization. */
export const adminConversationsRouter = router({
  forceClose: adminProcedure.input(conversationId).mutation(async ({ ctx, input }) => {
    const c = await forceClose(ctx.services, await actor(ctx), input.conversationId);
    return { id: c.id, status: c.status, closeReason: c.closeReason };
  }),
  releaseFromBot: adminProcedure.input(conversationId).mutation(async ({ ctx, input }) => {
    const c = await releaseFromBot(ctx.services, await actor(ctx), input.conversationId);
    return { id: c.id, status: c.status, closeReason: c.closeReason };
  }),
  transfer: adminProcedure
    .input(z.object({ conversationId: v.uuid, toTeamId: v.uuid.optional(), toUserId: v.uuid.optional() }))
    .mutation(async ({ ctx, input }) => {
      const c = await transferConversation(ctx.services, await actor(ctx), input);
      return { id: c.id, status: c.status, teamId: c.teamId, targetUserId: c.targetUserId };
    }),
});
