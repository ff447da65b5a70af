import { insertOrganization } from '../../db/queries/organizations.ts';
import { insertTeam, setUserTeams } from '../../db/queries/teams.ts';
import { insertUser } from '../../db/queries/users.ts';
import type { Sql } from '../../db/sql.ts';
import { hashPassword } from '../../server/auth/password.ts';

let cachedHash: Promise<string> | undefined;

/** A second organization with an admin and an agent, to prove isolation. */
export async function createOtherOrg(sql: Sql, tag = 'other') {
  cachedHash ??= hashPassword('other-org-password');
  const hash = await cachedHash;
  const org = await insertOrganization(sql, { name: `Org ${tag}`, timeZone: 'Europe/Lisbon' });
  const team = await insertTeam(sql, org.id, { name: 'Support' });
  const admin = await insertUser(sql, {
    orgId: org.id,
    email: `admin@${tag}.test`,
    name: `Admin ${tag}`,
    role: 'admin',
    language: 'en',
    passwordHash: hash,
  });
  const agent = await insertUser(sql, {
    orgId: org.id,
    email: `agent@${tag}.test`,
    name: `Agent ${tag}`,
    role: 'agent',
    language: 'en',
    passwordHash: hash,
  });
  await setUserTeams(sql, org.id, agent.id, [team.id]);
  return { org, team, admin, agent, password: 'other-org-password' };
}

export async function demoIds(sql: Sql) {
  const users = await sql`SELECT id, email, org_id FROM users ORDER BY email`;
  const teams = await sql`SELECT id, name FROM teams WHERE org_id = ${users[0]!.org_id}`;
  const byEmail = Object.fromEntries(users.map((u) => [u.email as string, u.id as string]));
  type DemoEmail = 'admin@demo.test' | 'ana@demo.test' | 'bruno@demo.test' | 'carla@demo.test';
  return {
    orgId: users.find((u) => u.email === 'ana@demo.test')!.org_id as string,
    users: byEmail as Record<DemoEmail, string> & Record<string, string>,
    teams: Object.fromEntries(teams.map((t) => [t.name as string, t.id as string])) as Record<'Support' | 'Sales', string> &
      Record<string, string>,
  };
}

export async function latestMail(sql: Sql, to: string) {
  const rows =
    await sql`SELECT subject, body_text, kind, created_at FROM mail_outbox WHERE lower(to_address) = lower(${to}) ORDER BY created_at DESC LIMIT 1`;
  const mail = rows[0];
  if (!mail) return null;
  const token = /token=([A-Za-z0-9_%-]+)/.exec(mail.body_text as string)?.[1];
  return {
    subject: mail.subject as string,
    text: mail.body_text as string,
    kind: mail.kind as string,
    token: token ? decodeURIComponent(token) : null,
  };
}

export async function waitFor<T>(fn: () => Promise<T | null | undefined | false>, what = 'condition', timeoutMs = 10_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
