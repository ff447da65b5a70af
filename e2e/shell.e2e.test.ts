/**
 * SPEC §4 top menu and §8 "wiped at logout", through a real browser: status and pauses
 * with the remaining time, sound alerts, the profile's language switching the interface,
 * and logout deleting everything the browser kept for the user.
 */
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { translate, type MessageKey } from '../i18n/index.ts';
import type { TestApp } from '../test/helpers/app.ts';
import { signInWithForm } from '../test/helpers/browser.ts';
import { useAppInBrowser, type DemoIds } from '../test/helpers/browser-app.ts';
import { en } from '../test/helpers/i18n.ts';

const pt = (key: MessageKey, params?: Record<string, string | number>) => translate('pt-BR', key, params);

const e2e = useAppInBrowser({ people: 'english' });
const { browser } = e2e;
let app: TestApp;
let ids: DemoIds;

beforeAll(async () => {
  ({ app, ids } = e2e);
});

const signIn = (page: Page, email: string) => signInWithForm(page, app.url, email);

async function userRow(email: string) {
  const [row] = await app.db.sql<{ status: string; language: string; sound_alerts: boolean; id: string; name: string }[]>`
    SELECT id, name, status, language, sound_alerts FROM users WHERE email = ${email}`;
  return row!;
}

const accountMenu = async (page: Page, email: string, lang: 'en' | 'pt-BR' = 'en') =>
  page.getByRole('button', { name: translate(lang, 'shell.account', { name: (await userRow(email)).name }), exact: true });

/** The rail's link to a screen (the screens have their own tabs with the same words). */
const railLink = (page: Page, name: string) =>
  page
    .getByRole('navigation', { name: new RegExp(`^(${en('shell.nav.label')}|${pt('shell.nav.label')})$`) })
    .getByRole('link', { name, exact: true });

const statusButton = (page: Page, status: 'online' | 'paused' | 'offline') =>
  page.getByRole('button', { name: en('shell.status.button', { status: en(`status.${status}`) }), exact: true });

describe('top menu', () => {
  it('changes status, takes a pause with its remaining time, shows an overrun, ends it', async () => {
    const page = await browser.newPage();
    await signIn(page, 'ana@demo.test');
    await (await accountMenu(page, 'ana@demo.test')).waitFor();
    // Signing in makes an agent online.
    await statusButton(page, 'online').click();
    await page.getByRole('button', { name: en('shell.status.goOffline') }).click();
    await statusButton(page, 'offline').waitFor();
    expect((await userRow('ana@demo.test')).status).toBe('offline');

    await statusButton(page, 'offline').click();
    await page.getByRole('button', { name: en('shell.status.goOnline') }).click();
    await statusButton(page, 'online').waitFor();
    expect((await userRow('ana@demo.test')).status).toBe('online');

    await statusButton(page, 'online').click();
    await page.getByRole('button', { name: en('shell.pause.option', { name: 'Break', minutes: 15 }) }).click();
    await statusButton(page, 'paused').waitFor();
    // "Break: 14:59 left", ticking.
    const timer = page.getByText(/^Break: \d+:\d\d left$/);
    await timer.waitFor();
    const first = await timer.innerText();
    await expect.poll(() => timer.innerText(), { timeout: 5_000 }).not.toBe(first);
    expect((await userRow('ana@demo.test')).status).toBe('paused');

    // Past its end (as if the agent forgot): shown as overrun after the next refresh.
    await app.db.sql`UPDATE agent_pauses SET started_at = now() - interval '20 minutes', ends_by = now() - interval '5 minutes'
      WHERE user_id = ${ids.users['ana@demo.test']} AND ended_at IS NULL`;
    await page.reload();
    await page.getByText(/^Break: over by \d+:\d\d$/).waitFor();

    await page.getByRole('button', { name: en('shell.pause.end'), exact: true }).click();
    await statusButton(page, 'online').waitFor();
    expect((await userRow('ana@demo.test')).status).toBe('online');
    expect(await page.getByText(/^Break: /).count()).toBe(0);

    // Sound alerts: a toggle saved on the profile.
    const sound = page.getByRole('button', { name: en('shell.sound') });
    const before = (await userRow('ana@demo.test')).sound_alerts;
    expect(await sound.getAttribute('aria-pressed')).toBe(String(before));
    await sound.click();
    await expect.poll(async () => (await userRow('ana@demo.test')).sound_alerts).toBe(!before);
    await expect.poll(() => sound.getAttribute('aria-pressed')).toBe(String(!before));
  });

  it("shows the server's sentence when a pause is refused", async () => {
    // Lunch can start only from 11:00; make it impossible now by moving the earliest time to 23:59.
    await app.db.sql`UPDATE pause_types SET earliest_time = '23:59' WHERE name = 'Lunch'`;
    await app.db.sql`UPDATE organizations SET time_zone = 'UTC'`;
    const page = await browser.newPage();
    await signIn(page, 'carla@demo.test');
    const status = page.getByRole('button', { name: /^Status: / });
    await status.click();
    await page.getByRole('button', { name: en('shell.pause.optionFrom', { name: 'Lunch', minutes: 60, time: '23:59' }) }).click();
    const [type] = await app.db.sql<{ earliest_time: string }[]>`SELECT earliest_time::text FROM pause_types WHERE name = 'Lunch'`;
    await page
      .getByRole('alert')
      .getByText(en('pause.tooEarly', { time: type!.earliest_time }))
      .waitFor();
    expect((await userRow('carla@demo.test')).status).not.toBe('paused');
  });
});

