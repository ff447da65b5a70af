import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { translate } from '../../i18n/index.ts';
import { refusal, startTestApp, type TestApp } from '../../test/helpers/app.ts';
import { createOtherOrg, demoIds, latestMail, waitFor } from '../../test/helpers/orgs.ts';

let app: TestApp;
let ids: Awaited<ReturnType<typeof demoIds>>;
const EN = { 'accept-language': 'en' };
const LOCKED = translate('en', 'auth.locked');

beforeAll(async () => {
  app = await startTestApp();
  ids = await demoIds(app.db.sql);
});
afterAll(() => app?.stop());

describe('login and sessions', () => {
  it('signs in with the demo login and sets a hardened cookie with a fresh token each time', async () => {
    const res = await fetch(`${app.url}/trpc/auth.login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'ana@demo.test', password: 'atende-demo' }),
    });
    expect(res.status).toBe(200);
    const cookie = res.headers.getSetCookie()[0]!;
    expect(cookie).toMatch(/^atende_session=[a-z0-9]{24}\.[A-Za-z0-9_-]{43};/);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Lax');
    expect(cookie).toContain('Path=/');
    expect(cookie).not.toContain('Secure');
    const again = await app.login('ana@demo.test');
    expect(again.cookie).not.toBe(cookie.split(';')[0]);
    // Only a hash of the secret is stored.
    const secret = cookie.split(';')[0]!.split('.')[1]!;
    const rows = await app.db.sql`SELECT encode(secret_hash, 'hex') AS h FROM sessions`;
    expect(rows.every((r) => !String(r.h).includes(Buffer.from(secret).toString('hex')))).toBe(true);
    expect(rows.every((r) => String(r.h).length === 64)).toBe(true);
  });

  it('marks the cookie Secure behind HTTPS', async () => {
    const secureApp = await startTestApp({ APP_ORIGIN: 'https://atende.example' });
    try {
      const c = await secureApp.login('ana@demo.test');
      expect(c.cookie).toBeTruthy();
      const res = await fetch(`${secureApp.url}/trpc/auth.login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'bruno@demo.test', password: 'atende-demo' }),
      });
      expect(res.headers.getSetCookie()[0]).toContain('Secure');
    } finally {
      await secureApp.stop();
    }
  });

  it('answers auth.me with user, organization, teams and status; UNAUTHORIZED without a session', async () => {
    const carla = await app.login('carla@demo.test');
    const me = await carla.auth.me.query();
    expect(me.user).toMatchObject({ email: 'carla@demo.test', role: 'agent', name: 'Carla Dias' });
    expect(me.organization.name).toBe('Demo');
    expect(me.teams.map((t) => t.name).sort()).toEqual(['Sales', 'Support']);
    expect(me.status).toBe('online');
    const e = await refusal(app.client().auth.me.query());
    expect(e.code).toBe('UNAUTHORIZED');
  });

  it('gives the same answer for an unknown e-mail and a wrong password', async () => {
    const a = await refusal(app.client(EN).auth.login.mutate({ email: 'nobody@demo.test', password: 'whatever-1' }));
    const b = await refusal(app.client(EN).auth.login.mutate({ email: 'bruno@demo.test', password: 'whatever-1' }));
    expect([a.code, a.status, a.message]).toEqual([b.code, b.status, b.message]);
    expect(a.message).toBe(translate('en', 'auth.invalidCredentials'));
    await app.db.sql`DELETE FROM login_failures`;
  });

  it('ends a session after inactivity and after its absolute lifetime', async () => {
    const bruno = await app.login('bruno@demo.test');
    const id = bruno.token!.split('.')[0]!;
    await app.db.sql`UPDATE sessions SET last_verified_at = now() - interval '11 days' WHERE id = ${id}`;
    expect((await refusal(bruno.auth.me.query())).code).toBe('UNAUTHORIZED');
    const again = await app.login('bruno@demo.test');
    const id2 = again.token!.split('.')[0]!;
    await app.db.sql`UPDATE sessions SET created_at = now() - interval '31 days' WHERE id = ${id2}`;
    expect((await refusal(again.auth.me.query())).code).toBe('UNAUTHORIZED');
    expect(await app.db.sql`SELECT 1 FROM sessions WHERE id IN (${id}, ${id2})`).toHaveLength(0);
  });

  it('refuses a tampered token', async () => {
    const ana = await app.login('ana@demo.test');
    const [id, secret] = ana.token!.split('.') as [string, string];
    // Change the last two characters to ones they are not (a fixed "AA" left 1 in 1,024 secrets untouched).
    const other = (c: string) => (c === 'A' ? 'B' : 'A');
    ana.cookie = `atende_session=${id}.${secret.slice(0, -2)}${other(secret.at(-2)!)}${other(secret.at(-1)!)}`;
    expect((await refusal(ana.auth.me.query())).code).toBe('UNAUTHORIZED');
  });

  it('logout ends the session and marks the agent offline', async () => {
    const bruno = await app.login('bruno@demo.test');
    const oldCookie = bruno.cookie;
    await bruno.auth.logout.mutate();
    expect(bruno.cookie).toBeNull();
    bruno.cookie = oldCookie;
    expect((await refusal(bruno.auth.me.query())).code).toBe('UNAUTHORIZED');
    const [row] = await app.db.sql`SELECT status FROM users WHERE email = 'bruno@demo.test'`;
    expect(row!.status).toBe('offline');
    expect(await app.db.sql`SELECT 1 FROM audit_log WHERE action = 'logout'`).not.toHaveLength(0);
  });
});

