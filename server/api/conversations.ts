import { z } from 'zod';
import { listConversationsPage } from '../../db/queries/api-conversations.ts';
import { getChannel } from '../../db/queries/channels.ts';
import { getContact } from '../../db/queries/contacts.ts';
import { userNames } from '../../db/queries/conversation-views.ts';
import { messagePage, type Message } from '../../db/queries/messages.ts';
import { getTeam } from '../../db/queries/teams.ts';
import { loadVisible } from '../commands/conversations/common.ts';
import { mayView } from '../domain/conversation-access.ts';
import * as v from '../routers/schemas.ts';
import { integrationActor } from './actor.ts';
import * as out from './schemas.ts';
import { apiRouter, operation } from './trpc.ts';

/** An opaque page cursor: the last row's change time (microseconds) and id. */
const encodeCursor = (micros: string, id: string) => Buffer.from(`${micros}.${id}`).toString('base64url');
function decodeCursor(cursor: string): { micros: string; id: string } | null {
  const m = /^(\d{1,20})\.([0-9a-f-]{36})$/.exec(Buffer.from(cursor, 'base64url').toString());
  return m ? { micros: m[1]!, id: m[2]! } : null;
}

type Names = Map<string, { name: string }>;

function sender(m: Message, names: Names): z.infer<typeof out.sender> {
  if (m.direction === 'in') return { type: 'customer', name: null };
  if (m.isBot) return { type: 'bot', name: null };
  const integration = m.payload.integration as { name?: unknown } | undefined;
  if (integration && typeof integration.name === 'string') return { type: 'integration', name: integration.name };
  return { type: 'agent', name: m.authorId ? (names.get(m.authorId)?.name ?? null) : null };
}

const MESSAGES_PAGE = 200;

export const conversationsApi = apiRouter({
  list: operation('conversations:read', {
    method: 'GET',
    path: '/api/v1/conversations',
    tags: ['conversations'],
    summary: 'List conversations',
    description:
      'Oldest change first. `updatedSince` keeps those changed since then (activity, claim, close); `nextCursor` asks for the next page, and is null on the last one.',
  })
    .input(
      z.object({
        status: out.conversationStatus.optional(),
        updatedSince: z.iso.datetime({ offset: true }).optional(),
        cursor: z.string().max(200).optional(),
        limit: z.number().int().min(1).max(200).default(50),
      }),
    )
    .output(
      z.object({
        conversations: z.array(
          out.conversationSummary.extend({
            contact: z.object({ id: z.string(), name: z.string(), whatsapp: z.string().nullable() }),
            updatedAt: out.instant,
          }),
        ),
        nextCursor: z.string().nullable(),
      }),
    )
    .query(async ({ ctx, input }) => {
      const after = input.cursor ? decodeCursor(input.cursor) : undefined;
      if (after === null) throw ctx.fail('BAD_REQUEST', 'error.invalidInput');
      const rows = await listConversationsPage(ctx.services.sql, ctx.caller.orgId, {
        ...(input.status ? { status: input.status } : {}),
        ...(input.updatedSince ? { updatedSince: new Date(input.updatedSince) } : {}),
        ...(after ? { after } : {}),
        limit: input.limit,
      });
      const last = rows.at(-1);
      return {
        conversations: rows.map((c) => ({
          id: c.id,
          protocol: c.protocol,
          status: c.status,
          contact: c.contact,
          channel: c.channel,
          team: c.team,
          assignee: c.assignee,
          createdAt: c.createdAt.toISOString(),
          closedAt: c.closedAt?.toISOString() ?? null,
          updatedAt: c.updatedAt.toISOString(),
        })),
        nextCursor: last && rows.length === input.limit ? encodeCursor(last.updatedMicros, last.id) : null,
      };
    }),
  get: operation('conversations:read', {
    method: 'GET',
    path: '/api/v1/conversations/{conversationId}',
    tags: ['conversations'],
    summary: 'Get a conversation with its messages',
    description: `The newest ${MESSAGES_PAGE} messages, oldest first; \`beforeSeq\` (the \`seq\` of the oldest one received) asks for older ones.`,
  })
    .input(z.object({ conversationId: v.uuid, beforeSeq: z.number().int().min(1).optional() }))
    .output(
      out.conversationSummary.extend({
        contact: out.contactSummary,
        messages: z.array(out.message),
        hasOlder: z.boolean(),
      }),
    )
    .query(async ({ ctx, input }) => {
      const sql = ctx.services.sql;
      const { conversation: c } = await loadVisible(sql, integrationActor(ctx), input.conversationId, mayView);
      const [contact, channel, team, page] = await Promise.all([
        getContact(sql, c.orgId, c.contactId),
        getChannel(sql, c.orgId, c.channelId),
        c.teamId ? getTeam(sql, c.orgId, c.teamId) : null,
        messagePage(sql, c.orgId, c.id, { limit: MESSAGES_PAGE, ...(input.beforeSeq ? { beforeSeq: input.beforeSeq } : {}) }),
      ]);
      const names = await userNames(sql, c.orgId, [c.assigneeId, ...page.messages.map((m) => m.authorId)]);
      return {
        id: c.id,
        protocol: c.protocol,
        status: c.status,
        contact: {
          id: contact!.id,
          name: contact!.name,
          email: contact!.email,
          whatsapp: contact!.whatsapp,
          incomplete: contact!.incomplete,
        },
        channel: { id: channel!.id, kind: channel!.kind, name: channel!.name },
        team: team ? { id: team.id, name: team.name } : null,
        assignee: c.assigneeId ? { id: c.assigneeId, name: names.get(c.assigneeId)?.name ?? '' } : null,
        createdAt: c.createdAt.toISOString(),
        closedAt: c.closedAt?.toISOString() ?? null,
        messages: page.messages.map((m) => ({
          id: m.id,
          seq: m.seq,
          direction: m.direction,
          kind: m.kind,
          text: m.text,
          status: m.status,
          sender: sender(m, names),
          attachmentId: m.attachmentId,
          at: (m.providerTimestamp ?? m.createdAt).toISOString(),
        })),
        hasOlder: page.hasOlder,
      };
    }),
});