describe('profile', () => {
  it('switches the interface language when the profile changes it', async () => {
    const page = await browser.newPage();
    await signIn(page, 'bruno@demo.test');
    await railLink(page, en('shell.nav.waiting')).waitFor();

    await (await accountMenu(page, 'bruno@demo.test')).click();
    await page.getByRole('link', { name: en('shell.profile') }).click();
    await page.getByRole('heading', { name: en('shell.profile.title'), level: 1 }).waitFor();
    await page.getByLabel(en('shell.profile.language')).selectOption('pt-BR');
    await page.getByLabel(en('shell.profile.codename')).fill('Bruno S.');
    await page.getByLabel(en('shell.profile.extension')).fill('2041');
    await page.getByRole('button', { name: en('shell.profile.save') }).click();

    await page.getByText(pt('shell.profile.saved'), { exact: true }).waitFor();
    await railLink(page, pt('shell.nav.waiting')).waitFor();
    expect(await railLink(page, en('shell.nav.waiting')).count()).toBe(0);
    const [row] = await app.db.sql<{ language: string; codename: string; extension: string }[]>`
      SELECT language, codename, extension FROM users WHERE email = 'bruno@demo.test'`;
    expect(row).toEqual({ language: 'pt-BR', codename: 'Bruno S.', extension: '2041' });

    // A photo: uploaded through /uploads, then set on the profile; shown in the top menu too.
    const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
    await page.getByLabel(pt('shell.profile.choosePhoto')).setInputFiles({ name: 'me.png', mimeType: 'image/png', buffer: png });
    await page.getByText(pt('shell.profile.photoSaved'), { exact: true }).waitFor();
    await page.getByRole('img', { name: pt('shell.profile.photo') }).waitFor();
    const [withPhoto] = await app.db.sql<
      { photo_attachment_id: string | null }[]
    >`SELECT photo_attachment_id FROM users WHERE email = 'bruno@demo.test'`;
    expect(withPhoto!.photo_attachment_id).toBeTruthy();
    expect(await page.getByRole('banner').locator(`img[src="/uploads/${withPhoto!.photo_attachment_id}"]`).count()).toBe(1);

    // A refusal comes back as the server's sentence (in the new language).
    await page.getByLabel(pt('shell.profile.timeZone')).fill('Mars/Olympus');
    await page.getByRole('button', { name: pt('shell.profile.save') }).click();
    await page
      .getByRole('alert')
      .getByText(pt('user.unknownTimeZone', { zone: 'Mars/Olympus' }))
      .waitFor();

    // Password change: a wrong current password is refused with the server's sentence.
    await page.getByLabel(pt('shell.password.current')).fill('not my password');
    await page.getByLabel(pt('shell.password.new'), { exact: true }).fill('a brand new passphrase');
    await page.getByLabel(pt('shell.password.confirm')).fill('a brand new passphrase');
    await page.getByRole('button', { name: pt('shell.password.save') }).click();
    await page.getByText(pt('auth.wrongCurrentPassword'), { exact: true }).waitFor();
  });
});

describe('logout', () => {
  it('deletes every local database and setting of the user', async () => {
    const page = await browser.newPage();
    await page.context().grantPermissions(['notifications']);
    await signIn(page, 'admin@demo.test');
    const admin = await userRow('admin@demo.test');
    const prefix = `atende:${admin.id}:`;
    const localDatabases = () =>
      page.evaluate(
        async (p) =>
          (await indexedDB.databases())
            .map((d) => d.name ?? '')
            .filter((n) => n.startsWith(p))
            .sort(),
        prefix,
      );

    // Browser notifications on: a per-user setting kept in this browser.
    await page.getByRole('button', { name: /: account menu$/ }).click();
    const notifications = page.getByRole('switch', { name: en('shell.notifications') });
    await notifications.click();
    await expect.poll(() => notifications.getAttribute('aria-checked')).toBe('true');
    await page.keyboard.press('Escape');

    // The saved query cache and the outbox exist for this user.
    await expect.poll(localDatabases, { timeout: 10_000 }).toEqual(expect.arrayContaining([`${prefix}outbox`, `${prefix}query-cache`]));
    expect(await page.evaluate((p) => Object.keys(localStorage).filter((k) => k.startsWith(p)), prefix)).toEqual([
      `${prefix}notifications`,
    ]);

    await page.getByRole('button', { name: /: account menu$/ }).click();
    await page.getByRole('button', { name: en('shell.logout') }).click();
    await page.waitForURL(`${app.url}/login`);
    await expect.poll(localDatabases, { timeout: 10_000 }).toEqual([]);
    expect(await page.evaluate((p) => Object.keys(localStorage).filter((k) => k.startsWith(p) || k === 'atende:lastUser'), prefix)).toEqual(
      [],
    );
  });
});
