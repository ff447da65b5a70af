/**
 * Issue 15 (1) in the web chat widget, through a real browser: a visitor whose conversation has
 * 450 more messages than a page (200) sees the newest on opening; scrolling to the top loads the
 * older pages above without moving what they were reading, until the first message; every
 * message shows once.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { en } from '../test/helpers/i18n.ts';
import { seedMessages } from '../test/helpers/messages.ts';
import { app, channel, ids, useWebchatSite } from './webchat-test-setup.ts';

const { browser } = useWebchatSite();

const COUNT = 450;
const log = (page: Page) => page.getByRole('log', { name: en('widget.messages') });

/** Scrolls the message log to its top (as the visitor does), once. */
async function toTop(page: Page): Promise<void> {
  await log(page).evaluate((el) => {
    el.scrollTop = 0;
    el.dispatchEvent(new Event('scroll'));
  });
}

describe('the web chat widget on a long conversation', () => {
  it('shows the newest page, loads older pages above on scrolling up, keeps the place, and shows each message once', async () => {
    const page = await browser.newPage();
    await page.goto(`${app.url}/widget?channel=${channel.id}`);
    const box = page.getByRole('textbox', { name: en('widget.message') });
    await box.fill('Primeira mensagem do visitante');
    await box.press('Enter');
    await page.getByRole('group', { name: en('widget.options') }).waitFor();
    const [row] = await app.db.sql`SELECT conversation_id FROM messages WHERE text = 'Primeira mensagem do visitante'`;
    await seedMessages(app.db.sql, {
      orgId: ids.orgId,
      conversationId: row!.conversation_id as string,
      channelId: channel.id,
      authorId: ids.users['ana@demo.test'],
      count: COUNT,
      prefix: 'Linha',
    });

    // Back later (the session is kept): the newest message in view, the first ones not loaded.
    await page.reload();
    const newest = log(page).getByText(`Linha ${COUNT}`, { exact: true });
    await newest.waitFor();
    await expect.poll(() => newest.isVisible()).toBe(true);
    expect(await log(page).getByText('Linha 1', { exact: true }).count()).toBe(0);
    expect(await log(page).getByText('Primeira mensagem do visitante').count()).toBe(0);

    // Scrolled to the top: the page before goes above, and the message that was on top stays in view.
    const firstShown = `Linha ${COUNT - 199}`;
    await log(page).getByText(firstShown, { exact: true }).waitFor({ state: 'attached' });
    await toTop(page);
    await log(page)
      .getByText(`Linha ${COUNT - 200}`, { exact: true })
      .waitFor({ state: 'attached' });
    const kept = await log(page).evaluate((el, text) => {
      const target = [...el.querySelectorAll('*')].find((n) => n.children.length === 0 && n.textContent === text);
      if (!target) return null;
      const a = target.getBoundingClientRect();
      const b = el.getBoundingClientRect();
      return a.bottom > b.top && a.top < b.bottom;
    }, firstShown);
    expect(kept).toBe(true);

    // On up to the very first message, each page above the last.
    await expect
      .poll(
        async () => {
          await toTop(page);
          return log(page).getByText('Primeira mensagem do visitante').count();
        },
        { timeout: 20_000 },
      )
      .toBe(1);
    const texts = await log(page).evaluate((el) =>
      [...el.querySelectorAll('*')]
        .filter((n) => n.children.length === 0 && /^Linha \d+$/.test(n.textContent ?? ''))
        .map((n) => n.textContent),
    );
    expect(texts).toEqual(Array.from({ length: COUNT }, (_, k) => `Linha ${k + 1}`));
  });
});