describe('lockout', () => {
  it('blocks an account after five failures, even with the right password, until an admin unlocks it', async () => {
    const c = app.client(EN);
    for (let i = 0; i < 4; i++) {
      expect((await refusal(c.auth.login.mutate({ email: 'Carla@Demo.test', password: `wrong-${i}-pass` }))).code).toBe('UNAUTHORIZED');
    }
    const fifth = await refusal(c.auth.login.mutate({ email: 'carla@demo.test', password: 'wrong-5-pass' }));
    expect(fifth.message).toBe(LOCKED);
    const right = await refusal(c.auth.login.mutate({ email: 'carla@demo.test', password: 'atende-demo' }));
    expect(right.code).toBe('TOO_MANY_REQUESTS');
    expect(right.message).toBe(LOCKED);
    const admin = await app.login('admin@demo.test');
    const users = await admin.admin.users.list.query();
    expect(users.find((u) => u.email === 'carla@demo.test')!.lockedUntil).not.toBeNull();
    expect(await admin.admin.users.unlock.mutate({ userId: ids.users['carla@demo.test'] })).toEqual({ wasLocked: true });
    await app.login('carla@demo.test');
    // Failures matched nobody's password: they go to the operator's log, not to an organization's.
    const actions = (await app.db.sql`SELECT action FROM audit_log WHERE email = 'carla@demo.test'`).map((r) => r.action);
    expect(actions).toEqual(expect.arrayContaining(['unlock', 'login']));
    expect(actions).not.toContain('login_failed');
    expect(actions).not.toContain('lockout');
  });

  it('locks an unknown e-mail the same way, so the message reveals nothing', async () => {
    const c = app.client(EN);
    for (let i = 0; i < 4; i++) await refusal(c.auth.login.mutate({ email: 'ghost@demo.test', password: `wrong-${i}-pass` }));
    const fifth = await refusal(c.auth.login.mutate({ email: 'ghost@demo.test', password: 'wrong-5-pass' }));
    const sixth = await refusal(c.auth.login.mutate({ email: 'ghost@demo.test', password: 'wrong-6-pass' }));
    expect([fifth.code, fifth.message]).toEqual(['TOO_MANY_REQUESTS', LOCKED]);
    expect([sixth.code, sixth.message]).toEqual(['TOO_MANY_REQUESTS', LOCKED]);
  });

  it('checks at most the lockout number of passwords of a burst sent at once; the rest are refused unchecked', async () => {
    const c = app.client(EN);
    // Twelve guesses at once: checked first and counted after, every one of them was a guess.
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) => refusal(c.auth.login.mutate({ email: 'bruno@demo.test', password: `burst-${i}-pass` }))),
    );
    const checkedAndWrong = answers.filter((a) => a.code === 'UNAUTHORIZED').length;
    expect(checkedAndWrong).toBeLessThanOrEqual(5);
    expect(answers.filter((a) => a.code === 'TOO_MANY_REQUESTS' && a.message === LOCKED)).toHaveLength(12 - checkedAndWrong);
    expect((await refusal(c.auth.login.mutate({ email: 'bruno@demo.test', password: 'atende-demo' }))).message).toBe(LOCKED);
    await app.db.sql`DELETE FROM login_locks WHERE email_key = 'bruno@demo.test'`;
    await app.db.sql`DELETE FROM login_failures WHERE email_key = 'bruno@demo.test'`;
    await app.login('bruno@demo.test');
  });

  it('lifts the lock when its time is over', async () => {
    const c = app.client(EN);
    for (let i = 0; i < 5; i++) await refusal(c.auth.login.mutate({ email: 'ana@demo.test', password: `wrong-${i}-pass` }));
    expect((await refusal(c.auth.login.mutate({ email: 'ana@demo.test', password: 'atende-demo' }))).message).toBe(LOCKED);
    await app.db.sql`UPDATE login_locks SET locked_until = now() - interval '1 second' WHERE email_key = 'ana@demo.test'`;
    await app.login('ana@demo.test');
  });

  it('throttles one IP only past its generous limit', async () => {
    const limited = await startTestApp({ LOGIN_IP_PER_MINUTE: '12' });
    try {
      const c = limited.client(EN);
      // Twelve agents behind one address sign in fine.
      for (const email of ['ana', 'bruno', 'carla', 'admin', 'ana', 'bruno', 'carla', 'admin', 'ana', 'bruno', 'carla', 'admin']) {
        await c.auth.login.mutate({ email: `${email}@demo.test`, password: 'atende-demo' });
      }
      const e = await refusal(limited.client(EN).auth.login.mutate({ email: 'ana@demo.test', password: 'atende-demo' }));
      expect(e.code).toBe('TOO_MANY_REQUESTS');
      expect(e.message).toBe(translate('en', 'auth.ipThrottled'));
    } finally {
      await limited.stop();
    }
  });
});

