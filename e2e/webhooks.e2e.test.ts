/**
 * Outgoing webhooks through a real browser (docs/integrations.md "Outgoing webhooks"): the
 * admin adds an endpoint pointing at a local receiver, sees its secret, sends a test event,
 * watches a customer's message arrive in the delivery log and redelivers it, rotates the
 * secret, and sees why an endpoint was disabled.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../test/helpers/app.ts';
import { seriousViolations } from '../test/helpers/axe.ts';
import { useAppInBrowser, type DemoIds } from '../test/helpers/browser-app.ts';
import { inbound, makeChannel } from '../test/helpers/conversations.ts';
import { en } from '../test/helpers/i18n.ts';
import { waitFor } from '../test/helpers/orgs.ts';
import { startReceiver, type Receiver } from '../test/helpers/webhook-receiver.ts';
import { verifySignature } from '../server/domain/webhooks.ts';

const e2e = useAppInBrowser({ people: 'english', env: { WEBHOOK_ALLOW_PRIVATE: 'true' } });

let app: TestApp;
let ids: DemoIds;
let receiver: Receiver;
beforeAll(async () => {
  ({ app, ids } = e2e);
  receiver = await startReceiver();
});
afterAll(() => receiver?.close());

describe('webhooks screen', () => {
  it('adds an endpoint, tests it, shows its delivery log with redelivery, rotates its secret and shows why it is off', async () => {
    const page = await e2e.signedIn('admin@demo.test', '/admin/webhooks');
    await page.getByRole('heading', { name: en('webhooks.title') }).waitFor();
    await page.getByText(en('webhooks.none')).waitFor();

    await page.getByRole('button', { name: en('webhooks.new') }).click();
    const form = page.getByRole('form', { name: en('webhooks.new') });
    await form.getByLabel(en('webhooks.url'), { exact: true }).fill(receiver.url('/browser'));
    await form.getByLabel(en('webhooks.description'), { exact: true }).fill('CRM');
    await form.getByRole('checkbox', { name: en('webhooks.event.message.received') }).check();
    await form.getByRole('checkbox', { name: en('webhooks.event.conversation.closed') }).check();
    await form.getByRole('button', { name: en('webhooks.create') }).click();
    await page
      .getByRole('status')
      .filter({ hasText: en('webhooks.created') })
      .waitFor();

    const card = page.getByRole('article', { name: receiver.url('/browser') });
    await card.getByText(en('webhooks.active'), { exact: true }).waitFor();
    await card.getByText(en('webhooks.event.message.received')).waitFor();
    const [stored] = await app.db.sql`SELECT id, secret, events FROM webhook_endpoints WHERE url = ${receiver.url('/browser')}`;
    expect([...stored!.events].sort()).toEqual(['conversation.closed', 'message.received']);
    // The secret is hidden until asked for.
    expect(await card.getByTestId('webhook-secret').innerText()).not.toContain(stored!.secret);
    await card.getByRole('button', { name: en('webhooks.showSecret') }).click();
    expect(await card.getByTestId('webhook-secret').innerText()).toBe(stored!.secret);

    // A test event, signed with that secret.
    await card.getByRole('button', { name: en('webhooks.sendTest') }).click();
    await card
      .getByRole('status')
      .filter({ hasText: en('webhooks.testOk', { code: 200 }) })
      .waitFor();
    const test = receiver.on('/browser')[0]!;
    expect(test.body.type).toBe('webhook.test');
    expect(verifySignature(stored!.secret, String(test.headers['atende-signature']), test.raw, Math.floor(Date.now() / 1000))).toBe(true);

    // A customer writes: the message appears in the delivery log, and can be sent again.
    const channel = await makeChannel(app.db.sql, ids, 'webchat');
    await inbound(app, channel, { from: 'browser-visitor', text: 'Olá, loja!' });
    await waitFor(async () => receiver.on('/browser').some((h) => h.body.type === 'message.received'), 'the message delivered', 30_000);
    await card.getByRole('button', { name: en('webhooks.showDeliveries') }).click();
    const log = card.getByRole('table', { name: en('webhooks.deliveries') });
    const row = log.getByRole('row').filter({ hasText: en('webhooks.event.message.received') });
    await row.getByText(en('webhooks.status.delivered')).waitFor();
    await row.getByRole('cell', { name: '200', exact: true }).waitFor();
    await row.getByRole('button', { name: `${en('webhooks.redeliver')}: ${en('webhooks.event.message.received')}` }).click();
    await card
      .getByRole('status')
      .filter({ hasText: en('webhooks.redelivered') })
      .waitFor();
    await waitFor(
      async () => receiver.on('/browser').filter((h) => h.body.type === 'message.received').length === 2,
      'the redelivery',
      30_000,
    );
    await waitFor(
      async () =>
        (await log
          .getByRole('row')
          .filter({ hasText: en('webhooks.event.message.received') })
          .count()) === 2,
      'two rows in the log',
      30_000,
    );
    expect(await seriousViolations(page, '.adm-page')).toEqual([]);

    // Rotation: asked once more, then a new secret.
    await card.getByRole('button', { name: en('webhooks.rotate') }).click();
    await card.getByRole('button', { name: en('webhooks.rotateConfirm') }).click();
    await page
      .getByRole('status')
      .filter({ hasText: en('webhooks.rotated') })
      .waitFor();
    const [rotated] = await app.db.sql`SELECT secret FROM webhook_endpoints WHERE id = ${stored!.id}`;
    expect(rotated!.secret).not.toBe(stored!.secret);
    await card.getByRole('button', { name: en('webhooks.showSecret') }).click();
    await card.getByTestId('webhook-secret').filter({ hasText: rotated!.secret }).waitFor();

    // Disabled for persistent failure: the screen says so, and an admin enables it again.
    await app.db
      .sql`UPDATE webhook_endpoints SET active = false, disabled_at = now(), disabled_reason = 'failing' WHERE id = ${stored!.id}`;
    await page.reload();
    const off = page.getByRole('article', { name: receiver.url('/browser') });
    await off
      .getByTestId('webhook-state')
      .filter({ hasText: /every delivery failed for 24 hours/ })
      .waitFor();
    await off.getByRole('button', { name: en('webhooks.enable') }).click();
    await off.getByText(en('webhooks.active'), { exact: true }).waitFor();
  });
});
