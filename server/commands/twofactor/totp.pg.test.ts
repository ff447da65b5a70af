import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refusal, startTestApp, type TestApp, type TestClient } from '../../../test/helpers/app.ts';
import { createOtherOrg, latestMail, waitFor } from '../../../test/helpers/orgs.ts';
import { totpCode, totpKeyOf, wrongTotpCode } from '../../../test/helpers/totp.ts';

let app: TestApp;
let bruno: { client: TestClient; key: Uint8Array } | null = null;
const EN = { 'accept-language': 'en' };
const PASSWORD = 'atende-demo';

beforeAll(async () => {
  // Secrets sealed at rest (the policy tests run without a key: stored as they are).
  app = await startTestApp({ TWOFACTOR_ENCRYPTION_KEY: randomBytes(32).toString('base64') });
});
afterAll(() => app?.stop());

/** Signs `email` in and sets up an authenticator app from their profile; the key is what the app would read. */
async function enroll(email: string): Promise<{ key: Uint8Array; recoveryCodes: string[]; client: TestClient }> {
  const client = await app.login(email, PASSWORD, EN);
  const started = await client.twofactor.totpStart.mutate();
  const key = totpKeyOf(started.key);
  const { recoveryCodes } = await client.twofactor.totpConfirm.mutate({ code: totpCode(key) });
  return { key, recoveryCodes, client };
}

/** As if a minute had passed: the last accepted step is older than every code around now. */
const stepsPass = (email: string) =>
  app.db.sql`UPDATE totp_factors SET last_used_step = last_used_step - 3 WHERE user_id = (SELECT id FROM users WHERE email = ${email})`;

async function passwordStep(email: string, password = PASSWORD) {
  const client = app.client(EN);
  const answer = await client.auth.login.mutate({ email, password });
  return { client, answer };
}

const auditOf = (action: string, email: string) =>
  app.db.sql`SELECT a.details, a.actor_user_id FROM audit_log a JOIN users u ON u.id = a.subject_user_id
    WHERE a.action = ${action} AND u.email = ${email} ORDER BY a.id`;

