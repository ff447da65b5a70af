import { z } from 'zod';
import {
  addChatMembers,
  announceChatMessage,
  chatHistory,
  leaveChat,
  listChats,
  markChatRead,
  MAX_CHAT_OTHERS,
  openChat,
  type ChatActor,
} from '../commands/chat.ts';
import { authedProcedure, router, type Context } from '../trpc.ts';
import * as v from './schemas.ts';

type AuthedCtx = Context & { user: { id: string }; org: { id: string } };
const actor = (ctx: AuthedCtx): ChatActor => ({ orgId: ctx.org.id, userId: ctx.user.id, fail: ctx.fail });

/** Internal chat between agents (SPEC §7); the messages themselves live in the `chat:<roomId>` documents. */
export const chatRouter = router({
  open: authedProcedure.input(z.object({ userIds: z.array(v.uuid).min(1).max(MAX_CHAT_OTHERS) })).mutation(async ({ ctx, input }) => {
    const { roomId, docName, kind } = await openChat(ctx.services, actor(ctx), input.userIds);
    return { roomId, docName, kind };
  }),
  /** Colleagues join a group room the caller is in. */
  addMembers: authedProcedure
    .input(z.object({ roomId: v.uuid, userIds: z.array(v.uuid).min(1).max(MAX_CHAT_OTHERS) }))
    .mutation(({ ctx, input }) => addChatMembers(ctx.services, actor(ctx), input.roomId, input.userIds)),
  /** The caller leaves a group room. */
  leave: authedProcedure
    .input(z.object({ roomId: v.uuid }))
    .mutation(({ ctx, input }) => leaveChat(ctx.services, actor(ctx), input.roomId)),
  list: authedProcedure.query(({ ctx }) => listChats(ctx.services, actor(ctx))),
  markRead: authedProcedure
    .input(z.object({ roomId: v.uuid, count: z.number().int().min(0).max(1_000_000) }))
    .mutation(({ ctx, input }) => markChatRead(ctx.services, actor(ctx), input.roomId, input.count)),
  /** The author wrote a message in the room's document: tell the members once it is stored (unread counts). */
  posted: authedProcedure
    .input(z.object({ roomId: v.uuid, messageId: v.uuid }))
    .mutation(({ ctx, input }) => announceChatMessage(ctx.services, actor(ctx), input.roomId, input.messageId)),
  history: authedProcedure
    .input(z.object({ roomId: v.uuid, before: z.number().int().positive().optional() }))
    .query(({ ctx, input }) => chatHistory(ctx.services, actor(ctx), input.roomId, input.before ?? null)),
});
