/**
 * SPEC §1/§9 (the customer web chat) through a real browser: a company's page on another
 * site embeds the one-line script; the visitor opens the chat (the organization's name and
 * brand colour), writes, picks "Support" in the bot menu, an agent claims and answers over
 * tRPC, and the answer appears in the iframe; files go both ways; "no one available" shows
 * as a notice; the widget speaks the browser's language. Who may frame the widget and hold
 * its session: webchat-framing.e2e.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { LANGUAGES, pickLanguage, translate, type Language } from '../i18n/index.ts';
import { seriousViolations } from '../test/helpers/axe.ts';
import { demoIds, waitFor } from '../test/helpers/orgs.ts';
import { en } from '../test/helpers/i18n.ts';
import { app, BRAND_RGB, channel, hostUrl, orgName, useWebchatSite } from './webchat-test-setup.ts';

const { browser } = useWebchatSite();
// A 1×1 PNG.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

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
      await app.db
        .sql`UPDATE users SET status = 'online', connected = true WHERE id IN (SELECT user_id FROM team_members WHERE team_id = ${sales})`;
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
