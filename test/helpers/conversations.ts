import { randomUUID } from 'node:crypto';
import { getChannel, type Channel } from '../../db/queries/channels.ts';
import type { Sql } from '../../db/sql.ts';
import { ingestInbound, type IngestResult } from '../../server/commands/conversations/ingest.ts';
import type { TestApp } from './app.ts';
import type { demoIds } from './orgs.ts';

type Ids = Awaited<ReturnType<typeof demoIds>>;

/** A channel of the demo organization with the demo bot menu ("1 Support, 2 Sales"). */
export async function makeChannel(
  sql: Sql,
  ids: Ids,
  kind: 'whatsapp' | 'webchat' = 'whatsapp',
  extra: { phoneNumberId?: string } = {},
): Promise<Channel> {
  const options = [
    { key: '1', label: 'Support', teamId: ids.teams.Support },
    { key: '2', label: 'Sales', teamId: ids.teams.Sales },
  ];
  const [row] =
    await sql`INSERT INTO channels (org_id, kind, name, phone_number_id, bot_greeting, bot_options, bot_invalid_message, no_one_available_message)
    VALUES (${ids.orgId}, ${kind}, ${`${kind} ${randomUUID().slice(0, 6)}`}, ${extra.phoneNumberId ?? null}, 'Hello! Which team?',
      ${sql.json(options)}, 'Sorry, I did not understand.', 'Nobody is available right now; we will answer as soon as possible.')
    RETURNING id`;
  return (await getChannel(sql, ids.orgId, row!.id as string))!;
}

export async function makeTemplate(
  sql: Sql,
  orgId: string,
  channelId: string,
  name = 'hello_followup',
  body = 'Hello {{1}}, about your order {{2}}.',
  status = 'approved',
) {
  const paramCount = Math.max(0, ...[...body.matchAll(/\{\{(\d+)\}\}/g)].map((m) => Number(m[1])));
  const [row] = await sql`INSERT INTO templates (org_id, channel_id, name, language, body, param_count, status)
    VALUES (${orgId}, ${channelId}, ${name}, 'pt_BR', ${body}, ${paramCount}, ${status}) RETURNING id`;
  return row!.id as string;
}

let counter = 0;
/** A customer message as a channel adapter hands it over. */
export function inbound(
  app: TestApp,
  channel: Channel,
  m: { from: string; text: string; id?: string; at?: Date; name?: string },
): Promise<IngestResult> {
  return ingestInbound(app.services, {
    channel,
    from: channel.kind === 'whatsapp' ? { whatsapp: m.from, name: m.name ?? null } : { webchatVisitorId: m.from, name: m.name ?? null },
    channelMessageId: m.id ?? `wamid.test-${Date.now()}-${counter++}`,
    sentAt: m.at ?? new Date(),
    kind: 'text',
    text: m.text,
  });
}

/** A customer who wrote and chose a team: a waiting conversation. */
export async function waitingConversation(app: TestApp, channel: Channel, from: string, option = '1', at?: Date) {
  await inbound(app, channel, { from, text: 'Oi', ...(at ? { at } : {}) });
  const r = await inbound(app, channel, { from, text: option, ...(at ? { at } : {}) });
  return r.conversation;
}

export async function setOnline(sql: Sql, emails: string[]) {
  await sql`UPDATE users SET status = 'online', connected = true WHERE email = ANY(${emails}::text[])`;
}
