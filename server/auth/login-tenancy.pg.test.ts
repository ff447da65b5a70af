import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { pruneLoginFailures } from '../../db/queries/lockout.ts';
import { insertUser } from '../../db/queries/users.ts';
import { translate } from '../../i18n/index.ts';
import { refusal, startTestApp, type TestApp, type TestClient } from '../../test/helpers/app.ts';
import { createOtherOrg, waitFor } from '../../test/helpers/orgs.ts';
import { hashPassword } from './password.ts';
import { localClock } from '../domain/work-hours.ts';

// One e-mail address with a user in each of two organizations, each with its own password.
let app: TestApp;
let orgA: Awaited<ReturnType<typeof createOtherOrg>>;
let orgB: Awaited<ReturnType<typeof createOtherOrg>>;
let adminA: TestClient;
let adminB: TestClient;
const EN = { 'accept-language': 'en' };
const LOCKED = translate('en', 'auth.locked');
const WRONG = translate('en', 'auth.invalidCredentials');
const PASSWORD_A = 'password of the user in A';
const PASSWORD_B = 'password of the user in B';

beforeAll(async () => {
  app = await startTestApp();
  orgA = await createOtherOrg(app.db.sql, 'a');
  orgB = await createOtherOrg(app.db.sql, 'b');
  adminA = await app.login('admin@a.test', orgA.password);
  adminB = await app.login('admin@b.test', orgB.password);
});
afterAll(() => app?.stop());

async function sharedAddress(email: string) {
  const [hashA, hashB] = await Promise.all([hashPassword(PASSWORD_A), hashPassword(PASSWORD_B)]);
  const a = await insertUser(app.db.sql, {
    orgId: orgA.org.id,
    email,
    name: 'Sam in A',
    role: 'agent',
    language: 'en',
    passwordHash: hashA,
  });
  const b = await insertUser(app.db.sql, {
    orgId: orgB.org.id,
    email,
    name: 'Sam in B',
    role: 'agent',
    language: 'en',
    passwordHash: hashB,
  });
  return { a, b };
}

const attempt = (email: string, password: string) => app.client(EN).auth.login.mutate({ email, password });
const answer = async (email: string, password: string) => {
  const e = await refusal(attempt(email, password));
  return [e.status, e.code, e.message];
};

async function auditOf(orgId: string, email: string) {
  const rows = await app.db.sql`SELECT action, subject_user_id, ip FROM audit_log WHERE org_id = ${orgId} AND email = ${email} ORDER BY id`;
  return rows.map((r) => ({ action: r.action as string, subjectUserId: r.subject_user_id as string | null, ip: r.ip as string | null }));
}

async function lockShownTo(admin: TestClient, userId: string): Promise<string | null> {
  const users: { id: string; lockedUntil: string | null }[] = await admin.admin.users.list.query();
  return users.find((u) => u.id === userId)!.lockedUntil;
}

async function lockByWrongPasswords(email: string) {
  for (let i = 0; i < 4; i++) expect(await answer(email, `wrong-${i}-pass`)).toEqual([401, 'UNAUTHORIZED', WRONG]);
  expect(await answer(email, 'wrong-5-pass')).toEqual([429, 'TOO_MANY_REQUESTS', LOCKED]);
}

