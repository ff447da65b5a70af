/**
 * Issue 17, items 6 and 7 in a real browser: the top bar shows one status control and a
 * connection mark only while the connection is down; each screen names the tab; a visitor
 * without a name is "Visitor 3f9a" in the queue and in the conversation; the signed-out
 * pages have a language switch that says whose language applies when.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { translate } from '../i18n/index.ts';
import type { TestApp } from '../test/helpers/app.ts';
import { signInWithCookie } from '../test/helpers/browser.ts';
import { useAppInBrowser, type DemoIds } from '../test/helpers/browser-app.ts';
import { inbound, makeChannel } from '../test/helpers/conversations.ts';
import { en } from '../test/helpers/i18n.ts';
import { startTcpProxy, type TcpProxy } from '../test/helpers/tcp-proxy.ts';

const e2e = useAppInBrowser({ people: 'as-seeded' });
const { browser } = e2e;
let app: TestApp;
let proxy: TcpProxy;
let ids: DemoIds;

beforeAll(async () => {
  ({ app, ids } = e2e);
  proxy = await startTcpProxy(app.url);
});
afterAll(async () => {
  await proxy?.close();
});

async function signedIn(email: string, base = app.url): Promise<Page> {
  await app.db.sql`UPDATE users SET language = 'en', status = 'online', connected = true WHERE email = ${email}`;
  const page = await browser.newPage();
  await signInWithCookie(page, (e) => app.login(e), email, base);
  await page.goto(`${base}/`);
  await page.getByRole('navigation', { name: en('shell.nav.label'), exact: true }).waitFor();
  return page;
}

describe('presence in the top bar', () => {
  it('shows one "Online" (the status), and a connection mark only while the connection is down', async () => {
    const page = await signedIn('ana@demo.test', proxy.url);
    const topbar = page.locator('header.topbar');
    const mark = topbar.locator('.conn');
    await page.locator('.workspace[data-connection="online"]').waitFor();
    await topbar.getByRole('button', { name: en('shell.status.button', { status: en('status.online') }) }).waitFor();
    expect(await topbar.getByText(en('status.online'), { exact: true }).count()).toBe(1);
    expect(await mark.count()).toBe(0);

    // The network goes: the mark appears ("Reconnecting…", then "No connection").
    proxy.cut();
    await mark.waitFor({ timeout: 30_000 });
    await expect.poll(() => mark.innerText(), { timeout: 30_000 }).toBe(en('offline.connection.offline'));
    expect(await mark.getAttribute('title')).toBe(en('offline.connection.label', { state: en('offline.connection.offline') }));
    // The status is still the person's own choice, shown once.
    expect(await topbar.getByText(en('status.online'), { exact: true }).count()).toBe(1);

    // Back: the mark goes away.
    proxy.restore();
    await page.locator('.workspace[data-connection="online"]').waitFor({ timeout: 60_000 });
    await mark.waitFor({ state: 'detached', timeout: 10_000 });
    expect(await topbar.getByText(en('status.online'), { exact: true }).count()).toBe(1);
  }, 120_000);
});

describe('names and languages', () => {
  it('names each screen in the tab title, and a visitor without a name as "Visitor" and a short id', async () => {
    const channel = await makeChannel(app.db.sql, ids, 'webchat');
    const visitor = `nameless-${Date.now()}`;
    await inbound(app, channel, { from: visitor, text: 'Oi, alguém aí?' });
    const { conversation } = await inbound(app, channel, { from: visitor, text: '1' });
    const [contact] = await app.db
      .sql`SELECT c.id, c.name FROM contacts c JOIN conversations v ON v.contact_id = c.id WHERE v.id = ${conversation!.id}`;
    expect(contact!.name).toBe('');
    const label = en('contacts.visitor', { id: (contact!.id as string).replace(/-/g, '').slice(0, 4) });

    const page = await signedIn('bruno@demo.test');
    const title = (name: string) => `${name} · ${en('app.name')}`;
    // Waiting: the row is named, not blank.
    const row = page.getByRole('list', { name: en('queue.waitingList') }).getByRole('listitem', { name: label });
    await row.waitFor();
    expect(await row.locator('.qp-contact').innerText()).toBe(label);
    await expect.poll(() => page.title()).toBe(title(en('queue.title')));

    // The conversation: the header and the tab say the same.
    await row.getByRole('link', { name: en('queue.peek'), exact: true }).click();
    await page.getByRole('heading', { level: 1, name: label }).waitFor();
    await expect.poll(() => page.title()).toBe(title(label));

    // Every screen its own title.
    const titles = new Set<string>([await page.title()]);
    const rail = page.getByRole('navigation', { name: en('shell.nav.label'), exact: true });
    for (const [key, expected] of [
      ['shell.nav.inService', en('queue.inService')],
      ['shell.nav.waiting', en('queue.title')],
      ['shell.nav.contacts', en('contacts.title')],
      ['shell.nav.agents', en('chat.agentsTitle')],
    ] as const) {
      // (The rail's links may carry a count after the name.)
      await rail.getByRole('link', { name: new RegExp(`^${en(key)}\\b`) }).click();
      await expect.poll(() => page.title()).toBe(title(expected));
      titles.add(await page.title());
    }
    expect(titles.size).toBe(5);
  }, 90_000);

  it('has a language switch on the login page that says the profile’s language applies once signed in', async () => {
    await app.db.sql`UPDATE users SET language = 'pt-BR' WHERE email = 'carla@demo.test'`;
    const page = await browser.newPage({ locale: 'en-US' });
    await page.goto(`${app.url}/login`);
    await page.getByRole('heading', { name: en('login.title') }).waitFor();
    const switcher = page.getByLabel(en('login.language'), { exact: true });
    // The browser's language at first, and the rule said next to the switch.
    expect(await switcher.inputValue()).toBe('en');
    expect(await switcher.getAttribute('aria-describedby')).toBeTruthy();
    await page.getByText(en('login.languageHint')).waitFor();

    // Chosen here: the signed-out pages follow (and remember it).
    await switcher.selectOption('es');
    const es = (key: Parameters<typeof en>[0]) => translate('es', key);
    await page.getByRole('heading', { name: es('login.title') }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('es');
    await page.reload();
    await page.getByRole('heading', { name: es('login.title') }).waitFor();
    await page.getByText(es('login.languageHint')).waitFor();
    // The server's refusals come in the same language as the page.
    await page.getByLabel(es('login.email')).fill('carla@demo.test');
    await page.getByLabel(es('login.password')).fill('not the password');
    await page.getByRole('button', { name: es('login.submit') }).click();
    await page
      .getByRole('alert')
      .filter({ hasText: es('auth.invalidCredentials') })
      .waitFor();

    // Signed in: the person's own language (Carla's is pt-BR), as the hint said.
    await page.getByLabel(es('login.password')).fill('atende-demo');
    await page.getByRole('button', { name: es('login.submit') }).click();
    await page.waitForURL(`${app.url}/`);
    const pt = (key: Parameters<typeof en>[0]) => translate('pt-BR', key);
    await page
      .getByRole('navigation', { name: pt('shell.nav.label'), exact: true })
      .getByRole('link', { name: pt('shell.nav.waiting'), exact: true })
      .waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('pt-BR');
  }, 90_000);
});
