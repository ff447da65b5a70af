/**
 * The server keeps STREAMS_PER_SESSION live streams per session, newest first (issue 10.10).
 * A tab whose stream a newer tab took must not take it back on its own — two tabs would
 * take turns for ever — but says so and takes it back when the agent asks (or looks at it).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../test/helpers/app.ts';
import { signInWithForm, useBrowser } from '../test/helpers/browser.ts';
import { ensureClientBuilt } from '../test/helpers/client-build.ts';
import { en } from '../test/helpers/i18n.ts';

const browser = useBrowser();
let app: TestApp;

beforeAll(async () => {
  await ensureClientBuilt();
  app = await startTestApp({ STREAMS_PER_SESSION: '1' });
  await app.db.sql`UPDATE users SET language = 'en'`;
}, 240_000);
afterAll(() => app?.stop());

describe('a tab whose live stream a newer tab took', () => {
  it('says so instead of taking it back on its own, and takes it back when asked', async () => {
    const first = await browser.newPage();
    await signInWithForm(first, app.url, 'ana@demo.test');
    await first.locator('.workspace[data-connection="online"]').waitFor();

    const second = await first.context().newPage();
    await second.goto(`${app.url}/in-service`);
    await second.locator('.workspace[data-connection="online"]').waitFor();

    const elsewhere = (page: typeof first) => page.getByRole('button', { name: en('offline.connection.elsewhere') });
    await elsewhere(first).waitFor();
    await expect.poll(() => first.locator('.workspace').getAttribute('data-connection')).toBe('elsewhere');
    // The newer tab keeps the stream: the older one did not reconnect and take it.
    expect(await second.locator('.workspace').getAttribute('data-connection')).toBe('online');
    expect(await elsewhere(second).count()).toBe(0);

    await elsewhere(first).click();
    await first.locator('.workspace[data-connection="online"]').waitFor();
    await elsewhere(second).waitFor();
    expect(await elsewhere(first).count()).toBe(0);
  });
});
