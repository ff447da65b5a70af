/**
 * Files the way people attach them all day, through a real browser: a pasted screenshot and
 * files dropped on the conversation go the attach button's way (the same checks, upload,
 * refusal sentences and outbox), plain-text pastes stay text; the customer pastes and drops
 * in the web chat widget and the agent receives the files.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import type { Channel } from '../db/queries/channels.ts';
import type { TestApp } from '../test/helpers/app.ts';
import { seriousViolations } from '../test/helpers/axe.ts';
import { useAppInBrowser } from '../test/helpers/browser-app.ts';
import { makeChannel } from '../test/helpers/conversations.ts';
import { waitFor } from '../test/helpers/orgs.ts';
import { en } from '../test/helpers/i18n.ts';

/** A 1×1 PNG. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
const PDF = Buffer.from('%PDF-1.4 order 123');
const e2e = useAppInBrowser();
const { browser } = e2e;
/** Sends go through the outbox one after another: give a loaded machine time. */
const POLL = { timeout: 15_000 };

let app: TestApp;
let channel: Channel;

beforeAll(async () => {
  app = e2e.app;
  const { ids } = e2e;
  channel = await makeChannel(app.db.sql, ids, 'webchat');
});

interface FileSpec {
  name: string;
  type: string;
  base64: string;
}
const spec = (name: string, type: string, bytes: Buffer): FileSpec => ({ name, type, base64: bytes.toString('base64') });

/** Ctrl+V as the page sees it: a paste event whose clipboard holds these files (and text). True when the page took it over. */
function paste(target: Locator, files: FileSpec[], text?: string): Promise<boolean> {
  return target.evaluate(
    (el, arg) => {
      const data = new DataTransfer();
      for (const f of arg.files)
        data.items.add(new File([Uint8Array.from(atob(f.base64), (c) => c.charCodeAt(0))], f.name, { type: f.type }));
      if (arg.text !== null) data.setData('text/plain', arg.text);
      const event = new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true });
      el.dispatchEvent(event);
      return event.defaultPrevented;
    },
    { files, text: text ?? null },
  );
}

/** Files dragged from the desktop onto the element: these drag events, in order, each carrying the files. */
function drag(target: Locator, files: FileSpec[], events: Array<'dragenter' | 'dragover' | 'dragleave' | 'drop'>): Promise<void> {
  return target.evaluate(
    (el, arg) => {
      const data = new DataTransfer();
      for (const f of arg.files)
        data.items.add(new File([Uint8Array.from(atob(f.base64), (c) => c.charCodeAt(0))], f.name, { type: f.type }));
      for (const type of arg.events) el.dispatchEvent(new DragEvent(type, { dataTransfer: data, bubbles: true, cancelable: true }));
    },
    { files, events },
  );
}

/** A visitor writes in the widget and picks Support; Ana claims it. */
async function claimedWebchat(
  visitor: string,
  options: Parameters<typeof browser.newPage>[0] = {},
): Promise<{ customer: Page; conversationId: string }> {
  const customer = await browser.newPage(options);
  await customer.goto(`${app.url}/widget?channel=${channel.id}`);
  await customer.getByLabel(en('widget.name')).fill(visitor);
  await customer.getByRole('textbox', { name: en('widget.message'), exact: true }).fill('Oi, preciso de ajuda');
  await customer.getByRole('button', { name: en('widget.send') }).click();
  await customer
    .getByRole('group', { name: en('widget.options') })
    .getByRole('button', { name: 'Support' })
    .click();
  const conversation = await waitFor(async () => {
    const [row] = await app.db.sql<{ id: string; status: string }[]>`SELECT c.id, c.status FROM conversations c
      JOIN contacts k ON k.id = c.contact_id WHERE k.name = ${visitor} AND c.channel_id = ${channel.id}`;
    return row?.status === 'waiting' ? row : null;
  }, 'conversation waiting in Support');
  const ana = await app.login('ana@demo.test');
  await ana.conversations.claim.mutate({ conversationId: conversation.id });
  return { customer, conversationId: conversation.id };
}

/** The agent's messages with their files, oldest first. */
async function sentFiles(conversationId: string): Promise<Array<{ text: string; filename: string | null }>> {
  return app.db.sql<{ text: string; filename: string | null }[]>`SELECT m.text, a.filename FROM messages m
    LEFT JOIN attachments a ON a.id = m.attachment_id
    WHERE m.conversation_id = ${conversationId} AND m.direction = 'out' AND m.author_id IS NOT NULL ORDER BY m.created_at, m.id`;
}

