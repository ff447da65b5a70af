/**
 * Issue 17 (4, 5): the customer's side of the web chat, clear. The visitor's menu answer
 * shows as the option's name, the widget says when they are queued and when an agent joined,
 * the agent's WhatsApp formatting shows as text styles (never asterisks, never HTML) under
 * the agent's name, a finished conversation offers 1–5 star buttons above the "ended" line,
 * and the log follows the newest line. The agent's view keeps what the customer typed
 * ("1 → Support"). With the organization's identify_agents off, no agent name shows. The
 * admin turns the WhatsApp notices on (off by default; the rule is server/commands/conversations/customer-notices.pg.test.ts).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Channel } from '../db/queries/channels.ts';
import type { TestApp } from '../test/helpers/app.ts';
import { useAppInBrowser, type DemoIds } from '../test/helpers/browser-app.ts';
import { makeChannel } from '../test/helpers/conversations.ts';
import { waitFor } from '../test/helpers/orgs.ts';
import { en } from '../test/helpers/i18n.ts';

const e2e = useAppInBrowser();
const { browser } = e2e;

let app: TestApp;
let ids: DemoIds;
let channel: Channel;

beforeAll(async () => {
  ({ app, ids } = e2e);
  channel = await makeChannel(app.db.sql, ids, 'webchat');
});

/** A visitor (in English) who wrote once and answered the bot's menu by typing "1". */
async function visitorInQueue(name: string): Promise<{ page: Page; conversationId: string }> {
  const page = await browser.newPage({ locale: 'en-US' });
  await page.goto(`${app.url}/widget?channel=${channel.id}`);
  await page.getByLabel(en('widget.name')).fill(name);
  const box = page.getByRole('textbox', { name: en('widget.message'), exact: true });
  await box.fill('Hello, I need help');
  await box.press('Enter');
  await page.getByRole('group', { name: en('widget.options') }).waitFor();
  await box.fill('1');
  await box.press('Enter');
  const row = await waitFor(
    async () => {
      const [r] = await app.db.sql<{ id: string; status: string }[]>`SELECT c.id, c.status FROM conversations c
      JOIN contacts k ON k.id = c.contact_id WHERE k.name = ${name} AND c.channel_id = ${channel.id}`;
      return r?.status === 'waiting' ? r : null;
    },
    `${name}'s conversation waiting`,
    20_000,
  );
  return { page, conversationId: row.id };
}

const log = (page: Page) => page.getByRole('log', { name: en('widget.messages') });

