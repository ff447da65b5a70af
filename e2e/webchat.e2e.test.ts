/**
 * SPEC §1/§9 (the customer web chat) through a real browser: a company's page on another
 * site embeds the one-line script; the visitor opens the chat (the organization's name and
 * brand colour), writes, picks "Support" in the bot menu, an agent claims and answers over
 * tRPC, and the answer appears in the iframe; files go both ways; "no one available" shows
 * as a notice; the widget speaks the browser's language. The channel's allowed sites decide
 * who may frame the widget and whether the visitor's session may be kept by the page; a
 * session is never taken from the address or from a page the channel does not allow.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Channel } from '../db/queries/channels.ts';
import { LANGUAGES, pickLanguage, translate, type Language } from '../i18n/index.ts';
import type { TestApp } from '../test/helpers/app.ts';
import { seriousViolations } from '../test/helpers/axe.ts';
import { useAppInBrowser, type DemoIds } from '../test/helpers/browser-app.ts';
import { makeChannel } from '../test/helpers/conversations.ts';
import { demoIds, waitFor } from '../test/helpers/orgs.ts';
import { en } from '../test/helpers/i18n.ts';

const e2e = useAppInBrowser();
const { browser } = e2e;

let app: TestApp;
let ids: DemoIds;
let channel: Channel;
let host: http.Server;
let hostUrl: string;
let hostOrigin: string;
/** The same test site under its other name: another origin, one the channel does not list. */
let otherUrl: string;
let orgName: string;
const BRAND = '#7c3aed';
const BRAND_RGB = 'rgb(124, 58, 237)';
// A 1×1 PNG.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

beforeAll(async () => {
  ({ app, ids } = e2e);
  channel = await makeChannel(app.db.sql, ids, 'webchat');
  await app.db.sql`UPDATE organizations SET brand_color = ${BRAND} WHERE id = ${ids.orgId}`;
  orgName = (await app.db.sql<{ name: string }[]>`SELECT name FROM organizations WHERE id = ${ids.orgId}`)[0]!.name;
  // The company's site: another origin (another host name and port) with the one-line embed;
  // /planted is a hostile page that frames the widget by hand with a token of its own.
  host = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    if (url.pathname === '/planted') {
      res.end(plantingPage(url.searchParams.get('channel')!, url.searchParams.get('session')!));
      return;
    }
    res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Loja Exemplo</title></head>
      <body><h1>Loja Exemplo</h1>
      <script src="${app.url}/widget/embed.js" data-channel="${url.searchParams.get('channel') ?? channel.id}" async></script></body></html>`);
  });
  await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve));
  const port = (host.address() as AddressInfo).port;
  hostUrl = `http://localhost:${port}/`;
  hostOrigin = `http://localhost:${port}`;
  otherUrl = `http://127.0.0.1:${port}/`;
  // The company lists its site: the widget may be framed there, and may keep its session there.
  await app.db.sql`UPDATE channels SET allowed_sites = ${[hostOrigin]} WHERE id = ${channel.id}`;
});

/**
 * A page that frames the widget with a visitor token of its own, in the address (as the
 * embed script once handed the session over) and by postMessage, again and again.
 */
