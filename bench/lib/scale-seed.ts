import { DEMO_PASSWORD } from '../../db/seed/demo.ts';
import type { Sql } from '../../db/sql.ts';

/** The organization the scale-out benchmark (bench/scale.bench.ts) writes into. */
export interface ScaleSpec {
  orgId: string;
  teamId: string;
  channel: { id: string; appSecret: string; phoneNumberId: string; accessToken: string };
  agents: Array<{ id: string; email: string; password: string; name: string }>;
}

/**
 * One organization for the whole benchmark (its writes are what must not serialize): a pull
 * team with `agents` agents (the demo's password, its hash copied so nothing is hashed here),
 * a second team, and a WhatsApp channel of its own whose bot answers a new customer's first
 * message with the menu of the two (queued for delivery to the Graph API).
 */
export async function seedScale(sql: Sql, options: { agents: number; appSecret: string; phoneNumberId: string }): Promise<ScaleSpec> {
  const [demo] = await sql`SELECT password_hash FROM users WHERE email = 'ana@demo.test'`;
  if (!demo) throw new Error('the demo organization (ATENDE_DEMO) is missing: its password hash is copied to the agents');
  const [org] = await sql`INSERT INTO organizations (name, time_zone) VALUES ('Scale', 'UTC') RETURNING id`;
  const orgId = org!.id as string;
  const [team] = await sql`INSERT INTO teams (org_id, name, routing) VALUES (${orgId}, 'Scale team', 'pull') RETURNING id`;
  const teamId = team!.id as string;
  // A second option, so a new customer gets the menu (with one, the bot queues them at once).
  const [other] = await sql`INSERT INTO teams (org_id, name, routing) VALUES (${orgId}, 'Other team', 'pull') RETURNING id`;
  const users = await sql`
    INSERT INTO users (org_id, email, name, role, language, password_hash)
    SELECT ${orgId}, 'scale-' || i || '@bench.test', 'Scale agent ' || i, 'agent', 'en', ${demo.password_hash as string}
    FROM generate_series(1, ${options.agents}::int) i ORDER BY i
    RETURNING id, email, name`;
  await sql`INSERT INTO team_members (org_id, team_id, user_id) SELECT ${orgId}, ${teamId}, id FROM unnest(${users.map((u) => u.id as string)}::uuid[]) id`;
  const accessToken = 'scale-access-token';
  const [channel] = await sql`
    INSERT INTO channels (org_id, kind, name, phone_number_id, app_secret, verify_token, access_token, bot_greeting, bot_options,
      bot_invalid_message, no_one_available_message)
    VALUES (${orgId}, 'whatsapp', 'Scale WhatsApp', ${options.phoneNumberId}, ${options.appSecret}, 'scale-verify-token', ${accessToken},
      'Hello! Pick a team:', ${sql.json([
        { key: '1', label: 'Scale team', teamId },
        { key: '2', label: 'Other team', teamId: other!.id as string },
      ])}, 'Sorry?', 'Nobody is available right now.')
    RETURNING id`;
  return {
    orgId,
    teamId,
    channel: { id: channel!.id as string, appSecret: options.appSecret, phoneNumberId: options.phoneNumberId, accessToken },
    agents: users.map((u) => ({ id: u.id as string, email: u.email as string, password: DEMO_PASSWORD, name: u.name as string })),
  };
}

let batch = 0;

/**
 * `count` conversations waiting in the team, each with a contact of its own and the messages
 * a real one has by then (greeting, bot menu, the choice), as bench/claims.bench.ts makes them.
 */
export async function waitingConversations(sql: Sql, spec: ScaleSpec, count: number): Promise<string[]> {
  const tag = `SCALE${++batch}`;
  const first = batch * 10_000_000;
  const rows = await sql`
    WITH contact AS (
      INSERT INTO contacts (org_id, name, whatsapp)
      SELECT ${spec.orgId}, 'Waiting customer ' || n, (439900000000 + n)::text
      FROM generate_series(${first + 1}::int, ${first + count}::int) n
      RETURNING id
    )
    INSERT INTO conversations (org_id, protocol, contact_id, channel_id, team_id, status, created_at, queued_at, last_inbound_at, last_activity_at)
    SELECT ${spec.orgId}, ${tag} || '-' || row_number() OVER (), id, ${spec.channel.id}, ${spec.teamId}, 'waiting',
      now() - interval '2 minutes', now() - interval '1 minute', now() - interval '1 minute', now() - interval '1 minute'
    FROM contact
    RETURNING id`;
  const ids = rows.map((r) => r.id as string);
  await sql`
    INSERT INTO messages (org_id, conversation_id, channel_id, direction, kind, text, is_bot, status, created_at)
    SELECT ${spec.orgId}, c.id, ${spec.channel.id}, m.direction, 'text', m.text, m.is_bot, m.status, now() - m.ago
    FROM unnest(${ids}::uuid[]) AS c(id)
    CROSS JOIN (VALUES
      ('in', 'Oi', false, 'received', interval '2 minutes'),
      ('out', 'Hello! Pick a team: 1 Scale team, 2 Other team', true, 'sent', interval '119 seconds'),
      ('in', '1', false, 'received', interval '1 minute')
    ) AS m(direction, text, is_bot, status, ago)`;
  await sql`ANALYZE contacts, conversations, messages`;
  return ids;
}
