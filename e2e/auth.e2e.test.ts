/**
 * SPEC §3 (Access) through a real browser: login, invitation links (valid, used, expired),
 * logout and the first-admin setup page, against the built client served by the server.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { translate } from '../i18n/index.ts';
import { issueSetupLink } from '../server/commands/setup.ts';
import { refusalOf, startTestApp, type TestApp } from '../test/helpers/app.ts';
import { useBrowser } from '../test/helpers/browser.ts';
import { ensureClientBuilt } from '../test/helpers/client-build.ts';
import { en } from '../test/helpers/i18n.ts';

/** The browser contexts are en-US: signed-out pages and the server's answers are English. */
const PASSWORD = 'atende-demo';
const NEW_PASSWORD = 'a good long passphrase';

const browser = useBrowser();

let app: TestApp;
beforeAll(async () => {
  await ensureClientBuilt();
  app = await startTestApp();
});
afterAll(() => app?.stop());

// ---------------------------------------------------------------------------------------

type Mail = { to_address: string; subject: string; body_text: string; kind: string };

async function mailsTo(target: TestApp, email: string): Promise<Mail[]> {
  return target.db.sql<Mail[]>`
    SELECT to_address, subject, body_text, kind FROM mail_outbox WHERE to_address = ${email} ORDER BY created_at, id`;
}

