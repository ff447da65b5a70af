/**
 * SPEC §4 on a phone (issue 7): a phone-size browser works through the four bottom tabs
 * (Waiting with an item whose row fits the phone: Claim on screen, nothing scrolling
 * sideways, the other actions under an accessible More sheet; In service after a claim;
 * Contacts search; Agents list), the conversation with its side panel as a sheet, the side
 * menu (name, rating, codename, extension, teams, notification settings), and the
 * installable app (manifest and icons).
 */
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { MessageKey } from '../i18n/index.ts';
import type { TestApp } from '../test/helpers/app.ts';
import { signInWithCookie } from '../test/helpers/browser.ts';
import { useAppInBrowser, type DemoIds } from '../test/helpers/browser-app.ts';
import { seriousViolations } from '../test/helpers/axe.ts';
import { inbound, makeChannel } from '../test/helpers/conversations.ts';
import { en } from '../test/helpers/i18n.ts';

const e2e = useAppInBrowser();
const { browser } = e2e;
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };

let app: TestApp;
let ids: DemoIds;

beforeAll(async () => {
  ({ app, ids } = e2e);
  await app.db.sql`UPDATE users SET codename = 'Aninha', extension = '2041' WHERE email = 'ana@demo.test'`;
});

async function phonePage(email: string): Promise<Page> {
  const page = await browser.newPage(PHONE);
  await signInWithCookie(page, (e) => app.login(e), email, app.url);
  return page;
}

const tabs = (page: Page) => page.getByRole('navigation', { name: en('shell.tabs.label') });
const tab = (page: Page, key: MessageKey) => tabs(page).getByRole('link', { name: new RegExp(`^${en(key)}`) });

