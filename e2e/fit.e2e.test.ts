/**
 * Issue 17 item 9, screens that fit: the monitoring board inside its card at 1366 px with
 * every action button visible; on a phone the conversation header leaves the screen to the
 * messages and the composer shows all it holds (and no keyboard hint on a touch screen);
 * team timeouts in hours and minutes; the organization's time zone picked from a list;
 * the group-chat checkboxes labelled.
 */
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { translate } from '../i18n/index.ts';
import type { TestApp } from '../test/helpers/app.ts';
import { seriousViolations } from '../test/helpers/axe.ts';
import { useAppInBrowser, type DemoIds } from '../test/helpers/browser-app.ts';
import { inbound, makeChannel } from '../test/helpers/conversations.ts';
import { en } from '../test/helpers/i18n.ts';

const e2e = useAppInBrowser();
const { browser } = e2e;
let app: TestApp;
let ids: DemoIds;

beforeAll(async () => {
  ({ app, ids } = e2e);
});

const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };

async function signedIn(email: string, path: string, options: Parameters<typeof browser.newPage>[0] = {}, language = 'en'): Promise<Page> {
  await app.db.sql`UPDATE users SET language = ${language} WHERE email = ${email}`;
  return e2e.signedIn(email, path, options);
}

let counter = 0;
/** A customer of a WhatsApp channel: in the bot, waiting, or served by Ana. */
async function customer(state: 'bot' | 'waiting' | 'active', name: string) {
  const channel = await makeChannel(app.db.sql, ids);
  const from = `55119${String(Date.now() + counter++).slice(-8)}`;
  const first = await inbound(app, channel, { from, text: 'Olá, preciso de ajuda com o meu pedido', name });
  if (state === 'bot') return first.conversation!;
  const chosen = (await inbound(app, channel, { from, text: '1', name })).conversation!;
  if (state === 'active') await (await app.login('ana@demo.test')).conversations.claim.mutate({ conversationId: chosen.id });
  return chosen;
}

