import { audit } from '../../db/queries/audit.ts';
import { consumeOneTimeToken, findOneTimeToken, insertOneTimeToken, type TokenKind } from '../../db/queries/one-time-tokens.ts';
import { getOrganization } from '../../db/queries/organizations.ts';
import { findLoginCandidates, getUser, setPasswordHash, type User } from '../../db/queries/users.ts';
import { runTx, type Db } from '../../db/sql.ts';
import { isLanguage, translate } from '../../i18n/index.ts';
import { checkPasswordPolicy, hashPassword } from '../auth/password.ts';
import { createSession, endAllSessions } from '../auth/session.ts';
import { hashSecret, randomSecret } from '../auth/tokens.ts';
import type { Fail } from '../errors.ts';
import type { Services } from '../services/index.ts';
import { unlock } from '../../db/queries/lockout.ts';
import { emailKey } from './login.ts';
import { beginSecondStep, type PendingSecondStep } from './twofactor/begin.ts';

/** Creates a single-use link for the user and mails it, inside the caller's transaction. */
export async function sendLink(s: Services, db: Db, user: User, kind: TokenKind): Promise<void> {
  const secret = randomSecret();
  await insertOneTimeToken(db, {
    orgId: user.orgId,
    kind,
    userId: user.id,
    secretHash: hashSecret(secret),
    ttlMinutes: s.env.LINK_TTL_MINUTES,
  });
  const org = (await getOrganization(db, user.orgId))!;
  const lang = isLanguage(user.language) ? user.language : 'pt-BR';
  const link = `${s.env.APP_ORIGIN}/set-password?token=${encodeURIComponent(secret)}`;
  const params = { name: user.name, org: org.name, email: user.email, link, minutes: s.env.LINK_TTL_MINUTES };
  await s.mailer.enqueue(db, {
    orgId: user.orgId,
    to: user.email,
    subject: translate(lang, kind === 'invite' ? 'mail.invite.subject' : 'mail.reset.subject', params),
    text: translate(lang, kind === 'invite' ? 'mail.invite.body' : 'mail.reset.body', params),
    kind,
  });
}

/** Same answer, same work in the caller's path, whether or not the address exists. */
export function requestReset(s: Services, email: string, ip: string): void {
  setImmediate(() => {
    void (async () => {
      for (const { user } of await findLoginCandidates(s.sql, emailKey(email))) {
        if (!user.hasPassword) continue; // an invited user who never accepted gets a new invitation from an admin
        await runTx(s.sql, async (tx) => {
          await sendLink(s, tx, user, 'reset');
          await audit(tx, { orgId: user.orgId, action: 'password_reset_requested', subjectUserId: user.id, email: user.email, ip });
        });
      }
    })().catch((err) => s.log.error({ err }, 'password reset request failed'));
  });
}

export type LinkStatus = { status: 'valid'; kind: TokenKind; email: string; name: string } | { status: 'expired' | 'used' | 'invalid' };

export async function checkLink(s: Services, token: string): Promise<LinkStatus> {
  const found = await findOneTimeToken(s.sql, hashSecret(token));
  if (!found) return { status: 'invalid' };
  if (found.usedAt) return { status: 'used' };
  if (found.expiresAt.getTime() <= Date.now()) return { status: 'expired' };
  const user = await getUser(s.sql, found.orgId, found.userId);
  if (!user || user.deactivatedAt) return { status: 'invalid' };
  return { status: 'valid', kind: found.kind, email: user.email, name: user.name };
}

/**
 * Uses a link: sets the password, ends every other session, and signs the person in.
 * The conditional UPDATE on the token makes a link work exactly once, even when clicked twice.
 */
export async function usePasswordLink(
  s: Services,
  fail: Fail,
  input: { token: string; password: string; expectKind: TokenKind; ip: string; userAgent?: string | undefined },
): Promise<{ user: User; token: string; sessionId: string } | PendingSecondStep> {
  const problem = checkPasswordPolicy(input.password);
  if (problem) throw fail('BAD_REQUEST', problem.key, problem.params);
  const before = await checkLink(s, input.token);
  if (before.status !== 'valid' || before.kind !== input.expectKind) {
    const reason = before.status === 'expired' ? 'auth.linkExpired' : before.status === 'used' ? 'auth.linkUsed' : 'auth.linkInvalid';
    throw fail('BAD_REQUEST', reason);
  }
  const passwordHash = await hashPassword(input.password);
  return runTx(s.sql, async (tx) => {
    const token = await consumeOneTimeToken(tx, hashSecret(input.token));
    if (!token) throw fail('BAD_REQUEST', 'auth.linkUsed');
    await setPasswordHash(tx, token.orgId, token.userId, passwordHash);
    await endAllSessions(tx, s.bus, token.orgId, token.userId);
    const user = (await getUser(tx, token.orgId, token.userId))!;
    // Proving control of the mailbox also lifts a lockout, for this user (this organization) only.
    await unlock(tx, { emailKey: emailKey(user.email), orgId: user.orgId, userId: user.id });
    // The link proves the mailbox, not the second factor: a user with one (or required to have
    // one) still takes the second step before having a session.
    const pending = await beginSecondStep(tx, user, { emailKey: emailKey(user.email), ip: input.ip, userAgent: input.userAgent });
    await audit(tx, {
      orgId: user.orgId,
      action: token.kind === 'invite' ? 'invitation_accepted' : 'password_reset',
      subjectUserId: user.id,
      actorUserId: user.id,
      email: user.email,
      ip: input.ip,
    });
    if (pending) return pending;
    const session = await createSession(tx, { orgId: user.orgId, userId: user.id, ip: input.ip, userAgent: input.userAgent });
    return { user, ...session };
  });
}

/** From the expired-link page: a fresh link for whoever the old one was for (same answer always). */
export async function requestNewLink(s: Services, token: string, ip: string): Promise<void> {
  const found = await findOneTimeToken(s.sql, hashSecret(token));
  if (!found) return;
  const user = await getUser(s.sql, found.orgId, found.userId);
  if (!user || user.deactivatedAt) return;
  // An invitation nobody accepted yet is re-sent; otherwise it becomes a password reset.
  const kind: TokenKind = found.kind === 'invite' && !user.hasPassword ? 'invite' : 'reset';
  await runTx(s.sql, async (tx) => {
    await sendLink(s, tx, user, kind);
    await audit(tx, {
      orgId: user.orgId,
      action: kind === 'invite' ? 'invitation_sent' : 'password_reset_requested',
      subjectUserId: user.id,
      email: user.email,
      ip,
    });
  });
}
