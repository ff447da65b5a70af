import type { Browser, BrowserContext, Page } from 'playwright-core';
import { newContext } from '../../test/helpers/browser.ts';

const LIST = 'ul[aria-label="Waiting conversations"]';

/**
 * The agent's app in a fresh context signed in with `sessionToken`, not yet navigated. A fresh
 * context per load: no persisted query cache (the offline cache would show the last list
 * before the network answers) and no HTTP cache — a first visit each time.
 */
export async function openWaitingPage(
  browser: Browser,
  appUrl: string,
  sessionToken: string,
): Promise<{ context: BrowserContext; page: Page }> {
  const { context, page } = await newContext(browser);
  context.setDefaultTimeout(60_000);
  await context.addCookies([{ name: 'atende_session', value: sessionToken, url: appUrl }]);
  // Records when the first waiting row is in the DOM (in the page's own clock).
  await context.addInitScript(() => {
    const w = window as unknown as { __rowsAt?: number };
    new MutationObserver((_, observer) => {
      if (document.querySelector('ul[aria-label="Waiting conversations"] > li')) {
        w.__rowsAt = performance.now();
        observer.disconnect();
      }
    }).observe(document, { childList: true, subtree: true });
  });
  return { context, page };
}

/** One load of Waiting: times in ms since navigation start, read from the page itself. */
export async function loadOnce(page: Page, url: string) {
  await page.goto(url);
  try {
    await page.locator(`${LIST} li`).first().waitFor();
  } catch (error) {
    console.error(
      `The Waiting list did not show at ${page.url()}:\n${await page
        .locator('body')
        .textContent()
        .catch(() => '')}`,
    );
    throw error;
  }
  return page.evaluate(() => {
    const w = window as unknown as { __rowsAt?: number };
    const entry = performance
      .getEntriesByType('resource')
      .filter((r) => r.name.includes('queue.list'))
      .pop() as PerformanceResourceTiming | undefined;
    const rows = document.querySelectorAll('ul[aria-label="Waiting conversations"] > li').length;
    const count = Number(document.querySelector('nav a[aria-current="page"] span')?.textContent ?? 0);
    return { rowsAt: w.__rowsAt ?? performance.now(), responseEnd: entry?.responseEnd ?? 0, rows, count };
  });
}

/** The count of waiting conversations the page's menu shows. */
export const waitingCount = (page: Page) =>
  page.evaluate(() => Number(document.querySelector('nav a[aria-current="page"] span')?.textContent ?? 0));
