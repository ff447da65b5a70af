/**
 * Issue 6 through a real browser — the Waiting / In service queue and the conversation view:
 * (a) log in, claim a web chat conversation, reply, and the customer sees it in the widget;
 * (b) two agents click Claim at once: one gets it, the other reads "Already taken by …";
 * (c) WhatsApp outside the 24-hour window: the composer says why, a template with parameters
 *     goes out (claiming it from Waiting) and its delivery marks follow the status webhooks;
 * (d) tags, then transfer to a colleague, who claims it and finishes with a required disposition.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page, Route } from 'playwright-core';
import { getChannel, type Channel } from '../db/queries/channels.ts';
import { translate } from '../i18n/index.ts';
import { deliveryErrorKey } from '../server/domain/delivery-errors.ts';
import type { TestApp } from '../test/helpers/app.ts';
import { useBrowser, signInWithCookie } from '../test/helpers/browser.ts';
import { ensureClientBuilt } from '../test/helpers/client-build.ts';
import { inbound, makeChannel, makeTemplate, waitingConversation } from '../test/helpers/conversations.ts';
import type { FakeGraph } from '../test/helpers/fake-graph.ts';
import { demoIds, waitFor } from '../test/helpers/orgs.ts';
import { envelope, PHONE_NUMBER_ID, postWebhook, startWhatsAppApp, statusUpdate } from '../test/helpers/whatsapp.ts';
import { en } from '../test/helpers/i18n.ts';

/** A 1×1 PNG. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
const browser = useBrowser();

let app: TestApp;
let graph: FakeGraph;
let ids: Awaited<ReturnType<typeof demoIds>>;
let webchat: Channel;
let whatsapp: Channel;

beforeAll(async () => {
  await ensureClientBuilt();
  ({ app, graph } = await startWhatsAppApp());
  ids = await demoIds(app.db.sql);
  await app.db.sql`UPDATE users SET language = 'en', status = 'online', connected = true`;
  webchat = await makeChannel(app.db.sql, ids, 'webchat');
  const [existing] = await app.db.sql`SELECT id FROM channels WHERE phone_number_id = ${PHONE_NUMBER_ID}`;
  const id =
    existing?.id ??
    (
      await app.db
        .sql`INSERT INTO channels (org_id, kind, name, phone_number_id) VALUES (${ids.orgId}, 'whatsapp', 'WhatsApp', ${PHONE_NUMBER_ID}) RETURNING id`
    )[0]!.id;
  await app.db.sql`UPDATE channels SET bot_greeting = 'Hello! Which team?', bot_invalid_message = 'Sorry?',
    bot_options = ${app.db.sql.json([
      { key: '1', label: 'Support', teamId: ids.teams.Support },
      { key: '2', label: 'Sales', teamId: ids.teams.Sales },
    ])}
    WHERE id = ${id}`;
  whatsapp = (await getChannel(app.db.sql, ids.orgId, id as string))!;
}, 240_000);
afterAll(async () => {
  await app?.stop();
  await graph?.close();
});

/** A browser page already signed in as this user (the session cookie of an HTTP login). */
async function signedIn(email: string, path = '/'): Promise<Page> {
  const page = await browser.newPage();
  await signInWithCookie(page, (e) => app.login(e), email, app.url);
  await page.goto(`${app.url}${path}`);
  return page;
}

const waitingItem = (page: Page, contact: string) =>
  page.getByRole('list', { name: en('queue.waitingList') }).getByRole('listitem', { name: contact });

