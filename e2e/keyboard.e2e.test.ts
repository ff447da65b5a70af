/**
 * Issue 17 item 10, by keyboard in a real browser: the skip link is the first Tab stop and
 * moves the focus to the page; `?` lists the shortcuts; j / k move between conversations;
 * keys typed in the composer are text (a "?" types a question mark); claiming a conversation
 * one is peeking at (button or `c`) puts the focus in its composer, as claiming from the queue does.
 */
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../test/helpers/app.ts';
import { useAppInBrowser } from '../test/helpers/browser-app.ts';
import { inbound, makeChannel } from '../test/helpers/conversations.ts';
import { en } from '../test/helpers/i18n.ts';
import type { Channel } from '../db/queries/channels.ts';

const e2e = useAppInBrowser();
let app: TestApp;
let channel: Channel;

beforeAll(async () => {
  app = e2e.app;
  channel = await makeChannel(app.db.sql, e2e.ids, 'webchat');
});

let counter = 0;
/** A customer who wrote and chose Support: waiting. */
async function waiting(name: string) {
  const visitor = `kb-${Date.now()}-${counter++}`;
  await inbound(app, channel, { from: visitor, text: `Olá, aqui é ${name}`, name });
  return (await inbound(app, channel, { from: visitor, text: '1', name })).conversation!;
}

async function signedIn(email: string, path: string): Promise<Page> {
  const page = await e2e.signedIn(email, path);
  await page.getByRole('navigation', { name: en('shell.nav.label'), exact: true }).waitFor();
  return page;
}

const focused = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    return {
      tag: el?.tagName ?? '',
      id: el?.id ?? '',
      text: (el?.getAttribute('aria-label') ?? el?.textContent ?? '').trim(),
      row: el?.closest<HTMLElement>('[data-conversation-id]')?.dataset.conversationId ?? null,
    };
  });

describe('keyboard', () => {
  it('reaches the skip link first, which moves the focus to the page', async () => {
    const page = await signedIn('bruno@demo.test', '/contacts');
    await page.getByRole('heading', { level: 1, name: en('contacts.title') }).waitFor();
    await page.keyboard.press('Tab');
    const link = page.getByRole('link', { name: en('keys.skip') });
    expect(await link.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await link.isVisible()).toBe(true);
    await page.keyboard.press('Enter');
    await expect.poll(() => focused(page)).toMatchObject({ id: 'main' });
    // The next Tab continues inside the page, not in the top bar.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.querySelector('#main')!.contains(document.activeElement))).toBe(true);
  }, 60_000);

  it('lists the shortcuts on "?", and types "?" in the composer instead', async () => {
    const conversation = await waiting('Pergunta Teclado');
    await (await app.login('carla@demo.test')).conversations.claim.mutate({ conversationId: conversation.id });
    const page = await signedIn('carla@demo.test', `/conversations/${conversation.id}`);
    const box = page.getByRole('textbox', { name: en('conversation.message') });
    await box.waitFor();

    await page.keyboard.press('?');
    const help = page.getByRole('dialog', { name: en('keys.title') });
    await help.waitFor();
    for (const key of ['keys.next', 'keys.previous', 'keys.claim', 'keys.reply', 'keys.finish', 'keys.search', 'keys.help'] as const) {
      await help.getByRole('cell', { name: en(key) }).waitFor();
    }
    await page.keyboard.press('Escape');
    await help.waitFor({ state: 'detached' });

    // `r` goes to the reply box; there, "?" and "j" are text.
    await page.keyboard.press('r');
    expect(await box.evaluate((el) => el === document.activeElement)).toBe(true);
    await page.keyboard.type('Tudo bem? j k c f /');
    expect(await box.inputValue()).toBe('Tudo bem? j k c f /');
    expect(await page.getByRole('dialog').count()).toBe(0);
    expect(page.url()).toBe(`${app.url}/conversations/${conversation.id}`);
  }, 60_000);

  it('moves between conversations with j and k, on the list and in a conversation', async () => {
    const first = await waiting('Primeira Tecla');
    const second = await waiting('Segunda Tecla');
    const ana = await app.login('ana@demo.test');
    await ana.conversations.claim.mutate({ conversationId: first.id });
    await ana.conversations.claim.mutate({ conversationId: second.id });

    const page = await signedIn('ana@demo.test', '/in-service');
    const list = page.getByRole('list', { name: en('queue.inServiceList') });
    await list.getByRole('listitem', { name: 'Primeira Tecla' }).waitFor();
    await list.getByRole('listitem', { name: 'Segunda Tecla' }).waitFor();
    const order = await list
      .locator('[data-conversation-id]')
      .evaluateAll((els) => els.map((el) => (el as HTMLElement).dataset.conversationId!));
    expect(order).toHaveLength(2);

    await page.keyboard.press('j');
    await expect.poll(async () => (await focused(page)).row).toBe(order[0]);
    await page.keyboard.press('j');
    await expect.poll(async () => (await focused(page)).row).toBe(order[1]);
    await page.keyboard.press('k');
    await expect.poll(async () => (await focused(page)).row).toBe(order[0]);

    // In a conversation, j opens the next one and k the previous.
    await page.keyboard.press('Enter');
    await page.waitForURL(`${app.url}/conversations/${order[0]}`);
    await page.getByRole('textbox', { name: en('conversation.message') }).waitFor();
    await page.locator('#main').focus();
    await page.keyboard.press('j');
    await page.waitForURL(`${app.url}/conversations/${order[1]}`);
    await page.getByRole('textbox', { name: en('conversation.message') }).waitFor();
    await page.keyboard.press('k');
    await page.waitForURL(`${app.url}/conversations/${order[0]}`);
  }, 60_000);

  it('puts the focus in the composer after claiming from the peek view, by button or with c', async () => {
    const byButton = await waiting('Espiada Botão');
    const byKey = await waiting('Espiada Tecla');
    const page = await signedIn('bruno@demo.test', `/conversations/${byButton.id}`);
    const claim = page.getByRole('button', { name: en('conversation.claim'), exact: true });
    await claim.waitFor();
    await claim.focus();
    await page.keyboard.press('Enter');
    const box = page.getByRole('textbox', { name: en('conversation.message') });
    await expect
      .poll(() => box.evaluate((el) => el === document.activeElement && !(el as HTMLTextAreaElement).disabled), { timeout: 15_000 })
      .toBe(true);

    await page.goto(`${app.url}/conversations/${byKey.id}`);
    await page.getByRole('button', { name: en('conversation.claim'), exact: true }).waitFor();
    await page.locator('#main').focus();
    await page.keyboard.press('c');
    await expect
      .poll(() => box.evaluate((el) => el === document.activeElement && !(el as HTMLTextAreaElement).disabled), { timeout: 15_000 })
      .toBe(true);
    const [row] = await app.db.sql`SELECT u.email FROM conversations c JOIN users u ON u.id = c.assignee_id WHERE c.id = ${byKey.id}`;
    expect(row!.email).toBe('bruno@demo.test');
  }, 60_000);
});
