/**
 * Issue 12, item 8, through a real browser: floor control on the agent's screens, driven by
 * the server's floor loop (every 2 s in the test app; no fixed sleeps, only waits on what the
 * screen or the database shows):
 * (a) service level: Support's first-response target is 1 minute; a new customer's row shows
 *     "Reply due…", and once the loop marks the breach (queued 2 minutes ago by SQL) the row and
 *     the conversation header say "Overdue" — before the original due time, so the server's
 *     answer brought it, not the page's clock — and the loop records the breach;
 * (b) snooze: Ana snoozes a conversation she serves for an hour from the header; it leaves In
 *     service for Pending ("Snoozed until …"); when its time comes (SQL) the loop brings it back
 *     to her In service;
 * (c) business hours: Sales is closed today (a holiday); a customer who picks Sales is told the
 *     out-of-hours sentence, which Carla reads in the conversation;
 * (d) no answer: Support returns a conversation unanswered for 1 minute; Ana, who claimed it
 *     (2 minutes ago by SQL), is told politely that it went back to the queue, and why.
 * Axe runs on the screens with badges, the Pending section and the notice.
 */
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Channel } from '../db/queries/channels.ts';
import { translate, isLanguage } from '../i18n/index.ts';
import { localDate } from '../server/domain/business-hours.ts';
import type { TestApp, TestClient } from '../test/helpers/app.ts';
import { seriousViolations } from '../test/helpers/axe.ts';
import { useAppInBrowser, type DemoIds } from '../test/helpers/browser-app.ts';
import { inbound, makeChannel } from '../test/helpers/conversations.ts';
import { en } from '../test/helpers/i18n.ts';

const e2e = useAppInBrowser();
const { signedIn } = e2e;

let app: TestApp;
let ids: DemoIds;
let channel: Channel;
let admin: TestClient;
let ana: TestClient;

beforeAll(async () => {
  ({ app, ids } = e2e);
  channel = await makeChannel(app.db.sql, ids, 'webchat');
  admin = await app.login('admin@demo.test');
  ana = await app.login('ana@demo.test');
});

/** A customer who wrote and chose a team ('1' Support, '2' Sales): its conversation's id. */
async function customerWrites(visitor: string, name: string, option = '1'): Promise<string> {
  await inbound(app, channel, { from: visitor, text: 'Olá, preciso de ajuda', name });
  return (await inbound(app, channel, { from: visitor, text: option, name })).conversation.id;
}

const listItem = (page: Page, list: string, contact: string) =>
  page.getByRole('list', { name: list, exact: true }).getByRole('listitem', { name: contact });
const header = (page: Page) => page.locator('header.cv-header');
const column = async <T>(id: string, name: string): Promise<T> =>
  (await app.db.sql`SELECT * FROM conversations WHERE id = ${id}`)[0]![name] as T;

