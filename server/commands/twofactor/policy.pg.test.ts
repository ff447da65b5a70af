import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refusal, startTestApp, type TestApp, type TestClient } from '../../../test/helpers/app.ts';
import { createOtherOrg, demoIds } from '../../../test/helpers/orgs.ts';
import { upgradeStatus } from '../../../test/helpers/sync.ts';
import { totpCode, totpKeyOf } from '../../../test/helpers/totp.ts';
import { SoftAuthenticator } from '../../../test/helpers/webauthn.ts';

let app: TestApp;
let ids: Awaited<ReturnType<typeof demoIds>>;
let admin: TestClient;
const EN = { 'accept-language': 'en' };
const PASSWORD = 'atende-demo';

beforeAll(async () => {
  app = await startTestApp();
  ids = await demoIds(app.db.sql);
  // Signed in before the policy changes: an open session goes on (the policy applies at sign-in).
  admin = await app.login('admin@demo.test', PASSWORD, EN);
});
afterAll(() => app?.stop());

/** What events.stream answers a cookie: a served stream says "connected", a refusal is an error event or status. */
async function streamAnswer(cookie: string): Promise<string> {
  const res = await fetch(`${app.url}/trpc/events.stream?input=${encodeURIComponent('{}')}`, { headers: { cookie } });
  if (res.status !== 200) return (JSON.parse(await res.text()) as { error?: { data?: { code?: string } } }).error?.data?.code ?? 'UNKNOWN';
  const reader = res.body!.getReader();
  let text = '';
  while (!/event: (connected|serialized-error)[\s\S]*\n\n/.test(text)) {
    const { value, done } = await reader.read();
    if (done) break;
    text += new TextDecoder().decode(value);
  }
  await reader.cancel();
  const refused = /event: serialized-error\ndata: (.*)\n/.exec(text);
  return refused ? ((JSON.parse(refused[1]!) as { data?: { code?: string } }).data?.code ?? 'UNKNOWN') : 'OK';
}

