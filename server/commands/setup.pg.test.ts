import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/helpers/app.ts';
import { errorsFor } from '../errors.ts';
import { issueSetupLink, setupFirstOrganization } from './setup.ts';

let app: TestApp;
beforeAll(async () => {
  // No floor loop: TRUNCATE under a running sweep deadlocks (the test empties the database).
  app = await startTestApp({ ATENDE_DEMO: 'false' }, { floor: { loop: false } });
  await app.db.sql`TRUNCATE organizations CASCADE`;
});
afterAll(() => app?.stop());

describe('first start without the demo', () => {
  it('creates the first organization and admin through the one-time setup link, once', async () => {
    expect(await app.client().auth.setupStatus.query()).toEqual({ needsSetup: true });
    const link = (await issueSetupLink(app.services))!;
    const token = new URL(link).searchParams.get('token')!;
    const input = {
      token,
      organizationName: 'Acme',
      timeZone: 'Europe/Lisbon',
      name: 'Rita',
      email: 'rita@acme.test',
      password: 'rita first passphrase',
    };
    const badZone = app.client({ 'accept-language': 'en' }).auth.setup.mutate({ ...input, timeZone: 'Mars/Olympus' });
    await expect(badZone).rejects.toMatchObject({ data: { code: 'BAD_REQUEST' } });
    const rita = app.client();
    await rita.auth.setup.mutate(input);
    const me = await rita.auth.me.query();
    expect(me.user).toMatchObject({ email: 'rita@acme.test', role: 'admin' });
    expect(me.organization).toMatchObject({ name: 'Acme', timeZone: 'Europe/Lisbon' });
    await expect(app.client().auth.setup.mutate({ ...input, email: 'eve@acme.test' })).rejects.toMatchObject({
      data: { code: 'CONFLICT' },
    });
    expect(await app.client().auth.setupStatus.query()).toEqual({ needsSetup: false });
    expect(await issueSetupLink(app.services)).toBeNull();
  });
});

describe('the environment channel at setup', () => {
  it('is made for the first organization only when the environment configures WhatsApp', async () => {
    const setup = async (env: Partial<typeof app.services.env>, email: string) => {
      await app.db.sql`TRUNCATE organizations CASCADE`;
      const s = { ...app.services, env: { ...app.services.env, ...env } };
      const token = new URL((await issueSetupLink(s))!).searchParams.get('token')!;
      const input = {
        token,
        organizationName: 'Acme',
        timeZone: 'Europe/Lisbon',
        name: 'Rita',
        email,
        password: 'rita first passphrase',
        language: 'en' as const,
        ip: '127.0.0.1',
      };
      await setupFirstOrganization(s, errorsFor('en'), input);
      return app.db.sql`SELECT kind, phone_number_id, env_managed, app_secret, access_token FROM channels`;
    };
    expect(await setup({ WHATSAPP_APP_SECRET: undefined, WHATSAPP_ACCESS_TOKEN: undefined }, 'rita1@acme.test')).toEqual([]);
    expect(
      await setup(
        { WHATSAPP_APP_SECRET: 'env-secret', WHATSAPP_ACCESS_TOKEN: 'env-token', WHATSAPP_PHONE_NUMBER_ID: '100000000000042' },
        'rita2@acme.test',
      ),
    ).toEqual([{ kind: 'whatsapp', phone_number_id: '100000000000042', env_managed: true, app_secret: null, access_token: null }]);
  });
});
