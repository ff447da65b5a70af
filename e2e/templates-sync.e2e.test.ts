/**
 * WhatsApp template sync through a real browser, against the local fake Graph API: the admin
 * names the channel's WhatsApp Business Account, presses "Sync with Meta", reads the counts
 * and each template's status and reason; an agent's template picker offers only the templates
 * Meta lets them send, and a paused one cannot be sent.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getChannel, type Channel } from '../db/queries/channels.ts';
import type { TestApp } from '../test/helpers/app.ts';
import { signInWithCookie, useBrowser } from '../test/helpers/browser.ts';
import { ensureClientBuilt } from '../test/helpers/client-build.ts';
import { waitingConversation } from '../test/helpers/conversations.ts';
import type { FakeGraph } from '../test/helpers/fake-graph.ts';
import { en } from '../test/helpers/i18n.ts';
import { body, metaTemplate } from '../test/helpers/meta-templates.ts';
import { demoIds, waitFor } from '../test/helpers/orgs.ts';
import { botMenuChannel, startWhatsAppApp } from '../test/helpers/whatsapp.ts';

const WABA = '104400000000001';
const browser = useBrowser();

let app: TestApp;
let graph: FakeGraph;
let ids: Awaited<ReturnType<typeof demoIds>>;
let whatsapp: Channel;

beforeAll(async () => {
  await ensureClientBuilt();
  // No daily sync of its own during the test (one at its minute would change what the tests count).
  ({ app, graph } = await startWhatsAppApp({}, { WHATSAPP_TEMPLATE_SYNC_AT: 'off' }));
  ids = await demoIds(app.db.sql);
  await app.db.sql`UPDATE users SET language = 'en', status = 'online', connected = true`;
  whatsapp = await botMenuChannel(app.db.sql, ids);
  graph.wabas.set(WABA, {
    token: 'env-access-token',
    pageSize: 2,
    templates: [
      metaTemplate('shipping_update', 'pt_BR', 'APPROVED', [body('Olá {{1}}, seu pedido {{2}} saiu para entrega.')]),
      metaTemplate('winter_promo', 'pt_BR', 'PAUSED', [body('Promoção de inverno, {{1}}!')], { category: 'MARKETING' }),
      metaTemplate('bad_format', 'pt_BR', 'REJECTED', [body('Oi {{1}}')], { category: 'MARKETING', rejected_reason: 'INVALID_FORMAT' }),
    ],
  });
}, 240_000);
afterAll(async () => {
  await app?.stop();
  await graph?.close();
});

async function signedIn(email: string, path: string): Promise<Page> {
  const page = await browser.newPage();
  await signInWithCookie(page, (e) => app.login(e), email, app.url);
  await page.goto(`${app.url}${path}`);
  return page;
}

describe('template sync with Meta', () => {
  it('the admin names the Business Account, syncs, and sees each template’s status and reason', async () => {
    const page = await signedIn('admin@demo.test', '/admin/channels');
    await page.getByRole('button', { name: en('admin.editNamed', { name: whatsapp.name }) }).click();
    const form = page.getByRole('form', { name: en('admin.channels.editTitle', { name: whatsapp.name }) });
    await form.getByLabel(en('templateSync.wabaId'), { exact: true }).fill(WABA);
    await form.getByRole('button', { name: en('admin.save') }).click();
    await waitFor(async () => (await getChannel(app.db.sql, ids.orgId, whatsapp.id))?.wabaId === WABA, 'the WABA id saved');

    await page.getByRole('link', { name: en('admin.nav.templates') }).click();
    await page.getByRole('button', { name: en('templateSync.button', { channel: whatsapp.name }) }).click();
    await page
      .getByRole('status')
      .filter({ hasText: en('templateSync.result', { channel: whatsapp.name, added: 3, updated: 0, removed: 0, unchanged: 0 }) })
      .waitFor();
    const row = (name: string) => page.getByRole('row').filter({ hasText: name });
    await row('shipping_update').getByText(en('admin.templates.status.approved'), { exact: true }).waitFor();
    await row('winter_promo').getByText(en('admin.templates.status.paused'), { exact: true }).waitFor();
    await row('winter_promo').getByText(en('templateSync.notSendable')).waitFor();
    await row('bad_format')
      .getByText(en('templateSync.reason', { reason: 'invalid format' }))
      .waitFor();
    await row('bad_format').getByText(en('templateSync.source.meta')).waitFor();
    expect(await row('winter_promo').getByText(en('admin.templates.category.marketing')).count()).toBe(1);
  }, 90_000);

  it('a bad token: the admin reads why, nothing changes', async () => {
    graph.wabas.get(WABA)!.token = 'rotated-token';
    const page = await signedIn('admin@demo.test', '/admin/templates');
    await page.getByRole('button', { name: en('templateSync.button', { channel: whatsapp.name }) }).click();
    await page
      .getByRole('alert')
      .filter({ hasText: en('templateSync.badToken', { channel: whatsapp.name }) })
      .waitFor();
    graph.wabas.get(WABA)!.token = 'env-access-token';
  }, 60_000);

  it('an agent’s picker offers only sendable templates; a template paused meanwhile is refused with the reason', async () => {
    const conversation = await waitingConversation(app, whatsapp, '5511977770001', '1');
    const page = await signedIn('ana@demo.test', `/conversations/${conversation.id}?template=1`);
    const templates = page.getByRole('form', { name: en('conversation.templates') });
    const picker = templates.getByLabel(en('conversation.template'));
    await picker.locator('option', { hasText: 'shipping_update (pt_BR)' }).waitFor({ state: 'attached' });
    const offered = await picker.locator('option').allInnerTexts();
    expect(offered.filter((o) => o.includes('winter_promo') || o.includes('bad_format'))).toEqual([]);

    await picker.selectOption({ label: 'shipping_update (pt_BR)' });
    await templates.getByLabel(en('conversation.param', { n: 1 })).fill('Maria');
    await templates.getByLabel(en('conversation.param', { n: 2 })).fill('A-1');
    // Meta pauses it while the agent fills it in: the server refuses, saying why.
    await app.db.sql`UPDATE templates SET status = 'paused' WHERE channel_id = ${whatsapp.id} AND name = 'shipping_update'`;
    await templates.getByRole('button', { name: en('conversation.sendTemplateAndClaim') }).click();
    await templates
      .getByRole('alert')
      .filter({ hasText: en('templateSync.refused.paused', { name: 'shipping_update', language: 'pt_BR', reason: '' }) })
      .waitFor();
    expect(graph.posts.filter((p) => p.body.type === 'template')).toHaveLength(0);
  }, 90_000);
});