describe('screens that fit', () => {
  it('keeps the monitoring board inside its card at 1366×768, every action button visible', async () => {
    await customer('bot', 'Maria Aparecida dos Santos Oliveira');
    await customer('waiting', 'João Pedro de Alcântara Ferreira Neto');
    await customer('active', 'Ana Cláudia Vasconcelos de Albuquerque');
    // In Portuguese, whose words are the longest of the three.
    const pt = (key: Parameters<typeof en>[0], params?: Record<string, string | number>) => translate('pt-BR', key, params);
    const page = await signedIn('admin@demo.test', '/admin/monitor', { viewport: { width: 1366, height: 768 } }, 'pt-BR');
    const card = page.locator('.adm-section').first();
    await page
      .locator('.adm-row-actions button')
      .filter({ hasText: pt('admin.monitor.release') })
      .first()
      .waitFor();
    await page
      .locator('.adm-row-actions button')
      .filter({ hasText: pt('admin.monitor.forceClose') })
      .first()
      .waitFor();

    const fits = async () => {
      const fit = await card.evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth }));
      expect(fit.scroll).toBeLessThanOrEqual(fit.client);
      const whole = await page.evaluate(() => ({
        scroll: document.documentElement.scrollWidth,
        client: document.documentElement.clientWidth,
      }));
      expect(whole.scroll).toBeLessThanOrEqual(whole.client);
      // Every action button of the board lies wholly inside the card (nothing clipped).
      const outside = await card.evaluate((el) => {
        const box = el.getBoundingClientRect();
        return [...el.querySelectorAll('.adm-row-actions button')]
          .map((b) => ({ text: b.textContent, r: b.getBoundingClientRect() }))
          .filter(({ r }) => r.width === 0 || r.left < box.left || r.right > box.right)
          .map(
            ({ text, r }) => `${text} ${Math.round(r.left)}–${Math.round(r.right)} (card ${Math.round(box.left)}–${Math.round(box.right)})`,
          );
      });
      expect(outside).toEqual([]);
    };
    await fits();
    expect(await page.locator('.adm-row-actions button').count()).toBeGreaterThanOrEqual(6);
    // Also with a transfer form open in a row.
    await page
      .locator('.adm-row-actions button')
      .filter({ hasText: pt('admin.monitor.transfer') })
      .first()
      .click();
    await page.getByRole('button', { name: pt('admin.monitor.transferGo'), exact: true }).waitFor();
    await fits();
  }, 90_000);

  it('on a phone: a short conversation header, a composer that shows what is typed, no keyboard hint', async () => {
    const conversation = await customer('active', 'Renata Figueiredo Albuquerque');
    const page = await signedIn('ana@demo.test', `/conversations/${conversation.id}`, PHONE);
    const header = page.locator('.cv-header');
    await page.getByRole('heading', { level: 1, name: 'Renata Figueiredo Albuquerque' }).waitFor();
    const box = page.getByRole('textbox', { name: en('conversation.message') });
    await box.waitFor();

    const height = (await header.boundingBox())!.height;
    expect(height / 844).toBeLessThan(0.15);
    // The details and the other actions are one tap away, and come back folded.
    const toggle = header.getByRole('button', { name: en('conversation.details') });
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');
    await toggle.click();
    await header.getByText(en('conversation.protocol')).waitFor();
    await header.getByRole('button', { name: en('conversation.finish') }).waitFor();
    expect(await toggle.getAttribute('aria-expanded')).toBe('true');
    await toggle.click();
    await header.getByRole('button', { name: en('conversation.finish') }).waitFor({ state: 'hidden' });

    // What is typed is shown, not cut: the box grows with it.
    await box.fill('Bom dia, Renata!\nJá localizei o seu pedido.\nEle sai hoje para entrega.');
    const clip = await box.evaluate((el) => ({ scroll: el.scrollHeight, client: el.clientHeight }));
    expect(clip.scroll).toBeLessThanOrEqual(clip.client + 1);
    // No "Enter sends · Shift+Enter" on a touch keyboard.
    expect(await page.getByText(en('conversation.hint')).isVisible()).toBe(false);
  }, 90_000);

  it('shows team timeouts in hours and minutes, and the organization’s time zone as a list', async () => {
    await app.db.sql`UPDATE teams SET queue_timeout_minutes = 1440 WHERE id = ${ids.teams.Support}`;
    await app.db.sql`UPDATE teams SET queue_timeout_minutes = 90 WHERE id = ${ids.teams.Sales}`;
    const page = await signedIn('admin@demo.test', '/admin/teams');
    await page.getByRole('row').filter({ hasText: 'Support' }).getByText('24 hr', { exact: true }).waitFor();
    await page.getByRole('row').filter({ hasText: 'Sales' }).getByText('1 hr 30 min', { exact: true }).waitFor();
    expect(await page.getByText('1440 min').count()).toBe(0);
    // The form reads the minutes back as hours.
    await page.getByRole('button', { name: en('admin.editNamed', { name: 'Support' }) }).click();
    const form = page.getByRole('form', { name: en('admin.teams.editTitle', { name: 'Support' }) });
    await form.getByText(en('admin.teams.timeoutHint', { time: '24 hr' })).waitFor();
    await form.getByLabel(en('admin.teams.timeoutLabel')).fill('150');
    await form.getByText(en('admin.teams.timeoutHint', { time: '2 hr 30 min' })).waitFor();

    await page.getByRole('link', { name: en('admin.nav.organization') }).click();
    const zone = page.getByRole('form', { name: en('admin.nav.organization') }).getByLabel(en('admin.org.timeZone'), { exact: true });
    await zone.waitFor();
    expect(await zone.evaluate((el) => el.tagName)).toBe('SELECT');
    expect(await zone.inputValue()).toBe('America/Sao_Paulo');
    expect(await zone.locator('option[value="Europe/Lisbon"]').count()).toBe(1);
  }, 90_000);

  it('labels the group-chat checkboxes, visibly and for screen readers', async () => {
    const page = await signedIn('ana@demo.test', '/agents');
    const row = page.getByRole('list', { name: en('chat.agentsLabel') }).getByRole('listitem', { name: 'Bruno Lima' });
    const check = row.getByRole('checkbox', { name: en('chat.selectAgent', { name: 'Bruno Lima' }) });
    await check.waitFor();
    // The words on screen are the start of its name (WCAG "label in name").
    const shown = (await row.locator('label.agent-select').innerText()).trim();
    expect(shown).toBe(en('chat.addToGroup'));
    expect(en('chat.selectAgent', { name: 'Bruno Lima' }).startsWith(shown)).toBe(true);
    await check.check();
    await page.getByRole('button', { name: en('chat.startGroup', { count: 1 }) }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
  }, 90_000);
});
