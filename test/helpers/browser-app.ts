import type { BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { startTestApp, type TestApp } from './app.ts';
import { signInWithCookie, useBrowser, type BrowserFixture } from './browser.ts';
import { ensureClientBuilt } from './client-build.ts';
import { demoIds } from './orgs.ts';

export type DemoIds = Awaited<ReturnType<typeof demoIds>>;

export interface AppInBrowserOptions {
  /** Environment overrides for the app. */
  env?: Record<string, string>;
  /** The demo people's state before the tests: English and online (the default), or left as seeded. */
  people?: 'english-online' | 'english' | 'as-seeded';
}

export interface AppInBrowser {
  readonly browser: BrowserFixture;
  /** The app under test (started in beforeAll). */
  readonly app: TestApp;
  /** The demo organization's ids. */
  readonly ids: DemoIds;
  /** A fresh page signed in as `email` (by cookie: the login form has tests of its own), opened at `path`. */
  signedIn(email: string, path?: string, options?: BrowserContextOptions): Promise<Page>;
}

/**
 * Registers the hooks of a browser test file: the client bundle built, one app on a fresh
 * database (the demo's people in English and online unless told otherwise), one Chromium,
 * and pages signed in by cookie. A file's own beforeAll, registered after this call, runs
 * after these and may read `app` and `ids`.
 */
export function useAppInBrowser(options: AppInBrowserOptions = {}): AppInBrowser {
  const browser = useBrowser();
  let app: TestApp | null = null;
  let ids: DemoIds | null = null;
  beforeAll(async () => {
    await ensureClientBuilt();
    app = await startTestApp(options.env);
    ids = await demoIds(app.db.sql);
    const people = options.people ?? 'english-online';
    if (people === 'english-online') await app.db.sql`UPDATE users SET language = 'en', status = 'online', connected = true`;
    if (people === 'english') await app.db.sql`UPDATE users SET language = 'en'`;
  }, 240_000);
  afterAll(() => app?.stop());

  const started = <T>(value: T | null): T => {
    if (value === null) throw new Error('The app starts in beforeAll; use it inside hooks and tests.');
    return value;
  };
  return {
    browser,
    get app() {
      return started(app);
    },
    get ids() {
      return started(ids);
    },
    async signedIn(email, path = '/', pageOptions = {}) {
      const target = started(app);
      const page = await browser.newPage(pageOptions);
      await signInWithCookie(page, (e) => target.login(e), email, target.url);
      await page.goto(`${target.url}${path}`);
      return page;
    },
  };
}
