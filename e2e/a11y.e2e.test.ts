/**
 * Accessibility of the agent workspace (issue 7, item 5): no serious or critical axe-core
 * violations on the main screens with real content (Waiting with items, an active
 * conversation with messages and its side panel, a contact with notes, the agents list
 * with a chat room, the profile, the phone layout with its side menu), and the main flow
 * by keyboard only: Tab to a waiting item's Claim, Enter, type a reply, Enter — with live
 * updates around it that must not move the focus.
 */
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../test/helpers/app.ts';
import { seriousViolations } from '../test/helpers/axe.ts';
import { useAppInBrowser, type DemoIds } from '../test/helpers/browser-app.ts';
import { inbound, makeChannel } from '../test/helpers/conversations.ts';
import type { Channel } from '../db/queries/channels.ts';
import { en } from '../test/helpers/i18n.ts';

const e2e = useAppInBrowser();
const { signedIn } = e2e;

let app: TestApp;
let ids: DemoIds;
let channel: Channel;

beforeAll(async () => {
  ({ app, ids } = e2e);
  channel = await makeChannel(app.db.sql, ids, 'webchat');
});

/** A customer who wrote, chose Support and waits. */
async function waiting(visitor: string, name: string, text: string) {
  await inbound(app, channel, { from: visitor, text, name });
  return (await inbound(app, channel, { from: visitor, text: '1', name })).conversation;
}

const waitingItem = (page: Page, contact: string) =>
  page.getByRole('list', { name: en('queue.waitingList') }).getByRole('listitem', { name: contact });
const activeLabel = (page: Page) =>
  page.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? document.activeElement?.textContent ?? null);

