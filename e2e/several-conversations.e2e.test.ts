/**
 * Issue 17 through a real browser — an agent with several customers at once:
 * (1) with conversation A open, a customer writes on B: B's row beside the conversation shows
 *     the message, counts it and moves to the top highlighted; the tab title and the rail
 *     count it; opening B clears it; what was typed in A is still there after switching
 *     (and after a reload); on a phone, In service shows the same previews and counts;
 * (3) a canned response chosen with `/` fills the composer (text with its variables, and its
 *     files) without sending; the agent edits it and Enter sends it, files included.
 */
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Channel } from '../db/queries/channels.ts';
import type { TestApp, TestClient } from '../test/helpers/app.ts';
import { useAppInBrowser, type DemoIds } from '../test/helpers/browser-app.ts';
import { inbound, makeChannel } from '../test/helpers/conversations.ts';
import { en } from '../test/helpers/i18n.ts';
import { waitFor } from '../test/helpers/orgs.ts';
import { makeCanned } from '../test/helpers/factories.ts';

const e2e = useAppInBrowser();
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };

let app: TestApp;
let ids: DemoIds;
let web: Channel;
let ana: TestClient;

beforeAll(async () => {
  ({ app, ids } = e2e);
  web = await makeChannel(app.db.sql, ids, 'webchat');
  ana = await app.login('ana@demo.test');
});

let sent = 0;
/** A web chat customer who chose Support, claimed by Ana, who answered and read everything (nothing waits). */
async function inService(visitor: string, name: string) {
  await inbound(app, web, { from: visitor, text: 'Oi', name });
  const { conversation } = await inbound(app, web, { from: visitor, text: '1', name });
  await ana.conversations.claim.mutate({ conversationId: conversation.id });
  await ana.conversations.send.mutate({
    conversationId: conversation.id,
    text: `Olá, ${name}!`,
    clientMessageId: `several-${sent++}-${visitor}`,
  });
  await ana.conversations.markRead.mutate({ conversationId: conversation.id, seq: Number.MAX_SAFE_INTEGER });
  return conversation;
}

/** Ana's page at `path`, once its live stream is connected (what the server ingests next reaches it). */
async function signedIn(path: string, options = {}): Promise<Page> {
  const page = await e2e.signedIn('ana@demo.test', path, options);
  await page.locator('.workspace[data-connection="online"]').waitFor({ timeout: 30_000 });
  return page;
}

const listBeside = (page: Page) => page.getByRole('navigation', { name: en('conversation.list.label') });
const rowIds = (page: Page) =>
  listBeside(page)
    .locator('li[data-conversation-id]')
    .evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.conversationId));
const composer = (page: Page) => page.getByRole('textbox', { name: en('conversation.message') });
const messages = (page: Page) => page.getByRole('log', { name: en('conversation.messages') });

