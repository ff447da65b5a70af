import { z } from 'zod';
import type { Contact } from '../../db/queries/contacts.ts';
import { getOrganization } from '../../db/queries/organizations.ts';
import { recentContacts, searchContacts } from '../../db/queries/contacts-search.ts';
import { contactDetails, contactFilter, createContact, updateContact } from '../commands/contacts.ts';
import { contactFields } from '../routers/contacts.ts';
import * as v from '../routers/schemas.ts';
import { integrationActor } from './actor.ts';
import * as out from './schemas.ts';
import { apiRouter, operation, type ApiContext } from './trpc.ts';

const view = (c: Contact): z.infer<typeof out.contact> => ({
  id: c.id,
  name: c.name,
  email: c.email,
  whatsapp: c.whatsapp,
  incomplete: c.incomplete,
  fields: c.fields,
});

const required = async (ctx: ApiContext) => (await getOrganization(ctx.services.sql, ctx.caller.orgId))!.requiredContactFields;

export const contactsApi = apiRouter({
  list: operation('contacts:read', {
    method: 'GET',
    path: '/api/v1/contacts',
    tags: ['contacts'],
    summary: 'List or search contacts',
    description: 'With `query`: by WhatsApp number (exact or prefix) or by name/e-mail. Without: the most recently active contacts.',
  })
    .input(z.object({ query: z.string().trim().max(100).optional(), limit: z.number().int().min(1).max(100).default(50) }))
    .output(z.object({ contacts: z.array(out.contactSummary) }))
    .query(async ({ ctx, input }) => {
      // The app's search (commands/contacts.ts findContacts) with the caller's limit, not the app's 50.
      const filter = contactFilter(input.query);
      const contacts = filter
        ? await searchContacts(ctx.services.sql, ctx.caller.orgId, filter, input.limit)
        : await recentContacts(ctx.services.sql, ctx.caller.orgId, null, input.limit);
      return { contacts };
    }),
  get: operation('contacts:read', {
    method: 'GET',
    path: '/api/v1/contacts/{contactId}',
    tags: ['contacts'],
    summary: 'Get a contact with its conversations',
  })
    .input(z.object({ contactId: v.uuid }))
    .output(out.contact.extend({ conversations: z.array(out.conversationSummary) }))
    .query(async ({ ctx, input }) => {
      const { contact, open, history } = await contactDetails(ctx.services, integrationActor(ctx), input.contactId);
      return {
        ...view(contact),
        conversations: [...open, ...history].map((c) => ({
          id: c.id,
          protocol: c.protocol,
          status: c.status,
          channel: c.channel,
          team: c.team,
          assignee: c.assignee,
          createdAt: c.createdAt.toISOString(),
          closedAt: c.closedAt?.toISOString() ?? null,
        })),
      };
    }),
  create: operation('contacts:write', {
    method: 'POST',
    path: '/api/v1/contacts',
    tags: ['contacts'],
    summary: 'Create a contact',
    description: "The organization's required fields apply, as in the app. One contact per WhatsApp number (409 otherwise).",
  })
    .input(z.object(contactFields))
    .output(out.contact)
    .mutation(async ({ ctx, input }) => view(await createContact(ctx.services, integrationActor(ctx), await required(ctx), input))),
  update: operation('contacts:write', {
    method: 'PATCH',
    path: '/api/v1/contacts/{contactId}',
    tags: ['contacts'],
    summary: 'Update a contact',
    description: 'Only the fields sent change; an empty value in `fields` removes that field.',
  })
    .input(z.object({ contactId: v.uuid, ...contactFields }))
    .output(out.contact)
    .mutation(async ({ ctx, input }) => {
      const { contactId, ...patch } = input;
      return view(await updateContact(ctx.services, integrationActor(ctx), await required(ctx), contactId, patch));
    }),
});
