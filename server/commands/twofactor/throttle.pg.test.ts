import { afterAll, beforeAll, expect, it } from 'vitest';
import { refusal, startTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { totpCode, totpKeyOf, wrongTotpCode } from '../../../test/helpers/totp.ts';

let app: TestApp;
const PASSWORD = 'atende-demo';
/** A client whose requests come from `ip` (through the one proxy this app trusts). */
const from = (ip: string) => app.client({ 'accept-language': 'en', 'x-forwarded-for': ip });

beforeAll(async () => {
  app = await startTestApp({ TRUST_PROXY: '1', LOGIN_IP_PER_MINUTE: '3' });
});
afterAll(() => app?.stop());

it('throttles the second step per IP address, with the password step', async () => {
  const setup = from('10.0.0.1');
  await setup.auth.login.mutate({ email: 'bruno@demo.test', password: PASSWORD });
  const key = totpKeyOf((await setup.twofactor.totpStart.mutate()).key);
  await setup.twofactor.totpConfirm.mutate({ code: totpCode(key) });

  const client = from('10.0.0.2');
  expect((await client.auth.login.mutate({ email: 'bruno@demo.test', password: PASSWORD })).secondStep).toBe('verify');
  const wrong = wrongTotpCode(key);
  expect(await refusal(client.secondStep.verify.mutate({ code: wrong }))).toMatchObject({ code: 'UNAUTHORIZED' });
  expect(await refusal(client.secondStep.verify.mutate({ code: wrong }))).toMatchObject({ code: 'UNAUTHORIZED' });
  // The fourth request of this address in the minute (LOGIN_IP_PER_MINUTE = 3): throttled, even with the right code.
  const throttled = await refusal(client.secondStep.verify.mutate({ code: totpCode(key, 1) }));
  expect(throttled).toMatchObject({ code: 'TOO_MANY_REQUESTS', data: { reason: 'auth.ipThrottled' } });

  // The same step from another address goes through.
  const elsewhere = from('10.0.0.3');
  elsewhere.cookie = client.cookie;
  await elsewhere.secondStep.verify.mutate({ code: totpCode(key, 1) });
  expect((await elsewhere.auth.me.query()).user.email).toBe('bruno@demo.test');
});
