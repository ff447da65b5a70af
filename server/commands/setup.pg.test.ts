import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/helpers/app.ts';
import { issueSetupLink } from './setup.ts';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ ATENDE_DEMO: 'false' });
  await app.db.sql`TRUNCATE organizations CASCADE`;
});
afterAll(() => app?.stop());

describe('first start without the demo', () => {
  it('creates the first organization and admin through the one-time setup link, once', async () => {
    expect(await app.client().query('auth.setupStatus')).toEqual({ needsSetup: true });
    const link = (await issueSetupLink(app.services))!;
    const token = new URL(link).searchParams.get('token')!;
    const input = { token, organizationName: 'Acme', timeZone: 'Europe/Lisbon', name: 'Rita', email: 'rita@acme.test', password: 'rita first passphrase' };
    const badZone = app.client({ 'accept-language': 'en' }).mutate('auth.setup', { ...input, timeZone: 'Mars/Olympus' });
    await expect(badZone).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    const rita = app.client();
    await rita.mutate('auth.setup', input);
    const me = await rita.query('auth.me');
    expect(me.user).toMatchObject({ email: 'rita@acme.test', role: 'admin' });
    expect(me.organization).toMatchObject({ name: 'Acme', timeZone: 'Europe/Lisbon' });
    await expect(app.client().mutate('auth.setup', { ...input, email: 'eve@acme.test' })).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(await app.client().query('auth.setupStatus')).toEqual({ needsSetup: false });
    expect(await issueSetupLink(app.services)).toBeNull();
  });
});
