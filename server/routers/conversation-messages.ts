import { z } from 'zod';
import { actorFor, loadVisible } from '../commands/conversations/common.ts';
import { pageOfMessages } from '../commands/conversations/message-pages.ts';
import { mayView } from '../domain/conversation-access.ts';
import { authedProcedure } from '../trpc.ts';
import { messagesView } from './conversation-view.ts';
import * as v from './schemas.ts';

/** conversations.messages (spread into the conversations router). */
export const conversationMessagesProcedures = {
  /**
   * Paging back through a long conversation: the `limit` messages just older than `before` (none:
   * the newest), oldest first, each as conversations.get shows it; with `until`, down to and
   * including that message (a search hit). Visible as conversations.get is (mayView).
   */
  messages: authedProcedure
    .input(
      z.object({
        conversationId: v.uuid,
        before: v.uuid.optional(),
        until: v.uuid.optional(),
        limit: z.number().int().min(1).max(200).optional(),
      }),
    )
    .query(async ({ ctx, input }) => {
      const actor = await actorFor(ctx.services.sql, ctx.user, ctx.fail, ctx.lang, ctx.ip, ctx.auth.teamIds);
      await loadVisible(ctx.services.sql, actor, input.conversationId, mayView);
      const page = await pageOfMessages(ctx.services.sql, actor, input);
      return { messages: await messagesView(ctx.services.sql, actor, actor.orgId, page.messages), hasOlder: page.hasOlder };
    }),
};