describe('phone layout', () => {
  it('works through the four bottom tabs, the conversation sheet and the side menu', async () => {
    const channel = await makeChannel(app.db.sql, ids, 'webchat');
    await inbound(app, channel, { from: 'phone-visitor-1', text: 'Oi, preciso de ajuda', name: 'Cliente Celular' });
    const chosen = await inbound(app, channel, { from: 'phone-visitor-1', text: '1', name: 'Cliente Celular' });
    // A rated conversation Ana served earlier: the side menu shows her average.
    await app.db.sql`UPDATE conversations SET rating = 4, served_by = ${ids.users['ana@demo.test']} WHERE id = ${chosen.conversation.id}`;
    // The visitor left a number, so the header has a call link too (Ana's extension is set above).
    await app.db.sql`UPDATE contacts SET whatsapp = '5531999998888' WHERE id = ${chosen.conversation.contactId}`;

    const page = await phonePage('ana@demo.test');
    await page.goto(`${app.url}/`);

    // No rail on a phone: the bottom tabs instead, Waiting current with its count.
    await tabs(page).waitFor();
    expect(await page.getByRole('navigation', { name: en('shell.nav.label'), exact: true }).count()).toBe(0);
    await expect.poll(() => tab(page, 'shell.nav.waiting').getAttribute('aria-current')).toBe('page');
    await tab(page, 'shell.nav.waiting')
      .getByText(en('shell.tabs.waitingCount', { count: 1 }))
      .waitFor({ state: 'attached' });

    // Waiting shows the item; the page never scrolls sideways.
    const item = page.getByRole('list', { name: en('queue.waitingList') }).getByRole('listitem', { name: 'Cliente Celular' });
    await item.waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);

    // The row fits even a small phone (360 px): Claim of the first row is on screen, no row
    // (nor its line of actions) scrolls sideways, and the other actions are one tap away under More.
    const SMALL = { width: 360, height: 740 };
    await page.setViewportSize(SMALL);
    const waitingList = page.getByRole('list', { name: en('queue.waitingList') });
    const firstClaim = waitingList
      .getByRole('listitem')
      .first()
      .getByRole('button', { name: en('queue.claim') });
    const claimBox = (await firstClaim.boundingBox())!;
    expect(claimBox.x).toBeGreaterThanOrEqual(0);
    expect(claimBox.x + claimBox.width).toBeLessThanOrEqual(SMALL.width);
    expect(claimBox.y).toBeGreaterThanOrEqual(0);
    expect(claimBox.y + claimBox.height).toBeLessThanOrEqual(SMALL.height);
    const overflowing = await waitingList.evaluate((list) =>
      [...list.querySelectorAll('li')].flatMap((row) => {
        const actions = row.querySelector('button')?.parentElement;
        return [row, ...(actions ? [actions] : [])]
          .filter((el) => el.scrollWidth > el.clientWidth)
          .map((el) => `${row.getAttribute('aria-label')}: ${el.className}`);
      }),
    );
    expect(overflowing).toEqual([]);
    const more = item.getByRole('button', { name: en('queue.more') });
    expect(await more.getAttribute('aria-haspopup')).toBe('dialog');
    expect(await more.getAttribute('aria-expanded')).toBe('false');
    await more.tap();
    const moreSheet = page.getByRole('dialog', { name: en('queue.moreTitle', { name: 'Cliente Celular' }) });
    await moreSheet.getByRole('button', { name: en('queue.transfer') }).waitFor();
    expect(await more.getAttribute('aria-expanded')).toBe('true');
    expect(await seriousViolations(page)).toEqual([]);
    await page.keyboard.press('Escape');
    await moreSheet.waitFor({ state: 'hidden' });
    await expect.poll(() => more.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await more.getAttribute('aria-expanded')).toBe('false');
    await more.tap();
    await moreSheet.getByRole('link', { name: en('queue.contact') }).tap();
    await page.waitForURL(/\/contacts\/[0-9a-f-]{36}$/);
    await page.goBack();
    await item.waitFor();
    await page.setViewportSize(PHONE.viewport);

    await item.getByRole('button', { name: en('queue.claim') }).tap();

    // The conversation, full width: messages and composer; the side panel is a sheet.
    await page.waitForURL(/\/conversations\/[0-9a-f-]{36}$/);
    const log = page.getByRole('log', { name: en('conversation.messages') });
    await log.getByText('Oi, preciso de ajuda').waitFor();
    const box = page.getByRole('textbox', { name: en('conversation.message') });
    await expect.poll(() => box.isEnabled()).toBe(true);
    const width = await box.evaluate((el) => el.getBoundingClientRect().width);
    expect(width).toBeGreaterThan(390 * 0.6);
    // The header is folded to one line (the messages keep the screen); unfolded, every action
    // is on screen: they wrap, nothing scrolls sideways (360 px too).
    const toolbar = page.getByRole('toolbar', { name: en('conversation.actions') });
    await toolbar.getByRole('button', { name: en('conversation.finish') }).waitFor({ state: 'hidden' });
    await page.getByRole('button', { name: en('conversation.details') }).tap();
    await toolbar.getByRole('button', { name: en('conversation.finish') }).waitFor();
    await toolbar.getByRole('link', { name: en('conversation.call', { number: '+5531999998888' }) }).waitFor();
    for (const size of [PHONE.viewport, SMALL]) {
      await page.setViewportSize(size);
      expect(await toolbar.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
      for (const action of await toolbar.locator('a, button').all()) {
        const b = (await action.boundingBox())!;
        expect(b.x >= 0 && b.x + b.width <= size.width).toBe(true);
      }
    }
    await page.setViewportSize(PHONE.viewport);
    const side = page.getByRole('complementary', { name: en('conversation.sidePanel') });
    expect(await side.isVisible()).toBe(false);
    const sheetButton = page.getByRole('button', { name: en('shell.details.show') });
    await sheetButton.tap();
    await side.waitFor({ state: 'visible' });
    expect(await sheetButton.getAttribute('aria-expanded')).toBe('true');
    await page.keyboard.press('Escape');
    await side.waitFor({ state: 'hidden' });
    await box.fill('Olá pelo celular');
    await box.press('Enter');
    await log.getByText('Olá pelo celular').waitFor();

    // In service: the claimed conversation, counted on its tab.
    await tab(page, 'shell.nav.inService').tap();
    await page.waitForURL(`${app.url}/in-service`);
    await page
      .getByRole('list', { name: en('queue.inServiceList') })
      .getByRole('listitem', { name: 'Cliente Celular' })
      .waitFor();
    await tab(page, 'shell.nav.inService')
      .getByText(en('shell.tabs.inServiceCount', { count: 1 }))
      .waitFor({ state: 'attached' });
    expect(
      await tab(page, 'shell.nav.waiting')
        .getByText(/waiting/)
        .count(),
    ).toBe(0);

    // Contacts: search by name.
    await tab(page, 'shell.nav.contacts').tap();
    await page.waitForURL(`${app.url}/contacts`);
    await page.getByLabel(en('contacts.search.label')).fill('Celular');
    await page.getByRole('link', { name: /Cliente Celular/ }).waitFor();

    // Agents: the organization's agents.
    await tab(page, 'shell.nav.agents').tap();
    await page.waitForURL(`${app.url}/agents`);
    const agents = page.getByRole('list', { name: en('chat.agentsLabel') });
    await agents.getByRole('listitem', { name: 'Bruno Lima' }).waitFor();

    // The side menu: who I am, my settings, logout; Escape closes it and focus returns.
    const menuButton = page.getByRole('button', { name: en('shell.menu.open') });
    await menuButton.tap();
    const menu = page.getByRole('dialog', { name: en('shell.menu.title') });
    await menu.getByRole('heading', { name: 'Ana Souza' }).waitFor();
    const fact = async (key: MessageKey) =>
      (
        await menu
          .getByRole('term')
          .filter({ hasText: en(key) })
          .locator('xpath=following-sibling::dd[1]')
          .innerText()
      ).trim();
    expect(await fact('shell.menu.codename')).toBe('Aninha');
    expect(await fact('shell.menu.extension')).toBe('2041');
    expect(await fact('shell.profile.teams')).toBe('Support');
    expect(await fact('shell.menu.rating')).toBe(en('shell.menu.ratingValue', { average: '4.0', count: 1 }));
    await menu.getByRole('link', { name: en('shell.profile') }).waitFor();
    await menu.getByRole('button', { name: en('shell.logout') }).waitFor();
    const notifications = menu.getByRole('switch', { name: en('shell.notifications') });
    expect(await notifications.getAttribute('aria-checked')).toBe('false');

    // Sound alerts from the side menu: the server keeps the setting.
    const sound = menu.getByRole('switch', { name: en('shell.sound') });
    const before = (await sound.getAttribute('aria-checked')) === 'true';
    await sound.tap();
    await expect.poll(() => sound.getAttribute('aria-checked')).toBe(String(!before));
    const [row] = await app.db.sql`SELECT sound_alerts FROM users WHERE email = 'ana@demo.test'`;
    expect(row!.sound_alerts).toBe(!before);

    await page.keyboard.press('Escape');
    await menu.waitFor({ state: 'hidden' });
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe(en('shell.menu.open'));

    // The profile link from the side menu.
    await menuButton.tap();
    await menu.getByRole('link', { name: en('shell.profile') }).tap();
    await page.waitForURL(`${app.url}/profile`);
    await menu.waitFor({ state: 'hidden' });
  });

  it('is installable: the manifest is linked and served with its icons', async () => {
    const page = await phonePage('ana@demo.test');
    await page.goto(`${app.url}/`);
    await tabs(page).waitFor();
    const href = await page.locator('link[rel="manifest"]').getAttribute('href');
    expect(href).toBe('/manifest.webmanifest');
    expect(await page.locator('meta[name="theme-color"]').getAttribute('content')).toMatch(/^#[0-9a-f]{6}$/i);

    const response = await page.request.get(`${app.url}${href}`);
    expect(response.status()).toBe(200);
    expect(response.headers()['content-type']).toContain('application/manifest+json');
    const manifest = (await response.json()) as {
      name: string;
      short_name: string;
      start_url: string;
      display: string;
      theme_color: string;
      background_color: string;
      icons: { src: string; sizes: string; type: string; purpose?: string }[];
    };
    expect(manifest).toMatchObject({ name: 'Atende', short_name: 'Atende', start_url: '/', display: 'standalone' });
    expect(manifest.theme_color).toMatch(/^#[0-9a-f]{6}$/i);
    expect(manifest.background_color).toMatch(/^#[0-9a-f]{6}$/i);
    const sizes = manifest.icons.filter((i) => i.type === 'image/png').map((i) => i.sizes);
    expect(sizes).toEqual(expect.arrayContaining(['192x192', '512x512']));
    expect(manifest.icons.some((i) => i.purpose === 'maskable')).toBe(true);

    for (const icon of manifest.icons.filter((i) => i.type === 'image/png')) {
      const png = await page.request.get(`${app.url}${icon.src}`);
      expect(png.status()).toBe(200);
      expect(png.headers()['content-type']).toBe('image/png');
      const body = await png.body();
      // A real PNG of the size the manifest says (IHDR width and height).
      expect(body.subarray(1, 4).toString('ascii')).toBe('PNG');
      expect(`${body.readUInt32BE(16)}x${body.readUInt32BE(20)}`).toBe(icon.sizes);
    }

    // The service worker keeps them in the app shell (installable and openable offline).
    const sw = await page.request.get(`${app.url}/sw.js`);
    const source = await sw.text();
    for (const file of ['/manifest.webmanifest', '/icon-192.png', '/icon-512.png']) expect(source).toContain(`"${file}"`);
  });
});
