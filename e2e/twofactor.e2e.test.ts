/**
 * Two-factor sign-in through a real browser: an authenticator app set up on the profile and a
 * sign-in with password + code (the code computed here from the key the page shows), and a
 * passkey added and used with Chromium's virtual authenticator (CDP WebAuthn domain). Also
 * the admins' security screen: the policy and a reset.
 */
import jsQR from 'jsqr';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useAppInBrowser } from '../test/helpers/browser-app.ts';
import { seriousViolations } from '../test/helpers/axe.ts';
import { signInWithCookie } from '../test/helpers/browser.ts';
import { en } from '../test/helpers/i18n.ts';
import { totpCode, totpKeyOf } from '../test/helpers/totp.ts';

const PASSWORD = 'atende-demo';
const ctx = useAppInBrowser();

async function nameOf(email: string): Promise<string> {
  return (await ctx.app.db.sql`SELECT name FROM users WHERE email = ${email}`)[0]!.name as string;
}

async function signOut(page: Page, email: string): Promise<void> {
  await page.getByRole('button', { name: en('shell.account', { name: await nameOf(email) }), exact: true }).click();
  await page.getByRole('button', { name: en('shell.logout') }).click();
  await page.locator('input[name=email]').waitFor();
}

async function passwordStep(page: Page, email: string): Promise<void> {
  await page.locator('input[name=email]').fill(email);
  await page.locator('input[name=password]').fill(PASSWORD);
  await page.getByRole('button', { name: en('login.submit') }).click();
  await page.getByRole('heading', { name: en('twofactor.step.title') }).waitFor();
}