describe('TOTP', () => {
  it('enrolls from the profile: an otpauth URI and a key to type, confirmed by a code, ten recovery codes once', async () => {
    const client = await app.login('bruno@demo.test', PASSWORD, EN);
    const started = await client.twofactor.totpStart.mutate();
    expect(started.uri).toMatch(
      /^otpauth:\/\/totp\/Atende:bruno%40demo\.test\?issuer=Atende&algorithm=SHA1&secret=[A-Z2-7]{32}&period=30&digits=6$/,
    );
    expect(started.key.replace(/ /g, '')).toBe(new URL(started.uri).searchParams.get('secret'));
    const key = totpKeyOf(started.key);
    bruno = { client, key };
    // Not on until confirmed: the password alone still signs in.
    expect((await passwordStep('bruno@demo.test')).answer.secondStep).toBeNull();

    const wrong = await refusal(client.twofactor.totpConfirm.mutate({ code: wrongTotpCode(key) }));
    expect(wrong).toMatchObject({ code: 'BAD_REQUEST', data: { reason: 'twofactor.wrongCode' } });
    const { recoveryCodes } = await client.twofactor.totpConfirm.mutate({ code: totpCode(key) });
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);
    for (const c of recoveryCodes) expect(c).toMatch(/^([a-z2-7]{4}-){5}[a-z2-7]{4}$/);
    // Only hashes are kept.
    const stored = await app.db.sql`SELECT encode(code_hash, 'hex') AS h FROM recovery_codes`;
    expect(stored.some((r) => recoveryCodes.some((c) => String(r.h).includes(Buffer.from(c).toString('hex'))))).toBe(false);

    // The app's key is sealed in the database (first byte 1: AES-256-GCM), never stored as is.
    const [sealed] = await app.db.sql`SELECT secret FROM totp_factors t JOIN users u ON u.id = t.user_id WHERE u.email = 'bruno@demo.test'`;
    expect((sealed!.secret as Buffer)[0]).toBe(1);
    expect((sealed!.secret as Buffer).includes(Buffer.from(key))).toBe(false);
    const status = await client.twofactor.status.query();
    expect(status).toMatchObject({ totp: { since: expect.any(String) }, recoveryCodesLeft: 10, passkeys: [], required: false });
    expect(await auditOf('twofactor_enrolled', 'bruno@demo.test')).toEqual([expect.objectContaining({ details: { method: 'totp' } })]);
    // A second set-up over a confirmed one is refused.
    expect(await refusal(client.twofactor.totpStart.mutate())).toMatchObject({ code: 'CONFLICT' });
  });

  it('signs in with the password then a code; the pending step is no session; a used code is refused the second time', async () => {
    const { key } = await enroll('carla@demo.test');
    const { client, answer } = await passwordStep('carla@demo.test');
    expect(answer).toEqual({ user: null, secondStep: 'verify' });
    expect(client.cookie).toMatch(/^atende_second_step=/);
    expect(await refusal(client.auth.me.query())).toMatchObject({ code: 'UNAUTHORIZED' });
    expect(await client.secondStep.state.query()).toEqual({
      secondStep: 'verify',
      email: 'carla@demo.test',
      methods: { totp: true, passkey: false, recoveryCode: true },
    });

    // The confirmation spent the current step: the next one's code (±1 step is allowed).
    const code = totpCode(key, 1);
    const signedIn = await client.secondStep.verify.mutate({ code });
    expect(signedIn.user?.email).toBe('carla@demo.test');
    expect(client.cookie).toMatch(/^atende_session=/);
    expect((await client.auth.me.query()).user.email).toBe('carla@demo.test');
    // The step was used up.
    expect(await client.secondStep.state.query()).toBeNull();

    const again = await passwordStep('carla@demo.test');
    const replay = await refusal(again.client.secondStep.verify.mutate({ code }));
    expect(replay).toMatchObject({ code: 'UNAUTHORIZED', data: { reason: 'twofactor.wrongCode' } });
    expect(replay.message).toBe('That code is not right. Type the 6 digits your app shows now (each code works only once).');
    const logins = await auditOf('login', 'carla@demo.test');
    expect(logins.at(-1)!.details).toEqual({ secondFactor: 'totp' });
    expect(await auditOf('second_factor_failed', 'carla@demo.test')).toEqual([expect.objectContaining({ details: { method: 'totp' } })]);
  });

  it('counts wrong codes toward the same lock as wrong passwords, and locks', async () => {
    const { key } = await enroll('ana@demo.test');
    await stepsPass('ana@demo.test');
    // Two wrong passwords, then the right one: the right password alone clears nothing.
    for (const p of ['wrong-1-pass', 'wrong-2-pass']) {
      expect(await refusal(app.client(EN).auth.login.mutate({ email: 'ana@demo.test', password: p }))).toMatchObject({
        code: 'UNAUTHORIZED',
      });
    }
    const { client } = await passwordStep('ana@demo.test');
    const wrong = wrongTotpCode(key);
    for (let i = 0; i < 2; i++) {
      expect(await refusal(client.secondStep.verify.mutate({ code: wrong }))).toMatchObject({ code: 'UNAUTHORIZED' });
    }
    // The fifth failure of the address (LOCKOUT_ATTEMPTS) locks it and ends the step.
    const fifth = await refusal(client.secondStep.verify.mutate({ code: wrong }));
    expect(fifth).toMatchObject({ code: 'TOO_MANY_REQUESTS', data: { reason: 'auth.locked' } });
    expect(await auditOf('lockout', 'ana@demo.test')).toHaveLength(1);
    expect(await refusal(client.secondStep.verify.mutate({ code: totpCode(key) }))).toMatchObject({
      code: 'UNAUTHORIZED',
      data: { reason: 'twofactor.stepExpired' },
    });
    // And the right password now meets the lock.
    expect(await refusal(app.client(EN).auth.login.mutate({ email: 'ana@demo.test', password: PASSWORD }))).toMatchObject({
      code: 'TOO_MANY_REQUESTS',
    });
    // An admin's unlock lets her finish with a right code; that clears the failures.
    const admin = await app.login('admin@demo.test', PASSWORD, EN);
    await admin.admin.users.unlock.mutate({
      userId: (await app.db.sql`SELECT id FROM users WHERE email = 'ana@demo.test'`)[0]!.id as string,
    });
    const after = await passwordStep('ana@demo.test');
    await after.client.secondStep.verify.mutate({ code: totpCode(key) });
    expect((await after.client.auth.me.query()).user.email).toBe('ana@demo.test');
    expect((await app.db.sql`SELECT count(*)::int AS n FROM login_failures WHERE email_key = 'ana@demo.test'`)[0]!.n).toBe(0);
  });

  it('lets a recovery code in once, however it is typed', async () => {
    const { recoveryCodes, client: profile } = await enroll('admin@demo.test');
    const first = await passwordStep('admin@demo.test');
    await first.client.secondStep.verify.mutate({ code: ` ${recoveryCodes[3]!.toUpperCase().replace(/-/g, ' ')} ` });
    expect((await first.client.auth.me.query()).user.email).toBe('admin@demo.test');
    expect(await auditOf('recovery_code_used', 'admin@demo.test')).toHaveLength(1);
    expect((await profile.twofactor.status.query()).recoveryCodesLeft).toBe(9);

    const second = await passwordStep('admin@demo.test');
    const used = await refusal(second.client.secondStep.verify.mutate({ code: recoveryCodes[3]! }));
    expect(used).toMatchObject({ code: 'UNAUTHORIZED', data: { reason: 'twofactor.wrongRecoveryCode' } });
    await second.client.secondStep.verify.mutate({ code: recoveryCodes[4]! });
    expect((await second.client.auth.me.query()).user.email).toBe('admin@demo.test');
  });

  it('does not let a password reset link skip the second step', async () => {
    await app.client(EN).auth.requestReset.mutate({ email: 'carla@demo.test' });
    const mail = await waitFor(() => latestMail(app.db.sql, 'carla@demo.test'), 'reset mail');
    const client = app.client(EN);
    const answer = await client.auth.resetPassword.mutate({ token: decodeURIComponent(mail.token!), password: 'a-new-long-password-1' });
    expect(answer).toEqual({ user: null, secondStep: 'verify' });
    expect(await refusal(client.auth.me.query())).toMatchObject({ code: 'UNAUTHORIZED' });
  });

  it('makes new recovery codes and turns the app off only with the password or a current code', async () => {
    const { client, key } = bruno!;
    const wrong = await refusal(client.twofactor.regenerateRecoveryCodes.mutate({ password: 'not-the-password' }));
    expect(wrong).toMatchObject({ code: 'BAD_REQUEST', data: { reason: 'twofactor.wrongConfirmation' } });
    const { recoveryCodes } = await client.twofactor.regenerateRecoveryCodes.mutate({ password: PASSWORD });
    expect(recoveryCodes).toHaveLength(10);
    expect(await auditOf('recovery_codes_regenerated', 'bruno@demo.test')).toHaveLength(1);

    expect(await refusal(client.twofactor.totpDisable.mutate({ code: wrongTotpCode(key) }))).toMatchObject({ code: 'BAD_REQUEST' });
    await stepsPass('bruno@demo.test');
    await client.twofactor.totpDisable.mutate({ code: totpCode(key) });
    expect(await client.twofactor.status.query()).toMatchObject({ totp: null, recoveryCodesLeft: 0 });
    expect(await auditOf('twofactor_disabled', 'bruno@demo.test')).toEqual([expect.objectContaining({ details: { method: 'totp' } })]);
    expect((await passwordStep('bruno@demo.test')).answer.secondStep).toBeNull();
  });
});