describe('several conversations at once', () => {
  it('shows a new message on another conversation: row, count, order, title, rail; opening it clears them; drafts stay', async () => {
    const b = await inService('several-beta', 'Cliente Beta');
    const a = await inService('several-alfa', 'Cliente Alfa');
    const page = await signedIn(`/conversations/${a.id}`);

    // The list beside the conversation: both, answered ones by latest activity (A answered last).
    const rowA = listBeside(page).getByRole('listitem', { name: 'Cliente Alfa' });
    const rowB = listBeside(page).getByRole('listitem', { name: 'Cliente Beta' });
    await rowB.waitFor();
    await expect.poll(() => rowIds(page)).toEqual([a.id, b.id]);
    expect(await rowA.getByRole('link').getAttribute('aria-current')).toBe('page');
    expect(await rowB.getAttribute('data-unread')).toBe('0');
    await expect.poll(() => page.title()).not.toMatch(/^\(/);

    // Ana types in A without sending.
    const box = composer(page);
    await expect.poll(() => box.isEnabled()).toBe(true);
    await box.fill('Rascunho para Alfa: vou verificar');

    // Meanwhile B's customer writes (server-side ingest, as the web chat does).
    await inbound(app, web, { from: 'several-beta', text: 'Alô? Ainda está aí? É urgente.', name: 'Cliente Beta' });

    await rowB.getByText('Alô? Ainda está aí? É urgente.').waitFor();
    await expect.poll(() => rowB.getAttribute('data-unread')).toBe('1');
    await rowB.getByLabel(en('queue.unread', { count: 1 })).waitFor();
    expect(await rowB.getAttribute('class')).toMatch(/\bunread\b/);
    // It waits for an answer now: first in the list.
    await expect.poll(() => rowIds(page)).toEqual([b.id, a.id]);
    await rowB.getByText(en('queue.awaitingReply', { time: '' }).trim(), { exact: false }).waitFor();
    // The tab's title and the rail count it.
    await expect.poll(() => page.title()).toMatch(/^\(1\) /);
    const rail = page.getByRole('navigation', { name: en('shell.nav.label'), exact: true });
    const inServiceLink = rail.getByRole('link', { name: new RegExp(`^${en('shell.nav.inService')}`) });
    await inServiceLink.getByLabel(en('queue.unread', { count: 1 })).waitFor();
    // A itself is untouched: still open, still being written.
    expect(new URL(page.url()).pathname).toBe(`/conversations/${a.id}`);
    expect(await box.inputValue()).toBe('Rascunho para Alfa: vou verificar');

    // Opening B clears it everywhere (and on the server: Ana's read mark).
    await rowB.getByRole('link').click();
    await page.waitForURL(`${app.url}/conversations/${b.id}`);
    await messages(page).getByText('Alô? Ainda está aí? É urgente.').waitFor();
    await expect.poll(() => rowB.getAttribute('data-unread')).toBe('0');
    await expect.poll(() => page.title()).not.toMatch(/^\(/);
    await inServiceLink.getByLabel(en('shell.tabs.inServiceCount', { count: 2 })).waitFor();
    const [urgent] = await app.db.sql`SELECT seq FROM messages WHERE conversation_id = ${b.id} AND text = 'Alô? Ainda está aí? É urgente.'`;
    await waitFor(async () => {
      const [mark] = await app.db
        .sql`SELECT last_read_seq FROM conversation_reads WHERE user_id = ${ids.users['ana@demo.test']} AND conversation_id = ${b.id}`;
      return mark && Number(mark.last_read_seq) >= Number(urgent!.seq);
    }, 'Ana’s read mark on B');

    // B's composer is its own; back in A, the draft is there — and after a reload too.
    await expect.poll(() => composer(page).isEnabled()).toBe(true);
    expect(await composer(page).inputValue()).toBe('');
    await composer(page).fill('Resposta para Beta');
    await rowA.getByRole('link').click();
    await page.waitForURL(`${app.url}/conversations/${a.id}`);
    await expect.poll(() => composer(page).inputValue()).toBe('Rascunho para Alfa: vou verificar');
    await page.reload();
    await expect.poll(() => composer(page).inputValue()).toBe('Rascunho para Alfa: vou verificar');
    await rowB.getByRole('link').click();
    await expect.poll(() => composer(page).inputValue()).toBe('Resposta para Beta');
  });

  it('on a phone, In service is its own screen with the same previews and counts', async () => {
    const c = await inService('several-phone', 'Cliente Celular');
    const page = await signedIn('/in-service', PHONE);
    const row = page.getByRole('list', { name: en('queue.inServiceList') }).getByRole('listitem', { name: 'Cliente Celular' });
    await row.waitFor();
    await inbound(app, web, { from: 'several-phone', text: 'Pode me ligar?', name: 'Cliente Celular' });
    await row.getByText('Pode me ligar?').waitFor();
    await row.getByLabel(en('queue.unread', { count: 1 })).waitFor();
    const tabs = page.getByRole('navigation', { name: en('shell.tabs.label') });
    await tabs.getByText(en('queue.unread', { count: 1 }), { exact: false }).waitFor({ state: 'attached' });
    await expect.poll(() => page.title()).toMatch(/^\(1\) /);
    await row.getByRole('link').tap();
    await page.waitForURL(`${app.url}/conversations/${c.id}`);
    await expect.poll(() => page.title()).not.toMatch(/^\(/);
  });
});

describe('canned responses fill the composer', () => {
  it('fills the text (variables filled) and files, sends nothing until Enter, and sends what the agent edited', async () => {
    const c = await inService('several-canned', 'Maria Clara');
    await makeCanned(app.db.sql, ids.orgId, {
      shortcut: 'promo',
      title: 'Promotion',
      body: 'Hello {contact.first_name}, this is {agent.name}. Protocol {protocol}.',
    });
    const admin = await app.login('admin@demo.test');
    const form = new FormData();
    form.append('file', new Blob(['%PDF-1.4 prices'], { type: 'application/pdf' }), 'prices.pdf');
    const upload = await fetch(`${app.url}/uploads?purpose=canned`, { method: 'POST', headers: { cookie: admin.cookie! }, body: form });
    const file = (await upload.json()).id as string;
    await makeCanned(app.db.sql, ids.orgId, {
      shortcut: 'pricelist',
      title: 'Price list',
      body: 'Here is our price list, {contact.first_name}.',
      attachmentIds: [file],
    });

    const page = await signedIn(`/conversations/${c.id}`);
    const box = composer(page);
    const log = messages(page);
    await expect.poll(() => box.isEnabled()).toBe(true);
    await log.getByText('Olá, Maria Clara!').waitFor();
    const shown = await log.getByRole('article').count();
    const stored = async () => Number((await app.db.sql`SELECT count(*) AS n FROM messages WHERE conversation_id = ${c.id}`)[0]!.n);
    const before = await stored();

    // "/pro" lists it; Enter puts it in the composer, filled, and sends nothing.
    await box.click();
    await box.type('/pro');
    const option = page.getByRole('listbox', { name: en('conversation.cannedList') }).getByRole('option', { name: /\/promo/ });
    await option.waitFor();
    await expect.poll(() => option.getAttribute('aria-selected')).toBe('true');
    await box.press('Enter');
    const filled = `Hello Maria, this is Ana Souza. Protocol ${c.protocol}.`;
    await expect.poll(() => box.inputValue()).toBe(filled);
    expect(await log.getByRole('article').count()).toBe(shown);
    expect(await stored()).toBe(before);

    // The agent edits it; Enter sends the edited text.
    await box.press('End');
    await box.type(' How can I help?');
    await box.press('Enter');
    await log.getByText(`${filled} How can I help?`).waitFor();
    expect(await box.inputValue()).toBe('');
    await waitFor(
      async () =>
        (await app.db.sql`SELECT 1 FROM messages WHERE conversation_id = ${c.id} AND text = ${`${filled} How can I help?`}`).length === 1,
      'the edited text stored',
    );

    // One with a file: the file waits in the composer with the text, and both go out together.
    await box.type('/pricelist');
    await page.getByRole('option', { name: /\/pricelist/ }).waitFor();
    await box.press('Enter');
    await expect.poll(() => box.inputValue()).toBe('Here is our price list, Maria.');
    await page.getByRole('button', { name: en('conversation.removeAttachment', { name: 'prices.pdf' }) }).waitFor();
    await box.press('Enter');
    const [message] = await waitFor(async () => {
      const rows = await app.db
        .sql`SELECT text, attachment_id, kind FROM messages WHERE conversation_id = ${c.id} AND attachment_id = ${file}`;
      return rows.length > 0 ? rows : null;
    }, 'the canned file sent');
    expect(message).toMatchObject({ text: 'Here is our price list, Maria.', kind: 'attachment' });
    await log.getByText('Here is our price list, Maria.').waitFor();
    expect(await page.getByRole('button', { name: en('conversation.removeAttachment', { name: 'prices.pdf' }) }).count()).toBe(0);
  });
});