/** What the QR code on the page says, read from its pixels as a phone's camera would (jsQR). */
async function qrText(page: Page): Promise<string | null> {
  const { size, data } = await page.getByTestId('totp-qr').evaluate(async (el) => {
    const xml = new XMLSerializer().serializeToString(el.querySelector('svg')!);
    const img = new Image();
    img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(xml)}`;
    await img.decode();
    const side = 600;
    const canvas = document.createElement('canvas');
    canvas.width = side;
    canvas.height = side;
    const g = canvas.getContext('2d')!;
    g.drawImage(img, 0, 0, side, side);
    return { size: side, data: Array.from(g.getImageData(0, 0, side, side).data) };
  });
  return jsQR(Uint8ClampedArray.from(data), size, size)?.data ?? null;
}

describe('two-factor sign-in', () => {
  it('sets up an authenticator app on the profile, then signs in with the password and a code', async () => {
    const page = await ctx.signedIn('bruno@demo.test', '/profile');
    await page.getByRole('button', { name: en('twofactor.profile.setUpApp') }).click();
    const keyText = await page.getByTestId('totp-key').innerText();
    const key = totpKeyOf(keyText);
    const link = await page.getByRole('link', { name: en('twofactor.enroll.openApp') }).getAttribute('href');
    expect(link).toMatch(/^otpauth:\/\/totp\/Atende:bruno%40demo\.test\?/);
    // The QR code a phone scans says the same link (with the same key).
    expect(await page.getByRole('img', { name: en('twofactor.enroll.qr') }).count()).toBe(1);
    expect(await qrText(page)).toBe(link);
    await page.getByLabel(en('twofactor.step.code'), { exact: true }).fill(totpCode(key));
    await page.getByRole('button', { name: en('twofactor.enroll.confirm') }).click();
    await expect.poll(() => page.getByTestId('recovery-codes').locator('li').count()).toBe(10);
    await page.getByRole('button', { name: en('twofactor.recovery.done') }).click();
    await page.getByText(en('twofactor.profile.recoveryLeft', { count: 10 })).waitFor();
    expect(await seriousViolations(page, 'section.two-factor')).toEqual([]);

    await signOut(page, 'bruno@demo.test');
    await passwordStep(page, 'bruno@demo.test');
    expect(await seriousViolations(page)).toEqual([]);
    // The setting-up spent this step's code: the next step's (±1 step is accepted).
    await page.getByLabel(en('twofactor.step.code'), { exact: true }).fill(totpCode(key, 1));
    await page.getByRole('button', { name: en('twofactor.step.submit') }).click();
    await page.waitForURL((url) => !url.pathname.startsWith('/login'));
    const [login] = await ctx.app.db.sql`SELECT details FROM audit_log a JOIN users u ON u.id = a.subject_user_id
      WHERE a.action = 'login' AND u.email = 'bruno@demo.test' ORDER BY a.id DESC LIMIT 1`;
    expect(login!.details).toEqual({ secondFactor: 'totp' });
  });

  it('adds a passkey and signs in with it (Chromium virtual authenticator)', async () => {
    // WebAuthn needs a host name, not an IP address, as the relying party: the page runs on localhost.
    const origin = ctx.app.url.replace('127.0.0.1', 'localhost');
    const page = await ctx.browser.newPage();
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: {
        protocol: 'ctap2',
        transport: 'internal',
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
        automaticPresenceSimulation: true,
      },
    });
    await signInWithCookie(page, (e) => ctx.app.login(e), 'carla@demo.test', origin);
    await page.goto(`${origin}/profile`);
    await page.getByLabel(en('twofactor.profile.passkeyName')).fill('Virtual key');
    await page.getByRole('button', { name: en('twofactor.profile.addPasskey') }).click();
    await page.getByText(en('twofactor.profile.passkeyAdded')).waitFor();
    await expect.poll(() => page.getByTestId('recovery-codes').locator('li').count()).toBe(10);
    await page.getByRole('button', { name: en('twofactor.recovery.done') }).click();
    await page.getByText('Virtual key', { exact: true }).waitFor();

    await signOut(page, 'carla@demo.test');
    await passwordStep(page, 'carla@demo.test');
    await page.getByRole('button', { name: en('twofactor.step.usePasskey') }).click();
    await page.waitForURL((url) => !url.pathname.startsWith('/login'));
    const [row] = await ctx.app.db.sql`SELECT counter, last_used_at FROM passkeys WHERE name = 'Virtual key'`;
    expect(row!.last_used_at).not.toBeNull();
  });

  it('lets an admin require a second factor of admins (then made to set one up) and reset a person’s factors', async () => {
    const page = await ctx.signedIn('admin@demo.test', '/admin/security');
    await page.getByRole('heading', { name: en('twofactor.admin.title') }).waitFor();
    await page.getByLabel(en('twofactor.admin.admins')).check();
    await page.getByRole('button', { name: en('twofactor.admin.save') }).click();
    await page.getByText(en('twofactor.admin.saved')).waitFor();
    await expect.poll(async () => (await ctx.app.db.sql`SELECT required_for FROM twofactor_policies`)[0]?.required_for).toBe('admins');

    const name = await nameOf('bruno@demo.test');
    await page.getByRole('button', { name: en('twofactor.admin.reset', { name }) }).click();
    await page.getByRole('button', { name: en('twofactor.admin.resetConfirm', { name }) }).click();
    await page.getByText(en('twofactor.admin.resetDone', { name })).waitFor();
    const left = await ctx.app.db.sql`SELECT 1 FROM totp_factors t JOIN users u ON u.id = t.user_id WHERE u.email = 'bruno@demo.test'`;
    expect(left).toHaveLength(0);
    expect(await seriousViolations(page, 'section.adm-section')).toEqual([]);

    // The admin has no factor: at the next sign-in, setting one up comes before anything else.
    await signOut(page, 'admin@demo.test');
    await page.locator('input[name=email]').fill('admin@demo.test');
    await page.locator('input[name=password]').fill(PASSWORD);
    await page.getByRole('button', { name: en('login.submit') }).click();
    await page.getByRole('heading', { name: en('twofactor.enroll.title') }).waitFor();
    await page.getByText(en('twofactor.enroll.required')).waitFor();
    const key = totpKeyOf(await page.getByTestId('totp-key').innerText());
    await page.getByLabel(en('twofactor.step.code'), { exact: true }).fill(totpCode(key));
    await page.getByRole('button', { name: en('twofactor.enroll.confirm') }).click();
    await expect.poll(() => page.getByTestId('recovery-codes').locator('li').count()).toBe(10);
    await page.getByRole('button', { name: en('twofactor.recovery.done') }).click();
    await page.waitForURL((url) => !url.pathname.startsWith('/login'));
  });
});
