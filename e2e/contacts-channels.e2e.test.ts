/**
 * Issue 17 item 8, contacts for every channel, through a real browser: the Contacts page lists
 * the recent contacts before any search; a web chat channel is searched by name or e-mail,
 * not by WhatsApp number; a web chat contact has no "WhatsApp number: not filled in"; the
 * add-contact form marks what the server requires — name, e-mail, WhatsApp and the
 * organization's own required fields, with an input for each — and shows its refusal.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { TestApp, TestClient } from '../test/helpers/app.ts';
import { useAppInBrowser } from '../test/helpers/browser-app.ts';
import { en } from '../test/helpers/i18n.ts';
import { makeContact, makeConversation } from '../test/helpers/factories.ts';

const e2e = useAppInBrowser();
let app: TestApp;
let admin: TestClient;
let webchatId: string;
let visitorId: string;

beforeAll(async () => {
  app = e2e.app;
  const sql = app.db.sql;
  admin = await app.login('admin@demo.test');
  const { ids } = e2e;
  webchatId = (await sql`SELECT id FROM channels WHERE org_id = ${ids.orgId} AND kind = 'webchat'`)[0]!.id as string;
  // A web chat visitor who left a name and an e-mail, and wrote a minute ago.
  visitorId = await makeContact(sql, ids.orgId, { name: 'Wanda Visitor', email: 'wanda@example.com', webchatVisitorId: 'visitor-e2e-1' });
  await makeConversation(sql, ids.orgId, { contactId: visitorId, channelId: webchatId, teamId: ids.teams.Support, status: 'closed' });
  const ana = await app.login('ana@demo.test');
  await ana.contacts.create.mutate({ name: 'Walter Phone', email: 'walter@example.com', whatsapp: '5531977770001' });
});

describe('contacts for every channel', () => {
  it('lists the recent contacts before any search', async () => {
    const page = await e2e.signedIn('ana@demo.test', '/contacts');
    const recent = page.getByRole('list', { name: en('contacts.recent') });
    await recent.getByRole('link', { name: /Wanda Visitor/ }).waitFor({ timeout: 20_000 });
    await recent.getByRole('link', { name: /Walter Phone/ }).waitFor();
    // The web chat visitor shows their e-mail, not an empty number.
    expect(await recent.getByRole('link', { name: /Wanda Visitor/ }).textContent()).toContain('wanda@example.com');
  });

  it('searches a web chat channel by name or e-mail, and shows its contact without a missing WhatsApp number', async () => {
    const page = await e2e.signedIn('ana@demo.test', `/channels/${webchatId}`);
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

  it("marks the required fields of the add-contact form, the organization's own too, as the server refuses them", async () => {
    await admin.admin.org.update.mutate({ requiredContactFields: ['CPF'] });
    try {
      const page = await e2e.signedIn('ana@demo.test', '/contacts?new=1');
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
      await form
        .getByRole('alert')
        .filter({ hasText: en('contact.missingFields', { fields: 'CPF' }) })
        .waitFor();
      await form.getByLabel(`CPF ${required}`).fill('123.456.789-00');
      await form.getByRole('button', { name: en('contacts.save') }).click();
      await page.getByRole('heading', { name: 'Clara Required', level: 2 }).waitFor();
      const [clara] = await app.db.sql`SELECT fields, incomplete FROM contacts WHERE whatsapp = '5531977770002'`;
      expect(clara).toMatchObject({ fields: { CPF: '123.456.789-00' }, incomplete: false });
    } finally {
      await admin.admin.org.update.mutate({ requiredContactFields: [] });
    }
  });
});