describe('pasting and dropping files', () => {
  it('the agent pastes a screenshot and drops files on the conversation; refused types say why; text pastes stay text', async () => {
    const { customer, conversationId } = await claimedWebchat('Visitante Arquivos');
    const page = await e2e.signedIn('ana@demo.test', `/conversations/${conversationId}`);
    const box = page.getByRole('textbox', { name: en('conversation.message') });
    await expect.poll(() => box.isEnabled(), POLL).toBe(true);
    const log = page.getByRole('log', { name: en('conversation.messages') });
    const composer = page.getByRole('region', { name: en('conversation.composer') });

    // A screenshot pasted in the message box: attached like the button does, sent with the text.
    expect(await paste(box, [spec('image.png', 'image/png', PNG)])).toBe(true);
    await page.getByRole('button', { name: en('conversation.removeAttachment', { name: 'image.png' }) }).waitFor();
    await box.fill('Veja o print');
    await box.press('Enter');
    await log.getByRole('img', { name: 'Veja o print' }).waitFor();
    await expect.poll(() => sentFiles(conversationId), POLL).toEqual([{ text: 'Veja o print', filename: 'image.png' }]);
    // The customer sees it.
    const widgetLog = customer.getByRole('log', { name: en('widget.messages') });
    await widgetLog.getByRole('img', { name: 'image.png' }).waitFor();

    // Files dragged over the conversation: a drop zone shows and says so (a live region).
    const files = [spec('pedido.pdf', 'application/pdf', PDF), spec('foto.png', 'image/png', PNG)];
    await drag(log, files, ['dragenter', 'dragover']);
    const zone = composer.getByRole('status').filter({ hasText: en('conversation.dropHere') });
    await zone.waitFor();
    expect(await zone.evaluate((el) => el.getBoundingClientRect().height)).toBeGreaterThan(100);
    expect(await seriousViolations(page, 'section.cv-main')).toEqual([]);
    // Leaving closes it; dropping both files attaches both, each its own message.
    await drag(log, files, ['dragleave']);
    await zone.waitFor({ state: 'detached' });
    await drag(log, files, ['dragenter', 'dragover', 'drop']);
    await zone.waitFor({ state: 'detached' });
    await page.getByRole('button', { name: en('conversation.removeAttachment', { name: 'pedido.pdf' }) }).waitFor();
    await page.getByRole('button', { name: en('conversation.removeAttachment', { name: 'foto.png' }) }).waitFor();
    await box.fill('Seguem os arquivos');
    await page.getByRole('button', { name: en('conversation.send') }).click();
    await expect
      .poll(() => sentFiles(conversationId), POLL)
      .toEqual([
        { text: 'Veja o print', filename: 'image.png' },
        { text: 'Seguem os arquivos', filename: 'pedido.pdf' },
        { text: '', filename: 'foto.png' },
      ]);
    await widgetLog.getByRole('button', { name: en('widget.file', { name: 'pedido.pdf' }) }).waitFor();
    await widgetLog.getByRole('img', { name: 'foto.png' }).waitFor();

    // A type the server refuses: the button's sentence, nothing attached, nothing sent.
    expect(await paste(box, [spec('programa.exe', 'application/x-msdownload', PDF)])).toBe(true);
    await page
      .getByRole('alert')
      .getByText(en('conversation.why.badTypeNamed', { type: 'application/x-msdownload' }))
      .waitFor();
    await drag(log, [spec('script.sh', 'application/x-sh', PDF)], ['dragenter', 'dragover', 'drop']);
    await page
      .getByRole('alert')
      .getByText(en('conversation.why.badTypeNamed', { type: 'application/x-sh' }))
      .waitFor();
    expect(await composer.getByRole('button', { name: /^Remove attachment/ }).count()).toBe(0);
    expect(await page.getByRole('button', { name: en('conversation.send') }).isDisabled()).toBe(true);
    expect((await sentFiles(conversationId)).length).toBe(3);

    // Plain text is the browser's to paste: not taken over, and a real Ctrl+V types it.
    expect(await paste(box, [], 'só texto')).toBe(false);
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: app.url });
    await page.evaluate(() => navigator.clipboard.writeText('texto colado'));
    await box.fill('');
    await box.focus();
    await page.keyboard.press('ControlOrMeta+V');
    await expect.poll(() => box.inputValue(), POLL).toBe('texto colado');
    expect(await composer.getByRole('button', { name: /^Remove attachment/ }).count()).toBe(0);
  });

  it('the customer pastes an image and drops a file in the widget; the agent receives them', async () => {
    // (CSP bypassed only so axe can be injected into the widget page.)
    const { customer, conversationId } = await claimedWebchat('Visitante Cola', { bypassCSP: true });
    const ana = await app.login('ana@demo.test');
    const message = customer.getByRole('textbox', { name: en('widget.message'), exact: true });

    expect(await paste(message, [spec('image.png', 'image/png', PNG)])).toBe(true);
    await customer.getByRole('button', { name: en('widget.removeFile', { name: 'image.png' }) }).waitFor();
    await message.fill('Print do erro');
    await customer.getByRole('button', { name: en('widget.send') }).click();

    const log = customer.getByRole('log', { name: en('widget.messages') });
    await drag(log, [spec('pedido.pdf', 'application/pdf', PDF)], ['dragenter', 'dragover']);
    const zone = customer.getByRole('status').filter({ hasText: en('widget.dropHere') });
    await zone.waitFor();
    expect(await seriousViolations(customer)).toEqual([]);
    await drag(log, [spec('pedido.pdf', 'application/pdf', PDF)], ['drop']);
    await zone.waitFor({ state: 'detached' });
    await customer.getByRole('button', { name: en('widget.removeFile', { name: 'pedido.pdf' }) }).waitFor();
    await customer.getByRole('button', { name: en('widget.send') }).click();
    await log.getByRole('button', { name: en('widget.file', { name: 'pedido.pdf' }) }).waitFor();

    // Plain text pasted in the widget stays the browser's.
    expect(await paste(message, [], 'só texto')).toBe(false);

    await expect
      .poll(async () => {
        const view = await ana.conversations.get.query({ conversationId });
        return view.messages
          .filter((m) => m.direction === 'in' && m.attachment)
          .map((m) => ({ text: m.text, filename: m.attachment!.filename, contentType: m.attachment!.contentType }));
      }, POLL)
      .toEqual([
        { text: 'Print do erro', filename: 'image.png', contentType: 'image/png' },
        { text: '', filename: 'pedido.pdf', contentType: 'application/pdf' },
      ]);
  });
});
