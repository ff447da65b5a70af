import type { Page, Response } from 'playwright-core';
import type { Channel } from '../../db/queries/channels.ts';
import type { Services } from '../../server/services/index.ts';
import { waitingCount } from './page.ts';
import { newWaiting } from './seed.ts';

/** Returns once the open Waiting page's live stream delivers (retried: it may connect after the first new conversation). */
export async function untilLive(page: Page, services: Services, channel: Channel): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const n = await waitingCount(page);
    await newWaiting(services, channel);
    try {
      await page.waitForFunction((k) => Number(document.querySelector('nav a[aria-current="page"] span')?.textContent ?? 0) > k, n, {
        timeout: 10_000,
      });
      return;
    } catch (error) {
      if (attempt >= 5) throw error;
    }
  }
}

/**
 * Bytes the open Waiting page fetches (tRPC answers, decoded; the live stream itself excluded)
 * because of `trigger`'s live events. The page's own requests are recorded until a sentinel —
 * one more new waiting conversation, published after the trigger, so the stream delivers it
 * after the trigger's events — has been fetched and the count shows `addsRows` + 1 more; the
 * sentinel's own row fetch is left out.
 */
export async function bytesPerEvent(page: Page, services: Services, channel: Channel, trigger: () => Promise<unknown>, addsRows: number) {
  const seen: Promise<{ url: string; bytes: number }>[] = [];
  const urls: string[] = [];
  let sentinel = '';
  let sentinelFetched!: () => void;
  const fetched = new Promise<void>((resolve) => (sentinelFetched = resolve));
  const onResponse = (r: Response) => {
    const url = decodeURIComponent(r.url());
    if (!url.includes('/trpc/') || url.includes('events.stream')) return;
    urls.push(url);
    if (sentinel && url.includes(sentinel)) sentinelFetched();
    seen.push(
      r.body().then(
        (b) => ({ url, bytes: b.length }),
        () => ({ url, bytes: 0 }),
      ),
    );
  };
  const before = await waitingCount(page);
  page.on('response', onResponse);
  try {
    await trigger();
    sentinel = (await newWaiting(services, channel)).id;
    if (urls.some((u) => u.includes(sentinel))) sentinelFetched();
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      fetched,
      new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('The sentinel row was never fetched')), 60_000))),
    ]);
    clearTimeout(timer);
    await page.waitForFunction(
      (n) => Number(document.querySelector('nav a[aria-current="page"] span')?.textContent ?? 0) === n,
      before + addsRows + 1,
      { timeout: 60_000 },
    );
    const all = await Promise.all(seen);
    const mine = all.filter((r) => !r.url.includes(sentinel));
    return { bytes: mine.reduce((n, r) => n + r.bytes, 0), requests: mine.length, urls: mine.map((r) => new URL(r.url).pathname) };
  } finally {
    page.off('response', onResponse);
  }
}