describe('the customer side of the web chat', () => {
  it('names the menu choice, tells the queue and the agent joining, formats the reply, and rates with stars', async () => {
    const { page, conversationId } = await visitorInQueue('Visitor Clear');
    const chat = log(page);

    // The typed "1" shows as the option's name; the message itself stays as typed.
    const mine = chat.locator('.w-in');
    await expect.poll(() => mine.last().locator('.w-text').textContent(), { timeout: 15_000 }).toBe('Support');
    expect(await mine.locator('.w-text', { hasText: /^1$/ }).count()).toBe(0);
    const stored = await app.db.sql<{ text: string; label: string }[]>`SELECT text, payload->>'botMenuLabel' AS label FROM messages
      WHERE conversation_id = ${conversationId} AND direction = 'in' ORDER BY seq`;
    expect(stored.at(-1)).toEqual({ text: '1', label: 'Support' });

    // Queued, said right after the choice.
    const queued = chat.getByText(en('widget.queued', { team: 'Support' }), { exact: true });
    await queued.waitFor();
    expect(await queued.evaluate((el) => el.previousElementSibling?.textContent ?? '')).toContain('Support');

    const ana = await app.login('ana@demo.test');
    await ana.conversations.claim.mutate({ conversationId });
    await chat.getByText(en('widget.joined', { name: 'Ana' }), { exact: true }).waitFor();

    await ana.conversations.send.mutate({
      conversationId,
      text: 'Hi, I am *Ana*. See _this_: <b>not html</b>',
      clientMessageId: 'e2e-clear-0001',
    });
    const bubble = chat.locator('.w-out', { hasText: 'See' });
    await bubble.waitFor();
    // Bold and italic as styles, without the markers; the markup stays text.
    expect(await bubble.locator('.w-text strong').textContent()).toBe('Ana');
    expect(await bubble.locator('.w-text em').textContent()).toBe('this');
    expect(await bubble.locator('.w-text').textContent()).toBe('Hi, I am Ana. See this: <b>not html</b>');
    expect(await bubble.locator('.w-text b').count()).toBe(0);
    // The agent's identification as a name line, not as "*Ana:*" markup.
    expect(await bubble.locator('.w-author').textContent()).toBe('Ana');

    // Many lines: the log follows to the newest.
    for (let i = 1; i <= 12; i++)
      await ana.conversations.send.mutate({
        conversationId,
        text: `Line ${i}\nmore\nand more`,
        clientMessageId: `e2e-clear-l${String(i).padStart(3, '0')}`,
      });
    await chat.getByText('Line 12', { exact: false }).waitFor();
    await expect.poll(() => chat.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight), { timeout: 10_000 }).toBeLessThan(4);

    // The agent sees what the customer typed, and what it chose; her name without asterisks.
    const agent = await e2e.signedIn('ana@demo.test', `/conversations/${conversationId}`);
    await agent.locator('.cv-msg.out', { hasText: 'Line 12' }).waitFor();
    // The list is virtualized: the first messages are rendered once the agent scrolls up to them.
    const choice = agent.locator('.cv-msg.in .cv-text', { hasText: '1 → Support' });
    await expect
      .poll(async () => {
        await agent.locator('.cv-log').evaluate((el) => el.scrollTo({ top: 0 }));
        return choice.count();
      })
      .toBe(1);
    const agentBubble = agent.locator('.cv-msg.out', { hasText: 'See' });
    expect(await agentBubble.locator('.cv-text strong').textContent()).toBe('Ana');
    expect(await agentBubble.locator('.cv-author').textContent()).toBe('Ana');
    await agent.close();

    // Finished: star buttons, then the "ended" line below them.
    await ana.conversations.finish.mutate({ conversationId });
    const stars = chat.getByRole('group', { name: en('widget.rate') });
    await stars.waitFor();
    const ended = chat.getByText(en('widget.ended'), { exact: true });
    await ended.waitFor();
    expect(
      await stars.evaluate(
        (s, e) => Boolean(s.compareDocumentPosition(e!) & Node.DOCUMENT_POSITION_FOLLOWING),
        await ended.elementHandle(),
      ),
    ).toBe(true);
    await stars.getByRole('button', { name: en('widget.stars', { n: 4 }) }).click();
    await expect
      .poll(
        async () =>
          (await app.db.sql<{ rating: number | null }[]>`SELECT rating FROM conversations WHERE id = ${conversationId}`)[0]!.rating,
        { timeout: 15_000 },
      )
      .toBe(4);
    await stars.waitFor({ state: 'detached' });
    await page.close();
  });

  it('lets the admin turn on the WhatsApp notices (off by default)', async () => {
    const before = (await app.db.sql`SELECT notify_queue, notify_joined FROM organizations WHERE id = ${ids.orgId}`)[0];
    expect(before).toEqual({ notify_queue: false, notify_joined: false });
    const page = await e2e.signedIn('admin@demo.test', '/admin/organization');
    const form = page.getByRole('form', { name: en('admin.nav.organization') });
    const queue = form.getByLabel(en('admin.org.notifyQueue'));
    const joined = form.getByLabel(en('admin.org.notifyJoined'));
    expect(await queue.isChecked()).toBe(false);
    await queue.check();
    await joined.check();
    await form.getByRole('button', { name: en('admin.save') }).click();
    await form
      .getByRole('status')
      .filter({ hasText: en('admin.saved') })
      .waitFor();
    const after = (await app.db.sql`SELECT notify_queue, notify_joined FROM organizations WHERE id = ${ids.orgId}`)[0];
    expect(after).toEqual({ notify_queue: true, notify_joined: true });
    await app.db.sql`UPDATE organizations SET notify_queue = false, notify_joined = false WHERE id = ${ids.orgId}`;
  });

  it('names no agent when the organization does not identify them', async () => {
    await app.db.sql`UPDATE organizations SET identify_agents = false WHERE id = ${ids.orgId}`;
    try {
      const { page, conversationId } = await visitorInQueue('Visitor Anonymous');
      const chat = log(page);
      await chat.getByText(en('widget.queued', { team: 'Support' }), { exact: true }).waitFor();
      const ana = await app.login('ana@demo.test');
      await ana.conversations.claim.mutate({ conversationId });
      await chat.getByText(en('widget.agentJoined'), { exact: true }).waitFor();
      await ana.conversations.send.mutate({ conversationId, text: 'We will *fix* it', clientMessageId: 'e2e-clear-0101' });
      const bubble = chat.locator('.w-out', { hasText: 'We will' });
      await bubble.waitFor();
      expect(await bubble.locator('.w-text').textContent()).toBe('We will fix it');
      expect(await bubble.locator('.w-text strong').textContent()).toBe('fix');
      expect(await bubble.locator('.w-author').count()).toBe(0);
      expect(await chat.getByText('Ana').count()).toBe(0);
      await page.close();
    } finally {
      await app.db.sql`UPDATE organizations SET identify_agents = true WHERE id = ${ids.orgId}`;
    }
  });
});