function plantingPage(channelId: string, session: string): string {
  const src = `${app.url}/widget?channel=${encodeURIComponent(channelId)}#session=${encodeURIComponent(session)}`;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Not the shop</title></head><body>
    <iframe title="${en('widget.title')}" src="${src}" style="width:400px;height:600px;border:0"></iframe>
    <script>
      var frame = document.querySelector('iframe');
      setInterval(function () { frame.contentWindow.postMessage({ type: 'atende:session', value: ${JSON.stringify(session)} }, '*'); }, 100);
    </script></body></html>`;
}

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
afterAll(async () => {
  await new Promise((resolve) => host?.close(resolve));
});

describe('web chat widget embedded on another site', () => {
  it('opens, talks to the bot, and shows the agent reply live', async () => {
    const page = await browser.newPage();
    await page.goto(hostUrl);
    await page.getByRole('heading', { name: 'Loja Exemplo' }).waitFor();

    const launcher = page.getByRole('button', { name: en('widget.open') });
    // The launcher takes the organization's brand colour.
    await expect.poll(() => launcher.evaluate((b) => getComputedStyle(b).backgroundColor)).toBe(BRAND_RGB);
    await launcher.click();
    const iframe = page.locator(`iframe[title="${en('widget.title')}"]`);
    expect(new URL((await iframe.getAttribute('src'))!).origin).toBe(app.url);
    const chat = page.frameLocator(`iframe[title="${en('widget.title')}"]`);
    // The header names the organization, in its colour.
    const heading = chat.getByRole('heading', { name: orgName });
    await heading.waitFor();
    await expect.poll(() => chat.locator('header').evaluate((h) => getComputedStyle(h).backgroundColor)).toBe(BRAND_RGB);

    await chat.getByLabel(en('widget.name')).fill('Visitante E2E');
    await chat.getByRole('textbox', { name: en('widget.message'), exact: true }).fill('Olá, quero ajuda com meu pedido');
    await chat.getByRole('button', { name: en('widget.send') }).click();

    // The bot menu arrives with its options as buttons.
    const options = chat.getByRole('group', { name: en('widget.options') });
    await options.getByRole('button', { name: 'Support' }).click();
    const conversation = await waitFor(async () => {
      const [row] = await app.db.sql<{ id: string; status: string }[]>`SELECT c.id, c.status FROM conversations c
        JOIN contacts k ON k.id = c.contact_id WHERE k.name = 'Visitante E2E' AND c.channel_id = ${channel.id}`;
      return row?.status === 'waiting' ? row : null;
    }, 'conversation waiting in Support');
    // The button sent the option's number, exactly as typing it would.
    const inbound = await app.db.sql<
      { text: string }[]
    >`SELECT text FROM messages WHERE conversation_id = ${conversation.id} AND direction = 'in' ORDER BY created_at`;
    expect(inbound.map((m) => m.text)).toEqual(['Olá, quero ajuda com meu pedido', '1']);
    // An old menu no longer offers buttons.
    await options.waitFor({ state: 'detached' });

    const ana = await app.login('ana@demo.test');
    await ana.conversations.claim.mutate({ conversationId: conversation.id });
    const reply = await ana.conversations.send.mutate({
      conversationId: conversation.id,
      text: 'Olá! Sou a Ana, vou ajudar.',
      clientMessageId: 'e2e-webchat-0001',
    });

    const log = chat.getByRole('log', { name: en('widget.messages') });
    await log.getByText('Olá! Sou a Ana, vou ajudar.').waitFor();
    await log.getByText('Ana', { exact: true }).waitFor();
    // Seen in an open chat: read, and the agent's view says so.
    await expect
      .poll(
        async () =>
          (await ana.conversations.get.query({ conversationId: conversation.id })).messages.find((m) => m.id === reply.id)!.status,
        { timeout: 5_000 },
      )
      .toBe('read');
    // The visitor's messages show as read once the agent answered.
    await log.getByText(en('widget.read')).first().waitFor({ state: 'attached' });

    // The visitor attaches a file; it reaches the agent.
    await chat
      .locator('input[type=file]')
      .setInputFiles({ name: 'pedido-123.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4 order 123') });
    await chat.getByRole('button', { name: en('widget.removeFile', { name: 'pedido-123.pdf' }) }).waitFor();
    await chat.getByRole('textbox', { name: en('widget.message'), exact: true }).fill('Segue o pedido');
    await chat.getByRole('button', { name: en('widget.send') }).click();
    await log.getByRole('button', { name: en('widget.file', { name: 'pedido-123.pdf' }) }).waitFor();
    await expect
      .poll(async () => {
        const view = await ana.conversations.get.query({ conversationId: conversation.id });
        const m = view.messages.find((x) => x.direction === 'in' && x.text === 'Segue o pedido');
        return m?.attachment ? { filename: m.attachment.filename, contentType: m.attachment.contentType } : null;
      })
      .toEqual({ filename: 'pedido-123.pdf', contentType: 'application/pdf' });

    // The agent sends an image; the widget shows it inline.
    const form = new FormData();
    form.append('file', new Blob([PNG], { type: 'image/png' }), 'etiqueta.png');
    const up = await fetch(`${app.url}/uploads?purpose=message`, { method: 'POST', headers: { cookie: ana.cookie! }, body: form });
    expect(up.status).toBe(201);
    await ana.conversations.send.mutate({
      conversationId: conversation.id,
      text: 'A etiqueta de envio',
      attachmentId: (await up.json()).id,
      clientMessageId: 'e2e-webchat-0002',
    });
    const image = log.getByRole('img', { name: 'etiqueta.png' });
    await image.waitFor();
    await expect.poll(() => image.evaluate((i) => (i as HTMLImageElement).naturalWidth)).toBe(1);
    await log.getByText('A etiqueta de envio').waitFor();

    // The token lives in the iframe's own storage (Atende's origin); where the browser blocks
    // third-party storage (as this headless Chromium does) the embedding page keeps it.
    // Either way the history survives a reload.
    const key = `atende.webchat.${channel.id}`;
    const frame = page.frames().find((f) => f.url().startsWith(`${app.url}/widget`))!;
    const inFrame = await frame.evaluate((k) => {
      try {
        return localStorage.getItem(k);
      } catch {
        return null;
      }
    }, key);
    const inHost = await page.evaluate((k) => localStorage.getItem(k), key);
    expect(JSON.parse((inFrame ?? inHost)!).token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // The embed script takes the session only from the widget's frame and origin: a message
    // from the page itself (or any other window) is ignored.
    await page.evaluate(
      () =>
        new Promise<void>((resolve) => {
          window.postMessage({ type: 'atende:store', value: 'planted' }, '*');
          // Messages are delivered in order: once this one arrives, the one above was handled.
          window.addEventListener('message', function done(e) {
            if (e.data !== 'handled') return;
            window.removeEventListener('message', done);
            resolve();
          });
          window.postMessage('handled', '*');
        }),
    );
    expect(await page.evaluate((k) => localStorage.getItem(k), key)).toBe(inHost);
    await page.reload();
    await page.getByRole('button', { name: en('widget.open') }).click();
    await page
      .frameLocator(`iframe[title="${en('widget.title')}"]`)
      .getByRole('log', { name: en('widget.messages') })
      .getByText('Olá! Sou a Ana, vou ajudar.')
      .waitFor();
  });

  it('shows "no one available" as a notice when nobody in the team is online', async () => {
    // Nobody of Sales is online.
    const sales = (await demoIds(app.db.sql)).teams.Sales!;
    await app.db.sql`UPDATE users SET status = 'offline' WHERE id IN (SELECT user_id FROM team_members WHERE team_id = ${sales})`;
    try {
      const page = await browser.newPage();
      await page.goto(hostUrl);
      await page.getByRole('button', { name: en('widget.open') }).click();
      const chat = page.frameLocator(`iframe[title="${en('widget.title')}"]`);
      await chat.getByRole('heading', { name: orgName }).waitFor();
      await chat.getByRole('textbox', { name: en('widget.message'), exact: true }).fill('Quero um orçamento');
      await chat.getByRole('textbox', { name: en('widget.message'), exact: true }).press('Enter');
      await chat
        .getByRole('group', { name: en('widget.options') })
        .getByRole('button', { name: 'Sales' })
        .click();
      const log = chat.getByRole('log', { name: en('widget.messages') });
      const notice = log.locator('.w-notice');
      await notice.getByText(en('widget.noOneAvailable')).waitFor();
      await notice.getByText(channel.noOneAvailableMessage).waitFor();
      // A notice, not an ordinary bubble, and no buttons left.
      expect(await log.locator('.w-msg', { hasText: channel.noOneAvailableMessage }).count()).toBe(0);
      expect(await chat.getByRole('group', { name: en('widget.options') }).count()).toBe(0);
    } finally {
      await app.db.sql`UPDATE users SET status = 'online' WHERE id IN (SELECT user_id FROM team_members WHERE team_id = ${sales})`;
    }
  });

  it('fills a phone screen, and closes from its own header', async () => {
    const page = await browser.newPage({ viewport: { width: 375, height: 667 }, isMobile: true, hasTouch: true });
    await page.goto(hostUrl);
    const launcher = page.getByRole('button', { name: en('widget.open') });
    await launcher.click();
    const chat = page.frameLocator(`iframe[title="${en('widget.title')}"]`);
    await chat.getByRole('heading', { name: orgName }).waitFor();
    expect(await page.locator(`iframe[title="${en('widget.title')}"]`).boundingBox()).toEqual({ x: 0, y: 0, width: 375, height: 667 });
    await chat.getByRole('button', { name: en('widget.close') }).click();
    await launcher.waitFor();
    expect(await page.locator(`iframe[title="${en('widget.title')}"]`).isVisible()).toBe(false);
  });

  it('works by keyboard alone as a page of its own, with nothing serious for axe', async () => {
    // bypassCSP: only so axe-core can be injected into the page.
    const page = await browser.newPage({ bypassCSP: true });
    await page.goto(`${app.url}/widget?channel=${channel.id}`);
    await page.getByRole('heading', { name: orgName }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    // The message box has the focus from the start; Enter sends.
    await page.keyboard.type('Preciso de ajuda');
    await page.keyboard.press('Enter');
    const options = page.getByRole('group', { name: en('widget.options') });
    await options.getByRole('button', { name: 'Support' }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    // Back from the message box: the attach button, then the options (last first).
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Shift+Tab');
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('Support');
    await page.keyboard.press('Enter');
    await options.waitFor({ state: 'detached' });
    // The visitor's choice (sent as "1", shown as the option's name), and the keyboard is back in the message box.
    await page
      .getByRole('log', { name: en('widget.messages') })
      .locator('.w-in')
      .getByText('Support', { exact: true })
      .waitFor();
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('w-text');
  });

  it('starts over as a new visitor, without losing the message, when the token expired while the tab stayed open', async () => {
    const page = await browser.newPage();
    await page.goto(`${app.url}/widget?channel=${channel.id}`);
    const log = page.getByRole('log', { name: en('widget.messages') });
    const box = page.getByRole('textbox', { name: en('widget.message') });
    await box.fill('Before the expiry');
    await box.press('Enter');
    await page.getByRole('group', { name: en('widget.options') }).waitFor();
    const [first] = await app.db.sql`SELECT v.id FROM webchat_visitors v JOIN contacts c ON c.webchat_visitor_id = v.id::text
      JOIN messages m ON m.org_id = c.org_id JOIN conversations cv ON cv.id = m.conversation_id AND cv.contact_id = c.id
      WHERE m.text = 'Before the expiry'`;
    await app.db.sql`UPDATE webchat_visitors SET last_seen_at = now() - interval '31 days' WHERE id = ${first!.id}`;
    await box.fill('After the expiry');
    await box.press('Enter');
    await waitFor(
      async () => (await app.db.sql`SELECT 1 FROM messages WHERE text = 'After the expiry'`).length === 1,
      'delivered as a new visitor',
    );
    await log.getByText('After the expiry').waitFor();
    expect(await page.getByRole('button', { name: en('widget.retry') }).count()).toBe(0);
    const [second] = await app.db.sql`SELECT c.webchat_visitor_id FROM messages m JOIN conversations cv ON cv.id = m.conversation_id
      JOIN contacts c ON c.id = cv.contact_id WHERE m.text = 'After the expiry'`;
    expect(second!.webchat_visitor_id).not.toBe(String(first!.id));
  });

  it("speaks the visitor's browser language", async () => {
    // Spanish when the catalogue has it; until then the browser's next choice (English here).
    const hasSpanish = (LANGUAGES as readonly string[]).includes('es');
    const languages = hasSpanish ? ['es-ES', 'es'] : ['es-ES', 'en-US'];
    const expected: Language = pickLanguage(languages);
    expect(expected).toBe(hasSpanish ? 'es' : 'en');
    const say = (key: Parameters<typeof translate>[1], params?: Record<string, string | number>) => translate(expected, key, params);
    const page = await browser.newPage({ locale: languages[0], extraHTTPHeaders: { 'accept-language': `${languages.join(',')};q=0.9` } });
    await page.addInitScript((langs) => Object.defineProperty(navigator, 'languages', { get: () => langs }), languages);
    await page.goto(hostUrl);
    await page.getByRole('button', { name: say('widget.open') }).click();
    const chat = page.frameLocator(`iframe[title="${say('widget.title')}"]`);
    await chat.getByRole('heading', { name: orgName }).waitFor();
    await chat.getByText(say('widget.welcome')).waitFor();
    await chat.getByLabel(say('widget.name')).waitFor();
    await chat.getByRole('button', { name: say('widget.attach') }).waitFor();
    const frame = page.frames().find((f) => f.url().startsWith(`${app.url}/widget`))!;
    expect(await frame.evaluate(() => document.documentElement.lang)).toBe(expected);
    await chat.getByRole('textbox', { name: say('widget.message'), exact: true }).fill('Hola');
    await chat.getByRole('button', { name: say('widget.send') }).click();
    await chat
      .getByRole('group', { name: say('widget.options') })
      .getByRole('button', { name: 'Support' })
      .waitFor();
    await chat.getByText(say('widget.automatic')).first().waitFor();
  });
});

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
