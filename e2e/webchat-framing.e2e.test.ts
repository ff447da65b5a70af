/**
 * SPEC §1/§9 (the customer web chat) through a real browser: the channel's allowed sites
 * decide who may frame the widget and whether the visitor's session may be kept by the page;
 * a session is never taken from the address or from a page the channel does not allow.
 */
import { describe, expect, it } from 'vitest';
import { makeChannel } from '../test/helpers/conversations.ts';
import { waitFor } from '../test/helpers/orgs.ts';
import { en } from '../test/helpers/i18n.ts';
import { app, channel, hostOrigin, hostUrl, ids, orgName, otherUrl, useWebchatSite } from './webchat-test-setup.ts';

const e2e = useWebchatSite();
const { browser } = e2e;

/** A new visitor of a channel, with one message written, as any HTTP client makes them. */
async function visitorWithMessage(channelId: string, text: string): Promise<{ visitorToken: string; visitorId: string }> {
  const res = await fetch(`${app.url}/webchat/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ channelId, name: 'Someone else' }),
  });
  expect(res.status).toBe(201);
  const visitor = (await res.json()) as { visitorToken: string; visitorId: string };
  const sent = await fetch(`${app.url}/webchat/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${visitor.visitorToken}` },
    body: JSON.stringify({ clientMessageId: `planted-${visitor.visitorId}`, text }),
  });
  expect(sent.status).toBe(201);
  return visitor;
}

/** The web chat visitor behind the message with this text. */
async function visitorOf(text: string): Promise<string> {
  const row = await waitFor(
    async () => {
      const [r] = await app.db.sql<{ visitor: string }[]>`SELECT k.webchat_visitor_id AS visitor FROM messages m
      JOIN conversations c ON c.id = m.conversation_id JOIN contacts k ON k.id = c.contact_id WHERE m.text = ${text}`;
      return r;
    },
    `the message "${text}"`,
    20_000,
  );
  return row.visitor;
}

describe('who may frame the widget, and who may hold its session', () => {
  it('never takes a session from the address, nor from a page the channel does not allow', async () => {
    // A channel that lets any site embed it: any page may frame the widget.
    const anyone = await makeChannel(app.db.sql, ids, 'webchat');
    const victim = await visitorWithMessage(anyone.id, 'My order 4471, paid by card');
    const planted = JSON.stringify({ token: victim.visitorToken, visitorId: victim.visitorId });
    const page = await browser.newPage();
    await page.goto(`${hostUrl}planted?channel=${anyone.id}&session=${encodeURIComponent(planted)}`);
    const chat = page.frameLocator(`iframe[title="${en('widget.title')}"]`);
    await chat.getByRole('heading', { name: orgName }).waitFor();
    const box = chat.getByRole('textbox', { name: en('widget.message'), exact: true });
    await box.fill('Is this the shop?');
    await box.press('Enter');
    await chat.getByRole('group', { name: en('widget.options') }).waitFor();
    expect(await visitorOf('Is this the shop?')).not.toBe(victim.visitorId);
    // Nothing of the other visitor's conversation is shown.
    expect(await chat.getByText('My order 4471, paid by card').count()).toBe(0);
    // Nor is the token left in the frame's address.
    const frame = page.frames().find((f) => f.url().startsWith(`${app.url}/widget`))!;
    expect(new URL(frame.url()).hash).toBe('');
  });

  it('the widget page says which sites may frame it, and the browser refuses any other', async () => {
    const res = await fetch(`${app.url}/widget?channel=${channel.id}`);
    expect(res.headers.get('content-security-policy')).toContain(`frame-ancestors ${hostOrigin}`);
    const page = await browser.newPage();
    const logged: string[] = [];
    page.on('console', (m) => logged.push(m.text()));
    // The same test site under its other name (127.0.0.1 rather than localhost): not listed.
    await page.goto(otherUrl);
    await page.getByRole('button', { name: en('widget.open') }).click();
    await expect.poll(() => logged.some((line) => line.includes('frame-ancestors')), { timeout: 20_000 }).toBe(true);
    expect(page.frames().some((f) => f.url().startsWith(`${app.url}/widget`))).toBe(false);
    expect(
      await page
        .frameLocator(`iframe[title="${en('widget.title')}"]`)
        .getByRole('heading', { name: orgName })
        .count(),
    ).toBe(0);
    // On the listed site the same script shows the chat.
    await page.goto(hostUrl);
    await page.getByRole('button', { name: en('widget.open') }).click();
    await page
      .frameLocator(`iframe[title="${en('widget.title')}"]`)
      .getByRole('heading', { name: orgName })
      .waitFor();
  });

  it("posts the visitor's token only to an allowed site, never to any window", async () => {
    // A page on Atende's own origin stands in for the company's site, so it can record what
    // the widget frame posts to it (a cross-origin parent's postMessage cannot be wrapped).
    const listed = await makeChannel(app.db.sql, ids, 'webchat');
    await app.db.sql`UPDATE channels SET allowed_sites = ${[app.url]} WHERE id = ${listed.id}`;
    const anyone = await makeChannel(app.db.sql, ids, 'webchat');
    const recorded = async (channelId: string, text: string) => {
      const page = await browser.newPage();
      // The widget frame as where the browser blocks third-party storage: the page may keep the session.
      await page.addInitScript(() => {
        if (window === window.top) return;
        Object.defineProperty(window, 'localStorage', {
          get() {
            throw new DOMException('Third-party storage is blocked.', 'SecurityError');
          },
        });
      });
      await page.route(`${app.url}/test-host`, (route) =>
        route.fulfill({
          contentType: 'text/html; charset=utf-8',
          body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Host</title></head><body>
            <script>
              window.sent = [];
              window.postMessage = function (message, target) {
                window.sent.push({ message: message, target: typeof target === 'string' ? target : (target && target.targetOrigin) || '/' });
              };
            </script>
            <iframe title="${en('widget.title')}" src="/widget?channel=${channelId}" style="width:400px;height:600px;border:0"></iframe></body></html>`,
        }),
      );
      await page.goto(`${app.url}/test-host`);
      const chat = page.frameLocator(`iframe[title="${en('widget.title')}"]`);
      await chat.getByRole('heading', { name: orgName }).waitFor();
      const box = chat.getByRole('textbox', { name: en('widget.message'), exact: true });
      await box.fill(text);
      await box.press('Enter');
      await chat.getByRole('group', { name: en('widget.options') }).waitFor();
      // The session was saved before the message went out: whatever was posted, was posted.
      const visitor = await visitorOf(text);
      await chat.getByRole('button', { name: en('widget.close') }).click();
      await expect
        .poll(() =>
          page.evaluate(() =>
            (window as unknown as { sent: { message: { type: string } }[] }).sent.some((p) => p.message.type === 'atende:close'),
          ),
        )
        .toBe(true);
      const sent = await page.evaluate(
        () => (window as unknown as { sent: { message: { type: string; value?: string }; target: string }[] }).sent,
      );
      return { sent, visitor };
    };

    const allowed = await recorded(listed.id, 'Hello from a listed site');
    const stores = allowed.sent.filter((p) => p.message.type === 'atende:store');
    expect(stores.map((p) => p.target)).toEqual([app.url]);
    expect(JSON.parse(stores[0]!.message.value!).visitorId).toBe(allowed.visitor);
    expect(allowed.sent.filter((p) => p.target === '*')).toEqual([]);

    // Any site may embed this one: the token is not posted to the page at all.
    const open = await recorded(anyone.id, 'Hello from any site');
    expect(open.sent.filter((p) => p.message.type !== 'atende:close')).toEqual([]);
    expect(JSON.stringify(open.sent)).not.toContain('token');
  });

  it('the admin lists the sites on the channel, and is told which entry is not a site', async () => {
    const edited = await makeChannel(app.db.sql, ids, 'webchat');
    const page = await e2e.signedIn('admin@demo.test', '/admin/channels');
    await page.getByRole('button', { name: en('admin.editNamed', { name: edited.name }) }).click();
    const form = page.getByRole('form', { name: en('admin.channels.editTitle', { name: edited.name }) });
    const sites = form.getByLabel(en('admin.channels.allowedSites'));
    await sites.fill('https://shop.example.com\nshop.example.com/checkout');
    await form.getByRole('button', { name: en('admin.save') }).click();
    await form
      .getByRole('alert')
      .filter({ hasText: en('admin.channels.badSite', { value: 'shop.example.com/checkout' }) })
      .waitFor();
    await sites.fill('https://Shop.Example.com/\nhttp://localhost:8080');
    await form.getByRole('button', { name: en('admin.save') }).click();
    await page
      .getByRole('article', { name: edited.name, exact: true })
      .getByText(en('admin.channels.sitesSummary', { sites: 'https://shop.example.com, http://localhost:8080' }))
      .waitFor();
    const [row] = await app.db.sql`SELECT allowed_sites FROM channels WHERE id = ${edited.id}`;
    expect(row!.allowed_sites).toEqual(['https://shop.example.com', 'http://localhost:8080']);
  });
});
