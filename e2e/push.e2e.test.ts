/**
 * Push notifications in a real Chromium: the profile's section (switches saved and reloaded,
 * the devices list with pause and remove, turning this device on), and the service worker's
 * `push` handler showing what the server sent. Headless Chromium has no push service to
 * subscribe to, so the server's push goes to a local push service (which decrypts it as the
 * browser would) and the test hands that payload to the service worker through the DevTools
 * protocol (ServiceWorker.deliverPushMessage), the way the browser's push service would.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp, TestClient } from '../test/helpers/app.ts';
import { useAppInBrowser, type DemoIds } from '../test/helpers/browser-app.ts';
import { makeChannel, waitingConversation } from '../test/helpers/conversations.ts';
import { en } from '../test/helpers/i18n.ts';
import { startPushService } from '../test/helpers/push-service.ts';

const e2e = useAppInBrowser({ env: { PUSH_ALLOW_ANY_ENDPOINT: 'true' } });
const { browser } = e2e;
let app: TestApp;
let ids: DemoIds;
let pushService: Awaited<ReturnType<typeof startPushService>>;

beforeAll(async () => {
  ({ app, ids } = e2e);
  pushService = await startPushService();
});
afterAll(() => pushService?.close());

async function profile(email: string): Promise<Page> {
  const page = await e2e.signedIn(email, '/profile', { permissions: ['notifications'] });
  await page.getByRole('heading', { name: en('push.title') }).waitFor();
  return page;
}

const section = (page: Page) => page.locator('section.push-section');

describe('push notifications in the browser', () => {
  it('saves the alert switches and keeps them after a reload', async () => {
    const page = await profile('bruno@demo.test');
    const message = section(page).getByRole('checkbox', { name: en('push.alertMessage') });
    await expect.poll(() => message.isChecked()).toBe(true);
    await message.uncheck();
    await section(page)
      .getByRole('status')
      .filter({ hasText: en('push.saved') })
      .waitFor();
    await page.reload();
    // The page may first show the settings kept in the offline cache (written a moment after
    // the change), then the server's answer: wait for the state, do not read it once.
    await expect
      .poll(() =>
        section(page)
          .getByRole('checkbox', { name: en('push.alertMessage') })
          .isChecked(),
      )
      .toBe(false);
    await expect
      .poll(() =>
        section(page)
          .getByRole('checkbox', { name: en('push.alertWaiting') })
          .isChecked(),
      )
      .toBe(true);
    const [row] = await app.db.sql`SELECT waiting, message, offer FROM push_settings WHERE user_id = ${ids.users['bruno@demo.test']!}`;
    expect(row).toEqual({ waiting: true, message: false, offer: true });
  });

  it('lists my devices, pauses and removes one', async () => {
    const page = await profile('carla@demo.test');
    await section(page).getByText(en('push.noDevices')).waitFor();
    // A device registered elsewhere (a phone): through the API, as that browser would.
    const phone = pushService.browser('carla-phone');
    const carla: TestClient = await app.login('carla@demo.test');
    await carla.push.subscribe.mutate({ endpoint: phone.endpoint, keys: phone.keys, label: 'Chrome · Android' });
    await page.reload();
    const device = section(page).getByRole('listitem').filter({ hasText: 'Chrome · Android' });
    await device.getByText(en('push.active')).waitFor();

    await section(page)
      .getByRole('button', { name: en('push.pauseNamed', { name: 'Chrome · Android' }) })
      .click();
    await device.getByText(en('push.paused')).waitFor();
    await expect
      .poll(
        async () => (await app.db.sql`SELECT paused FROM push_subscriptions WHERE user_id = ${ids.users['carla@demo.test']!}`)[0]?.paused,
      )
      .toBe(true);
    await section(page)
      .getByRole('button', { name: en('push.removeNamed', { name: 'Chrome · Android' }) })
      .click();
    await section(page).getByText(en('push.noDevices')).waitFor();
    expect(await app.db.sql`SELECT id FROM push_subscriptions WHERE user_id = ${ids.users['carla@demo.test']!}`).toEqual([]);
  });

  it('turns this device on, or says why this browser cannot', async () => {
    const page = await profile('bruno@demo.test');
    await page.waitForFunction(() => navigator.serviceWorker?.controller !== null, null, { timeout: 20_000 });
    await section(page).getByText(en('push.thisDeviceOff')).waitFor();
    await section(page)
      .getByRole('button', { name: en('push.enable') })
      .click();
    // Chromium with a push service subscribes; headless Chromium has none and the browser's
    // refusal is shown in a sentence. Either way the screen tells the truth.
    const on = section(page).getByText(en('push.thisDeviceOn'));
    const refused = section(page).getByRole('alert');
    await on.or(refused).first().waitFor();
    if (await on.isVisible()) {
      await section(page)
        .getByRole('listitem')
        .filter({ hasText: en('push.thisDevice') })
        .waitFor();
    } else {
      expect(await refused.innerText()).toContain(en('push.failed', { reason: '' }).trim());
    }
  });

  it('turns this device on and off (the browser\u2019s push service stood in for)', async () => {
    // What PushManager would get from the browser's push service (outside this machine): a
    // subscription on the local push service, kept across reloads like the real one.
    const phone = pushService.browser('admin-desk');
    const page = await browser.newPage({ permissions: ['notifications'] });
    await page.addInitScript(
      (fake) => {
        const stored = 'test:push-subscription';
        const bytes = (b64: string) => Uint8Array.from(atob(b64.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0)).buffer;
        const make = (serverKey: string) => ({
          endpoint: fake.endpoint,
          options: { userVisibleOnly: true, applicationServerKey: bytes(serverKey) },
          getKey: (name: string) => bytes(name === 'p256dh' ? fake.p256dh : fake.auth),
          unsubscribe: async () => {
            localStorage.removeItem(stored);
            return true;
          },
        });
        PushManager.prototype.getSubscription = async () => {
          const key = localStorage.getItem(stored);
          return (key ? make(key) : null) as unknown as PushSubscription;
        };
        PushManager.prototype.subscribe = async (options?: PushSubscriptionOptionsInit) => {
          const raw = new Uint8Array(options!.applicationServerKey as Uint8Array);
          const key = btoa(String.fromCharCode(...raw));
          localStorage.setItem(stored, key);
          return make(key) as unknown as PushSubscription;
        };
      },
      { endpoint: phone.endpoint, p256dh: phone.keys.p256dh, auth: phone.keys.auth },
    );
    const admin = await app.login('admin@demo.test');
    const [name, value] = admin.cookie!.split(';')[0]!.split('=');
    await page.context().addCookies([{ name: name!, value: value!, url: app.url }]);
    await page.goto(`${app.url}/profile`);
    await page.waitForFunction(() => navigator.serviceWorker?.controller !== null, null, { timeout: 20_000 });
    await section(page)
      .getByRole('button', { name: en('push.enable') })
      .click();
    await section(page).getByText(en('push.thisDeviceOn')).waitFor();
    await section(page)
      .getByRole('listitem')
      .filter({ hasText: en('push.thisDevice') })
      .waitFor();
    const [row] = await app.db.sql`SELECT endpoint, p256dh, auth FROM push_subscriptions WHERE user_id = ${ids.users['admin@demo.test']!}`;
    expect(row).toEqual({ endpoint: phone.endpoint, p256dh: phone.keys.p256dh, auth: phone.keys.auth });

    await page.reload();
    await section(page).getByText(en('push.thisDeviceOn')).waitFor();
    await section(page)
      .getByRole('button', { name: en('push.disable') })
      .click();
    await section(page).getByText(en('push.thisDeviceOff')).waitFor();
    expect(await app.db.sql`SELECT id FROM push_subscriptions WHERE user_id = ${ids.users['admin@demo.test']!}`).toEqual([]);
  });

  it('shows what the server pushed, from the service worker', async () => {
    const page = await profile('ana@demo.test');
    await page.waitForFunction(() => navigator.serviceWorker?.controller !== null, null, { timeout: 20_000 });
    // Ana's browser as the server knows it: its push goes to the local push service.
    const laptop = pushService.browser('ana-laptop');
    const ana = await app.login('ana@demo.test');
    await ana.push.subscribe.mutate({ endpoint: laptop.endpoint, keys: laptop.keys, label: 'Chrome · Linux' });

    const channel = await makeChannel(app.db.sql, ids, 'webchat');
    const conversation = await waitingConversation(app, channel, `push-visitor-${Date.now()}`);
    const pushed = await pushService.waitFor((p) => p.browser === 'ana-laptop' && p.payload.conversationId === conversation.id, 'the push');

    // The push service delivers it to the browser's service worker.
    const cdp = await page.context().newCDPSession(page);
    const registrationId = new Promise<string>((resolve) => {
      cdp.on('ServiceWorker.workerRegistrationUpdated', ({ registrations }) => {
        const mine = registrations.find((r) => r.scopeURL === `${app.url}/` && !r.isDeleted);
        if (mine) resolve(mine.registrationId);
      });
    });
    await cdp.send('ServiceWorker.enable');
    await cdp.send('ServiceWorker.deliverPushMessage', {
      origin: app.url,
      registrationId: await registrationId,
      data: JSON.stringify(pushed.payload),
    });
    await expect
      .poll(
        () =>
          page.evaluate(async () => {
            const reg = await navigator.serviceWorker.ready;
            return (await reg.getNotifications()).map((n) => ({ title: n.title, body: n.body, tag: n.tag, data: n.data as unknown }));
          }),
        { timeout: 10_000 },
      )
      .toEqual([
        {
          title: pushed.payload.title,
          body: pushed.payload.body,
          tag: `waiting:${conversation.id}`,
          data: { url: `/conversations/${conversation.id}` },
        },
      ]);
  });
});
