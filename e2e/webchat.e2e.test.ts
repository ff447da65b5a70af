/**
 * SPEC §1/§9 (the customer web chat) through a real browser: a company's page on another
 * site embeds the one-line script; the visitor opens the chat, writes, picks "Support" in
 * the bot menu, an agent claims and answers over tRPC, and the answer appears in the iframe.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Channel } from '../db/queries/channels.ts';
import { translate } from '../i18n/index.ts';
import { startTestApp, type TestApp } from '../test/helpers/app.ts';
import { useBrowser } from '../test/helpers/browser.ts';
import { ensureClientBuilt } from '../test/helpers/client-build.ts';
import { makeChannel } from '../test/helpers/conversations.ts';
import { demoIds, waitFor } from '../test/helpers/orgs.ts';

const en = (key: Parameters<typeof translate>[1], params?: Record<string, string | number>) => translate('en', key, params);
const browser = useBrowser();

let app: TestApp;
let channel: Channel;
let host: http.Server;
let hostUrl: string;

beforeAll(async () => {
  await ensureClientBuilt();
  app = await startTestApp();
  const ids = await demoIds(app.db.sql);
  await app.db.sql`UPDATE users SET language = 'en', status = 'online'`;
  channel = await makeChannel(app.db.sql, ids, 'webchat');
  // The company's site: another origin (another host name and port) with the one-line embed.
  host = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Loja Exemplo</title></head>
      <body><h1>Loja Exemplo</h1>
      <script src="${app.url}/widget/embed.js" data-channel="${channel.id}" async></script></body></html>`);
  });
  await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve));
  hostUrl = `http://localhost:${(host.address() as AddressInfo).port}/`;
});
afterAll(async () => {
  await new Promise((resolve) => host?.close(resolve));
  await app?.stop();
});

describe('web chat widget embedded on another site', () => {
  it('opens, talks to the bot, and shows the agent reply live', async () => {
    const page = await browser.newPage();
    await page.goto(hostUrl);
    await page.getByRole('heading', { name: 'Loja Exemplo' }).waitFor();

    await page.getByRole('button', { name: en('widget.open') }).click();
    const iframe = page.locator(`iframe[title="${en('widget.title')}"]`);
    expect(new URL((await iframe.getAttribute('src'))!).origin).toBe(app.url);
    const chat = page.frameLocator(`iframe[title="${en('widget.title')}"]`);
    await chat.getByRole('heading', { name: en('widget.title') }).waitFor();

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
    // An old menu no longer offers buttons.
    await options.waitFor({ state: 'detached' });

    const ana = await app.login('ana@demo.test');
    await ana.mutate('conversations.claim', { conversationId: conversation.id });
    const reply = await ana.mutate('conversations.send', { conversationId: conversation.id, text: 'Olá! Sou a Ana, vou ajudar.', clientMessageId: 'e2e-webchat-0001' });

    const log = chat.getByRole('log', { name: en('widget.messages') });
    await log.getByText('Olá! Sou a Ana, vou ajudar.').waitFor();
    await log.getByText('Ana', { exact: true }).waitFor();
    // Seen in an open chat: read, and the agent's view says so.
    await expect.poll(async () => (await ana.query('conversations.get', { conversationId: conversation.id })).messages.find((m: { id: string }) => m.id === reply.id).status, { timeout: 5_000 }).toBe('read');
    // The visitor's messages show as read once the agent answered.
    await log.getByText(en('widget.read')).first().waitFor({ state: 'attached' });

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
    await page.reload();
    await page.getByRole('button', { name: en('widget.open') }).click();
    await page
      .frameLocator(`iframe[title="${en('widget.title')}"]`)
      .getByRole('log', { name: en('widget.messages') })
      .getByText('Olá! Sou a Ana, vou ajudar.')
      .waitFor();
  });
});
