import { audit } from '../../db/queries/audit.ts';
import { markEnvChannel } from '../../db/queries/channels.ts';
import { insertChannel } from '../../db/queries/config.ts';
import { consumeSetupToken, insertSetupToken, lockSetupTokens } from '../../db/queries/one-time-tokens.ts';
import { countOrganizations, insertOrganization } from '../../db/queries/organizations.ts';
import { insertTeam, setUserTeams } from '../../db/queries/teams.ts';
import { insertUser, type User } from '../../db/queries/users.ts';
import { runTx, type Tx } from '../../db/sql.ts';
import type { Language } from '../../i18n/index.ts';
import { checkPasswordPolicy, hashPassword } from '../auth/password.ts';
import { createSession } from '../auth/session.ts';
import { hashSecret, randomSecret } from '../auth/tokens.ts';
import { isValidTimeZone } from '../domain/work-hours.ts';
import type { Fail } from '../errors.ts';
import type { Services } from '../services/index.ts';

/** On an empty database without the demo: a one-time link that creates the first organization. */
export async function issueSetupLink(s: Services): Promise<string | null> {
  if ((await countOrganizations(s.sql)) > 0) return null;
  const secret = randomSecret();
  await insertSetupToken(s.sql, hashSecret(secret));
  return `${s.env.APP_ORIGIN}/setup?token=${encodeURIComponent(secret)}`;
}

/**
 * When the environment configures a WhatsApp number (its app secret or access token is set),
 * the first organization gets the one channel those credentials serve. It is the only way
 * besides the demo seed to make that channel: one an admin creates never uses them.
 */
async function createEnvChannel(s: Services, tx: Tx, orgId: string): Promise<void> {
  if (!s.env.WHATSAPP_APP_SECRET && !s.env.WHATSAPP_ACCESS_TOKEN) return;
  const channel = await insertChannel(tx, orgId, { kind: 'whatsapp', name: 'WhatsApp', phoneNumberId: s.env.WHATSAPP_PHONE_NUMBER_ID });
  await markEnvChannel(tx, orgId, channel.id);
}

export async function setupFirstOrganization(
  s: Services,
  fail: Fail,
  input: {
    token: string;
    organizationName: string;
    timeZone: string;
    name: string;
    email: string;
    password: string;
    language: Language;
    ip: string;
  },
): Promise<{ user: User; token: string; sessionId: string }> {
  const problem = checkPasswordPolicy(input.password);
  if (problem) throw fail('BAD_REQUEST', problem.key, problem.params);
  if (!isValidTimeZone(input.timeZone)) throw fail('BAD_REQUEST', 'user.unknownTimeZone', { zone: input.timeZone });
  const passwordHash = await hashPassword(input.password);
  return runTx(s.sql, async (tx) => {
    // Serialize concurrent setups: exactly one creates the organization.
    await lockSetupTokens(tx);
    if ((await countOrganizations(tx)) > 0) throw fail('CONFLICT', 'auth.setupDone');
    if (!(await consumeSetupToken(tx, hashSecret(input.token)))) throw fail('BAD_REQUEST', 'auth.linkInvalid');
    const org = await insertOrganization(tx, { name: input.organizationName, timeZone: input.timeZone });
    const user = await insertUser(tx, {
      orgId: org.id,
      email: input.email,
      name: input.name,
      role: 'admin',
      language: input.language,
      passwordHash,
    });
    const team = await insertTeam(tx, org.id, { name: input.language === 'en' ? 'Support' : 'Suporte' });
    await setUserTeams(tx, org.id, user.id, [team.id]);
    await createEnvChannel(s, tx, org.id);
    await audit(tx, { orgId: org.id, action: 'organization_created', actorUserId: user.id, email: user.email, ip: input.ip });
    const session = await createSession(tx, { orgId: org.id, userId: user.id, ip: input.ip });
    return { user, ...session };
  });
}