describe('the agent workspace: queue and conversation', () => {
  it('(a) logs in, claims a web chat conversation, replies, and the customer sees the reply', async () => {
    // The customer, in the web chat widget.
    const customer = await browser.newPage();
    await customer.goto(`${app.url}/widget?channel=${webchat.id}`);
    await customer.getByLabel(en('widget.name')).fill('Visitante Alfa');
    await customer.getByRole('textbox', { name: en('widget.message'), exact: true }).fill('Preciso de ajuda com a entrega');
    await customer.getByRole('button', { name: en('widget.send') }).click();
    await customer
      .getByRole('group', { name: en('widget.options') })
      .getByRole('button', { name: 'Support' })
      .click();

    // The agent logs in through the form and finds it in Waiting.
    const page = await browser.newPage();
    await page.goto(`${app.url}/login`);
    await page.getByLabel(en('login.email')).fill('ana@demo.test');
    await page.getByLabel(en('login.password')).fill('atende-demo');
    await page.getByRole('button', { name: en('login.submit') }).click();
    const item = waitingItem(page, 'Visitante Alfa');
    await item.getByText('Support ·', { exact: false }).waitFor();
    await item.getByRole('button', { name: en('queue.claim') }).click();

    await page.waitForURL(/\/conversations\/[0-9a-f-]{36}$/);
    const conversationId = new URL(page.url()).pathname.split('/').pop()!;
    const box = page.getByRole('textbox', { name: en('conversation.message') });
    await expect.poll(() => box.isEnabled()).toBe(true);
    await page.locator('header.cv-header').getByText(en('conversation.status.active'), { exact: true }).waitFor();

    // Shift+Enter is a new line, Enter sends; the focus stays in the composer.
    await box.click();
    await box.type('Olá! Sou a Ana.');
    await box.press('Shift+Enter');
    await box.type('Vou ver sua entrega.');
    await box.press('Enter');
    const log = page.getByRole('log', { name: en('conversation.messages') });
    await log.getByText('Vou ver sua entrega.').waitFor();
    expect(await box.inputValue()).toBe('');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe(en('conversation.message'));
    // Sent by the server (the outbox copy is replaced by the stored message with its mark).
    await log
      .getByRole('article', { name: en('conversation.fromAgent', { name: 'Ana Souza' }) })
      .getByText(/Sent|Delivered|Read/)
      .waitFor();
    const [row] = await app.db
      .sql`SELECT text FROM messages WHERE conversation_id = ${conversationId} AND direction = 'out' AND author_id IS NOT NULL`;
    expect(row!.text).toBe('Olá! Sou a Ana.\nVou ver sua entrega.');

    // A canned response, searched by typing "/" and its shortcut, picked with Enter: it fills
    // the composer (variables filled), and Enter sends it.
    await box.type('/prot');
    const canned = page.getByRole('listbox', { name: en('conversation.cannedList') });
    await canned.getByRole('option', { name: /\/protocol/ }).waitFor();
    await box.press('Enter');
    const protocol = (await app.db.sql`SELECT protocol FROM conversations WHERE id = ${conversationId}`)[0]!.protocol as string;
    const filled = `Your protocol number is ${protocol}. Keep it for future reference.`;
    await expect.poll(() => box.inputValue()).toBe(filled);
    await box.press('Enter');
    await log.getByText(filled).waitFor();
    expect(await box.inputValue()).toBe('');

    // An attachment: uploaded to /uploads, sent with a caption, shown as an image.
    await page.getByLabel(en('conversation.attach')).setInputFiles({ name: 'comprovante.png', mimeType: 'image/png', buffer: PNG });
    await page.getByRole('button', { name: en('conversation.removeAttachment', { name: 'comprovante.png' }) }).waitFor();
    await box.type('Segue o comprovante');
    await box.press('Enter');
    await log.getByRole('img', { name: 'Segue o comprovante' }).waitFor();

    // The customer sees the replies in the widget.
    const widgetLog = customer.getByRole('log', { name: en('widget.messages') });
    await widgetLog.getByText('Vou ver sua entrega.').waitFor();
    await widgetLog.getByText(`Your protocol number is ${protocol}.`, { exact: false }).waitFor();

    // It is In service, not Waiting.
    await page.goto(`${app.url}/in-service`);
    await page
      .getByRole('list', { name: en('queue.inServiceList') })
      .getByRole('listitem', { name: 'Visitante Alfa' })
      .waitFor();
  });

  it('(b) a claim race between two browsers: exactly one wins, the other reads who took it', async () => {
    const from = `visitor-race-${Date.now()}`;
    await inbound(app, webchat, { from, text: 'Oi', name: 'Cliente Corrida' });
    const { conversation } = await inbound(app, webchat, { from, text: '1', name: 'Cliente Corrida' });

    const ana = await signedIn('ana@demo.test');
    const bruno = await signedIn('bruno@demo.test');
    // Both requests are held until both agents have clicked, then race at the server.
    let arrived = 0;
    let release!: () => void;
    const both = new Promise<void>((resolve) => (release = resolve));
    const hold = async (route: Route) => {
      arrived += 1;
      if (arrived === 2) release();
      await both;
      await route.continue();
    };
    await ana.route('**/trpc/conversations.claim**', hold);
    await bruno.route('**/trpc/conversations.claim**', hold);

    const claimIn = (page: Page) => waitingItem(page, 'Cliente Corrida').getByRole('button', { name: en('queue.claim') });
    await claimIn(ana).waitFor();
    await claimIn(bruno).waitFor();
    await Promise.all([claimIn(ana).click(), claimIn(bruno).click()]);

    const winner = await waitFor(async () => {
      const [c] = await app.db
        .sql`SELECT u.name, u.email FROM conversations c JOIN users u ON u.id = c.assignee_id WHERE c.id = ${conversation.id}`;
      return c as { name: string; email: string } | undefined;
    }, 'claimed');
    const [winPage, losePage] = winner.email === 'ana@demo.test' ? [ana, bruno] : [bruno, ana];
    // The loser is back in Waiting with the server's sentence; the item is gone.
    await losePage
      .getByRole('alert')
      .getByText(en('conv.alreadyTaken', { name: winner.name }))
      .waitFor();
    expect(new URL(losePage.url()).pathname).toBe('/');
    await waitingItem(losePage, 'Cliente Corrida').waitFor({ state: 'detached' });
    // The winner is in the conversation and may write.
    expect(new URL(winPage.url()).pathname).toBe(`/conversations/${conversation.id}`);
    await expect.poll(() => winPage.getByRole('textbox', { name: en('conversation.message') }).isEnabled()).toBe(true);
    expect(await winPage.getByRole('alert').count()).toBe(0);
  });

  it('(c) WhatsApp outside the window: says why, sends a template with parameters from Waiting, shows delivery marks', async () => {
    const from = '5511944441111';
    const twoDaysAgo = new Date(Date.now() - 48 * 3600_000);
    const conversation = await waitingConversation(app, whatsapp, from, '1', twoDaysAgo);
    await app.db.sql`UPDATE contacts SET name = 'Cliente Janela' WHERE id = ${conversation.contactId}`;
    await makeTemplate(app.db.sql, ids.orgId, whatsapp.id, 'order_shipped', 'Hello {{1}}, your order {{2}} shipped.');

    const page = await signedIn('ana@demo.test');
    await waitingItem(page, 'Cliente Janela')
      .getByRole('link', { name: en('queue.sendTemplate') })
      .click();
    await page.waitForURL(new RegExp(`/conversations/${conversation.id}\\?template=1$`));
    // Peeking: no free text, and the composer says so.
    await page.getByRole('status').getByText(en('conversation.why.waiting')).waitFor();
    expect(await page.getByRole('textbox', { name: en('conversation.message') }).count()).toBe(0);

    const templates = page.getByRole('form', { name: en('conversation.templates') });
    await templates.getByLabel(en('conversation.template')).selectOption({ label: 'order_shipped (pt_BR)' });
    await templates.getByLabel(en('conversation.param', { n: 1 })).fill('Maria');
    await templates.getByRole('button', { name: en('conversation.sendTemplateAndClaim') }).click();
    // The second parameter is missing: said at the field, nothing sent.
    await templates.getByText(en('conversation.paramRequired')).waitFor();
    await templates.getByLabel(en('conversation.param', { n: 2 })).fill('A-1234');
    await expect.poll(() => templates.getByLabel(en('conversation.preview')).innerText()).toBe('Hello Maria, your order A-1234 shipped.');
    await templates.getByRole('button', { name: en('conversation.sendTemplateAndClaim') }).click();

    // Sending claimed it; only the customer's reply opens the window, and the composer says so
    // (the same reason `send` would answer with: one windowState for both).
    await page.locator('header.cv-header').getByText(en('conversation.status.active'), { exact: true }).waitFor();
    const why = page.getByRole('status').getByText(en('conv.awaitingReply'));
    await why.waitFor();
    // The header says why too, not "closed since…".
    await page.locator('header.cv-header').getByText(en('conversation.windowAwaitingReply')).waitFor();
    await expect.poll(() => page.getByRole('textbox', { name: en('conversation.message') }).isDisabled()).toBe(true);

    const log = page.getByRole('log', { name: en('conversation.messages') });
    const sent = log.getByRole('article').filter({ hasText: 'Hello Maria, your order A-1234 shipped.' });
    await sent.getByText(en('conversation.delivery.sent')).waitFor();
    const message = await waitFor(async () => {
      const [m] = await app.db
        .sql`SELECT id, channel_message_id FROM messages WHERE conversation_id = ${conversation.id} AND kind = 'template' AND status = 'sent'`;
      return m;
    }, 'template sent');
    expect(graph.postsFor(message.id as string)).toHaveLength(1);
    expect(graph.postsFor(message.id as string)[0]!.body.template.components[0].parameters.map((p: { text: string }) => p.text)).toEqual([
      'Maria',
      'A-1234',
    ]);

    await postWebhook(app.url, envelope(statusUpdate(message.channel_message_id as string, 'delivered', message.id as string)));
    await sent.getByText(en('conversation.delivery.delivered')).waitFor();
    await postWebhook(app.url, envelope(statusUpdate(message.channel_message_id as string, 'read', message.id as string)));
    await sent.getByText(en('conversation.delivery.read')).waitFor();

    // A refused send shows "Failed" with the reason.
    graph.next({ status: 400, error: { code: 132001, message: 'Template name does not exist in the translation' } });
    await page.getByRole('button', { name: en('conversation.chooseTemplateButton') }).click();
    await templates.getByLabel(en('conversation.template')).selectOption({ label: 'order_shipped (pt_BR)' });
    await templates.getByLabel(en('conversation.param', { n: 1 })).fill('João');
    await templates.getByLabel(en('conversation.param', { n: 2 })).fill('B-99');
    await templates.getByRole('button', { name: en('conversation.sendTemplate') }).click();
    const failed = log.getByRole('article').filter({ hasText: 'Hello João, your order B-99 shipped.' });
    await failed.getByText(en('conversation.delivery.failed')).waitFor();
    const [row] = await app.db.sql`SELECT error_title FROM messages WHERE conversation_id = ${conversation.id} AND status = 'failed'`;
    await failed
      .getByRole('note')
      .getByText(en(deliveryErrorKey(132001, 'failed')!, { title: (row?.error_title as string | null) ?? '132001' }))
      .waitFor();
  });

  it('(d) tags it, transfers it to a colleague, who claims it and finishes with the required disposition', async () => {
    await app.db.sql`UPDATE teams SET disposition_required = true WHERE id = ${ids.teams.Support}`;
    const [disposition] = await app.db.sql`SELECT id, name FROM dispositions WHERE org_id = ${ids.orgId} AND active ORDER BY name LIMIT 1`;
    const from = `visitor-transfer-${Date.now()}`;
    await inbound(app, webchat, { from, text: 'Oi', name: 'Cliente Transferência' });
    const { conversation } = await inbound(app, webchat, { from, text: '1', name: 'Cliente Transferência' });
    const anaApi = await app.login('ana@demo.test');
    await anaApi.conversations.claim.mutate({ conversationId: conversation.id });

    const ana = await signedIn('ana@demo.test', `/conversations/${conversation.id}`);
    // Internal tags, from the organization's list.
    await ana.getByRole('button', { name: en('conversation.editTags') }).click();
    const tagsDialog = ana.getByRole('dialog', { name: en('conversation.tagsTitle') });
    await tagsDialog.getByLabel('VIP').check();
    await tagsDialog.getByRole('button', { name: en('conversation.saveTags') }).click();
    await ana
      .getByRole('list', { name: en('conversation.tags') })
      .getByText('VIP')
      .waitFor();
    expect(
      (
        await app.db
          .sql`SELECT t.name FROM conversation_tags ct JOIN tags t ON t.id = ct.tag_id WHERE ct.conversation_id = ${conversation.id}`
      ).map((r) => r.name),
    ).toEqual(['VIP']);

    await ana
      .getByRole('toolbar', { name: en('conversation.actions') })
      .getByRole('button', { name: en('conversation.transfer') })
      .click();
    const dialog = ana.getByRole('dialog', { name: en('conversation.transferTitle') });
    await dialog.getByLabel(en('conversation.transferToPerson')).check();
    const person = dialog.getByLabel(en('conversation.transferPerson'), { exact: true });
    await person.locator('option', { hasText: 'Bruno Lima' }).waitFor({ state: 'attached' });
    await person.selectOption({
      label: en('conversation.personOption', { name: 'Bruno Lima', status: translate('en', 'status.online'), teams: 'Support' }),
    });
    await dialog.getByRole('button', { name: en('conversation.transfer') }).click();
    await ana.waitForURL(`${app.url}/in-service`);

    // Bruno sees it transferred to him, claims it, and must choose a disposition to finish.
    const bruno = await signedIn('bruno@demo.test');
    const item = waitingItem(bruno, 'Cliente Transferência');
    await item.getByText(en('queue.transferredToYou')).waitFor();
    await item.getByRole('button', { name: en('queue.claim') }).click();
    await bruno.waitForURL(`${app.url}/conversations/${conversation.id}`);
    await bruno.locator('header.cv-header').getByText(en('conversation.status.active'), { exact: true }).waitFor();
    await bruno
      .getByRole('toolbar', { name: en('conversation.actions') })
      .getByRole('button', { name: en('conversation.finish') })
      .click();
    const finish = bruno.getByRole('dialog', { name: en('conversation.finishTitle') });
    const select = finish.getByLabel(en('conversation.dispositionRequired'));
    expect(await select.getAttribute('required')).not.toBeNull();
    await select.locator('option', { hasText: disposition!.name as string }).waitFor({ state: 'attached' });
    await select.selectOption({ label: disposition!.name as string });
    await finish.getByRole('button', { name: en('conversation.finish') }).click();
    await bruno.waitForURL(`${app.url}/in-service`);

    const [closed] = await app.db.sql`SELECT status, disposition_id, assignee_id FROM conversations WHERE id = ${conversation.id}`;
    expect(closed).toMatchObject({ status: 'closed', disposition_id: disposition!.id });
  });
});