describe('the organization policy', () => {
  it('makes an admin without a factor enroll right after the password; until then nothing else works', async () => {
    await admin.twofactor.setPolicy.mutate({ requiredFor: 'admins' });
    expect(await admin.twofactor.policy.query()).toEqual({ requiredFor: 'admins' });
    const [changed] = await app.db.sql`SELECT details FROM audit_log WHERE action = 'twofactor_policy_changed'`;
    expect(changed!.details).toEqual({ requiredFor: 'admins' });

    const client = app.client(EN);
    expect(await client.auth.login.mutate({ email: 'admin@demo.test', password: PASSWORD })).toEqual({ user: null, secondStep: 'enroll' });
    const pending = client.cookie!;
    expect(pending).toMatch(/^atende_second_step=/);
    const stepToken = pending.split('=')[1]!;

    // Nothing but the enrollment: a normal procedure, the event stream, /sync — with the step's
    // cookie, and with its token where a session's would go.
    expect(await refusal(client.auth.me.query())).toMatchObject({ code: 'UNAUTHORIZED' });
    expect(await refusal(client.conversations.mine.query())).toMatchObject({ code: 'UNAUTHORIZED' });
    expect(await refusal(client.twofactor.status.query())).toMatchObject({ code: 'UNAUTHORIZED' });
    const [contact] = await app.db.sql`INSERT INTO contacts (org_id, name) VALUES (${ids.orgId}, 'Two-factor') RETURNING id`;
    for (const cookie of [pending, `atende_session=${stepToken}`]) {
      expect(await streamAnswer(cookie)).toBe('UNAUTHORIZED');
      expect(await upgradeStatus(app.url, `notes:${contact!.id as string}`, { cookie })).toBe(401);
    }
    // Nor a code in place of enrolling.
    expect(await refusal(client.secondStep.verify.mutate({ code: '123456' }))).toMatchObject({
      code: 'BAD_REQUEST',
      data: { reason: 'twofactor.wrongStep' },
    });

    const started = await client.secondStep.enrollStart.mutate();
    const key = totpKeyOf(started.key);
    const done = await client.secondStep.enrollConfirm.mutate({ code: totpCode(key) });
    expect(done.user?.email).toBe('admin@demo.test');
    expect(done.recoveryCodes).toHaveLength(10);
    expect(client.cookie).toMatch(/^atende_session=/);
    expect((await client.auth.me.query()).user.email).toBe('admin@demo.test');
    expect(await streamAnswer(client.cookie!)).toBe('OK');
    expect(await upgradeStatus(app.url, `notes:${contact!.id as string}`, { cookie: client.cookie! })).toBe(101);
    // The step is gone, and the token never was a session.
    expect(await streamAnswer(`atende_session=${stepToken}`)).toBe('UNAUTHORIZED');

    // Agents are not covered: the password alone.
    expect((await app.client(EN).auth.login.mutate({ email: 'ana@demo.test', password: PASSWORD })).secondStep).toBeNull();
    // And the required factor cannot be removed while it is the only one.
    const required = await refusal(client.twofactor.totpDisable.mutate({ password: PASSWORD }));
    expect(required).toMatchObject({ code: 'PRECONDITION_FAILED', data: { reason: 'twofactor.requiredByOrganization' } });
  });

  it('ends an enrollment step once the person has a factor: a passkey added elsewhere is not bypassed', async () => {
    // Signed in while only admins are covered; then everyone is.
    const carla = await app.login('carla@demo.test', PASSWORD, EN);
    await admin.twofactor.setPolicy.mutate({ requiredFor: 'everyone' });
    const intruder = app.client(EN);
    expect(await intruder.auth.login.mutate({ email: 'carla@demo.test', password: PASSWORD })).toEqual({
      user: null,
      secondStep: 'enroll',
    });
    // Carla adds a passkey from her open session while that step is pending.
    const authenticator = new SoftAuthenticator(app.env.APP_ORIGIN);
    await carla.twofactor.passkeyAdd.mutate({
      name: 'Phone',
      response: authenticator.create(await carla.twofactor.passkeyOptions.mutate()),
    });
    expect(await refusal(intruder.secondStep.enrollStart.mutate())).toMatchObject({
      code: 'BAD_REQUEST',
      data: { reason: 'twofactor.wrongStep' },
    });
    // The step is over: no retry, no session.
    expect(await refusal(intruder.secondStep.enrollStart.mutate())).toMatchObject({ code: 'UNAUTHORIZED' });
    expect(await refusal(intruder.auth.me.query())).toMatchObject({ code: 'UNAUTHORIZED' });
    expect(await app.db.sql`SELECT 1 FROM totp_factors WHERE user_id = ${ids.users['carla@demo.test']}`).toHaveLength(0);
    await admin.twofactor.setPolicy.mutate({ requiredFor: 'admins' });
  });

  it('lets an admin reset a user’s factors (audited), not their own, and not another organization’s', async () => {
    const bruno = await app.login('bruno@demo.test', PASSWORD, EN);
    const key = totpKeyOf((await bruno.twofactor.totpStart.mutate()).key);
    await bruno.twofactor.totpConfirm.mutate({ code: totpCode(key) });
    expect((await app.client(EN).auth.login.mutate({ email: 'bruno@demo.test', password: PASSWORD })).secondStep).toBe('verify');

    const other = await createOtherOrg(app.db.sql, 'twofactor');
    const outsider = await app.login(other.admin.email, other.password, EN);
    expect(await refusal(outsider.twofactor.reset.mutate({ userId: ids.users['bruno@demo.test'] }))).toMatchObject({ code: 'NOT_FOUND' });
    expect(await refusal(bruno.twofactor.reset.mutate({ userId: ids.users['bruno@demo.test'] }))).toMatchObject({ code: 'FORBIDDEN' });
    expect(await refusal(admin.twofactor.reset.mutate({ userId: ids.users['admin@demo.test'] }))).toMatchObject({
      code: 'BAD_REQUEST',
      data: { reason: 'twofactor.resetSelf' },
    });

    const users = await admin.twofactor.users.query();
    expect(users.find((u) => u.email === 'bruno@demo.test')).toMatchObject({ totp: true, passkeys: 0 });
    expect(await admin.twofactor.reset.mutate({ userId: ids.users['bruno@demo.test'] })).toEqual({ totp: true, passkeys: 0 });
    const [row] = await app.db.sql`SELECT actor_user_id, subject_user_id, details FROM audit_log WHERE action = 'twofactor_reset'`;
    expect(row).toEqual({
      actor_user_id: ids.users['admin@demo.test'],
      subject_user_id: ids.users['bruno@demo.test'],
      details: { totp: true, passkeys: 0 },
    });
    expect((await app.db.sql`SELECT count(*)::int AS n FROM recovery_codes WHERE user_id = ${ids.users['bruno@demo.test']}`)[0]!.n).toBe(0);
    // His open session goes on; his next sign-in is the password alone.
    expect((await bruno.auth.me.query()).user.email).toBe('bruno@demo.test');
    expect((await app.client(EN).auth.login.mutate({ email: 'bruno@demo.test', password: PASSWORD })).secondStep).toBeNull();
  });
});
