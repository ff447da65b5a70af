import type { Channel } from '../../db/queries/channels.ts';
import type { Sql } from '../../db/sql.ts';
import { ingestInbound } from '../../server/commands/conversations/ingest.ts';
import type { Services } from '../../server/services/index.ts';

/**
 * `count` waiting conversations in `teamId`, each of a contact of its own with one customer
 * message, written in three statements (the bot menu is not replayed 5,000 times).
 */
export async function seedWaiting(sql: Sql, orgId: string, teamId: string, channelId: string, count: number): Promise<void> {
  const rows = await sql`
    WITH contact AS (
      INSERT INTO contacts (org_id, name, whatsapp)
      SELECT ${orgId}, 'Bench customer ' || n, (439900000000 + n)::text FROM generate_series(1, ${count}::int) n
      RETURNING id
    )
    INSERT INTO conversations (org_id, protocol, contact_id, channel_id, team_id, status, created_at, queued_at, last_inbound_at, last_activity_at)
    SELECT ${orgId}, 'BENCHQ-' || row_number() OVER (), id, ${channelId}, ${teamId}, 'waiting',
      now() - interval '2 hours', now() - (row_number() OVER ()) * interval '1 second', now() - interval '1 hour', now() - interval '1 hour'
    FROM contact
    RETURNING id`;
  await sql`
    INSERT INTO messages (org_id, conversation_id, channel_id, direction, kind, text, is_bot, status, created_at)
    SELECT ${orgId}, c.id, ${channelId}, 'in', 'text', 'Olá, preciso de ajuda com o meu pedido número ' || left(c.id::text, 8), false, 'received', now() - interval '1 hour'
    FROM unnest(${rows.map((r) => r.id as string)}::uuid[]) AS c(id)`;
  await sql`ANALYZE contacts, conversations, messages`;
}

let visitor = 0;
/** A web chat customer's message, through the one real ingest path (events and all). */
export async function customerSays(services: Services, channel: Channel, from: string, text: string) {
  return ingestInbound(services, {
    channel,
    from: { webchatVisitorId: from, name: from },
    channelMessageId: `bench-${from}-${visitor++}`,
    sentAt: new Date(),
    kind: 'text',
    text,
  });
}

/** A new customer who picks Support from the bot menu: one new waiting conversation. */
export async function newWaiting(services: Services, channel: Channel): Promise<{ id: string; from: string }> {
  const from = `bench-visitor-${visitor++}`;
  await customerSays(services, channel, from, 'Olá, preciso de ajuda');
  return { id: (await customerSays(services, channel, from, '1')).conversation.id, from };
}