describe('TOTP and recovery codes under concurrency', () => {
  it('lets the same code, or the same recovery code, sent twice at once sign in once', async () => {
    const other = await createOtherOrg(app.db.sql, 'totp-race');
    const email = other.agent.email;
    const profile = await app.login(email, other.password, EN);
    const key = totpKeyOf((await profile.twofactor.totpStart.mutate()).key);
    const { recoveryCodes } = await profile.twofactor.totpConfirm.mutate({ code: totpCode(key) });
    await app.db.sql`UPDATE totp_factors SET last_used_step = last_used_step - 3 WHERE user_id = ${other.agent.id}`;
    const twoSteps = async () => {
      const steps = [app.client(EN), app.client(EN)];
      for (const c of steps) expect((await c.auth.login.mutate({ email, password: other.password })).secondStep).toBe('verify');
      return steps;
    };
    const outcomes = async (steps: TestClient[], code: string) =>
      (await Promise.allSettled(steps.map((c) => c.secondStep.verify.mutate({ code })))).map((r) => r.status).sort();

    // Two pending steps (two tabs, or a thief beside the owner), one code: one session.
    const code = totpCode(key);
    expect(await outcomes(await twoSteps(), code)).toEqual(['fulfilled', 'rejected']);
    // One recovery code, two steps at once: one session.
    expect(await outcomes(await twoSteps(), recoveryCodes[0]!)).toEqual(['fulfilled', 'rejected']);
    // One step sent twice at once (a double submit) with two different recovery codes: one session.
    const [single] = await twoSteps();
    const twice = await Promise.allSettled(
      [recoveryCodes[1]!, recoveryCodes[2]!].map((c) => single!.secondStep.verify.mutate({ code: c })),
    );
    expect(twice.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    // The submit that lost the step spent nothing: codes 0 and one of 1 and 2 are used, the other still works.
    expect((await profile.twofactor.status.query()).recoveryCodesLeft).toBe(8);
    const [logins] = await app.db
      .sql`SELECT count(*)::int AS n FROM audit_log WHERE action = 'login' AND subject_user_id = ${other.agent.id}`;
    // The profile's own sign-in, then exactly one per race.
    expect(logins!.n).toBe(4);
  });

  it('judges no more wrong codes sent all at once than the lock allows one after another', async () => {
    const other = await createOtherOrg(app.db.sql, 'totp-burst');
    const email = other.agent.email;
    const profile = await app.login(email, other.password, EN);
    const key = totpKeyOf((await profile.twofactor.totpStart.mutate()).key);
    await profile.twofactor.totpConfirm.mutate({ code: totpCode(key) });
    // Four pending steps (a right password is no failure), then twelve guesses at once.
    const steps = [app.client(EN), app.client(EN), app.client(EN), app.client(EN)];
    for (const c of steps) expect((await c.auth.login.mutate({ email, password: other.password })).secondStep).toBe('verify');
    const wrong = wrongTotpCode(key);
    const answers = await Promise.all([...steps, ...steps, ...steps].map((c) => refusal(c.secondStep.verify.mutate({ code: wrong }))));
    expect(answers.every((a) => a.code === 'UNAUTHORIZED' || a.code === 'TOO_MANY_REQUESTS')).toBe(true);
    // LOCKOUT_ATTEMPTS is 5: at most five guesses were checked (each audited), the rest refused unchecked.
    const [checked] = await app.db.sql`SELECT count(*)::int AS n FROM audit_log
      WHERE action = 'second_factor_failed' AND subject_user_id = ${other.agent.id}`;
    expect(checked!.n).toBeLessThanOrEqual(5);
    expect(answers.filter((a) => a.code === 'UNAUTHORIZED').length).toBeLessThanOrEqual(4);
    // And the address is locked: the right password meets the lock.
    expect(await refusal(app.client(EN).auth.login.mutate({ email, password: other.password }))).toMatchObject({
      code: 'TOO_MANY_REQUESTS',
    });
  });
});
