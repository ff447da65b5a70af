import { createTestClient } from '../test/helpers/app.ts';
import { translate } from '../i18n/index.ts';
import { makeContact, makeConversation } from '../test/helpers/factories.ts';
import { seedMessages } from '../test/helpers/messages.ts';
import { loadConversation, openConversationPage, scrollUpFrames } from './client/conversation.ts';
import { withChromiumRun } from './client/chromium-run.ts';
import { RATIO_HEADER, ratioRows } from './client/ratio-table.ts';
import { markdownTable as table, type BenchFile } from './lib/report.ts';

/**
 * A conversation of 5,000 messages (issue 15, long conversations), in real Chromium on the
 * built client and the real server: navigation → the newest message on screen, and the time
 * of each frame scrolling up through all 5,000 (loaded back with `?message=` of the first) —
 * against the reference, a conversation of 100 messages (one page) in the same run.
 */

const LONG = 5_000;
const SHORT = 100;
const RUNS = 7;
/** A fast wheel / trackpad flick upwards. */
const STEP_PX = 300;
const MAX_STEPS = 4_000;
const START = translate('en', 'paging.start');

const bench: BenchFile = {
  title: `Client: a conversation of ${LONG.toLocaleString('en-US')} messages in Chromium`,
  async run() {
    await withChromiumRun(async ({ app, sql, browser, ids, channel }) => {
      const conversation = async (count: number) => {
        const id = await makeConversation(sql, ids.orgId, {
          contactId: await makeContact(sql, ids.orgId, { name: `Bench ${count}` }),
          channelId: channel.id,
          status: 'active',
          teamId: ids.teams.Support,
          assigneeId: ids.users['ana@demo.test'],
        });
        const messages = await seedMessages(sql, {
          orgId: ids.orgId,
          conversationId: id,
          channelId: channel.id,
          authorId: ids.users['ana@demo.test'],
          count,
        });
        return { id, first: messages[0]!, newest: `Message ${count}` };
      };
      const long = await conversation(LONG);
      const short = await conversation(SHORT);
      const ana = createTestClient(app.url);
      await ana.auth.login.mutate({ email: 'ana@demo.test', password: 'atende-demo' });

      const firstPaint = async (c: typeof long) => {
        const answered: number[] = [];
        const total: number[] = [];
        for (let i = 0; i <= RUNS; i++) {
          const { context, page } = await openConversationPage(browser, app.url, ana.token!, c.newest);
          const r = await loadConversation(page, `${app.url}/conversations/${c.id}`, c.newest);
          await context.close();
          if (i === 0) continue; // warm-up (server caches, browser binary)
          if (!r.responseEnd) throw new Error('No resource timing for conversations.get');
          answered.push(r.newestAt - r.responseEnd);
          total.push(r.newestAt);
        }
        return { answered, total };
      };
      const shortPaint = await firstPaint(short);
      const longPaint = await firstPaint(long);

      const scroll = async (c: typeof long, path: string, expectFirst: string) => {
        const { context, page } = await openConversationPage(browser, app.url, ana.token!, c.newest);
        await loadConversation(page, `${app.url}${path}`, expectFirst);
        const r = await scrollUpFrames(page, STEP_PX, MAX_STEPS, START);
        await context.close();
        if (!r.reachedStart) throw new Error(`Scrolling up ${path} did not reach the start in ${MAX_STEPS} frames`);
        return r;
      };
      const shortScroll = await scroll(short, `/conversations/${short.id}`, short.newest);
      // All 5,000 loaded at once (`?message=` of the first message), then scrolled from the bottom.
      const longScroll = await scroll(long, `/conversations/${long.id}?message=${long.first}`, 'Message 1');
      // From the newest page, the older pages loading as the top comes near.
      const pagedScroll = await scroll(long, `/conversations/${long.id}`, long.newest);

      console.log(`### Opening the conversation: the newest message on screen\n`);
      console.log(
        table(RATIO_HEADER, [
          ...ratioRows(shortPaint.total, `reference: ${SHORT} messages, navigation → newest in the DOM`, [
            [`${LONG} messages, navigation → newest in the DOM`, longPaint.total],
          ]),
          ...ratioRows(shortPaint.answered, `reference: ${SHORT} messages, conversations.get answered → newest in the DOM`, [
            [`${LONG} messages, conversations.get answered → newest in the DOM`, longPaint.answered],
          ]),
        ]),
      );
      console.log(`\n### Scrolling up, ${STEP_PX} px a frame, bottom to top (time of each frame)\n`);
      console.log(
        table(
          RATIO_HEADER,
          ratioRows(shortScroll.frames, `reference: ${SHORT} messages (one page)`, [
            [`${LONG} messages, all loaded (?message= of the first)`, longScroll.frames],
            [`${LONG} messages from the newest page, older pages loading on the way up`, pagedScroll.frames],
          ]),
        ),
      );
      const perMessage = (r: { scrollHeight: number }, n: number) => (r.scrollHeight / n).toFixed(0);
      console.log(
        `\nratio = case p50 ÷ reference p50 (same browser, same run). Message rows in the DOM while scrolling: at most ` +
          `${Math.max(longScroll.maxRows, pagedScroll.maxRows)} (of ${LONG}); the reference had ${shortScroll.maxRows} (of ${SHORT}). ` +
          `Scrolled height per message: ${perMessage(longScroll, LONG)} px (${LONG}), ${perMessage(shortScroll, SHORT)} px (${SHORT}). ` +
          `The paged case also waited ${pagedScroll.waited} frames at the top of what was loaded for the next page (not in its samples). ` +
          `Frame times include software painting (headless Chromium, no GPU) on a shared machine, so p99 varies from run to run.\n`,
      );
    });
  },
};
export default bench;