describe('links: invitation and password reset', () => {
  it('invites an agent who sets a password once and is signed in', async () => {
    const admin = await app.login('admin@demo.test');
    const invited = await admin.admin.users.invite.mutate({ email: 'dora@demo.test', name: 'Dora', teamIds: [ids.teams.Support] });
    expect(invited.invitationPending).toBe(true);
    const mail = (await latestMail(app.db.sql, 'dora@demo.test'))!;
    expect(mail.kind).toBe('invite');
    expect(mail.token!.length).toBeGreaterThanOrEqual(43); // 256 bits
    expect(await app.client().auth.checkLink.query({ token: mail.token! })).toMatchObject({
      status: 'valid',
      kind: 'invite',
      email: 'dora@demo.test',
    });
    const short = await refusal(app.client(EN).auth.acceptInvite.mutate({ token: mail.token!, password: 'short' }));
    expect(short.message).toBe(translate('en', 'auth.passwordTooShort', { min: 8 }));
    const common = await refusal(app.client(EN).auth.acceptInvite.mutate({ token: mail.token!, password: 'password123' }));
    expect(common.message).toBe(translate('en', 'auth.passwordCommon'));
    const dora = app.client();
    await dora.auth.acceptInvite.mutate({
      token: mail.token!,
      password: 'a long enough passphrase, 64+ characters are fine too ok ok ok ok',
    });
    expect((await dora.auth.me.query()).user.email).toBe('dora@demo.test');
    const reuse = await refusal(app.client(EN).auth.acceptInvite.mutate({ token: mail.token!, password: 'another-passphrase' }));
    expect(reuse.message).toBe(translate('en', 'auth.linkUsed'));
    expect(await app.client().auth.checkLink.query({ token: mail.token! })).toEqual({ status: 'used' });
  });

  it('answers a reset request the same whether or not the e-mail exists, and mails only real accounts', async () => {
    const known = await app.client(EN).auth.requestReset.mutate({ email: 'bruno@demo.test' });
    const unknown = await app.client(EN).auth.requestReset.mutate({ email: 'nobody-here@demo.test' });
    expect(known).toEqual(unknown);
    await waitFor(() => latestMail(app.db.sql, 'bruno@demo.test'), 'reset mail');
    expect(await latestMail(app.db.sql, 'nobody-here@demo.test')).toBeNull();
  });

  it('resets a password once, ends every other session, and refuses an expired link', async () => {
    const other = await app.login('admin@demo.test');
    await app.client().auth.requestReset.mutate({ email: 'admin@demo.test' });
    const mail = await waitFor(async () => {
      const m = await latestMail(app.db.sql, 'admin@demo.test');
      return m?.kind === 'reset' ? m : null;
    }, 'reset mail');
    const fresh = app.client();
    await fresh.auth.resetPassword.mutate({ token: mail.token!, password: 'new admin passphrase' });
    expect((await refusal(other.auth.me.query())).code).toBe('UNAUTHORIZED');
    expect((await fresh.auth.me.query()).user.email).toBe('admin@demo.test');
    expect((await refusal(app.client(EN).auth.resetPassword.mutate({ token: mail.token!, password: 'yet another one' }))).message).toBe(
      translate('en', 'auth.linkUsed'),
    );

    await app.client().auth.requestReset.mutate({ email: 'ana@demo.test' });
    const anaMail = await waitFor(async () => {
      const m = await latestMail(app.db.sql, 'ana@demo.test');
      return m?.kind === 'reset' ? m : null;
    }, 'ana reset mail');
    await app.db.sql`UPDATE one_time_tokens SET expires_at = now() - interval '1 second' WHERE used_at IS NULL`;
    expect(await app.client().auth.checkLink.query({ token: anaMail.token! })).toEqual({ status: 'expired' });
    const expired = await refusal(app.client(EN).auth.resetPassword.mutate({ token: anaMail.token!, password: 'whatever passphrase' }));
    expect(expired.message).toBe(translate('en', 'auth.linkExpired'));
    // The expired-link page offers a new link.
    await app.client().auth.requestNewLink.mutate({ token: anaMail.token! });
    const next = (await latestMail(app.db.sql, 'ana@demo.test'))!;
    expect(next.token).not.toBe(anaMail.token);
    expect(await app.client().auth.checkLink.query({ token: next.token! })).toMatchObject({ status: 'valid', kind: 'reset' });
    await app.client().auth.resetPassword.mutate({ token: next.token!, password: 'atende-demo' });
  });

  it('a password change ends all sessions and issues a new one', async () => {
    const phone = await app.login('carla@demo.test');
    const laptop = await app.login('carla@demo.test');
    const e = await refusal(laptop.auth.changePassword.mutate({ currentPassword: 'nope-nope', newPassword: 'carla new passphrase' }));
    expect(e.code).toBe('BAD_REQUEST');
    await laptop.auth.changePassword.mutate({ currentPassword: 'atende-demo', newPassword: 'carla new passphrase' });
    expect((await refusal(phone.auth.me.query())).code).toBe('UNAUTHORIZED');
    expect((await laptop.auth.me.query()).user.email).toBe('carla@demo.test');
    await laptop.auth.changePassword.mutate({ currentPassword: 'carla new passphrase', newPassword: 'atende-demo' });
  });

  it('wrong current passwords in a session count toward the address’s lock: an open session is no way to guess the password', async () => {
    const other = await createOtherOrg(app.db.sql, 'guess');
    const borrowed = await app.login(other.agent.email, other.password);
    const guess = (currentPassword: string) =>
      refusal(borrowed.auth.changePassword.mutate({ currentPassword, newPassword: 'taken over now' }));
    // LOCKOUT_ATTEMPTS (5) wrong guesses: the first four say "wrong", the fifth locks the address.
    for (let i = 1; i <= 4; i++) expect((await guess(`guess number ${i}`)).code).toBe('BAD_REQUEST');
    expect((await guess('guess number 5')).code).toBe('TOO_MANY_REQUESTS');
    // Locked: the right password proves nothing now, in the session or at sign-in.
    const locked = await guess(other.password);
    expect([locked.code, locked.message]).toEqual(['TOO_MANY_REQUESTS', translate('en', 'auth.locked')]);
    const signIn = await refusal(app.client(EN).auth.login.mutate({ email: other.agent.email, password: other.password }));
    expect(signIn.code).toBe('TOO_MANY_REQUESTS');
    const audited = await app.db
      .sql`SELECT action FROM audit_log WHERE org_id = ${other.org.id} AND subject_user_id = ${other.agent.id} ORDER BY id`;
    expect(audited.map((r) => r.action)).toEqual(['login', ...Array<string>(5).fill('identity_check_failed'), 'lockout']);
    // The admin's unlock gives the user tries again: a right proof then works.
    const admin = await app.login(other.admin.email, other.password);
    await admin.admin.users.unlock.mutate({ userId: other.agent.id });
    await borrowed.auth.changePassword.mutate({ currentPassword: other.password, newPassword: 'a new passphrase' });
  });
});

