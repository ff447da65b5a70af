import { z } from 'zod';
import { listChannels } from '../../db/queries/channels.ts';
import { templates } from '../../db/queries/config.ts';
import { listTeams } from '../../db/queries/teams.ts';
import { sendTemplateAsIntegration } from '../commands/conversations/integration-template.ts';
import * as v from '../routers/schemas.ts';
import { integrationActor } from './actor.ts';
import * as out from './schemas.ts';
import { apiRouter, operation } from './trpc.ts';

export const templatesApi = apiRouter({
  catalog: operation('templates:send', {
    method: 'GET',
    path: '/api/v1/templates',
    tags: ['templates'],
    summary: 'WhatsApp channels, their approved templates, and the teams',
    description: 'What sending a template needs: a channel, one of its approved templates (with its parameter count) and a team.',
  })
    .input(z.object({}))
    .output(
      z.object({
        channels: z.array(
          out.channelRef.extend({
            templates: z.array(z.object({ id: z.string(), name: z.string(), language: z.string(), paramCount: z.number().int() })),
          }),
        ),
        teams: z.array(out.ref),
      }),
    )
    .query(async ({ ctx }) => {
      const sql = ctx.services.sql;
      const orgId = ctx.caller.orgId;
      const [channels, teams, approved] = await Promise.all([
        listChannels(sql, orgId),
        listTeams(sql, orgId),
        // Only what can be sent: approved by Meta and still listed there (as the agents' picker, routers/catalog.ts).
        templates.list(sql, orgId, `AND status = 'approved' AND removed_at IS NULL`),
      ]);
      return {
        channels: channels
          // Channels a send may use (a receive-only one is refused: integration-template.ts).
          .filter((c) => c.kind === 'whatsapp' && c.active && !c.receiveOnly)
          .map((c) => ({
            id: c.id,
            kind: c.kind,
            name: c.name,
            templates: approved
              .filter((t) => t.channelId === c.id)
              .map((t) => ({ id: t.id, name: t.name, language: t.language, paramCount: t.paramCount })),
          })),
        teams: teams.map((t) => ({ id: t.id, name: t.name })),
      };
    }),
  send: operation('templates:send', {
    method: 'POST',
    path: '/api/v1/contacts/{contactId}/templates',
    tags: ['templates'],
    summary: 'Send an approved WhatsApp template to a contact',
    description:
      "The app's rules apply: an active WhatsApp channel that sends, a contact with a WhatsApp number, an approved template of that channel with every parameter filled (412/400 otherwise). A contact with a conversation already open on the channel gets nothing (409). The new conversation waits in the team's queue, so the customer's reply reaches a person; the message is recorded as sent by this token's integration. With `clientMessageId`, a retry is safe: the same id answers the first message.",
  })
    .input(
      z.object({
        contactId: v.uuid,
        channelId: v.uuid,
        teamId: v.uuid,
        templateId: v.uuid,
        params: z.array(z.string().max(1024)).max(20).default([]),
        clientMessageId: z
          .string()
          .trim()
          .min(8, 'validation.clientMessageId')
          .max(100)
          .optional()
          .describe('Your id for this send (e.g. a UUID): sending again with the same id answers the first message and sends nothing.'),
      }),
    )
    .output(
      z.object({
        conversation: z.object({ id: z.string(), protocol: z.string(), status: out.conversationStatus }),
        message: z.object({ id: z.string(), text: z.string(), status: out.message.shape.status }),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const { conversation, message } = await sendTemplateAsIntegration(ctx.services, integrationActor(ctx), input);
      return {
        conversation: { id: conversation.id, protocol: conversation.protocol, status: conversation.status },
        message: { id: message.id, text: message.text, status: message.status },
      };
    }),
});
