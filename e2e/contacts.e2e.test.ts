/**
 * SPEC §4–6 (contacts, notes, starting a conversation) through a real browser: two agents
 * co-edit a contact's notes (CodeMirror bound to Yjs) and both see both edits, also after
 * one of them edited while its connection was cut by a TCP proxy the test controls; an
 * agent searches by number, adds a contact (the server's refusal first) and starts a
 * WhatsApp conversation with a template, landing in the conversation page.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp, TestClient } from '../test/helpers/app.ts';
import { useBrowser, signInWithCookie } from '../test/helpers/browser.ts';
import { seriousViolations } from '../test/helpers/axe.ts';
import { ensureClientBuilt } from '../test/helpers/client-build.ts';
import type { FakeGraph } from '../test/helpers/fake-graph.ts';
import { getChannel } from '../db/queries/channels.ts';
import { inbound } from '../test/helpers/conversations.ts';
import { demoIds, waitFor } from '../test/helpers/orgs.ts';
import { startTcpProxy } from '../test/helpers/tcp-proxy.ts';
import { startWhatsAppApp } from '../test/helpers/whatsapp.ts';
import { en } from '../test/helpers/i18n.ts';

const browser = useBrowser();

let app: TestApp;
let graph: FakeGraph;
let ana: TestClient;

beforeAll(async () => {
  await ensureClientBuilt();
  ({ app, graph } = await startWhatsAppApp());
  await app.db.sql`UPDATE users SET language = 'en', status = 'online', connected = true`;
  ana = await app.login('ana@demo.test');
});
afterAll(async () => {
  await app?.stop();
  await graph?.close();
});

/** Signs in through the API and hands the session cookie to the page (cookies ignore the port). */
const signIn = (page: Page, email: string, base = app.url) => signInWithCookie(page, (e) => app.login(e), email, base);

async function openContact(page: Page, contactId: string, base = app.url): Promise<void> {
  await page.goto(`${base}/contacts/${contactId}`);
  await page.getByRole('heading', { name: en('contacts.notes.title'), exact: true }).waitFor({ timeout: 20_000 });
}

/**
 * Records what a page's Content-Security-Policy blocked (the `securitypolicyviolation`
 * event, and Chromium's console line) and the policy each document came with.
 */
async function watchCsp(page: Page): Promise<{ violations: string[]; policies: string[] }> {
  const violations: string[] = [];
  const policies: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
  });
  page.on('response', (r) => {
    if (r.request().resourceType() === 'document') policies.push(r.headers()['content-security-policy'] ?? '');
  });
  await page.exposeFunction('reportCspViolation', (v: string) => violations.push(v));
  await page.addInitScript(() =>
    document.addEventListener('securitypolicyviolation', (e) =>
      (window as unknown as { reportCspViolation(v: string): void }).reportCspViolation(
        `${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`,
      ),
    ),
  );
  return { violations, policies };
}

const noteOf = (page: Page, author: RegExp) => page.getByRole('textbox', { name: author });

/** The text of a note's editor, without the colleagues' caret labels drawn inside it. */
const noteText = (page: Page, author: RegExp) =>
  noteOf(page, author).evaluate((el) => {
    const copy = el.cloneNode(true) as HTMLElement;
    for (const n of copy.querySelectorAll('.cm-ySelectionCaret, .cm-ySelectionInfo, .cm-widgetBuffer')) n.remove();
    return copy.textContent;
  });

/** Types at the end of a note's editor. */
async function typeAtEnd(page: Page, author: RegExp, text: string): Promise<void> {
  const editor = noteOf(page, author);
  await editor.click();
  await page.keyboard.press('Control+End');
  await page.keyboard.type(text);
}

async function newContact(name: string, whatsapp: string): Promise<string> {
  return (await ana.contacts.create.mutate({ name, email: `${whatsapp}@example.com`, whatsapp })).id as string;
}

