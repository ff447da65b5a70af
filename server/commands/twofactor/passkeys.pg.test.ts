import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refusal, startTestApp, type TestApp, type TestClient } from '../../../test/helpers/app.ts';
import { SoftAuthenticator } from '../../../test/helpers/webauthn.ts';

let app: TestApp;
let carla: TestClient;
let authenticator: SoftAuthenticator;
const EN = { 'accept-language': 'en' };
const PASSWORD = 'atende-demo';

beforeAll(async () => {
  app = await startTestApp();
  carla = await app.login('carla@demo.test', PASSWORD, EN);
  // The test client sends no Origin: the ceremony is bound to APP_ORIGIN (http://localhost:3000).
  authenticator = new SoftAuthenticator(app.env.APP_ORIGIN);
});
afterAll(() => app?.stop());

async function passwordStep() {
  const client = app.client(EN);
  expect(await client.auth.login.mutate({ email: 'carla@demo.test', password: PASSWORD })).toEqual({ user: null, secondStep: 'verify' });
  return client;
}

const storedCounter = async () => Number((await app.db.sql`SELECT counter FROM passkeys WHERE name = 'Work laptop'`)[0]!.counter);
const failures = async () =>
  (await app.db.sql`SELECT count(*)::int AS n FROM login_failures WHERE email_key = 'carla@demo.test'`)[0]!.n as number;

describe('passkeys', () => {
  it('registers a passkey while signed in, against a challenge good once', async () => {
    const options = await carla.twofactor.passkeyOptions.mutate();
    expect(options.rp).toEqual({ name: 'Demo', id: 'localhost' });
    const response = authenticator.create(options);
    const added = await carla.twofactor.passkeyAdd.mutate({ name: 'Work laptop', response });
    // The first factor brings the recovery codes.
    expect(added.recoveryCodes).toHaveLength(10);
    const status = await carla.twofactor.status.query();
    expect(status.passkeys).toEqual([{ id: added.id, name: 'Work laptop', createdAt: expect.any(String), lastUsedAt: null }]);
    const [row] = await app.db.sql`SELECT credential_id, transports FROM passkeys WHERE id = ${added.id}`;
    expect(row).toEqual({ credential_id: authenticator.id, transports: ['internal'] });
    // The same answer again: its challenge was spent.
    const replay = await refusal(carla.twofactor.passkeyAdd.mutate({ name: 'Again', response }));
    expect(replay).toMatchObject({ code: 'BAD_REQUEST', data: { reason: 'twofactor.passkeyExpired' } });
    // A challenge for another origin's page is refused.
    const foreign = new SoftAuthenticator('https://evil.example');
    const other = await refusal(
      carla.twofactor.passkeyAdd.mutate({ name: 'Evil', response: foreign.create(await carla.twofactor.passkeyOptions.mutate()) }),
    );
    expect(other).toMatchObject({ code: 'BAD_REQUEST', data: { reason: 'twofactor.passkeyRefused' } });
    const [audit] = await app.db.sql`SELECT details FROM audit_log WHERE action = 'twofactor_enrolled'`;
    expect(audit!.details).toEqual({ method: 'passkey', name: 'Work laptop' });
  });

  it('signs in with the password then the passkey, and the counter moves forward', async () => {
    const client = await passwordStep();
    expect((await client.secondStep.state.query())?.methods).toEqual({ totp: false, passkey: true, recoveryCode: true });
    const options = await client.secondStep.passkeyOptions.mutate();
    expect(options.allowCredentials).toEqual([{ id: authenticator.id, type: 'public-key', transports: ['internal'] }]);
    const signedIn = await client.secondStep.passkey.mutate({ response: authenticator.get(options) });
    expect(signedIn.user?.email).toBe('carla@demo.test');
    expect((await client.auth.me.query()).user.email).toBe('carla@demo.test');
    expect(await storedCounter()).toBe(1);
    const [login] = await app.db.sql`SELECT details FROM audit_log WHERE action = 'login' ORDER BY id DESC LIMIT 1`;
    expect(login!.details).toEqual({ secondFactor: 'passkey' });
  });

  it('refuses a wrong signature, a replayed assertion and a counter that does not grow; each counts toward the lock', async () => {
    const client = await passwordStep();
    const before = await failures();

    const tampered = authenticator.get(await client.secondStep.passkeyOptions.mutate());
    const sig = Buffer.from(tampered.response.signature, 'base64url');
    sig[sig.length - 1]! ^= 0x01;
    tampered.response.signature = sig.toString('base64url');
    const bad = await refusal(client.secondStep.passkey.mutate({ response: tampered }));
    expect(bad).toMatchObject({ code: 'UNAUTHORIZED', data: { reason: 'twofactor.passkeyRefused' } });
    expect(await storedCounter()).toBe(1);

    expect(await failures()).toBe(before + 1);

    // A good assertion signs in once (and a sign-in clears the address's failures)…
    const good = authenticator.get(await client.secondStep.passkeyOptions.mutate());
    await client.secondStep.passkey.mutate({ response: good });
    expect(await storedCounter()).toBe(3); // (the tampered assertion was the authenticator's 2nd)
    expect(await failures()).toBe(0);
    // …and is no good again: its challenge was spent.
    const second = await passwordStep();
    expect(await refusal(second.secondStep.passkey.mutate({ response: good }))).toMatchObject({ code: 'UNAUTHORIZED' });

    // A cloned key: its counter is behind the stored one.
    authenticator.counter = 0;
    const cloned = authenticator.get(await second.secondStep.passkeyOptions.mutate());
    expect(await refusal(second.secondStep.passkey.mutate({ response: cloned }))).toMatchObject({
      code: 'UNAUTHORIZED',
      data: { reason: 'twofactor.passkeyRefused' },
    });
    expect(await storedCounter()).toBe(3);
    expect(await failures()).toBe(2);
    expect(await app.db.sql`SELECT details FROM audit_log WHERE action = 'second_factor_failed'`).toHaveLength(3);

    // The real key, ahead of the stored counter, still signs in.
    authenticator.counter = 5;
    await second.secondStep.passkey.mutate({ response: authenticator.get(await second.secondStep.passkeyOptions.mutate()) });
    expect(await storedCounter()).toBe(6);
    expect(await failures()).toBe(0);
  });

  it('removes a passkey only with the password; the last factor takes the recovery codes with it', async () => {
    const id = (await carla.twofactor.status.query()).passkeys[0]!.id;
    expect(await refusal(carla.twofactor.passkeyRemove.mutate({ passkeyId: id, password: 'not-the-password' }))).toMatchObject({
      code: 'BAD_REQUEST',
    });
    await carla.twofactor.passkeyRemove.mutate({ passkeyId: id, password: PASSWORD });
    expect(await carla.twofactor.status.query()).toMatchObject({ passkeys: [], recoveryCodesLeft: 0 });
    expect((await app.client(EN).auth.login.mutate({ email: 'carla@demo.test', password: PASSWORD })).secondStep).toBeNull();
  });
});
