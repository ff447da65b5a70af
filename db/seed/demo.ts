import { countOrganizations, insertOrganization, updateOrganization } from '../queries/organizations.ts';
import { insertTeam, setUserTeams } from '../queries/teams.ts';
import { insertUser, updateUser } from '../queries/users.ts';
import type { Sql } from '../sql.ts';
import { runTx } from '../sql.ts';
import { seedDemoConfiguration } from './demo-conversations.ts';
import { seedSampleConversations } from './demo-sample-conversations.ts';
import { DEMO_TEXT, type DemoLanguage, type DemoTeamKey, type DemoText } from './demo-text.ts';

export const DEMO_PASSWORD = 'atende-demo';
/** `teams` are the demo's team keys (their names depend on the language, demo-text.ts). */
export const DEMO_LOGINS: { email: string; name: string; role: 'admin' | 'agent'; teams: DemoTeamKey[]; codename: string | null }[] = [
  { email: 'admin@demo.test', name: 'Admin Demo', role: 'admin', teams: ['Support', 'Sales'], codename: null },
  { email: 'ana@demo.test', name: 'Ana Souza', role: 'agent', teams: ['Support'], codename: 'Ana' },
  { email: 'bruno@demo.test', name: 'Bruno Lima', role: 'agent', teams: ['Support'], codename: 'Bruno' },
  { email: 'carla@demo.test', name: 'Carla Dias', role: 'agent', teams: ['Sales', 'Support'], codename: 'Carla' },
];

export interface DemoSeedOptions {
  /** The Cloud API number id of the demo WhatsApp channel (WHATSAPP_PHONE_NUMBER_ID). */
  whatsappPhoneNumberId: string;
  /** The language of the demo's data and people (ATENDE_DEMO_LANGUAGE); pt-BR when not given. */
  language?: DemoLanguage;
  /**
   * Also a few sample conversations (waiting, in service, outside the WhatsApp window, closed):
   * `npm start`'s demo has them, the test suite's template database does not.
   */
  sampleConversations?: boolean;
}

export interface DemoSeedContext {
  orgId: string;
  /** Team ids by key (`Support`, `Sales`), whatever their names in the demo's language. */
  teams: Record<DemoTeamKey, string>;
  users: Record<string, string>;
  options: DemoSeedOptions;
  language: DemoLanguage;
  /** The demo's words in its language. */
  text: DemoText;
}

/**
 * The demo organization, when this database has it (its admin's login): printed at every
 * start, not only the first, with the web chat channel whose widget plays the customer.
 */
export async function findDemo(sql: Sql): Promise<{ orgId: string; webchatChannelId: string | null } | null> {
  const [admin] = await sql<
    { org_id: string }[]
  >`SELECT org_id FROM users WHERE email = ${DEMO_LOGINS[0]!.email} AND deactivated_at IS NULL LIMIT 1`;
  if (!admin) return null;
  const [channel] = await sql<{ id: string }[]>`SELECT id FROM channels WHERE org_id = ${admin.org_id} AND kind = 'webchat' AND active
    ORDER BY created_at, id LIMIT 1`;
  return { orgId: admin.org_id, webchatChannelId: channel?.id ?? null };
}

/** Seeds the demo organization of SPEC §9 when the database has no organization yet. */
export async function seedDemo(sql: Sql, passwordHash: string, options: DemoSeedOptions): Promise<DemoSeedContext | null> {
  return runTx(
    sql,
    async (tx) => {
      await tx`SELECT pg_advisory_xact_lock(hashtext('atende_seed'))`;
      if ((await countOrganizations(tx)) > 0) return null;
      const language = options.language ?? 'pt-BR';
      const text = DEMO_TEXT[language];
      const org = await insertOrganization(tx, { name: 'Demo', timeZone: 'America/Sao_Paulo' });
      // Customers are written to in the demo's language too (the bot's own texts are the channel's).
      await updateOrganization(tx, org.id, { customerLanguage: language });
      const teams = {} as Record<DemoTeamKey, string>;
      for (const key of ['Support', 'Sales'] as const) teams[key] = (await insertTeam(tx, org.id, { name: text.teams[key] })).id;
      const users: Record<string, string> = {};
      for (const login of DEMO_LOGINS) {
        const user = await insertUser(tx, {
          orgId: org.id,
          email: login.email,
          name: login.name,
          role: login.role,
          language,
          passwordHash,
        });
        if (login.codename) await updateUser(tx, org.id, user.id, { codename: login.codename });
        await setUserTeams(
          tx,
          org.id,
          user.id,
          login.teams.map((t) => teams[t]),
        );
        users[login.email] = user.id;
      }
      const ctx: DemoSeedContext = { orgId: org.id, teams, users, options, language, text };
      // In this order: the sample conversations use the channels and dispositions of the configuration.
      await seedDemoConfiguration(tx, ctx);
      if (options.sampleConversations) await seedSampleConversations(tx, ctx);
      return ctx;
    },
    60_000,
  );
}
