import os from 'node:os';
import type { Page } from 'playwright-core';
import type { Channel } from '../db/queries/channels.ts';
import { createSql, type Sql } from '../db/sql.ts';
import { ingestInbound } from '../server/commands/conversations/ingest.ts';
import type { Services } from '../server/services/index.ts';
import { launchBrowser, newContext } from '../test/helpers/browser.ts';
import { ensureClientBuilt } from '../test/helpers/client-build.ts';
import { createTestClient } from '../test/helpers/app.ts';
import { makeChannel } from '../test/helpers/conversations.ts';
import { demoIds } from '../test/helpers/orgs.ts';
import { withDemoApp } from './lib/demo-app.ts';
import { percentile, type BenchFile } from './lib/report.ts';

/**
 * The Waiting list with 5,000 waiting conversations (issue 6, "Fast"), in real Chromium on the
 * built client and the real server: how long from `queue.list`'s answer to rows on screen,
 * from navigation to rows, and the cost of a scroll step — against the reference, the same
 * rows rendered without virtualization (5,000 copies of a rendered row put in the page and
 * laid out) in the same browser.
 */

const WAITING = 5_000;
const RUNS = 7;
/** A fast wheel / trackpad flick (about 3 rows a frame), and jumps of ~60 rows (dragging the scrollbar). */
const WHEEL = { stepPx: 300, steps: 240 };
const JUMP = { stepPx: 7_000, steps: 79 };
const LIST = 'ul[aria-label="Waiting conversations"]';

async function seed(sql: Sql, orgId: string, teamId: string, channelId: string): Promise<void> {
  const rows = await sql`
    WITH contact AS (
      INSERT INTO contacts (org_id, name, whatsapp)
      SELECT ${orgId}, 'Bench customer ' || n, (439900000000 + n)::text FROM generate_series(1, ${WAITING}::int) n
      RETURNING id
    )
    INSERT INTO conversations (org_id, protocol, contact_id, channel_id, team_id, status, created_at, queued_at, last_inbound_at, last_activity_at)
    SELECT ${orgId}, 'BENCHQ-' || row_number() OVER (), id, ${channelId}, ${teamId}, 'waiting',
      now() - interval '2 hours', now() - (row_number() OVER ()) * interval '1 second', now() - interval '1 hour', now() - interval '1 hour'
    FROM contact
    RETURNING id`;
  await sql`
    INSERT INTO messages (org_id, conversation_id, channel_id, direction, kind, text, is_bot, status, created_at)
    SELECT ${orgId}, c.id, ${channelId}, 'in', 'text', 'Olá, preciso de ajuda com o meu pedido número ' || left(c.id::text, 8), false, 'received', now() - interval '1 hour'
    FROM unnest(${rows.map((r) => r.id as string)}::uuid[]) AS c(id)`;
  await sql`ANALYZE contacts, conversations, messages`;
}

