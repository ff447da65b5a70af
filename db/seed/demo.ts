import { countOrganizations, insertOrganization } from '../queries/organizations.ts';
import { insertTeam, setUserTeams } from '../queries/teams.ts';
import { insertUser, updateUser } from '../queries/users.ts';
import type { Sql } from '../sql.ts';
import { runTx } from '../sql.ts';

export const DEMO_PASSWORD = 'atende-demo';
export const DEMO_LOGINS = [
  { email: 'admin@demo.test', name: 'Admin Demo', role: 'admin' as const, teams: ['Support', 'Sales'], codename: null },
  { email: 'ana@demo.test', name: 'Ana Souza', role: 'agent' as const, teams: ['Support'], codename: 'Ana' },
  { email: 'bruno@demo.test', name: 'Bruno Lima', role: 'agent' as const, teams: ['Support'], codename: 'Bruno' },
  { email: 'carla@demo.test', name: 'Carla Dias', role: 'agent' as const, teams: ['Sales', 'Support'], codename: 'Carla' },
];

export interface DemoSeedOptions {
  /** The Cloud API number id of the demo WhatsApp channel (WHATSAPP_PHONE_NUMBER_ID). */
  whatsappPhoneNumberId: string;
}

export interface DemoSeedContext {
  orgId: string;
  teams: Record<string, string>;
  users: Record<string, string>;
  options: DemoSeedOptions;
}

/** Parts that come later add their demo data (channels, templates, …) through this hook. */
export type DemoSeedPart = (tx: Parameters<Parameters<typeof runTx>[1]>[0], ctx: DemoSeedContext) => Promise<void>;
const parts: DemoSeedPart[] = [];
export function registerDemoSeed(part: DemoSeedPart): void {
  parts.push(part);
}

/** Seeds the demo organization of SPEC §9 when the database has no organization yet. */
export async function seedDemo(sql: Sql, passwordHash: string, options: DemoSeedOptions): Promise<DemoSeedContext | null> {
  return runTx(sql, async (tx) => {
    await tx`SELECT pg_advisory_xact_lock(hashtext('atende_seed'))`;
    if ((await countOrganizations(tx)) > 0) return null;
    const org = await insertOrganization(tx, { name: 'Demo', timeZone: 'America/Sao_Paulo' });
    const teams: Record<string, string> = {};
    for (const name of ['Support', 'Sales']) teams[name] = (await insertTeam(tx, org.id, { name })).id;
    const users: Record<string, string> = {};
    for (const login of DEMO_LOGINS) {
      const user = await insertUser(tx, { orgId: org.id, email: login.email, name: login.name, role: login.role, language: 'pt-BR', passwordHash });
      if (login.codename) await updateUser(tx, org.id, user.id, { codename: login.codename });
      await setUserTeams(tx, org.id, user.id, login.teams.map((t) => teams[t]!));
      users[login.email] = user.id;
    }
    const ctx = { orgId: org.id, teams, users, options };
    for (const part of parts) await part(tx, ctx);
    return ctx;
  }, 60_000);
}
