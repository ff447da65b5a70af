import { createTestClient } from '../test/helpers/app.ts';
import { plainRows, plainScrollFrames, scrollFrames } from './client/frames.ts';
import { bytesPerEvent, untilLive } from './client/live-events.ts';
import { loadOnce, openWaitingPage } from './client/page.ts';
import { customerSays, newWaiting, seedWaiting } from './client/seed.ts';
import { withChromiumRun } from './client/chromium-run.ts';
import { RATIO_HEADER, ratioRows } from './client/ratio-table.ts';
import { markdownTable as table, type BenchFile } from './lib/report.ts';

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

const bench: BenchFile = {
  title: `Client: the Waiting list with ${WAITING.toLocaleString('en-US')} items in Chromium`,
  async run() {
    await withChromiumRun(async ({ app, sql, browser, ids, channel }) => {
      await seedWaiting(sql, ids.orgId, ids.teams.Support!, channel.id, WAITING);
      const ana = createTestClient(app.url);
      await ana.auth.login.mutate({ email: 'ana@demo.test', password: 'atende-demo' });

      const open = () => openWaitingPage(browser, app.url, ana.token!);

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
        reference.push(await plainRows(page, WAITING));
        await context.close();
      }
      if (info.count !== WAITING) throw new Error(`Waiting shows ${info.count} items, expected ${WAITING}`);
      const { context, page } = await open();
      await loadOnce(page, `${app.url}/`);
      const wheel = await scrollFrames(page, WHEEL.stepPx, WHEEL.steps);
      const jump = await scrollFrames(page, JUMP.stepPx, JUMP.steps);
      const plainWheel = await plainScrollFrames(page, WAITING, WHEEL.stepPx, WHEEL.steps);
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
      // The stream is live once a new waiting conversation shows up.
      await untilLive(live.page, services, channel);
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
      console.log(`### Rendering ${WAITING.toLocaleString('en-US')} waiting items\n`);
      console.log(
        table(
          RATIO_HEADER,
          ratioRows(reference, `reference: ${WAITING} plain rows (no virtualization), build + layout`, [
            ['Waiting list: queue.list answered → rows in the DOM', render],
            [`navigation → rows in the DOM (incl. fetching ${WAITING} items)`, total],
          ]),
        ),
      );
      console.log(`\n### Scrolling the ${WAITING.toLocaleString('en-US')} waiting items (time of each frame)\n`);
      console.log(
        table(
          RATIO_HEADER,
          ratioRows(plainWheel, `reference: ${WAITING} plain rows, ${WHEEL.stepPx} px a frame`, [
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
    });
  },
};
export default bench;