describe('contact notes', () => {
  it('two agents co-edit the same entry live, and the text is on the server', async () => {
    const contactId = await newContact('Notes Person', '5531970000001');
    const anaPage = await browser.newPage();
    const brunoPage = await browser.newPage();
    await signIn(anaPage, 'ana@demo.test');
    await signIn(brunoPage, 'bruno@demo.test');
    // The app's Content-Security-Policy blocks nothing the workspace and the editor do.
    const csp = [await watchCsp(anaPage), await watchCsp(brunoPage)];
    await openContact(anaPage, contactId);
    await openContact(brunoPage, contactId);
    await anaPage.getByText(en('contacts.notes.empty')).waitFor();

    await anaPage.getByRole('button', { name: en('contacts.notes.add') }).click();
    await noteOf(anaPage, /^Note by Ana/).click();
    await anaPage.keyboard.type('Prefers calls after 2pm.');
    await expect.poll(() => noteText(brunoPage, /^Note by Ana/)).toBe('Prefers calls after 2pm.');

    // Bruno writes into Ana's entry and adds his own.
    await typeAtEnd(brunoPage, /^Note by Ana/, ' Bruno: confirmed by phone.');
    await brunoPage.getByRole('button', { name: en('contacts.notes.add') }).click();
    await noteOf(brunoPage, /^Note by Bruno/).click();
    await brunoPage.keyboard.type('Asked about the invoice.');
    await typeAtEnd(anaPage, /^Note by Ana/, ' Ana: thanks!');

    const both = 'Prefers calls after 2pm. Bruno: confirmed by phone. Ana: thanks!';
    for (const page of [anaPage, brunoPage]) {
      await expect.poll(() => noteText(page, /^Note by Ana/)).toBe(both);
      await expect.poll(() => noteText(page, /^Note by Bruno/)).toBe('Asked about the invoice.');
    }
    // Bruno sees Ana's cursor (y-codemirror.next's remote caret, named).
    await brunoPage.locator('.cm-ySelectionInfo', { hasText: 'Ana' }).first().waitFor({ state: 'attached' });

    // After a reload, and in a fresh browser with nothing stored locally: from the server.
    await anaPage.reload();
    await expect.poll(() => noteText(anaPage, /^Note by Ana/)).toBe(both);
    const fresh = await browser.newPage();
    await signIn(fresh, 'carla@demo.test');
    await openContact(fresh, contactId);
    await expect.poll(() => noteText(fresh, /^Note by Ana/)).toBe(both);
    await expect.poll(() => noteText(fresh, /^Note by Bruno/)).toBe('Asked about the invoice.');

    // Deleting keeps the entry in the history; it can be restored.
    await brunoPage.getByRole('button', { name: en('contacts.notes.delete', { name: 'Bruno Lima' }) }).click();
    await expect.poll(() => noteOf(anaPage, /^Note by Bruno/).count()).toBe(0);
    await anaPage.getByLabel(en('contacts.notes.showDeleted', { count: 1 })).check();
    await anaPage.getByText('Asked about the invoice.').waitFor();
    await anaPage.getByRole('button', { name: en('contacts.notes.restore', { name: 'Bruno Lima' }) }).click();
    await expect.poll(() => noteText(brunoPage, /^Note by Bruno/)).toBe('Asked about the invoice.');
    // The server's activity log names who edited.
    await anaPage.getByText(en('contacts.notes.activity')).click();
    await anaPage
      .getByText(/^edited by Bruno Lima at /)
      .first()
      .waitFor();
    // Live: Carla edits, and Ana's open activity list names her without a reload.
    expect(await anaPage.getByText(/^edited by Carla/).count()).toBe(0);
    await typeAtEnd(fresh, /^Note by Bruno/, ' Carla: sent.');
    await anaPage
      .getByText(/^edited by Carla/)
      .first()
      .waitFor();

    for (const { violations, policies } of csp) {
      expect(policies.length).toBeGreaterThan(0);
      for (const policy of policies) expect(policy).toContain("script-src 'self'");
      expect(violations).toEqual([]);
    }
  });

  it('edits made while the connection is cut merge when it comes back', async () => {
    const contactId = await newContact('Offline Person', '5531970000002');
    const proxy = await startTcpProxy(app.url);
    try {
      const anaPage = await browser.newPage();
      const brunoPage = await browser.newPage();
      await signIn(anaPage, 'ana@demo.test', proxy.url);
      await signIn(brunoPage, 'bruno@demo.test');
      await openContact(anaPage, contactId, proxy.url);
      await openContact(brunoPage, contactId);
      await anaPage
        .getByRole('status')
        .filter({ hasText: en('contacts.notes.sync.connected') })
        .waitFor();
      // The service worker has the app shell before the network goes away.
      await anaPage.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));

      await anaPage.getByRole('button', { name: en('contacts.notes.add') }).click();
      await noteOf(anaPage, /^Note by Ana/).click();
      await anaPage.keyboard.type('Before the cut.');
      await expect.poll(() => noteText(brunoPage, /^Note by Ana/)).toBe('Before the cut.');

      proxy.cut();
      await anaPage
        .getByRole('status')
        .filter({ hasText: en('contacts.notes.sync.offline') })
        .waitFor();
      await typeAtEnd(anaPage, /^Note by Ana/, ' Typed offline.');
      await typeAtEnd(brunoPage, /^Note by Ana/, ' Bruno online.');
      await expect.poll(() => noteText(brunoPage, /^Note by Ana/)).toBe('Before the cut. Bruno online.');
      expect(await noteText(anaPage, /^Note by Ana/)).toBe('Before the cut. Typed offline.');

      // A reload while still cut: the app shell (service worker), the contact (persisted
      // query cache) and the note (IndexedDB) come back, and editing goes on.
      await anaPage.reload();
      await anaPage.getByRole('heading', { name: en('contacts.notes.title'), exact: true }).waitFor({ timeout: 20_000 });
      await expect.poll(() => noteText(anaPage, /^Note by Ana/)).toBe('Before the cut. Typed offline.');
      await typeAtEnd(anaPage, /^Note by Ana/, ' After reload.');
      await expect.poll(() => noteText(anaPage, /^Note by Ana/)).toBe('Before the cut. Typed offline. After reload.');

      proxy.restore();
      await anaPage
        .getByRole('status')
        .filter({ hasText: en('contacts.notes.sync.connected') })
        .waitFor({ timeout: 20_000 });
      for (const page of [anaPage, brunoPage]) {
        await expect
          .poll(() => noteText(page, /^Note by Ana/), { timeout: 15_000 })
          .toMatch(/^Before the cut\.( Typed offline\. After reload\.| Bruno online\.){2}$/);
      }
      const merged = await noteText(anaPage, /^Note by Ana/);
      expect(merged).toContain('Typed offline. After reload.');
      expect(merged).toContain('Bruno online.');
      expect(await noteText(brunoPage, /^Note by Ana/)).toBe(merged);
    } finally {
      await proxy.close();
    }
  });
});

