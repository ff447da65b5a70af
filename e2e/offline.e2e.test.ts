/**
 * SPEC §8 through a real browser and a network we can cut: a TCP proxy between Chromium and
 * the app (Playwright's setOffline leaves WebSockets and the event stream up). An agent
 * writes to a customer while cut off, reloads the page while still cut off (the service
 * worker opens the app; the saved queries show the conversation, marked offline; the
 * message is still waiting), and when the network returns it is sent exactly once.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../test/helpers/app.ts';
import { signInWithForm } from '../test/helpers/browser.ts';
import { useAppInBrowser } from '../test/helpers/browser-app.ts';
import { inbound, makeChannel } from '../test/helpers/conversations.ts';
import { demoIds } from '../test/helpers/orgs.ts';
import { startTcpProxy, type TcpProxy } from '../test/helpers/tcp-proxy.ts';
import { en } from '../test/helpers/i18n.ts';

const e2e = useAppInBrowser({ people: 'english' });
const { browser } = e2e;
let app: TestApp;
let proxy: TcpProxy;

beforeAll(async () => {
  app = e2e.app;
  proxy = await startTcpProxy(app.url);
});
afterAll(async () => {
  await proxy?.close();
});

/** An active conversation of Ana's on a WhatsApp channel (window open: the customer just wrote). */
async function activeConversationOfAna(customerText: string): Promise<string> {
  const ids = await demoIds(app.db.sql);
  const channel = await makeChannel(app.db.sql, ids, 'whatsapp');
  const from = `55119${String(Date.now()).slice(-8)}`;
  await inbound(app, channel, { from, text: customerText });
  const chosen = await inbound(app, channel, { from, text: '1' });
  const ana = await app.login('ana@demo.test');
  await ana.conversations.claim.mutate({ conversationId: chosen.conversation.id });
  return chosen.conversation.id;
}

const signIn = (page: Page, base: string, email: string) => signInWithForm(page, base, email);

/** The saved query cache of the signed-in user, as text (read straight from IndexedDB). */
function savedQueries(page: Page): Promise<string> {
  return page.evaluate(async () => {
    const userId = localStorage.getItem('atende:lastUser');
    if (!userId) return '';
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open(`atende:${userId}:query-cache`);
      request.onupgradeneeded = () => request.result.createObjectStore('cache');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    try {
      const value = await new Promise<unknown>((resolve, reject) => {
        const request = db.transaction('cache', 'readonly').objectStore('cache').get('client');
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
      return JSON.stringify(value ?? '');
    } finally {
      db.close();
    }
  });
}

async function outboundRows(conversationId: string, text: string) {
  return app.db.sql<{ id: string; client_message_id: string | null }[]>`
    SELECT id, client_message_id FROM messages WHERE conversation_id = ${conversationId} AND direction = 'out' AND text = ${text}`;
}

describe('offline', () => {
  it('keeps a message written offline through a reload without network and sends it once on reconnect', async () => {
    const customerText = `Meu pedido não chegou ${Date.now()}`;
    const conversationId = await activeConversationOfAna(customerText);
    const reply = `Estou verificando, um momento ${Date.now()}`;

    const page = await browser.newPage();
    await signIn(page, proxy.url, 'ana@demo.test');
    // The service worker holds the app shell once it controls the page.
    await page.waitForFunction(() => navigator.serviceWorker?.controller !== null, null, { timeout: 20_000 });

    await page.goto(`${proxy.url}/conversations/${conversationId}`);
    await page.getByText(customerText).first().waitFor();
    const composer = page.getByRole('textbox', { name: en('conversation.message') });
    await composer.waitFor();
    await page.locator('.workspace[data-connection="online"]').waitFor();
    // The conversation is in the saved cache before the network goes.
    await expect.poll(() => savedQueries(page), { timeout: 10_000 }).toContain(customerText);

    proxy.cut();
    await page.getByText(en('offline.banner')).waitFor({ timeout: 20_000 });

    await composer.fill(reply);
    await page.getByRole('button', { name: en('conversation.send'), exact: true }).click();
    const waiting = page.getByRole('article', { name: en('conversation.outboxItem') }).filter({ hasText: reply });
    await waiting.waitFor();
    await page.getByText(en('offline.outbox', { count: 1 })).waitFor();
    expect(await outboundRows(conversationId, reply)).toEqual([]);

    // Reload with no network: the app opens from the service worker, the conversation from
    // the saved queries (marked offline), and the message is still waiting.
    await page.reload();
    await page.getByText(en('offline.banner')).waitFor();
    await page.getByText(customerText).first().waitFor();
    await page
      .getByRole('article', { name: en('conversation.outboxItem') })
      .filter({ hasText: reply })
      .waitFor();
    await page.getByText(en('offline.outbox', { count: 1 })).waitFor();
    expect(await outboundRows(conversationId, reply)).toEqual([]);

    // Back online: sent once, the outbox empties, the conversation shows it from the server.
    proxy.restore();
    await expect.poll(async () => (await outboundRows(conversationId, reply)).length, { timeout: 40_000 }).toBe(1);
    await page.locator('.workspace[data-connection="online"]').waitFor({ timeout: 30_000 });
    await page
      .getByRole('article', { name: en('conversation.outboxItem') })
      .filter({ hasText: reply })
      .waitFor({ state: 'detached', timeout: 20_000 });
    await page.getByText(reply).first().waitFor();
    // The copy in the conversation goes as soon as the server's list has the message; the outbox
    // (and its count) when the send's own answer lands, which may be a moment later: wait for it.
    await page.getByText(en('offline.banner')).waitFor({ state: 'detached', timeout: 20_000 });
    await page.getByText(en('offline.outbox', { count: 1 })).waitFor({ state: 'detached', timeout: 20_000 });

    // Another reload (online) and a reconnect later, still exactly one.
    await page.reload();
    await page.getByText(reply).first().waitFor();
    const rows = await outboundRows(conversationId, reply);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.client_message_id).toBeTruthy();
  });

  it('sends once when two tabs of the agent hold the same waiting message', async () => {
    const customerText = `Duas abas ${Date.now()}`;
    const conversationId = await activeConversationOfAna(customerText);
    const reply = `Uma resposta só ${Date.now()}`;

    const first = await browser.newPage();
    await signIn(first, proxy.url, 'ana@demo.test');
    const second = await first.context().newPage();
    for (const page of [first, second]) {
      await page.goto(`${proxy.url}/conversations/${conversationId}`);
      await page.getByText(customerText).first().waitFor();
      await page.locator('.workspace[data-connection="online"]').waitFor();
    }

    proxy.cut();
    for (const page of [first, second]) await page.getByText(en('offline.banner')).waitFor({ timeout: 20_000 });
    await first.getByRole('textbox', { name: en('conversation.message') }).fill(reply);
    await first.getByRole('button', { name: en('conversation.send'), exact: true }).click();
    // The other tab learns about it (BroadcastChannel) and would send it too, but under the same lock.
    for (const page of [first, second]) {
      await page
        .getByRole('article', { name: en('conversation.outboxItem') })
        .filter({ hasText: reply })
        .waitFor();
    }

    proxy.restore();
    await expect.poll(async () => (await outboundRows(conversationId, reply)).length, { timeout: 40_000 }).toBe(1);
    for (const page of [first, second]) {
      await page
        .getByRole('article', { name: en('conversation.outboxItem') })
        .filter({ hasText: reply })
        .waitFor({ state: 'detached', timeout: 30_000 });
    }
    expect(await outboundRows(conversationId, reply)).toHaveLength(1);
  });
});
