import { audit } from '../../db/queries/audit.ts';
import { unlock } from '../../db/queries/lockout.ts';
import { countExistingTeams, setUserTeams } from '../../db/queries/teams.ts';
import {
  countActiveAdmins,
  deactivateUser,
  getUser,
  insertUser,
  updateUser,
  type Role,
  type User,
  type UserPatch,
} from '../../db/queries/users.ts';
import { isUniqueViolation, runTx, type Tx } from '../../db/sql.ts';
import { endAllSessions } from '../auth/session.ts';
import { isValidTimeZone } from '../domain/work-hours.ts';
import type { Fail } from '../errors.ts';
import type { Services } from '../services/index.ts';
import { sendLink } from './links.ts';
import { emailKey } from './login.ts';

export interface Actor {
  orgId: string;
  userId: string;
  ip: string;
}

async function checkTeams(tx: Tx, fail: Fail, orgId: string, teamIds: string[] | undefined): Promise<void> {
  if (!teamIds) return;
  const unique = [...new Set(teamIds)];
  if ((await countExistingTeams(tx, orgId, unique)) !== unique.length) throw fail('BAD_REQUEST', 'user.unknownTeam');
}

export async function inviteUser(
  s: Services,
  fail: Fail,
  actor: Actor,
  input: { email: string; name: string; role: Role; teamIds: string[]; language: string } & UserPatch,
): Promise<User> {
  if (input.timeZone && !isValidTimeZone(input.timeZone)) throw fail('BAD_REQUEST', 'user.unknownTimeZone', { zone: input.timeZone });
  try {
    return await runTx(s.sql, async (tx) => {
      await checkTeams(tx, fail, actor.orgId, input.teamIds);
      const created = await insertUser(tx, {
        orgId: actor.orgId,
        email: input.email,
        name: input.name,
        role: input.role,
        language: input.language,
      });
      const { email: _e, name: _n, role: _r, teamIds: _t, ...rest } = input;
      const user = (await updateUser(tx, actor.orgId, created.id, rest))!;
      await setUserTeams(tx, actor.orgId, user.id, input.teamIds);
      await sendLink(s, tx, user, 'invite');
      await audit(tx, {
        orgId: actor.orgId,
        action: 'invitation_sent',
        actorUserId: actor.userId,
        subjectUserId: user.id,
        email: user.email,
        ip: actor.ip,
      });
      await s.bus.publish(tx, actor.orgId, 'user.created', { userId: user.id });
      return user;
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw fail('CONFLICT', 'user.emailTaken');
    throw err;
  }
}

export async function updateUserByAdmin(
  s: Services,
  fail: Fail,
  actor: Actor,
  userId: string,
  input: UserPatch & { teamIds?: string[] | undefined },
): Promise<User> {
  if (input.timeZone && !isValidTimeZone(input.timeZone)) throw fail('BAD_REQUEST', 'user.unknownTimeZone', { zone: input.timeZone });
  try {
    return await runTx(s.sql, async (tx) => {
      const before = await getUser(tx, actor.orgId, userId);
      if (!before) throw fail('NOT_FOUND', 'error.notFound');
      if (
        before.role === 'admin' &&
        input.role !== undefined &&
        input.role !== 'admin' &&
        (await countActiveAdmins(tx, actor.orgId, userId)) === 0
      ) {
        throw fail('BAD_REQUEST', 'user.lastAdmin');
      }
      await checkTeams(tx, fail, actor.orgId, input.teamIds);
      const { teamIds, ...patch } = input;
      const user = (await updateUser(tx, actor.orgId, userId, patch))!;
      if (teamIds) await setUserTeams(tx, actor.orgId, userId, teamIds);
      await audit(tx, {
        orgId: actor.orgId,
        action: 'user_updated',
        actorUserId: actor.userId,
        subjectUserId: userId,
        ip: actor.ip,
        details: { fields: Object.keys(input) },
      });
      await s.bus.publish(tx, actor.orgId, 'user.updated', { userId });
      return user;
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw fail('CONFLICT', 'user.emailTaken');
    throw err;
  }
}

export async function deactivate(s: Services, fail: Fail, actor: Actor, userId: string): Promise<void> {
  if (userId === actor.userId) throw fail('BAD_REQUEST', 'user.cannotDeactivateSelf');
  await runTx(s.sql, async (tx) => {
    const user = await getUser(tx, actor.orgId, userId);
    if (!user) throw fail('NOT_FOUND', 'error.notFound');
    if (user.role === 'admin' && (await countActiveAdmins(tx, actor.orgId, userId)) === 0) throw fail('BAD_REQUEST', 'user.lastAdmin');
    await deactivateUser(tx, actor.orgId, userId);
    await endAllSessions(tx, s.bus, actor.orgId, userId);
    await audit(tx, { orgId: actor.orgId, action: 'user_deactivated', actorUserId: actor.userId, subjectUserId: userId, ip: actor.ip });
    await s.bus.publish(tx, actor.orgId, 'user.deactivated', { userId });
    await s.bus.publish(tx, actor.orgId, 'user.status', { userId, status: 'offline' });
  });
}

export async function unlockUser(s: Services, fail: Fail, actor: Actor, userId: string): Promise<{ wasLocked: boolean }> {
  return runTx(s.sql, async (tx) => {
    const user = await getUser(tx, actor.orgId, userId);
    if (!user) throw fail('NOT_FOUND', 'error.notFound');
    // Only this organization's user: the same address elsewhere is another admin's to unlock.
    const wasLocked = await unlock(tx, { emailKey: emailKey(user.email), orgId: actor.orgId, userId });
    await audit(tx, {
      orgId: actor.orgId,
      action: 'unlock',
      actorUserId: actor.userId,
      subjectUserId: userId,
      email: user.email,
      ip: actor.ip,
    });
    await s.bus.publish(tx, actor.orgId, 'user.updated', { userId });
    return { wasLocked };
  });
}

export async function resendInvite(s: Services, fail: Fail, actor: Actor, userId: string): Promise<void> {
  await runTx(s.sql, async (tx) => {
    const user = await getUser(tx, actor.orgId, userId);
    if (!user || user.deactivatedAt) throw fail('NOT_FOUND', 'error.notFound');
    await sendLink(s, tx, user, user.hasPassword ? 'reset' : 'invite');
    await audit(tx, {
      orgId: actor.orgId,
      action: 'invitation_sent',
      actorUserId: actor.userId,
      subjectUserId: userId,
      email: user.email,
      ip: actor.ip,
    });
  });
}
