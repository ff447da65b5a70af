import type { Browser, BrowserContext, Page } from 'playwright-core';
import { newContext } from '../../test/helpers/browser.ts';

/**
 * The agent's app in a fresh context signed in with `sessionToken` (no persisted query cache:
 * a first visit each time), recording when the message with text `newest` is in the DOM.
 */
export async function openConversationPage(
  browser: Browser,
  appUrl: string,
  sessionToken: string,
  newest: string,
): Promise<{ context: BrowserContext; page: Page }> {
  const { context, page } = await newContext(browser);
  context.setDefaultTimeout(60_000);
  await context.addCookies([{ name: 'atende_session', value: sessionToken, url: appUrl }]);
  await context.addInitScript((newest) => {
    const w = window as unknown as { __newestAt?: number };
    new MutationObserver((_, observer) => {
      for (const el of document.querySelectorAll('[role="log"] article .cv-text')) {
        if (el.textContent === newest) {
          w.__newestAt = performance.now();
          observer.disconnect();
          return;
        }
      }
    }).observe(document, { childList: true, subtree: true, characterData: true });
  }, newest);
  return { context, page };
}

/** One load of a conversation: navigation → newest message in the DOM, and conversations.get answered → it. */
export async function loadConversation(page: Page, url: string, newest: string) {
  await page.goto(url);
  await page.locator('[role="log"] article .cv-text', { hasText: newest }).first().waitFor();
  return page.evaluate(() => {
    const w = window as unknown as { __newestAt?: number };
    const entry = performance
      .getEntriesByType('resource')
      .filter((r) => r.name.includes('conversations.get'))
      .pop() as PerformanceResourceTiming | undefined;
    return { newestAt: w.__newestAt ?? performance.now(), responseEnd: entry?.responseEnd ?? 0 };
  });
}

/**
 * Scrolls the message log up by `stepPx` per frame from the bottom until `startText` (the
 * start of the conversation) shows at the top, or `maxSteps` frames: the time of each frame
 * that scrolled, how many frames it waited at the top for an older page, the most message
 * rows ever in the DOM, and the log's scrolled height at the end (rows measured on the way).
 */
export async function scrollUpFrames(
  page: Page,
  stepPx: number,
  maxSteps: number,
  startText: string,
): Promise<{ frames: number[]; waited: number; maxRows: number; reachedStart: boolean; scrollHeight: number }> {
  return page.evaluate(
    async ({ stepPx, maxSteps, startText }) => {
      // No named helpers in here: the page would not know tsx's __name wrapper.
      const log = document.querySelector('[role="log"]') as HTMLElement;
      log.scrollTop = log.scrollHeight;
      await new Promise<number>((r) => requestAnimationFrame(r));
      const frames: number[] = [];
      let waited = 0;
      let maxRows = 0;
      let reachedStart = false;
      let last = await new Promise<number>((r) => requestAnimationFrame(r));
      for (let i = 0; i < maxSteps + 10_000 && frames.length < maxSteps; i++) {
        if (log.scrollTop <= 0) {
          if (log.querySelector('.cv-start')?.textContent === startText) {
            reachedStart = true;
            break;
          }
          // At the top of what is loaded: the next page is on its way.
          last = await new Promise<number>((r) => requestAnimationFrame(r));
          waited++;
          continue;
        }
        log.scrollTop = Math.max(0, log.scrollTop - stepPx);
        const now = await new Promise<number>((r) => requestAnimationFrame(r));
        frames.push(now - last);
        last = now;
        maxRows = Math.max(maxRows, log.querySelectorAll('article').length);
      }
      return { frames, waited, maxRows, reachedStart, scrollHeight: log.scrollHeight };
    },
    { stepPx, maxSteps, startText },
  );
}
