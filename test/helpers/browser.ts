import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Screenshots and page text of failed browser tests land here (git-ignored). */
export const RESULTS_DIR = path.join(ROOT, 'test-results');

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Headless Chromium in a container: no sandbox, no GPU, no /dev/shm, no network chatter. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The system Chromium through playwright-core (never `playwright install`: no network). */
export async function launchBrowser(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH}. Install it (apt-get install -y chromium, as .ci/run does) or set CHROMIUM_PATH.`,
    );
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, timeout: 60_000 });
}

/**
 * Default context: English browser (signed-out pages and the server's answers follow the
 * browser's language), a fixed time zone, and short timeouts so a wrong expectation fails
 * well inside the test's own timeout with a useful message.
 */
export const DEFAULT_CONTEXT: BrowserContextOptions = {
  locale: 'en-US',
  timezoneId: 'America/Sao_Paulo',
  viewport: { width: 1280, height: 800 },
};

export async function newContext(browser: Browser, options: BrowserContextOptions = {}): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ ...DEFAULT_CONTEXT, ...options });
  context.setDefaultTimeout(10_000);
  context.setDefaultNavigationTimeout(15_000);
  const page = await context.newPage();
  return { context, page };
}

export interface BrowserFixture {
  readonly browser: Browser;
  /** A fresh context (cookies, storage) for this test; closed after it. */
  newPage(options?: BrowserContextOptions): Promise<Page>;
}

/**
 * Registers the hooks of a browser test file: one Chromium for the file, fresh contexts per
 * test (every context opened with `newPage` is closed after the test). When a test fails,
 * each of its pages is saved to test-results/ (screenshot and text) and its URL printed.
 */
export function useBrowser(defaults: BrowserContextOptions = {}): BrowserFixture {
  let browser: Browser | null = null;
  let open: Array<{ context: BrowserContext; page: Page; log: string[] }> = [];

  beforeAll(async () => {
    browser = await launchBrowser();
  });

  afterEach(async (ctx) => {
    const current = open;
    open = [];
    if (ctx.task.result?.state === 'fail') {
      fs.mkdirSync(RESULTS_DIR, { recursive: true });
      const base = `${path.basename(ctx.task.file?.name ?? 'test')}-${ctx.task.name}`.replace(/[^\w.-]+/g, '_').slice(0, 120);
      for (const [i, { page, log }] of current.entries()) {
        const file = path.join(RESULTS_DIR, `${base}-${i}`);
        if (log.length) {
          fs.writeFileSync(`${file}.console.txt`, `${log.join('\n')}\n`);
          console.error(`[browser] console of page ${i} (last lines; all in ${file}.console.txt):\n${log.slice(-30).join('\n')}`);
        }
        try {
          await page.screenshot({ path: `${file}.png`, fullPage: true, timeout: 5_000 });
          const text = await page.locator('body').innerText({ timeout: 2_000 });
          fs.writeFileSync(`${file}.txt`, `${page.url()}\n\n${text}\n`);
          console.error(`[browser] failed test page ${i}: ${page.url()} (saved ${file}.png/.txt)\n${text}`);
        } catch (err) {
          console.error(`[browser] could not save page ${i} of the failed test: ${String(err)}`);
        }
      }
    }
    await Promise.all(current.map(({ context }) => context.close().catch(() => {})));
  });

  afterAll(async () => {
    await browser?.close();
    browser = null;
  });

  return {
    get browser() {
      if (!browser) throw new Error('The browser starts in beforeAll; use it inside tests.');
      return browser;
    },
    async newPage(options = {}) {
      const opened = await newContext(this.browser, { ...defaults, ...options });
      // What the pages said (warnings, errors, uncaught exceptions), kept for a failed test's report.
      const log: string[] = [];
      const at = () => new Date().toISOString().slice(11, 23);
      opened.context.on('console', (m) => {
        if (m.type() === 'error' || m.type() === 'warning') log.push(`${at()} [${m.type()}] ${m.text()}`);
      });
      opened.context.on('weberror', (e) => log.push(`${at()} [uncaught] ${e.error().stack ?? String(e.error())}`));
      open.push({ ...opened, log });
      return opened.page;
    },
  };
}

/** Signs in through the login form, as a person does, and waits until the page leaves /login. */
export async function signInWithForm(page: Page, baseUrl: string, email: string, password = 'atende-demo'): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  await page.locator('input[name=email]').fill(email);
  await page.locator('input[name=password]').fill(password);
  await page.locator('button[type=submit]').click();
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
}

/**
 * Signs in by giving the page the cookie of a session the test opened over HTTP (quick; the
 * login form has tests of its own). `baseUrl`: where the page talks to the app (a proxy, say).
 */
export async function signInWithCookie(
  page: Page,
  login: (email: string) => Promise<{ token: string | null }>,
  email: string,
  baseUrl: string,
): Promise<void> {
  const { token } = await login(email);
  await page.context().addCookies([{ name: 'atende_session', value: token!, url: baseUrl }]);
}
