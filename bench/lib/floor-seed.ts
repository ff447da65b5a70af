import { DEMO_PASSWORD } from '../../db/seed/demo.ts';
import type { Sql } from '../../db/sql.ts';
import type { AgentSpec, FloorSpec } from './floor-protocol.ts';

/** Agents per team of the seeded floor. */
export const TEAM_SIZE = 10;
/** The access token the seeded channel sends with (the fake Graph API checks it). */
export const FLOOR_ACCESS_TOKEN = 'floor-access-token';

/**
 * A fresh organization for one scenario of the whole-floor benchmark: `agents` agents (the
 * demo's password, its hash copied so nothing is hashed here) in teams of TEAM_SIZE with pull
 * routing, a WhatsApp channel of its own (this bench's app secret and access token; its bot
 * menu offers the teams as "1", "2" …) and one contact per pair of agents, whose notes the
 * pair edits. Agents are spread over the `appUrls` round-robin; partners (2k, 2k+1) sit on
 * different processes when there are two.
 */
export async function seedFloor(
  sql: Sql,
  options: {
    tag: string;
    agents: number;
    appUrls: string[];
    databaseUrl: string;
    appSecret: string;
    phoneNumberId: string;
    firstNumber: number;
  },
): Promise<FloorSpec> {
  const [org] = await sql`INSERT INTO organizations (name, time_zone) VALUES (${`Floor ${options.tag}`}, 'UTC') RETURNING id`;
  const orgId = org!.id as string;
  const [demo] = await sql`SELECT password_hash FROM users WHERE email = 'ana@demo.test'`;
  if (!demo) throw new Error('the demo organization (ATENDE_DEMO) is missing: its password hash is copied to the agents');
  const teamCount = Math.ceil(options.agents / TEAM_SIZE);
  const teams: FloorSpec['teams'] = [];
  for (let t = 0; t < teamCount; t++) {
    const [team] = await sql`INSERT INTO teams (org_id, name, routing) VALUES (${orgId}, ${`Team ${t + 1}`}, 'pull') RETURNING id`;
    teams.push({ id: team!.id as string, key: String(t + 1), memberIds: [] });
  }
  const contacts = await sql`
    INSERT INTO contacts (org_id, name) SELECT ${orgId}, 'Notes contact ' || n FROM generate_series(1, ${options.agents / 2}::int) n RETURNING id`;
  const agents: AgentSpec[] = [];
  for (let i = 0; i < options.agents; i++) {
    const team = teams[Math.floor(i / TEAM_SIZE)]!;
    const email = `floor-${options.tag}-${i + 1}@bench.test`;
    const [u] = await sql`INSERT INTO users (org_id, email, name, role, language, password_hash)
      VALUES (${orgId}, ${email}, ${`Agent ${i + 1}`}, 'agent', 'en', ${demo.password_hash as string}) RETURNING id`;
    const userId = u!.id as string;
    await sql`INSERT INTO team_members (org_id, team_id, user_id) VALUES (${orgId}, ${team.id}, ${userId})`;
    team.memberIds.push(userId);
    agents.push({
      email,
      password: DEMO_PASSWORD,
      userId,
      teamId: team.id,
      app: i % options.appUrls.length,
      notesContactId: contacts[Math.floor(i / 2)]!.id as string,
      partner: i ^ 1,
    });
  }
  const menu = teams.map((t) => ({ key: t.key, label: `Team ${t.key}`, teamId: t.id }));
  const [channel] = await sql`
    INSERT INTO channels (org_id, kind, name, phone_number_id, app_secret, verify_token, access_token, bot_greeting, bot_options,
      bot_invalid_message, no_one_available_message)
    VALUES (${orgId}, 'whatsapp', 'Floor WhatsApp', ${options.phoneNumberId}, ${options.appSecret}, 'floor-verify-token', ${FLOOR_ACCESS_TOKEN},
      'Hello! Pick a team:', ${sql.json(menu)}, 'Sorry?', 'Nobody is available right now.')
    RETURNING id`;
  return {
    appUrls: options.appUrls,
    databaseUrl: options.databaseUrl,
    orgId,
    agents,
    teams,
    channel: { id: channel!.id as string, appSecret: options.appSecret, phoneNumberId: options.phoneNumberId },
    tag: options.tag,
    firstNumber: options.firstNumber,
  };
}