/** The set-password token of the newest mail to `email` (waits for it to arrive). */
async function linkTokenFor(target: TestApp, email: string, count = 1): Promise<string> {
  let mails: Mail[] = [];
  await expect
    .poll(
      async () => {
        mails = await mailsTo(target, email);
        return mails.length;
      },
      { timeout: 5_000 },
    )
    .toBe(count);
  const body = mails.at(-1)!.body_text;
  expect(body).toContain(`${target.env.APP_ORIGIN}/set-password?token=`);
  const token = /\/set-password\?token=([^\s"'<>]+)/.exec(body)?.[1];
  expect(token, `no link in the mail:\n${body}`).toBeTruthy();
  return token!;
}

async function invite(email: string, name: string): Promise<void> {
  const admin = await app.login('admin@demo.test');
  await admin.admin.users.invite.mutate({ email, name, role: 'agent', teamIds: [] });
}

async function nameOf(target: TestApp, email: string): Promise<string> {
  const [row] = await target.db.sql<{ name: string }[]>`SELECT name FROM users WHERE email = ${email}`;
  return row!.name;
}

async function signInThroughForm(page: Page, email: string, password: string): Promise<void> {
  await page.locator('input[name=email]').fill(email);
  await page.locator('input[name=password]').fill(password);
  await page.locator('button[type=submit]').click();
}

/** Signed in, the workspace opens with the person's name in the top menu (in that user's language). */
async function expectHomeOf(page: Page, target: TestApp, email: string, lang: 'en' | 'pt-BR'): Promise<void> {
  await page.waitForURL(`${target.url}/`);
  const name = await nameOf(target, email);
  await accountMenu(page, name, lang).waitFor();
  // The workspace's own strings are in that language too.
  await page
    .getByRole('navigation', { name: translate(lang, 'shell.nav.label') })
    .getByRole('link', { name: translate(lang, 'shell.nav.waiting'), exact: true })
    .waitFor();
}

const accountMenu = (page: Page, name: string, lang: 'en' | 'pt-BR') =>
  page.getByRole('button', { name: translate(lang, 'shell.account', { name }), exact: true });

async function sessionCookieOf(page: Page): Promise<string> {
  const cookie = (await page.context().cookies()).find((c) => c.name === 'atende_session');
  expect(cookie?.value, 'no atende_session cookie').toBeTruthy();
  expect(cookie!.httpOnly).toBe(true);
  return `atende_session=${cookie!.value}`;
}

async function meWithCookie(target: TestApp, cookie: string) {
  const client = target.client();
  client.cookie = cookie;
  return client.auth.me.query();
}

// ---------------------------------------------------------------------------------------

describe('login', () => {
  it('shows the server sentence on a wrong password, then signs in through the form', async () => {
    const page = await browser.newPage();
    await page.goto(`${app.url}/login`);

    await signInThroughForm(page, 'ana@demo.test', 'not-her-password');
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.innerText()).toBe(en('auth.invalidCredentials'));
    expect(new URL(page.url()).pathname).toBe('/login');

    await signInThroughForm(page, 'ana@demo.test', PASSWORD);
    // Signed in: the page switches to Ana's language (pt-BR).
    await expectHomeOf(page, app, 'ana@demo.test', 'pt-BR');
    await accountMenu(page, await nameOf(app, 'ana@demo.test'), 'pt-BR').click();
    await page.getByText('ana@demo.test').first().waitFor();
    expect(await page.getByRole('alert').count()).toBe(0);
  });

  it('sends a signed-out visitor of / to /login', async () => {
    const page = await browser.newPage();
    await page.goto(`${app.url}/`);
    await page.waitForURL(`${app.url}/login`);
    await page.locator('input[name=email]').waitFor();
  });
});

describe('invitation link', () => {
  it('sets the password, signs the new agent in, and cannot be used twice', async () => {
    await invite('dora@demo.test', 'Dora Dias');
    const token = await linkTokenFor(app, 'dora@demo.test');
    const [mail] = await mailsTo(app, 'dora@demo.test');
    expect(mail!.kind).toBe('invite');

    const page = await browser.newPage();
    await page.goto(`${app.url}/set-password?token=${token}`);
    await page.getByText(en('setPassword.for', { email: 'dora@demo.test' }), { exact: true }).waitFor();
    await page.locator('input[name=password]').fill(NEW_PASSWORD);
    await page.locator('input[name=confirm]').fill(NEW_PASSWORD);
    await page.locator('button[type=submit]').click();
    await expectHomeOf(page, app, 'dora@demo.test', 'pt-BR'); // invited with the default language

    // The same link again (as someone clicking the mail a second time): the "used" page.
    const again = await browser.newPage();
    await again.goto(`${app.url}/set-password?token=${token}`);
    await again.getByRole('heading', { name: en('setPassword.expiredTitle') }).waitFor();
    await again.getByText(en('auth.linkUsed'), { exact: true }).waitFor();
    expect(await again.locator('input[name=password]').count()).toBe(0);

    // And the password set through the link works for a normal login.
    const client = await app.login('dora@demo.test', NEW_PASSWORD);
    expect((await client.auth.me.query()).user.email).toBe('dora@demo.test');
  });

  it('when expired, shows the expired page and mails a new link on request', async () => {
    await invite('eva@demo.test', 'Eva Esteves');
    const token = await linkTokenFor(app, 'eva@demo.test');
    await app.db.sql`
      UPDATE one_time_tokens SET expires_at = now() - interval '1 minute'
      WHERE user_id = (SELECT id FROM users WHERE email = 'eva@demo.test')`;

    const page = await browser.newPage();
    await page.goto(`${app.url}/set-password?token=${token}`);
    await page.getByRole('heading', { name: en('setPassword.expiredTitle') }).waitFor();
    await page.getByText(en('auth.linkExpired'), { exact: true }).waitFor();
    expect(await page.locator('input[name=password]').count()).toBe(0);

    await page.getByRole('button', { name: en('setPassword.requestNew') }).click();
    const notice = page.getByRole('status');
    await notice.waitFor();
    expect(await notice.innerText()).toBe(en('auth.newLinkRequested'));

    // A second invitation arrives, with a different link that works.
    const fresh = await linkTokenFor(app, 'eva@demo.test', 2);
    expect(fresh).not.toBe(token);
    expect((await mailsTo(app, 'eva@demo.test')).at(-1)!.kind).toBe('invite');
    await page.goto(`${app.url}/set-password?token=${fresh}`);
    await page.locator('input[name=confirm]').waitFor();
  });

  it('shows the invalid-link page for an unknown token', async () => {
    const page = await browser.newPage();
    await page.goto(`${app.url}/set-password?token=not-a-real-token`);
    await page.getByText(en('auth.linkInvalid'), { exact: true }).waitFor();
    expect(await page.locator('input[name=password]').count()).toBe(0);
  });
});

describe('logout', () => {
  it('ends the session on the server, returns to /login, and / then redirects to /login', async () => {
    const page = await browser.newPage();
    await page.goto(`${app.url}/login`);
    await signInThroughForm(page, 'bruno@demo.test', PASSWORD);
    await expectHomeOf(page, app, 'bruno@demo.test', 'pt-BR');
    const cookie = await sessionCookieOf(page);
    expect((await meWithCookie(app, cookie)).user.email).toBe('bruno@demo.test');

    await accountMenu(page, await nameOf(app, 'bruno@demo.test'), 'pt-BR').click();
    await page.getByRole('button', { name: translate('pt-BR', 'shell.logout') }).click();
    await page.waitForURL(`${app.url}/login`);
    await page.locator('input[name=email]').waitFor();
    // Signed out again, the page is back in the browser's language.
    await page.getByRole('heading', { name: en('login.title') }).waitFor();

    // The old cookie no longer works anywhere, and the agent is offline.
    const error = await meWithCookie(app, cookie).catch((e: unknown) => e);
    expect(refusalOf(error)?.code).toBe('UNAUTHORIZED');
    const [row] = await app.db.sql<{ status: string }[]>`SELECT status FROM users WHERE email = 'bruno@demo.test'`;
    expect(row!.status).toBe('offline');

    await page.goto(`${app.url}/`);
    await page.waitForURL(`${app.url}/login`);
    await page.locator('input[name=password]').waitFor();
  });
});

describe('first-admin setup', () => {
  let fresh: TestApp;
  beforeAll(async () => {
    // No floor loop: TRUNCATE under a running sweep deadlocks.
    fresh = await startTestApp({ ATENDE_DEMO: 'false' }, { floor: { loop: false } });
    // Its database is a clone of the demo-seeded template: empty it to get a first start.
    await fresh.db.sql`TRUNCATE organizations CASCADE`;
  });
  afterAll(() => fresh?.stop());

  it('creates the organization and its admin from the one-time link, once', async () => {
    const link = await issueSetupLink(fresh.services);
    expect(link).toMatch(new RegExp(`^${fresh.env.APP_ORIGIN}/setup\\?token=`));
    const token = new URL(link!).searchParams.get('token')!;
    const setupUrl = `${fresh.url}/setup?token=${encodeURIComponent(token)}`;

    const page = await browser.newPage();
    await page.goto(setupUrl);
    await page.getByRole('heading', { name: en('setup.title') }).waitFor();
    // The time zone starts as the browser's.
    expect(await page.locator('input[name=timeZone]').inputValue()).toBe('America/Sao_Paulo');
    await page.locator('input[name=organizationName]').fill('Loja Exemplo');
    await page.locator('input[name=timeZone]').fill('America/Recife');
    await page.locator('input[name=name]').fill('Fernanda Founder');
    await page.locator('input[name=email]').fill('fernanda@loja.test');
    await page.locator('input[name=password]').fill(NEW_PASSWORD);
    await page.locator('button[type=submit]').click();

    // The admin is created in the language the browser asked for.
    await expectHomeOf(page, fresh, 'fernanda@loja.test', 'en');
    await page.getByRole('banner').getByText('Loja Exemplo', { exact: true }).waitFor();
    const [org] = await fresh.db.sql<{ name: string; time_zone: string }[]>`SELECT name, time_zone FROM organizations`;
    expect(org).toEqual({ name: 'Loja Exemplo', time_zone: 'America/Recife' });
    const [admin] = await fresh.db.sql<{ role: string }[]>`SELECT role FROM users WHERE email = 'fernanda@loja.test'`;
    expect(admin!.role).toBe('admin');

    // The link does not work a second time: the organization exists now.
    const again = await browser.newPage();
    await again.goto(setupUrl);
    await again.locator('input[name=organizationName]').fill('Second Try');
    await again.locator('input[name=name]').fill('Someone Else');
    await again.locator('input[name=email]').fill('else@loja.test');
    await again.locator('input[name=password]').fill(NEW_PASSWORD);
    await again.locator('button[type=submit]').click();
    const alert = again.getByRole('alert');
    await alert.waitFor();
    expect(await alert.innerText()).toBe(en('auth.setupDone'));
    expect(await issueSetupLink(fresh.services)).toBeNull();
  });
});