describe('network allow-list, work hours and deactivation', () => {
  it('refuses a login from outside the allowed networks the same way as a wrong password, and audits it', async () => {
    const admin = await app.login('admin@demo.test', 'new admin passphrase');
    const bad = await refusal(admin.admin.org.update.mutate({ allowedNetworks: ['not-a-network'] }));
    expect(bad.code).toBe('BAD_REQUEST');
    await admin.admin.org.update.mutate({ allowedNetworks: ['10.0.0.0/8'] });
    const e = await refusal(app.client(EN).auth.login.mutate({ email: 'ana@demo.test', password: 'atende-demo' }));
    expect([e.status, e.code, e.message]).toEqual([401, 'UNAUTHORIZED', translate('en', 'auth.invalidCredentials')]);
    expect(await app.db.sql`SELECT 1 FROM audit_log WHERE action = 'login_refused_network'`).toHaveLength(1);
    await app.db.sql`UPDATE organizations SET allowed_networks = '{127.0.0.0/8,::1/128}'`;
    await app.login('ana@demo.test');
    await app.db.sql`UPDATE organizations SET allowed_networks = '{}'`;
  });

  it('refuses an agent outside work hours when the organization says so', async () => {
    const admin = await app.login('admin@demo.test', 'new admin passphrase');
    // A schedule with no interval around now: one minute long, twelve hours away.
    const now = new Date(Date.now() + 12 * 3600_000);
    const zone = 'America/Sao_Paulo';
    const parts = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    }).formatToParts(now);
    const get = (t: string) => parts.find((p) => p.type === t)!.value;
    const hh = get('hour');
    const day = get('weekday').toLowerCase().slice(0, 3);
    const from = `${hh}:00`;
    const to = `${hh}:01`;
    await admin.admin.users.update.mutate({ userId: ids.users['bruno@demo.test'], workHours: { [day]: [[from, to]] } });
    await app.login('bruno@demo.test'); // policy "flag" only flags
    await admin.admin.org.update.mutate({ workHoursPolicy: 'refuse_login' });
    const e = await refusal(app.client(EN).auth.login.mutate({ email: 'bruno@demo.test', password: 'atende-demo' }));
    expect([e.status, e.code, e.message]).toEqual([401, 'UNAUTHORIZED', translate('en', 'auth.invalidCredentials')]);
    expect(await app.db.sql`SELECT 1 FROM audit_log WHERE action = 'login_refused_hours'`).toHaveLength(1);
    await admin.admin.users.update.mutate({ userId: ids.users['bruno@demo.test'], workHours: {} });
    await app.login('bruno@demo.test');
    await admin.admin.org.update.mutate({ workHoursPolicy: 'flag' });
  });

  it('deactivation ends the sessions and refuses later logins', async () => {
    const admin = await app.login('admin@demo.test', 'new admin passphrase');
    const dora = await app.login('dora@demo.test', 'a long enough passphrase, 64+ characters are fine too ok ok ok ok');
    const doraId = (await dora.auth.me.query()).user.id;
    const self = await refusal(admin.admin.users.deactivate.mutate({ userId: (await admin.auth.me.query()).user.id }));
    expect(self.code).toBe('BAD_REQUEST');
    await admin.admin.users.deactivate.mutate({ userId: doraId });
    expect((await refusal(dora.auth.me.query())).code).toBe('UNAUTHORIZED');
    expect(
      (
        await refusal(
          app
            .client()
            .auth.login.mutate({ email: 'dora@demo.test', password: 'a long enough passphrase, 64+ characters are fine too ok ok ok ok' }),
        )
      ).code,
    ).toBe('UNAUTHORIZED');
  });
});