describe('floor control on the agent screens', () => {
  it('(a) a row and the header show the running target, and "Overdue" once the loop marks the breach', async () => {
    await admin.admin.teams.update.mutate({ teamId: ids.teams.Support, slaFirstResponseMinutes: 1 });
    try {
      const waiting = await signedIn('ana@demo.test', '/');
      await waiting
        .getByRole('list', { name: en('queue.waitingList') })
        .or(waiting.getByText(en('queue.emptyWaiting')))
        .waitFor();

      const id = await customerWrites('floor-visitor-a', 'Cliente Prazo');
      const dueAt = new Date((await column<Date>(id, 'queued_at')).getTime() + 60_000);
      const row = listItem(waiting, en('queue.waitingList'), 'Cliente Prazo');
      const badge = row.locator('.qp-sla');
      // One minute: under two minutes left, so "due soon", with its countdown.
      await expect.poll(() => badge.innerText()).toMatch(/^Reply due soon \(\d+:\d{2}\)$/);
      expect(await seriousViolations(waiting)).toEqual([]);

      // Ana peeks at it in another tab: the header has the same badge.
      const peek = await signedIn('ana@demo.test', `/conversations/${id}`);
      const headerBadge = header(peek).locator('.qp-sla');
      await expect.poll(() => headerBadge.innerText()).toMatch(/^Reply due soon/);

      // Queued two minutes ago: the loop's sweep marks the breach and publishes it.
      await app.db.sql`UPDATE conversations SET queued_at = now() - interval '2 minutes' WHERE id = ${id}`;
      await row.getByText(en('queue.sla.overdue'), { exact: true }).waitFor();
      await header(peek).getByText(en('queue.sla.overdue'), { exact: true }).waitFor();
      // Sooner than the page's clock would have said it: the server's answer did (the breach
      // event, or a row refetched meanwhile, e.g. after the other tab's read mark).
      expect(Date.now()).toBeLessThan(dueAt.getTime());
      await expect.poll(() => column<Date | null>(id, 'sla_breached_at')).not.toBeNull();
      // Overdue rows come first (after any returned to the queue): the soonest due.
      expect(await badge.getAttribute('data-sla')).toBe('overdue');
      expect(await seriousViolations(waiting)).toEqual([]);
      expect(await seriousViolations(peek)).toEqual([]);
    } finally {
      await admin.admin.teams.update.mutate({ teamId: ids.teams.Support, slaFirstResponseMinutes: null });
    }
  });

  it('(b) "Snooze…" moves a conversation from In service to Pending; when its time comes it is back in service', async () => {
    const id = await customerWrites('floor-visitor-b', 'Cliente Soneca');
    await ana.conversations.claim.mutate({ conversationId: id });
    const page = await signedIn('ana@demo.test', `/conversations/${id}`);
    await header(page).getByText(en('conversation.status.active'), { exact: true }).waitFor();

    await header(page)
      .getByRole('button', { name: en('conversation.snooze') })
      .click();
    const dialog = page.getByRole('dialog', { name: en('conversation.snoozeTitle') });
    await dialog.getByRole('radio', { name: /^In 1 hour/ }).check();
    await dialog.getByRole('button', { name: en('conversation.snoozeAction'), exact: true }).click();
    await dialog.waitFor({ state: 'detached' });

    // Snoozed for about an hour; the header says until when and offers Resume.
    const until = await column<Date>(id, 'pending_until');
    expect(Math.abs(until.getTime() - Date.now() - 3_600_000)).toBeLessThan(60_000);
    await header(page)
      .getByText(/^Snoozed until /)
      .waitFor();
    await header(page)
      .getByRole('button', { name: en('conversation.resume'), exact: true })
      .waitFor();

    // In service: out of the active list, under Pending.
    await page.goto(`${app.url}/in-service`);
    const pendingRow = listItem(page, en('queue.pendingList'), 'Cliente Soneca');
    await pendingRow.getByText(/^Snoozed until /).waitFor();
    expect(await listItem(page, en('queue.inServiceList'), 'Cliente Soneca').count()).toBe(0);
    expect(await seriousViolations(page)).toEqual([]);

    // Its time has come: the loop brings it back to Ana (available), in service.
    await app.db.sql`UPDATE conversations SET pending_until = now() - interval '1 second' WHERE id = ${id}`;
    await listItem(page, en('queue.inServiceList'), 'Cliente Soneca').waitFor();
    await pendingRow.waitFor({ state: 'detached' });
    const [c] = await app.db.sql`SELECT status, assignee_id, pending_since FROM conversations WHERE id = ${id}`;
    expect(c).toMatchObject({ status: 'active', pending_since: null });
    expect(c!.assignee_id).toBe((await app.db.sql`SELECT id FROM users WHERE email = 'ana@demo.test'`)[0]!.id);
  });

  it('(c) a team closed today: the customer is told the out-of-hours sentence, which the agent reads', async () => {
    const [org] = await app.db.sql`SELECT time_zone, customer_language FROM organizations WHERE id = ${ids.orgId}`;
    const today = localDate(new Date(), org!.time_zone as string);
    await admin.admin.teams.update.mutate({ teamId: ids.teams.Sales, businessHours: { schedule: {}, holidays: [today] } });
    try {
      const id = await customerWrites('floor-visitor-c', 'Cliente Feriado', '2');
      const language = org!.customer_language as string;
      const sentence = translate(isLanguage(language) ? language : 'pt-BR', 'conv.outOfHoursWaiting');
      // It waits for opening, in Sales.
      expect(await column<string>(id, 'status')).toBe('waiting');

      const carla = await signedIn('carla@demo.test', `/conversations/${id}`);
      await carla.getByText(sentence, { exact: true }).waitFor();
      expect(await seriousViolations(carla)).toEqual([]);
    } finally {
      await admin.admin.teams.update.mutate({ teamId: ids.teams.Sales, businessHours: { schedule: {}, holidays: [] } });
    }
  });

  it('(d) a conversation left unanswered goes back to the queue, and the agent is told why', async () => {
    // Nothing else of Ana's is served (the sample conversation, (b)'s): only this one returns.
    const anaId = (await app.db.sql`SELECT id FROM users WHERE email = 'ana@demo.test'`)[0]!.id as string;
    for (const c of await app.db.sql`SELECT id FROM conversations WHERE assignee_id = ${anaId} AND status = 'active'`) {
      await ana.conversations.finish.mutate({ conversationId: c.id as string });
    }
    await admin.admin.teams.update.mutate({ teamId: ids.teams.Support, noAnswerMinutes: 1 });
    try {
      const id = await customerWrites('floor-visitor-d', 'Cliente Volta');
      await ana.conversations.claim.mutate({ conversationId: id });
      const page = await signedIn('ana@demo.test', '/in-service');
      await listItem(page, en('queue.inServiceList'), 'Cliente Volta').waitFor();

      // Claimed, and the customer waiting, two minutes ago: the loop returns it.
      await app.db
        .sql`UPDATE conversations SET claimed_at = now() - interval '2 minutes', awaiting_reply_since = now() - interval '2 minutes' WHERE id = ${id}`;
      const notices = page.getByRole('status', { name: en('queue.returned.label') });
      const notice = notices.getByText(en('queue.returned.notice', { contact: 'Cliente Volta', reason: en('queue.returned.no_answer') }), {
        exact: true,
      });
      await notice.waitFor();
      await listItem(page, en('queue.inServiceList'), 'Cliente Volta').waitFor({ state: 'detached' });
      expect(await column<string>(id, 'status')).toBe('waiting');
      expect(await column<boolean>(id, 'head_of_queue')).toBe(true);
      expect(await seriousViolations(page)).toEqual([]);

      // Back in Waiting, first (returned to the head of the queue).
      await page
        .getByRole('navigation', { name: en('queue.tabs') })
        .getByRole('link', { name: new RegExp(`^${en('queue.waiting')}`) })
        .click();
      const waitingList = page.getByRole('list', { name: en('queue.waitingList') });
      await waitingList.getByRole('listitem', { name: 'Cliente Volta' }).waitFor();
      expect(await waitingList.getByRole('listitem').first().getAttribute('aria-label')).toBe('Cliente Volta');

      // The notice stays until dismissed.
      await notices
        .locator('.shell-notice', { hasText: 'Cliente Volta' })
        .getByRole('button', { name: en('shell.dismiss') })
        .click();
      await notice.waitFor({ state: 'detached' });
    } finally {
      await admin.admin.teams.update.mutate({ teamId: ids.teams.Support, noAnswerMinutes: null });
    }
  });
});
