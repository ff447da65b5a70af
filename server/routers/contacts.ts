import { z } from 'zod';
import type { Contact } from '../../db/queries/contacts.ts';
import type { ContactConversation } from '../../db/queries/contacts-search.ts';
import {
  contactDetails,
  contactMedia,
  contactsOfChannel,
  createContact,
  findContacts,
  recentContactsOf,
  updateContact,
} from '../commands/contacts.ts';
import { actorFor } from '../commands/conversations/common.ts';
import { authedProcedure, router, type Context } from '../trpc.ts';
import type { User } from '../../db/queries/users.ts';
import * as v from './schemas.ts';

type AuthedCtx = Context & { user: User };
const actor = (ctx: AuthedCtx) => actorFor(ctx.services.sql, ctx.user, ctx.fail, ctx.lang, ctx.ip, ctx.auth?.teamIds);

// Required-ness is checked by the command, so a missing field gets the catalogue's sentence.
// (Also the REST API's contact body: server/api/contacts.ts.)
export const contactFields = {
  name: z.string().trim().max(120).optional(),
  email: z
    .string()
    .trim()
    .max(254)
    .refine((s) => s === '' || z.email().safeParse(s).success, 'validation.email')
    .nullable()
    .optional(),
  whatsapp: z.string().trim().max(32).nullable().optional(),
  fields: z
    .record(z.string().trim().min(1).max(60), z.string().max(2000))
    .refine((f) => Object.keys(f).length <= 50, 'Too many fields.')
    .optional(),
};

const view = (c: Contact) => ({
  id: c.id,
  name: c.name,
  email: c.email,
  whatsapp: c.whatsapp,
  fields: c.fields,
  incomplete: c.incomplete,
  /** Reached through web chat: its WhatsApp number is not something missing. */
  webchat: c.webchatVisitorId !== null,
});

const conversationView = (c: ContactConversation) => ({
  id: c.id,
  protocol: c.protocol,
  status: c.status,
  channel: c.channel,
  team: c.team,
  assignee: c.assignee,
  createdAt: c.createdAt.toISOString(),
});

export const contactsRouter = router({
  create: authedProcedure
    .input(z.object(contactFields))
    .mutation(async ({ ctx, input }) => view(await createContact(ctx.services, await actor(ctx), ctx.org.requiredContactFields, input))),
  update: authedProcedure.input(z.object({ id: v.uuid, ...contactFields })).mutation(async ({ ctx, input }) => {
    const { id, ...patch } = input;
    return view(await updateContact(ctx.services, await actor(ctx), ctx.org.requiredContactFields, id, patch));
  }),
  search: authedProcedure
    .input(z.object({ query: z.string().trim().max(100) }))
    .query(({ ctx, input }) => findContacts(ctx.services, ctx.org.id, input.query)),
  /** Before any search: the most recently active contacts (of one channel, or all), visible to every agent as the search is. */
  recent: authedProcedure
    .input(z.object({ channelId: v.uuid.optional(), limit: z.number().int().min(1).max(100).default(30) }))
    .query(({ ctx, input }) => recentContactsOf(ctx.services, ctx.fail, ctx.org.id, input.channelId, input.limit)),
  byChannel: authedProcedure
    .input(z.object({ channelId: v.uuid, query: z.string().trim().max(100).optional() }))
    .query(({ ctx, input }) => contactsOfChannel(ctx.services, ctx.fail, ctx.org.id, input.channelId, input.query)),
  get: authedProcedure.input(z.object({ id: v.uuid })).query(async ({ ctx, input }) => {
    const { contact, open, history } = await contactDetails(ctx.services, await actor(ctx), input.id);
    return {
      ...view(contact),
      openConversations: open.map(conversationView),
      history: history.map((c) => ({
        ...conversationView(c),
        closedAt: c.closedAt?.toISOString() ?? null,
        closeReason: c.closeReason,
        disposition: c.disposition,
        rating: c.rating,
      })),
    };
  }),
  /** The contact's gallery: attachments of the conversations the caller may read. */
  media: authedProcedure.input(z.object({ contactId: v.uuid })).query(async ({ ctx, input }) =>
    (await contactMedia(ctx.services, await actor(ctx), input.contactId)).map((m) => ({
      id: m.attachmentId,
      url: `/uploads/${m.attachmentId}`,
      messageId: m.messageId,
      direction: m.direction,
      kind: m.kind,
      filename: m.filename,
      contentType: m.contentType,
      at: m.at.toISOString(),
      conversation: { id: m.conversation.id, protocol: m.conversation.protocol, status: m.conversation.status },
    })),
  ),
});