/** One load of Waiting: times in ms since navigation start, read from the page itself. */
async function loadOnce(page: Page, url: string) {
  await page.goto(url);
  try {
    await page.locator(`${LIST} li`).first().waitFor();
  } catch (error) {
    console.error(
      `The Waiting list did not show at ${page.url()}:\n${await page
        .locator('body')
        .innerText()
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

/** The reference: the same rows without virtualization, built and laid out in the same page. */
async function plainRows(page: Page): Promise<number> {
  return page.evaluate((n) => {
    const sample = document.querySelector('ul[aria-label="Waiting conversations"] > li') as HTMLElement;
    const host = document.createElement('ul');
    host.style.cssText = 'position:absolute;left:0;top:0;width:1000px;list-style:none;margin:0;padding:0;visibility:hidden';
    const start = performance.now();
    const fragment = document.createDocumentFragment();
    for (let i = 0; i < n; i++) {
      const li = sample.cloneNode(true) as HTMLElement;
      li.style.cssText = 'position:static;display:flex;height:112px';
      fragment.appendChild(li);
    }
    host.appendChild(fragment);
    document.body.appendChild(host);
    void host.offsetHeight; // layout
    const took = performance.now() - start;
    host.remove();
    return took;
  }, WAITING);
}

/**
 * Scrolls the list by `stepPx` per frame for `steps` frames (from the top): the time of each
 * frame, the idle frames before it for scale, and the most rows ever in the DOM.
 */
async function scrollFrames(page: Page, stepPx: number, steps: number): Promise<{ frames: number[]; idle: number[]; maxRows: number }> {
  return page.evaluate(
    async ({ stepPx, steps }) => {
      // No named helpers in here: the page would not know tsx's __name wrapper.
      const scroller = document.querySelector('[data-testid="waiting-scroll"]') as HTMLElement;
      scroller.scrollTop = 0;
      const idle: number[] = [];
      let before = await new Promise<number>((r) => requestAnimationFrame(r));
      for (let i = 0; i < 30; i++) {
        const now = await new Promise<number>((r) => requestAnimationFrame(r));
        idle.push(now - before);
        before = now;
      }
      const frames: number[] = [];
      let maxRows = 0;
      let last = await new Promise<number>((r) => requestAnimationFrame(r));
      for (let i = 1; i <= steps; i++) {
        scroller.scrollTop = Math.min(scroller.scrollHeight - scroller.clientHeight, i * stepPx);
        const now = await new Promise<number>((r) => requestAnimationFrame(r));
        frames.push(now - last);
        last = now;
        maxRows = Math.max(maxRows, document.querySelectorAll('ul[aria-label="Waiting conversations"] > li').length);
      }
      return { frames, idle, maxRows };
    },
    { stepPx, steps },
  );
}

/** Reference for scrolling: the same 5,000 rows as plain DOM in a scroller of the list's size. */
async function plainScrollFrames(page: Page, stepPx: number, steps: number): Promise<number[]> {
  return page.evaluate(
    async ({ n, stepPx, steps }) => {
      const list = document.querySelector('[data-testid="waiting-scroll"]') as HTMLElement;
      const sample = document.querySelector('ul[aria-label="Waiting conversations"] > li') as HTMLElement;
      const box = list.getBoundingClientRect();
      const scroller = document.createElement('div');
      scroller.className = list.className;
      scroller.style.cssText = `position:fixed;left:${box.left}px;top:${box.top}px;width:${box.width}px;height:${box.height}px;overflow-y:auto;z-index:10;background:white`;
      const ul = document.createElement('ul');
      ul.style.cssText = 'list-style:none;margin:0;padding:0';
      for (let i = 0; i < n; i++) {
        const li = sample.cloneNode(true) as HTMLElement;
        li.style.cssText = 'position:static;display:flex;height:112px';
        ul.appendChild(li);
      }
      scroller.appendChild(ul);
      document.body.appendChild(scroller);
      void scroller.offsetHeight;
      await new Promise<number>((r) => requestAnimationFrame(r));
      const frames: number[] = [];
      let last = await new Promise<number>((r) => requestAnimationFrame(r));
      for (let i = 1; i <= steps; i++) {
        scroller.scrollTop = i * stepPx;
        const now = await new Promise<number>((r) => requestAnimationFrame(r));
        frames.push(now - last);
        last = now;
      }
      scroller.remove();
      return frames;
    },
    { n: WAITING, stepPx, steps },
  );
}

let visitor = 0;
/** A web chat customer's message, through the one real ingest path (events and all). */
async function customerSays(services: Services, channel: Channel, from: string, text: string) {
  return ingestInbound(services, {
    channel,
    from: { webchatVisitorId: from, name: from },
    channelMessageId: `bench-${from}-${visitor++}`,
    sentAt: new Date(),
    kind: 'text',
    text,
  });
}

/** A new customer who picks Support from the bot menu: one new waiting conversation. */
async function newWaiting(services: Services, channel: Channel): Promise<{ id: string; from: string }> {
  const from = `bench-visitor-${visitor++}`;
  await customerSays(services, channel, from, 'Olá, preciso de ajuda');
  return { id: (await customerSays(services, channel, from, '1')).conversation.id, from };
}

const waitingCount = (page: Page) =>
  page.evaluate(() => Number(document.querySelector('nav a[aria-current="page"] span')?.textContent ?? 0));

/**
 * Bytes the open Waiting page fetches (tRPC answers, decoded; the live stream itself excluded)
 * because of `trigger`'s live events. The page's own requests are recorded until a sentinel —
 * one more new waiting conversation, published after the trigger, so the stream delivers it
 * after the trigger's events — has been fetched and the count shows `addsRows` + 1 more; the
 * sentinel's own row fetch is left out.
 */
async function bytesPerEvent(page: Page, services: Services, channel: Channel, trigger: () => Promise<unknown>, addsRows: number) {
  const seen: Promise<{ url: string; bytes: number }>[] = [];
  const urls: string[] = [];
  let sentinel = '';
  let sentinelFetched!: () => void;
  const fetched = new Promise<void>((resolve) => (sentinelFetched = resolve));
  const onResponse = (r: import('playwright-core').Response) => {
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

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  return [
    line(header),
    `|${widths.map((w, i) => (i === 0 ? `:${'-'.repeat(w + 1)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`,
    ...rows.map(line),
  ].join('\n');
}

const bench: BenchFile = {
  title: `Client: the Waiting list with ${WAITING.toLocaleString('en-US')} items in Chromium`,
  async run() {
    await ensureClientBuilt();
    const cpu = os.cpus()[0]?.model.trim() ?? 'unknown CPU';
    console.log(
      `Node ${process.version}, ${os.cpus().length} × ${cpu}; headless Chromium (playwright-core) on the built client; server and browser on the same machine.\n`,
    );
    await withDemoApp(async ({ app, databaseUrl }) => {
      const sql = createSql(databaseUrl, { max: 2 });
      const browser = await launchBrowser();
      try {
        const ids = await demoIds(sql);
        const channel = await makeChannel(sql, ids, 'webchat');
        await sql`UPDATE users SET language = 'en', status = 'online'`;
        await seed(sql, ids.orgId, ids.teams.Support!, channel.id);
        const ana = createTestClient(app.url);
        await ana.auth.login.mutate({ email: 'ana@demo.test', password: 'atende-demo' });

        // A fresh context per load: no persisted query cache (the offline cache would show the
        // last list before the network answers) and no HTTP cache — a first visit each time.
        const open = async () => {
          const { context, page } = await newContext(browser);
          context.setDefaultTimeout(60_000);
          await context.addCookies([{ name: 'atende_session', value: ana.token!, url: app.url }]);
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
        };

        const render: number[] = [];
        const total: number[] = [];
        const reference: number[] = [];
        let info = { rows: 0, count: 0 };
        const warm = await open();
        await loadOnce(warm.page, `${app.url}/`); // warm-up (server caches, browser binary)
        await warm.context.close();
        for (let i = 0; i < RUNS; i++) {
          const { context, page } = await open();
          const r = await loadOnce(page, `${app.url}/`);
          if (!r.responseEnd) throw new Error('No resource timing for queue.list');
          render.push(r.rowsAt - r.responseEnd);
          total.push(r.rowsAt);
          info = r;
          reference.push(await plainRows(page));
          await context.close();
        }
        if (info.count !== WAITING) throw new Error(`Waiting shows ${info.count} items, expected ${WAITING}`);
        const { context, page } = await open();
        await loadOnce(page, `${app.url}/`);
        const wheel = await scrollFrames(page, WHEEL.stepPx, WHEEL.steps);
        const jump = await scrollFrames(page, JUMP.stepPx, JUMP.steps);
        const plainWheel = await plainScrollFrames(page, WHEEL.stepPx, WHEEL.steps);
        await context.close();

        const json = JSON.stringify(await ana.queue.list.query({}));

        // Live events with 5,000 waiting: what the open Waiting page fetches per event. The list
        // is kept just under the server's 5,000 cap (10 of the seeded ones closed) so that the
        // new conversations show in it (at the cap the newest are not listed, as on the server).
        await sql`UPDATE conversations SET status = 'closed', closed_at = now(), close_reason = 'agent'
          WHERE org_id = ${ids.orgId} AND id IN (SELECT id FROM conversations WHERE protocol LIKE 'BENCHQ-%' AND status = 'waiting' ORDER BY queued_at DESC LIMIT 10)`;
        const services = app.services;
        const active = await newWaiting(services, channel);
        const bruno = createTestClient(app.url);
        await bruno.auth.login.mutate({ email: 'bruno@demo.test', password: 'atende-demo' });
        await bruno.conversations.claim.mutate({ conversationId: active.id });
        const live = await open();
        await loadOnce(live.page, `${app.url}/`);
        // The stream is live once a new waiting conversation shows up (retried: it may connect after the first).
        for (let attempt = 0; ; attempt++) {
          const n = await waitingCount(live.page);
          await newWaiting(services, channel);
          try {
            await live.page.waitForFunction(
              (k) => Number(document.querySelector('nav a[aria-current="page"] span')?.textContent ?? 0) > k,
              n,
              { timeout: 10_000 },
            );
            break;
          } catch (error) {
            if (attempt >= 5) throw error;
          }
        }
        const unrelated = await bytesPerEvent(
          live.page,
          services,
          channel,
          () => customerSays(services, channel, active.from, 'Obrigado!'),
          0,
        );
        const entered = await bytesPerEvent(live.page, services, channel, () => newWaiting(services, channel), 1);
        const [oldest] =
          await sql`SELECT id FROM conversations WHERE org_id = ${ids.orgId} AND status = 'waiting' ORDER BY queued_at, id LIMIT 1`;
        const claimed = await bytesPerEvent(
          live.page,
          services,
          channel,
          () => bruno.conversations.claim.mutate({ conversationId: oldest!.id as string }),
          -1,
        );
        await live.context.close();
        // The trigger of `unrelated` must have reached the page: its conversation is Bruno's, in Support (Ana's team).
        const [check] =
          await sql`SELECT count(*)::int AS n FROM messages WHERE conversation_id = ${active.id} AND direction = 'in' AND text = 'Obrigado!'`;
        if (check?.n !== 1) throw new Error('The message on the active conversation was not recorded');
        const fmt = (v: number) => v.toFixed(1);
        const rows = (ref: number[], refName: string, cases: [string, number[]][]) => {
          const base = percentile(ref, 0.5);
          const row = (name: string, values: number[], ratio: string) => [
            name,
            String(values.length),
            fmt(percentile(values, 0.5)),
            fmt(percentile(values, 0.99)),
            ratio,
          ];
          return [
            row(refName, ref, '1.00 (reference)'),
            ...cases.map(([name, values]) => row(name, values, `${(percentile(values, 0.5) / base).toFixed(2)}×`)),
          ];
        };
        const header = ['case', 'samples', 'p50 ms', 'p99 ms', 'ratio vs reference (p50)'];
        console.log(`### Rendering ${WAITING.toLocaleString('en-US')} waiting items\n`);
        console.log(
          table(
            header,
            rows(reference, `reference: ${WAITING} plain rows (no virtualization), build + layout`, [
              ['Waiting list: queue.list answered → rows in the DOM', render],
              [`navigation → rows in the DOM (incl. fetching ${WAITING} items)`, total],
            ]),
          ),
        );
        console.log(`\n### Scrolling the ${WAITING.toLocaleString('en-US')} waiting items (time of each frame)\n`);
        console.log(
          table(
            header,
            rows(plainWheel, `reference: ${WAITING} plain rows, ${WHEEL.stepPx} px a frame`, [
              [`Waiting list, ${WHEEL.stepPx} px a frame (wheel flick)`, wheel.frames],
              [`Waiting list, ${JUMP.stepPx} px a frame (scrollbar drag, top to bottom)`, jump.frames],
              ['idle frame (nothing changes), for scale', [...wheel.idle, ...jump.idle]],
            ]),
          ),
        );
        const kib = (b: number) => `${(b / 1024).toFixed(1)} KiB`;
        const perEvent = (name: string, r: { bytes: number; requests: number; urls: string[] }) => [
          name,
          String(r.requests),
          `${r.bytes} B`,
          r.bytes === 0 ? '0' : `${((r.bytes / json.length) * 100).toFixed(3)} %`,
          r.urls.join(', ') || '—',
        ];
        console.log(`\n### Bytes fetched per live event with ${WAITING.toLocaleString('en-US')} waiting (Waiting page open)\n`);
        console.log(
          table(
            ['case', 'requests', 'bytes fetched', 'vs reference', 'what'],
            [
              [
                `reference: refetch the whole list (previous behaviour, every such event)`,
                '1',
                `${json.length} B (${kib(json.length)})`,
                '100 %',
                '/trpc/queue.list',
              ],
              perEvent('customer message on an unrelated active conversation', unrelated),
              perEvent('one new waiting conversation (bot menu answered)', entered),
              perEvent('a colleague claims the oldest waiting conversation', claimed),
            ],
          ),
        );
        console.log(
          `\nratio = case p50 ÷ reference p50 (same browser, same run). queue.list answer: ${(json.length / 1024).toFixed(0)} KiB of JSON; ` +
            `rows in the DOM: ${info.rows} after load, at most ${Math.max(wheel.maxRows, jump.maxRows)} while scrolling (of ${WAITING}). ` +
            `Frame times include software painting (headless Chromium, no GPU) on a shared machine, so p99 varies from run to run.\n`,
        );
      } finally {
        await browser.close();
        await sql.end({ timeout: 2 });
      }
    });
  },
};
export default bench;
