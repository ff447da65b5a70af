/**
 * Issue 15 (1) through a real browser — a conversation of 620 messages: the newest page is on
 * screen (and only what is on screen is rendered), scrolling up loads older pages without moving
 * what the agent was reading, live updates merge with them, and `?message=` opens the
 * conversation at an early message, highlighted.
 */
import { randomUUID } from 'node:crypto';
import type { Locator, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useAppInBrowser } from '../test/helpers/browser-app.ts';
import { makeChannel } from '../test/helpers/conversations.ts';
import { makeContact, makeConversation } from '../test/helpers/factories.ts';
import { en } from '../test/helpers/i18n.ts';
import { seedMessages } from '../test/helpers/messages.ts';

const t = useAppInBrowser();
let conversationId: string;
let messageIds: string[];

beforeAll(async () => {
  const { app, ids } = t;
  const channel = await makeChannel(app.db.sql, ids, 'webchat');
  const contactId = await makeContact(app.db.sql, ids.orgId, { name: 'Cliente Longo', webchatVisitorId: randomUUID() });
  conversationId = await makeConversation(app.db.sql, ids.orgId, {
    contactId,
    channelId: channel.id,
    status: 'active',
    teamId: ids.teams.Support,
    assigneeId: ids.users['ana@demo.test'],
  });
  messageIds = await seedMessages(app.db.sql, {
    orgId: ids.orgId,
    conversationId,
    channelId: channel.id,
    authorId: ids.users['ana@demo.test'],
    count: 620,
  });
});

const log = (page: Page) => page.getByRole('log', { name: en('conversation.messages') });
/** The message whose text is exactly `text` (the virtualized log renders only rows near the screen). */
const message = (page: Page, text: string) =>
  log(page)
    .getByRole('article')
    .filter({ has: page.getByText(text, { exact: true }) });
const top = (l: Locator) => l.evaluate((el) => el.getBoundingClientRect().top);

/** Whether the element is inside the log's visible box. */
async function onScreen(page: Page, l: Locator): Promise<boolean> {
  if ((await l.count()) !== 1) return false;
  const [box, frame] = await Promise.all([l.boundingBox(), log(page).boundingBox()]);
  return !!box && !!frame && box.y >= frame.y - 1 && box.y + box.height <= frame.y + frame.height + 1;
}

describe('a long conversation', () => {
  it('shows the newest page, loads older pages on scrolling up without a jump, and merges new messages', async () => {
    const page = await t.signedIn('ana@demo.test', `/conversations/${conversationId}`);
    await expect.poll(() => onScreen(page, message(page, 'Message 620'))).toBe(true);
    // Virtualized: a fraction of the 100 messages of the first page is in the document.
    expect(await log(page).getByRole('article').count()).toBeLessThan(60);

    // To the top of the newest page: the next page loads (held until the screen is measured),
    // and the message at the top of the screen stays put.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route('**/trpc/conversations.messages**', async (route) => {
      await held;
      await route.continue();
    });
    // Rows are still being measured in the first frames, and the log follows the bottom while
    // they are: a scroll up in that moment is taken back, as for a person, who scrolls again.
    await expect
      .poll(async () => {
        await log(page).evaluate((el) => {
          el.scrollTop = 0;
        });
        return log(page).getByText(en('paging.loadingOlder')).isVisible();
      })
      .toBe(true);
    const first = message(page, 'Message 521');
    const before = await top(first);
    release();
    await message(page, 'Message 520').waitFor({ state: 'attached' });
    await expect.poll(() => log(page).getByText(en('paging.loadingOlder')).count()).toBe(0);
    expect(Math.abs((await top(first)) - before)).toBeLessThan(4);
    // Still there once the rows around it are measured (some frames later).
    await page.evaluate(
      () =>
        new Promise<void>((resolve) => {
          let n = 30;
          const frame = () => (--n > 0 ? requestAnimationFrame(frame) : resolve());
          requestAnimationFrame(frame);
        }),
    );
    expect(Math.abs((await top(first)) - before)).toBeLessThan(4);
    await page.unroute('**/trpc/conversations.messages**');

    // Further up by the wheel, page after page, to the very first message.
    await log(page).hover();
    await expect
      .poll(
        async () => {
          await page.mouse.wheel(0, -20_000);
          return message(page, 'Message 1').count();
        },
        { timeout: 60_000 },
      )
      .toBe(1);
    await log(page).getByText(en('paging.start')).waitFor();

    // A reply at the bottom: it joins the newest page, the older pages stay, nothing twice.
    await log(page).evaluate((el) => {
      el.scrollTop = el.scrollHeight;
    });
    const box = page.getByRole('textbox', { name: en('conversation.message') });
    await expect.poll(() => box.isEnabled()).toBe(true);
    await box.fill('Resposta depois de 620');
    await box.press('Enter');
    await expect.poll(() => onScreen(page, message(page, 'Resposta depois de 620'))).toBe(true);
    await expect.poll(() => message(page, 'Message 620').count()).toBe(1);
    await log(page).evaluate((el) => {
      el.scrollTop = 0;
    });
    await message(page, 'Message 1').waitFor();
    expect(await message(page, 'Message 1').count()).toBe(1);
    await page.close();
  });

  it('opens at an early message with ?message=, highlighted', async () => {
    const page = await t.signedIn('ana@demo.test', `/conversations/${conversationId}?message=${messageIds[4]}`);
    const early = message(page, 'Message 5');
    await expect.poll(() => onScreen(page, early)).toBe(true);
    expect(await early.getAttribute('aria-current')).toBe('true');
    // Messages around it are there to read, and the rest can be scrolled to.
    await message(page, 'Message 4').waitFor();
    await page.close();
  });
});
