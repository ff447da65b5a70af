/**
 * Issue 17 item 8, contacts for every channel, through a real browser: the Contacts page lists
 * the recent contacts before any search; a web chat channel is searched by name or e-mail,
 * not by WhatsApp number; a web chat contact has no "WhatsApp number: not filled in"; the
 * add-contact form marks what the server requires — name, e-mail, WhatsApp and the
 * organization's own required fields, with an input for each — and shows its refusal.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, type TrpcHttpClient } from '../test/helpers/app.ts';
import { signInWithCookie, useBrowser } from '../test/helpers/browser.ts';
import { ensureClientBuilt } from '../test/helpers/client-build.ts';
import { en } from '../test/helpers/i18n.ts';
import { demoIds } from '../test/helpers/orgs.ts';
import type { Page } from 'playwright-core';

const browser = useBrowser();
let app: TestApp;
let admin: TrpcHttpClient;
let webchatId: string;
let visitorId: string;

beforeAll(async () => {
  await ensureClientBuilt();
  app = await startTestApp();
  const sql = app.db.sql;
  await sql`UPDATE users SET language = 'en', status = 'online'`;
  admin = await app.login('admin@demo.test');
  const ids = await demoIds(sql);
  webchatId = (await sql`SELECT id FROM channels WHERE org_id = ${ids.orgId} AND kind = 'webchat'`)[0]!.id as string;
  // A web chat visitor who left a name and an e-mail, and wrote a minute ago.
  const [visitor] = await sql`INSERT INTO contacts (org_id, name, email, webchat_visitor_id)
    VALUES (${ids.orgId}, 'Wanda Visitor', 'wanda@example.com', 'visitor-e2e-1') RETURNING id`;
  visitorId = visitor!.id as string;
  await sql`INSERT INTO conversations (org_id, protocol, contact_id, channel_id, team_id, status, closed_at, close_reason, last_activity_at)
    VALUES (${ids.orgId}, '20260101-990001', ${visitorId}, ${webchatId}, ${ids.teams.Support}, 'closed', now(), 'agent', now())`;
  const ana = await app.login('ana@demo.test');
  await ana.mutate('contacts.create', { name: 'Walter Phone', email: 'walter@example.com', whatsapp: '5531977770001' });
}, 240_000);
afterAll(() => app?.stop());

const signIn = (page: Page, email: string) => signInWithCookie(page, (e) => app.login(e), email, app.url);

describe('contacts for every channel', () => {
  it('lists the recent contacts before any search', async () => {
    const page = await browser.newPage();
    await signIn(page, 'ana@demo.test');
    await page.goto(`${app.url}/contacts`);
    const recent = page.getByRole('list', { name: en('contacts.recent') });
    await recent.getByRole('link', { name: /Wanda Visitor/ }).waitFor({ timeout: 20_000 });
    await recent.getByRole('link', { name: /Walter Phone/ }).waitFor();
    // The web chat visitor shows their e-mail, not an empty number.
    expect(await recent.getByRole('link', { name: /Wanda Visitor/ }).textContent()).toContain('wanda@example.com');
  });

  it('searches a web chat channel by name or e-mail, and shows its contact without a missing WhatsApp number', async () => {
    const page = await browser.newPage();
    await signIn(page, 'ana@demo.test');
    await page.goto(`${app.url}/channels/${webchatId}`);
    const search = page.getByLabel(en('contacts.search.webchatLabel'));
    await search.waitFor({ timeout: 20_000 });
    expect(await search.getAttribute('placeholder')).toBe(en('contacts.search.webchatPlaceholder'));
    expect(await page.getByLabel(en('contacts.search.label')).count()).toBe(0);
    await search.fill('wanda@exa');
    await page.getByRole('link', { name: /Wanda Visitor/ }).click();
    const card = page.getByRole('region', { name: 'Wanda Visitor' });
    await card.getByText('wanda@example.com').waitFor();
    expect(await card.getByText(en('contacts.field.whatsapp'), { exact: true }).count()).toBe(0);
    expect(await card.getByText(en('contacts.field.empty')).count()).toBe(0);
    expect(await card.getByText(en('contacts.incomplete')).count()).toBe(0);
  });

  it('marks the required fields of the add-contact form, the organization\'s own too, as the server refuses them', async () => {
    await admin.mutate('admin.org.update', { requiredContactFields: ['CPF'] });
    try {
      const page = await browser.newPage();
      await signIn(page, 'ana@demo.test');
      await page.goto(`${app.url}/contacts?new=1`);
      const form = page.getByRole('form', { name: en('contacts.add.title') });
      const required = `(${en('contacts.field.required')})`;
      for (const label of [en('contacts.field.name'), en('contacts.field.email'), en('contacts.field.whatsapp'), 'CPF']) {
        await form.getByLabel(`${label} ${required}`).waitFor({ timeout: 20_000 });
      }
      await form.getByLabel(en('contacts.field.name'), { exact: false }).fill('Clara Required');
      await form.getByLabel(en('contacts.field.email'), { exact: false }).fill('clara@example.com');
      await form.getByLabel(en('contacts.field.whatsapp'), { exact: false }).fill('5531977770002');
      await form.getByRole('button', { name: en('contacts.save') }).click();
      // The server's sentence names the field the form marked.
      await form.getByRole('alert').filter({ hasText: en('contact.missingFields', { fields: 'CPF' }) }).waitFor();
      await form.getByLabel(`CPF ${required}`).fill('123.456.789-00');
      await form.getByRole('button', { name: en('contacts.save') }).click();
      await page.getByRole('heading', { name: 'Clara Required', level: 2 }).waitFor();
      const [clara] = await app.db.sql`SELECT fields, incomplete FROM contacts WHERE whatsapp = '5531977770002'`;
      expect(clara).toMatchObject({ fields: { CPF: '123.456.789-00' }, incomplete: false });
    } finally {
      await admin.mutate('admin.org.update', { requiredContactFields: [] });
    }
  });
});