describe('one address in two organizations', () => {
  it("an admin's unlock frees their own user; the same address's user in the other organization stays locked", async () => {
    const sam = await sharedAddress('sam@shared.test');
    await lockByWrongPasswords('sam@shared.test');
    expect(await answer('sam@shared.test', PASSWORD_A)).toEqual([429, 'TOO_MANY_REQUESTS', LOCKED]);
    expect(await answer('sam@shared.test', PASSWORD_B)).toEqual([429, 'TOO_MANY_REQUESTS', LOCKED]);
    expect(await lockShownTo(adminA, sam.a.id)).not.toBeNull();
    expect(await lockShownTo(adminB, sam.b.id)).not.toBeNull();

    expect(await adminA.admin.users.unlock.mutate({ userId: sam.a.id })).toEqual({ wasLocked: true });
    expect(await adminA.admin.users.unlock.mutate({ userId: sam.a.id })).toEqual({ wasLocked: false });
    expect(await lockShownTo(adminA, sam.a.id)).toBeNull();
    expect(await lockShownTo(adminB, sam.b.id)).not.toBeNull();
    const signedIn = await app.login('sam@shared.test', PASSWORD_A);
    expect((await signedIn.auth.me.query()).organization.id).toBe(orgA.org.id);
    // B's user, and anyone guessing, still meet the lock.
    expect(await answer('sam@shared.test', PASSWORD_B)).toEqual([429, 'TOO_MANY_REQUESTS', LOCKED]);
    expect(await answer('sam@shared.test', 'another-guess')).toEqual([429, 'TOO_MANY_REQUESTS', LOCKED]);
    // An admin cannot reach the other organization's user at all.
    expect((await refusal(adminA.admin.users.unlock.mutate({ userId: sam.b.id }))).code).toBe('NOT_FOUND');

    expect(await adminB.admin.users.unlock.mutate({ userId: sam.b.id })).toEqual({ wasLocked: true });
    await app.login('sam@shared.test', PASSWORD_B);
  });

  it('an unlock lifts only the lock it saw: a later lock of the address applies again', async () => {
    const lee = await sharedAddress('lee@shared.test');
    await lockByWrongPasswords('lee@shared.test');
    await adminA.admin.users.unlock.mutate({ userId: lee.a.id });
    await app.db.sql`UPDATE login_locks SET locked_until = now() - interval '1 second' WHERE email_key = 'lee@shared.test'`;
    await lockByWrongPasswords('lee@shared.test');
    expect(await answer('lee@shared.test', PASSWORD_A)).toEqual([429, 'TOO_MANY_REQUESTS', LOCKED]);
    expect(await lockShownTo(adminA, lee.a.id)).not.toBeNull();
  });

  it('an unlock gives as many tries as a fresh address, not unlimited guesses until the lock ends', async () => {
    const ada = await sharedAddress('ada@shared.test');
    await lockByWrongPasswords('ada@shared.test');
    await adminA.admin.users.unlock.mutate({ userId: ada.a.id });
    // B's right password is no guess at A's: it does not use up A's tries.
    for (let i = 0; i < 5; i++) expect(await answer('ada@shared.test', PASSWORD_B)).toEqual([429, 'TOO_MANY_REQUESTS', LOCKED]);
    for (let i = 0; i < 4; i++) expect(await answer('ada@shared.test', `guess-${i}-pass`)).toEqual([429, 'TOO_MANY_REQUESTS', LOCKED]);
    await app.login('ada@shared.test', PASSWORD_A);
    expect(await answer('ada@shared.test', 'guess-5-pass')).toEqual([429, 'TOO_MANY_REQUESTS', LOCKED]);
    // Five wrong guesses since the unlock: A meets the lock again, and its admin sees it.
    expect(await answer('ada@shared.test', PASSWORD_A)).toEqual([429, 'TOO_MANY_REQUESTS', LOCKED]);
    expect(await lockShownTo(adminA, ada.a.id)).not.toBeNull();
    expect(await adminA.admin.users.unlock.mutate({ userId: ada.a.id })).toEqual({ wasLocked: true });
    await app.login('ada@shared.test', PASSWORD_A);
  });

  it('a password reset lifts the lock for the reset user only', async () => {
    const max = await sharedAddress('max@shared.test');
    await lockByWrongPasswords('max@shared.test');
    await app.client().auth.requestReset.mutate({ email: 'max@shared.test' });
    // The same mailbox gets one link per organization; use A's.
    const body = await waitFor(async () => {
      const rows = await app.db
        .sql`SELECT body_text FROM mail_outbox WHERE org_id = ${orgA.org.id} AND to_address = 'max@shared.test' AND kind = 'reset'`;
      return rows[0]?.body_text as string | undefined;
    }, 'reset mail of A');
    const token = decodeURIComponent(/token=([A-Za-z0-9_%-]+)/.exec(body)![1]!);
    const max2 = app.client();
    await max2.auth.resetPassword.mutate({ token, password: 'a new password for A' });
    await app.login('max@shared.test', 'a new password for A');
    expect(await answer('max@shared.test', PASSWORD_B)).toEqual([429, 'TOO_MANY_REQUESTS', LOCKED]);
    expect(await lockShownTo(adminB, max.b.id)).not.toBeNull();
    // Housekeeping forgets an unlock once the lock it lifted is over.
    await app.db.sql`UPDATE login_locks SET locked_until = now() - interval '1 second' WHERE email_key = 'max@shared.test'`;
    await pruneLoginFailures(app.db.sql, 15);
    expect(await app.db.sql`SELECT 1 FROM login_unlocks WHERE email_key = 'max@shared.test'`).toHaveLength(0);
  });

  it("wrong passwords and the lockout they cause reach no organization's audit log, only the operator's log", async () => {
    await sharedAddress('kim@shared.test');
    const info = vi.spyOn(app.services.log, 'info');
    try {
      await lockByWrongPasswords('kim@shared.test');
      const events = info.mock.calls.map((c) => c[0] as unknown as Record<string, unknown>).filter((o) => o?.email === 'kim@shared.test');
      expect(events.map((o) => o.event)).toEqual(['login_failed', 'login_failed', 'login_failed', 'login_failed', 'lockout']);
      expect(events[0]).toMatchObject({ ip: expect.any(String) });
    } finally {
      info.mockRestore();
    }
    expect(await app.db.sql`SELECT org_id, action FROM audit_log WHERE email = 'kim@shared.test'`).toEqual([]);
  });

  it('an attempt is audited only to the organization whose user the password matched', async () => {
    const ray = await sharedAddress('ray@shared.test');
    await app.db.sql`UPDATE organizations SET allowed_networks = '{10.0.0.0/8}' WHERE id = ${orgA.org.id}`;
    try {
      await refusal(attempt('ray@shared.test', 'nobody-s-password'));
      // A's password from outside A's networks: A hears of it, B does not.
      await refusal(attempt('ray@shared.test', PASSWORD_A));
      // B's password: B's user signs in (B allows every network); A hears nothing.
      await app.login('ray@shared.test', PASSWORD_B);
    } finally {
      await app.db.sql`UPDATE organizations SET allowed_networks = '{}' WHERE id = ${orgA.org.id}`;
    }
    expect(await auditOf(orgA.org.id, 'ray@shared.test')).toEqual([
      { action: 'login_refused_network', subjectUserId: ray.a.id, ip: expect.any(String) },
    ]);
    expect((await auditOf(orgB.org.id, 'ray@shared.test')).map((e) => [e.action, e.subjectUserId])).toEqual([['login', ray.b.id]]);
  });
});