describe('contacts and starting a conversation', () => {
  it('marks a contact a channel created as incomplete until an agent fills it in', async () => {
    const [row] = await app.db.sql`SELECT id FROM channels WHERE name = 'WhatsApp'`;
    const channel = (await getChannel(app.db.sql, (await demoIds(app.db.sql)).orgId, row!.id as string))!;
    await inbound(app, channel, { from: '5531966660001', text: 'Oi', name: 'Cliente Novo' });
    const page = await browser.newPage();
    await signIn(page, 'ana@demo.test');
    await page.goto(`${app.url}/contacts?q=553196666`);
    const link = page.getByRole('link', { name: /Cliente Novo/ });
    await link.getByText(en('contacts.incomplete')).waitFor();
    await link.click();
    const card = page.getByRole('region', { name: 'Cliente Novo' });
    await card.getByText(en('contacts.incomplete')).waitFor();
    await card.getByRole('button', { name: en('contacts.edit') }).click();
    await card.getByLabel(en('contacts.field.email'), { exact: false }).fill('not-an-email');
    await card.getByRole('button', { name: en('contacts.save') }).click();
    await card
      .getByRole('alert')
      .filter({ hasText: en('error.invalidInput') })
      .waitFor();
    await card.getByLabel(en('contacts.field.email'), { exact: false }).fill('cliente.novo@example.com');
    await card.getByRole('button', { name: en('contacts.save') }).click();
    await card.getByText(en('contacts.saved')).waitFor();
    await expect.poll(() => card.getByText(en('contacts.incomplete')).count()).toBe(0);
    await expect.poll(() => link.getByText(en('contacts.incomplete')).count()).toBe(0);

    // Every control labelled, nothing serious for assistive technology (axe), editor open.
    await page.getByRole('button', { name: en('contacts.notes.add') }).click();
    await noteOf(page, /^Note by Ana/).waitFor();
    await card.getByRole('button', { name: en('contacts.edit') }).click();
    const violations = await seriousViolations(page, '.contacts-page');
    expect(violations).toEqual([]);
  });

  it('searches by number, adds a contact (refusal first) and starts a WhatsApp conversation with a template', async () => {
    await newContact('Search Target', '5531980001234');
    const page = await browser.newPage();
    await signIn(page, 'ana@demo.test');
    await page.goto(`${app.url}/contacts`);

    await page.getByLabel(en('contacts.search.label')).fill('553198000');
    await page.getByRole('link', { name: /Search Target/ }).click();
    await page.getByRole('heading', { name: 'Search Target', level: 2 }).waitFor();
    // Click-to-call: the device's dialer, or the organization's telephony with the agent's extension.
    const call = page.getByRole('link', { name: en('contacts.call', { number: '+5531980001234' }) });
    expect(await call.getAttribute('href')).toBe('tel:+5531980001234');
    await app.db.sql`UPDATE users SET extension = '204' WHERE email = 'ana@demo.test'`;
    await app.db.sql`UPDATE organizations SET click_to_call_url = 'https://pbx.example.com/call?to={number}&from={extension}'`;
    await page.reload();
    await expect.poll(() => call.getAttribute('href')).toBe('https://pbx.example.com/call?to=5531980001234&from=204');
    expect(await call.getAttribute('target')).toBe('_blank');
    await app.db.sql`UPDATE organizations SET click_to_call_url = NULL`;

    // Add a contact: the server's sentence for a malformed number, then success.
    await page.goto(`${app.url}/contacts?new=1`);
    const form = page.getByRole('form', { name: en('contacts.add.title') });
    await form.getByLabel(en('contacts.field.name'), { exact: false }).fill('Maria Nova');
    await form.getByLabel(en('contacts.field.email'), { exact: false }).fill('maria.nova@example.com');
    await form.getByLabel(en('contacts.field.whatsapp'), { exact: false }).fill('+55 (31) 98888-7777');
    await form.getByRole('button', { name: en('contacts.save') }).click();
    await form
      .getByRole('alert')
      .filter({ hasText: en('contact.badWhatsapp') })
      .waitFor();
    await form.getByLabel(en('contacts.field.whatsapp'), { exact: false }).fill('5531988887777');
    await form.getByRole('button', { name: en('contacts.save') }).click();
    await page.getByRole('heading', { name: 'Maria Nova', level: 2 }).waitFor();
    await page.getByText(en('contacts.added')).waitFor();
    const [maria] = await app.db.sql`SELECT id, incomplete FROM contacts WHERE whatsapp = '5531988887777'`;
    expect(maria).toMatchObject({ incomplete: false });
    expect(page.url()).toBe(`${app.url}/contacts/${maria!.id}`);

    // It appears in the WhatsApp channel's list.
    const [whatsapp] = await app.db.sql`SELECT id FROM channels WHERE name = 'WhatsApp'`;
    await page.goto(`${app.url}/channels/${whatsapp!.id}`);
    await page.getByRole('heading', { name: 'WhatsApp', level: 1 }).waitFor();
    await page.getByRole('link', { name: /Maria Nova/ }).click();
    await page.getByRole('heading', { name: 'Maria Nova', level: 2 }).waitFor();

    // Start: team (Ana's only team is chosen) → WhatsApp → template with its parameter.
    const start = page.getByRole('region', { name: en('contacts.start.title') });
    await start.getByLabel(en('contacts.start.team')).selectOption({ label: 'Support' });
    await start.getByLabel(en('contacts.start.channel')).selectOption({ label: 'WhatsApp' });
    await start.getByLabel(en('contacts.start.template')).selectOption({ label: 'hello_followup (en_US)' });
    await start.getByLabel(en('contacts.start.param', { n: 1 })).fill('Maria');
    await start.getByText('Hello Maria! We are picking up').waitFor();
    await start.getByRole('button', { name: en('contacts.start.submit') }).click();
    await page.waitForURL(/\/conversations\/[0-9a-f-]{36}$/);
    const conversationId = page.url().split('/').pop()!;
    const [conv] = await app.db
      .sql`SELECT c.status, u.email FROM conversations c JOIN users u ON u.id = c.assignee_id WHERE c.id = ${conversationId}`;
    expect(conv).toMatchObject({ status: 'active', email: 'ana@demo.test' });
    const post = await waitFor(async () => graph.posts.find((p) => p.body.to === '5531988887777'), 'template sent to the fake Graph API');
    expect(post.body).toMatchObject({ type: 'template', template: { name: 'hello_followup' } });

    // Starting again on the same channel: the server's "No permission: …" sentence.
    await page.goto(`${app.url}/contacts/${maria!.id}`);
    const again = page.getByRole('region', { name: en('contacts.start.title') });
    await again.getByLabel(en('contacts.start.team')).selectOption({ label: 'Support' });
    await again.getByLabel(en('contacts.start.channel')).selectOption({ label: 'WhatsApp' });
    await again.getByLabel(en('contacts.start.template')).selectOption({ label: 'hello_followup (en_US)' });
    await again.getByLabel(en('contacts.start.param', { n: 1 })).fill('Maria');
    await again.getByRole('button', { name: en('contacts.start.submit') }).click();
    await again
      .getByRole('alert')
      .filter({ hasText: en('conv.busyServed', { name: 'Ana Souza' }) })
      .waitFor();
    // The open session shows in the contact's panel.
    await page
      .getByRole('link', {
        name: en('contacts.open.open', {
          protocol: (await app.db.sql`SELECT protocol FROM conversations WHERE id = ${conversationId}`)[0]!.protocol as string,
        }),
      })
      .waitFor();
  });
});