describe('accessibility of the agent screens', () => {
  it('has no serious or critical axe violations on Waiting, a conversation, a contact, the agents and the profile', async () => {
    await waiting('a11y-visitor-1', 'Cliente Acessível', 'Olá, preciso de ajuda');
    await waiting('a11y-visitor-2', 'Cliente Dois', 'Bom dia');

    // Waiting, with items.
    const page = await signedIn('ana@demo.test', '/');
    await waitingItem(page, 'Cliente Acessível').waitFor();
    await waitingItem(page, 'Cliente Dois').waitFor();
    expect(await seriousViolations(page)).toEqual([]);

    // An active conversation with messages, the contact side panel and the colleague thread.
    await waitingItem(page, 'Cliente Acessível')
      .getByRole('button', { name: en('queue.claim') })
      .click();
    await page.waitForURL(/\/conversations\/[0-9a-f-]{36}$/);
    const box = page.getByRole('textbox', { name: en('conversation.message') });
    await expect.poll(() => box.isEnabled()).toBe(true);
    await box.fill('Olá! Sou a Ana.');
    await box.press('Enter');
    const log = page.getByRole('log', { name: en('conversation.messages') });
    await log
      .getByRole('article', { name: en('conversation.fromAgent', { name: 'Ana Souza' }) })
      .getByText(/Sent|Delivered|Read/)
      .waitFor();
    const side = page.getByRole('complementary', { name: en('conversation.sidePanel') });
    await side.getByRole('heading', { name: 'Cliente Acessível' }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await side.getByRole('tab', { name: en('conversation.tabColleagues') }).click();
    await page.getByRole('region', { name: en('chat.threadHeading') }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);

    // Contacts, with a contact's notes (one written, the editor open).
    await page.goto(`${app.url}/contacts`);
    await page.getByLabel(en('contacts.search.label')).fill('Acessível');
    await page.getByRole('link', { name: /Cliente Acessível/ }).click();
    await page.getByRole('heading', { name: 'Cliente Acessível', level: 2 }).waitFor();
    await page.getByRole('button', { name: en('contacts.notes.add') }).click();
    await page.getByRole('textbox', { name: /^Note by Ana/ }).click();
    await page.keyboard.type('Prefere contato pela manhã.');
    await page.getByText('Prefere contato pela manhã.').waitFor();
    expect(await seriousViolations(page)).toEqual([]);

    // Agents, with a chat room open.
    await page.goto(`${app.url}/agents`);
    await page.getByRole('button', { name: en('chat.startChatWith', { name: 'Bruno Lima' }) }).click();
    await page.waitForURL(/\/chat\/[0-9a-f-]{36}$/);
    await page
      .getByRole('list', { name: en('chat.agentsLabel') })
      .getByRole('listitem', { name: 'Bruno Lima' })
      .waitFor();
    await page
      .getByRole('region', { name: new RegExp(en('chat.roomLabel', { names: 'Bruno Lima' }).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) })
      .waitFor();
    expect(await seriousViolations(page)).toEqual([]);

    // Profile.
    await page.goto(`${app.url}/profile`);
    await page.getByRole('heading', { name: en('shell.profile.title'), level: 1 }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    // Five screens and five axe runs: generous on a loaded 2-core machine, never a measure of speed.
  }, 120_000);

  it('keeps text contrast at the brightest frame of a row’s new-message flash', async () => {
    await waiting('a11y-flash-visitor', 'Cliente Piscante', 'Oi');
    const page = await signedIn('ana@demo.test', '/');
    await waitingItem(page, 'Cliente Piscante')
      .getByRole('button', { name: en('queue.claim') })
      .click();
    await page.waitForURL(/\/conversations\/[0-9a-f-]{36}$/);
    await page.goto(`${app.url}/in-service`);
    const list = page.getByRole('list', { name: en('queue.inServiceList') });
    await list.getByText('Cliente Piscante').waitFor();
    await inbound(app, channel, { from: 'a11y-flash-visitor', text: 'Mais uma pergunta', name: 'Cliente Piscante' });
    const flashing = list.locator('li.fresh');
    await flashing.waitFor();
    // Hold the flash at its start (its brightest frame, kept until 30 %), whenever axe looks.
    await flashing.evaluate((li) => {
      for (const a of li.getAnimations()) {
        a.pause();
        a.currentTime = 0;
      }
    });
    expect(await seriousViolations(page, '.qp-mine')).toEqual([]);

    // The same beside the open conversation, its row the current page: the flash can outlive
    // the unread count there (the open conversation reads the message at once, the text turns
    // muted again). Put that row in that state and hold it, whatever the timing.
    await list.getByRole('link', { name: /Cliente Piscante/ }).click();
    await page.waitForURL(/\/conversations\/[0-9a-f-]{36}$/);
    const current = page.locator('.qp-mine li').filter({ has: page.locator('a[aria-current="page"]') });
    await expect.poll(() => current.getAttribute('data-unread')).toBe('0');
    await current.evaluate((li) => {
      li.classList.add('fresh');
      for (const a of li.getAnimations()) {
        a.pause();
        a.currentTime = 0;
      }
    });
    expect(await seriousViolations(page, '.qp-mine')).toEqual([]);
  });

  it('has no serious or critical axe violations on the phone layout and its side menu', async () => {
    await waiting('a11y-visitor-3', 'Cliente Celular', 'Oi');
    const page = await signedIn('bruno@demo.test', '/', { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    await waitingItem(page, 'Cliente Celular').waitFor();
    await page.getByRole('navigation', { name: en('shell.tabs.label') }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByRole('button', { name: en('shell.menu.open') }).click();
    await page
      .getByRole('dialog', { name: en('shell.menu.title') })
      .getByRole('heading', { name: 'Bruno Lima' })
      .waitFor();
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('works by keyboard only: Tab to Claim, Enter, type a reply, Enter; menus close with Escape', async () => {
    const first = await waiting('a11y-visitor-5', 'Cliente Primeiro', 'Alguém aí?');
    await waiting('a11y-visitor-4', 'Cliente Teclado', 'Quero falar com alguém');
    const page = await signedIn('carla@demo.test', '/');
    const item = waitingItem(page, 'Cliente Teclado');
    await item.waitFor();
    await waitingItem(page, 'Cliente Primeiro').waitFor();

    // Tab through the page until the item's Claim button has the focus (it is reachable).
    const claim = item.getByRole('button', { name: en('queue.claim') });
    let reached = false;
    for (let i = 0; i < 100 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = await claim.evaluate((el) => el === document.activeElement);
    }
    expect(reached).toBe(true);

    // A colleague claims the customer above it: the list changes live, the focus stays on
    // this customer's Claim (not on whoever slides into its place).
    const bruno = await app.login('bruno@demo.test');
    await bruno.conversations.claim.mutate({ conversationId: first.id });
    await waitingItem(page, 'Cliente Primeiro').waitFor({ state: 'detached' });
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.closest('li')?.getAttribute('aria-label') ?? null))
      .toBe('Cliente Teclado');
    expect(await claim.evaluate((el) => el === document.activeElement)).toBe(true);
    await page.keyboard.press('Enter');

    // The conversation opens and, once it is mine, the composer has the focus.
    await page.waitForURL(/\/conversations\/[0-9a-f-]{36}$/);
    await expect.poll(() => activeLabel(page)).toBe(en('conversation.message'));
    await page.keyboard.type('Olá! Aqui é a Carla.');
    await page.keyboard.press('Enter');
    const log = page.getByRole('log', { name: en('conversation.messages') });
    await log.getByText('Olá! Aqui é a Carla.').waitFor();
    // Enter sent it, the box is empty and keeps the focus for the next reply.
    expect(await page.getByRole('textbox', { name: en('conversation.message') }).inputValue()).toBe('');
    expect(await activeLabel(page)).toBe(en('conversation.message'));

    // A live update (a new customer message) does not take the focus away from the composer.
    const conversationId = new URL(page.url()).pathname.split('/').pop()!;
    const [row] = await app.db.sql`SELECT id FROM conversations WHERE id = ${conversationId}`;
    expect(row).toBeTruthy();
    await inbound(app, channel, { from: 'a11y-visitor-4', text: 'Obrigado!', name: 'Cliente Teclado' });
    await log.getByText('Obrigado!').waitFor();
    expect(await activeLabel(page)).toBe(en('conversation.message'));

    // The status menu opens from the keyboard and Escape closes it, focus back on its button.
    const status = page.getByRole('button', { name: en('shell.status.button', { status: en('status.online') }) });
    await status.focus();
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: en('shell.status.goOffline') }).waitFor();
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: en('shell.status.goOffline') }).waitFor({ state: 'detached' });
    expect(await status.evaluate((el) => el === document.activeElement)).toBe(true);
  });
});
