import { randomUUID } from 'node:crypto';
import { getChannel, type Channel } from '../../db/queries/channels.ts';
import type { Sql } from '../../db/sql.ts';
import { ingestInbound } from '../commands/conversations/ingest.ts';
import type { Services } from '../services/index.ts';
import type { TestApp, TestClient } from '../../test/helpers/app.ts';

/** A team in automatic routing with `agents` new members (password atende-demo), online and connected. */
export async function autoTeam(
  sql: Sql,
  orgId: string,
  name: string,
  agents: number,
  settings: { maxPerAgent?: number | null; acceptTimeoutSeconds?: number } = {},
): Promise<{ teamId: string; agents: { id: string; email: string }[] }> {
  const [team] = await sql`INSERT INTO teams (org_id, name, routing, max_per_agent, accept_timeout_seconds)
    VALUES (${orgId}, ${name}, 'auto', ${settings.maxPerAgent ?? null}, ${settings.acceptTimeoutSeconds ?? 60}) RETURNING id`;
  const teamId = team!.id as string;
  const list: { id: string; email: string }[] = [];
  for (let i = 1; i <= agents; i++) {
    const email = `${name.toLowerCase()}-${i}@demo.test`;
    const [u] = await sql`INSERT INTO users (org_id, email, name, password_hash, language, status, connected)
      SELECT org_id, ${email}, ${`${name} ${i}`}, password_hash, 'en', 'online', true FROM users WHERE email = 'ana@demo.test'
      RETURNING id`;
    await sql`INSERT INTO team_members (org_id, team_id, user_id) VALUES (${orgId}, ${teamId}, ${u!.id as string})`;
    list.push({ id: u!.id as string, email });
  }
  // Agents signed in by the tests have no live device: a long grace keeps them connected.
  await sql`UPDATE organizations SET presence_grace_seconds = 3600 WHERE id = ${orgId}`;
  return { teamId, agents: list };
}

/** A channel whose bot menu's only option ("1") queues for `teamId`. */
export async function channelFor(sql: Sql, orgId: string, teamId: string): Promise<Channel> {
  const [row] =
    await sql`INSERT INTO channels (org_id, kind, name, bot_greeting, bot_options, bot_invalid_message, no_one_available_message)
    VALUES (${orgId}, 'webchat', ${`Floor ${randomUUID().slice(0, 6)}`}, 'Hello!', ${sql.json([{ key: '1', label: 'Floor', teamId }])},
      'Sorry?', 'Nobody is available right now.') RETURNING id`;
  return (await getChannel(sql, orgId, row!.id as string))!;
}

let n = 0;
/** A customer writes and picks the team: a waiting conversation of that team (through `s`'s process). */
export async function arrive(s: Services, channel: Channel): Promise<string> {
  const visitor = `visitor-${randomUUID()}`;
  const say = (text: string) =>
    ingestInbound(s, {
      channel,
      from: { webchatVisitorId: visitor, name: null },
      channelMessageId: `floor-${++n}-${randomUUID()}`,
      sentAt: new Date(),
      kind: 'text',
      text,
    });
  await say('Hi');
  return (await say('1')).conversation.id;
}

/** Each agent's active + offered conversations now. */
export async function loads(sql: Sql, agentIds: string[]): Promise<Map<string, number>> {
  const rows = await sql`
    SELECT u.id,
      (SELECT count(*) FROM conversations a WHERE a.assignee_id = u.id AND a.status = 'active')::int
      + (SELECT count(*) FROM conversations o WHERE o.offered_to = u.id)::int AS load
    FROM users u WHERE u.id = ANY(${agentIds}::uuid[])`;
  return new Map(rows.map((r) => [r.id as string, r.load as number]));
}

/**
 * The most conversations each agent held at once, from the audit: an offer holds a place from
 * offered_at to its end, and an accepted one until the conversation closed (or now).
 */
export async function peakFromAudit(sql: Sql, agentIds: string[]): Promise<Map<string, number>> {
  const rows = await sql`
    SELECT o.user_id, (extract(epoch FROM o.offered_at) * 1e6)::bigint AS start,
      (extract(epoch FROM CASE WHEN o.outcome = 'accepted' THEN c.closed_at ELSE o.ended_at END) * 1e6)::bigint AS finish
    FROM conversation_offers o JOIN conversations c ON c.id = o.conversation_id
    WHERE o.user_id = ANY(${agentIds}::uuid[])`;
  const peak = new Map<string, number>();
  const byAgent = new Map<string, { at: number; delta: number }[]>();
  for (const r of rows) {
    const list = byAgent.get(r.user_id as string) ?? [];
    // Microseconds, as PostgreSQL keeps them (a Date would round two instants into one).
    list.push({ at: Number(r.start), delta: 1 });
    list.push({ at: r.finish === null ? Number.MAX_SAFE_INTEGER : Number(r.finish), delta: -1 });
    byAgent.set(r.user_id as string, list);
  }
  for (const [agent, list] of byAgent) {
    // Ends before starts at the same instant: a place freed and taken at once is not two.
    list.sort((a, b) => a.at - b.at || a.delta - b.delta);
    let now = 0;
    let max = 0;
    for (const e of list) {
      now += e.delta;
      max = Math.max(max, now);
    }
    peak.set(agent, max);
  }
  return peak;
}

export interface SignedInTeam {
  teamId: string;
  channel: Channel;
  agents: { id: string; email: string; client: TestClient }[];
}

/**
 * A team in automatic routing (`autoTeam`) with the admin's `settings` applied through
 * admin.teams.update, its agents signed in (English) and online & connected, and its channel.
 */
export async function signedInTeam(
  app: TestApp,
  orgId: string,
  name: string,
  agents: number,
  settings: Record<string, unknown> = {},
): Promise<SignedInTeam> {
  const team = await autoTeam(app.db.sql, orgId, name, agents);
  if (Object.keys(settings).length > 0) {
    const admin = await app.login('admin@demo.test');
    await admin.admin.teams.update.mutate({ teamId: team.teamId, ...settings });
  }
  const signedIn = [];
  for (const a of team.agents) signedIn.push({ ...a, client: await app.login(a.email, undefined, { 'accept-language': 'en' }) });
  // Signing in does not change who is connected here (the team's agents are, by the setup).
  await app.db.sql`UPDATE users SET status = 'online', connected = true WHERE id = ANY(${team.agents.map((a) => a.id)}::uuid[])`;
  return { teamId: team.teamId, channel: await channelFor(app.db.sql, orgId, team.teamId), agents: signedIn };
}