describe('refusals answer as a wrong password and count toward the lock', () => {
  it('outside the allowed networks: the answer of a wrong password, audited with its reason, and five lock the address', async () => {
    const ivo = await sharedAddress('ivo@shared.test');
    await app.db.sql`UPDATE organizations SET allowed_networks = '{10.0.0.0/8}' WHERE id = ${orgA.org.id}`;
    try {
      const wrong = await answer('ivo@shared.test', 'wrong-password');
      expect(wrong).toEqual([401, 'UNAUTHORIZED', WRONG]);
      for (let i = 0; i < 3; i++) expect(await answer('ivo@shared.test', PASSWORD_A)).toEqual(wrong);
      // The fifth failure of the address, a correct password among them, locks it.
      expect(await answer('ivo@shared.test', PASSWORD_A)).toEqual([429, 'TOO_MANY_REQUESTS', LOCKED]);
    } finally {
      await app.db.sql`UPDATE organizations SET allowed_networks = '{}' WHERE id = ${orgA.org.id}`;
    }
    expect(await answer('ivo@shared.test', PASSWORD_A)).toEqual([429, 'TOO_MANY_REQUESTS', LOCKED]);
    const actions = (await auditOf(orgA.org.id, 'ivo@shared.test')).map((e) => [e.action, e.subjectUserId]);
    expect(actions).toEqual([...Array(4).fill(['login_refused_network', ivo.a.id]), ['lockout', ivo.a.id]]);
    expect(await auditOf(orgB.org.id, 'ivo@shared.test')).toEqual([]);
  });

  it('outside work hours, when the organization refuses them: the same', async () => {
    const eva = await sharedAddress('eva@shared.test');
    // A schedule of one minute, twelve hours away from now.
    const zone = 'Europe/Lisbon';
    const { day, time } = localClock(new Date(Date.now() + 12 * 3600_000), zone);
    const hh = time.slice(0, 2);
    await adminA.admin.users.update.mutate({ userId: eva.a.id, timeZone: zone, workHours: { [day]: [[`${hh}:00`, `${hh}:01`]] } });
    await app.login('eva@shared.test', PASSWORD_A); // the policy "flag" only flags
    await adminA.admin.org.update.mutate({ workHoursPolicy: 'refuse_login' });
    try {
      const wrong = await answer('eva@shared.test', 'wrong-password');
      expect(wrong).toEqual([401, 'UNAUTHORIZED', WRONG]);
      for (let i = 0; i < 3; i++) expect(await answer('eva@shared.test', PASSWORD_A)).toEqual(wrong);
      expect(await answer('eva@shared.test', PASSWORD_A)).toEqual([429, 'TOO_MANY_REQUESTS', LOCKED]);
      const actions = (await auditOf(orgA.org.id, 'eva@shared.test')).map((e) => e.action);
      expect(actions.filter((a) => a === 'login_refused_hours')).toHaveLength(4);
      expect(actions).toContain('lockout');
      // Unlocked, the user is still refused outside hours — as a wrong password is while the
      // address is locked ("locked"), not counted.
      await adminA.admin.users.unlock.mutate({ userId: eva.a.id });
      expect(await answer('eva@shared.test', PASSWORD_A)).toEqual([429, 'TOO_MANY_REQUESTS', LOCKED]);
      expect(await answer('eva@shared.test', 'wrong-password')).toEqual([429, 'TOO_MANY_REQUESTS', LOCKED]);
    } finally {
      await adminA.admin.org.update.mutate({ workHoursPolicy: 'flag' });
    }
    await app.login('eva@shared.test', PASSWORD_A);
  });
});
