/**
 * Issue 12, item 8 (admin side), through a real browser: the team form's floor settings and
 * the monitoring board's floor.
 * (a) An admin sets a team's business hours (two intervals on Monday, a holiday), the minutes
 *     after which an unanswered conversation returns to the queue and its service levels;
 *     a bad interval is refused in the form first. Saved, reopened: the values are kept, and
 *     the server has them; removing the holiday and a service level clears them.
 * (b) The board shows a team closed on its holiday, an agent's "1/3" after a claim, a
 *     conversation offered to an agent (and the agent's offer), a breached service level.
 * Axe runs on both screens. The screenshots of docs/admin.md are taken here: into
 * test-results/screenshots on every run, into docs/images with ATENDE_DOC_SCREENSHOTS=1.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TestApp, TestClient } from '../test/helpers/app.ts';
import { seriousViolations } from '../test/helpers/axe.ts';
import { RESULTS_DIR } from '../test/helpers/browser.ts';
import { useAppInBrowser, type DemoIds } from '../test/helpers/browser-app.ts';
import { inbound, makeChannel } from '../test/helpers/conversations.ts';
import { en } from '../test/helpers/i18n.ts';
import type { Channel } from '../db/queries/channels.ts';

const e2e = useAppInBrowser();
const { signedIn } = e2e;

let app: TestApp;
let ids: DemoIds;
let admin: TestClient;
let channel: Channel;

beforeAll(async () => {
  ({ app, ids } = e2e);
  admin = await app.login('admin@demo.test');
  channel = await makeChannel(app.db.sql, ids);
});

async function docShot(page: Page, name: string): Promise<void> {
  const dirs = [path.join(RESULTS_DIR, 'screenshots')];
  if (process.env.ATENDE_DOC_SCREENSHOTS === '1') dirs.push(path.resolve(import.meta.dirname, '..', 'docs', 'images'));
  const shot = await page.screenshot({ fullPage: false });
  for (const dir of dirs) {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, `${name}.png`), shot);
  }
}

const teamOf = async (teamId: string) => (await admin.admin.teams.list.query()).find((tm) => tm.id === teamId)!;
const focusedName = (page: Page) =>
  page.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? document.activeElement?.getAttribute('name') ?? null);

let counter = 0;
/** A customer who wrote and chose a team (1 Support, 2 Sales). */
async function customer(name: string, option: '1' | '2') {
  const from = `55119${String(Date.now() + counter++).slice(-8)}`;
  await inbound(app, channel, { from, text: 'Olá, preciso de ajuda', name });
  return (await inbound(app, channel, { from, text: option, name })).conversation!;
}

describe('team floor settings', () => {
  it('(a) sets business hours, a holiday, re-queue and service-level minutes; reopened, the form and the server keep them', async () => {
    const page = await signedIn('admin@demo.test', '/admin/teams');
    const editSupport = async () => {
      await page.getByRole('button', { name: en('admin.editNamed', { name: 'Support' }) }).click();
      return page.getByRole('form', { name: en('admin.teams.editTitle', { name: 'Support' }) });
    };
    const saved = () =>
      page
        .getByRole('status')
        .filter({ hasText: en('admin.savedNamed', { name: 'Support' }) })
        .waitFor();
    let form = await editSupport();
    const field = (key: Parameters<typeof en>[0]) => form.getByLabel(en(key), { exact: true });
    const hours = form.getByRole('group', { name: en('admin.teams.hours'), exact: true });

    await hours.getByLabel(en('admin.day.mon'), { exact: true }).fill('09:00-12:00, 13:00-18:00');
    // An interval that ends before it starts is refused here, naming the day, which gets the focus.
    await hours.getByLabel(en('admin.day.tue'), { exact: true }).fill('18:00-09:00');
    await form.getByRole('button', { name: en('admin.save') }).click();
    await form
      .getByRole('alert')
      .filter({ hasText: en('admin.teams.badHoursOrder', { day: en('admin.day.tue') }) })
      .waitFor();
    expect(await focusedName(page)).toBe('hours-tue');
    await hours.getByLabel(en('admin.day.tue'), { exact: true }).fill('');

    // A holiday: Add puts the focus in the new date field.
    await form.getByRole('button', { name: en('admin.teams.addHoliday') }).click();
    expect(await focusedName(page)).toBe(en('admin.teams.holiday', { n: 1 }));
    await form.getByLabel(en('admin.teams.holiday', { n: 1 }), { exact: true }).fill('2031-12-25');
    await field('admin.teams.noAnswerMinutes').fill('15');
    await field('admin.teams.slaFirst').fill('5');
    await field('admin.teams.slaNext').fill('10');
    await form.getByRole('button', { name: en('admin.save') }).click();
    await saved();

    expect(await teamOf(ids.teams.Support)).toMatchObject({
      businessHours: {
        schedule: {
          mon: [
            ['09:00', '12:00'],
            ['13:00', '18:00'],
          ],
        },
        holidays: ['2031-12-25'],
      },
      noAnswerMinutes: 15,
      absentMinutes: null,
      slaFirstResponseMinutes: 5,
      slaNextResponseMinutes: 10,
      slaBusinessHours: true,
      outOfHoursMessage: null,
      outOfHoursAction: 'wait',
    });
    // The list: Support has business hours now (closed or open as the clock says); Sales is always open.
    await page.getByRole('row').filter({ hasText: 'Sales' }).getByText(en('admin.teams.alwaysOpen')).waitFor();
    await page
      .getByRole('row')
      .filter({ hasText: 'Support' })
      .getByText(new RegExp(`^(${en('admin.teams.openNow')}|${en('admin.teams.closedNow')})$`))
      .waitFor();

    // Reopened: the form shows what was saved.
    form = await editSupport();
    expect(await hours.getByLabel(en('admin.day.mon'), { exact: true }).inputValue()).toBe('09:00-12:00, 13:00-18:00');
    expect(await hours.getByLabel(en('admin.day.tue'), { exact: true }).inputValue()).toBe('');
    expect(await form.getByLabel(en('admin.teams.holiday', { n: 1 }), { exact: true }).inputValue()).toBe('2031-12-25');
    expect(await field('admin.teams.noAnswerMinutes').inputValue()).toBe('15');
    expect(await field('admin.teams.absentMinutes').inputValue()).toBe('');
    expect(await field('admin.teams.slaFirst').inputValue()).toBe('5');
    expect(await field('admin.teams.slaNext').inputValue()).toBe('10');
    expect(await field('admin.teams.slaBusinessHours').isChecked()).toBe(true);
    expect(await seriousViolations(page, '.adm-page')).toEqual([]);
    // The floor's parts from the top of the screen.
    await form
      .getByRole('group', { name: en('admin.teams.routingGroup') })
      .evaluate((el) => el.scrollIntoView({ block: 'start', behavior: 'instant' }));
    await docShot(page, 'team-floor-settings');

    // Removing the holiday and emptying a service level clear them.
    await form.getByRole('button', { name: en('admin.teams.removeHoliday', { n: 1 }) }).click();
    await form.getByText(en('admin.teams.noHolidays')).waitFor();
    // The focus goes to Add, the one control left.
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe(en('admin.teams.addHoliday'));
    await field('admin.teams.slaNext').fill('');
    await form.getByRole('button', { name: en('admin.save') }).click();
    await saved();
    expect(await teamOf(ids.teams.Support)).toMatchObject({
      businessHours: { holidays: [] },
      noAnswerMinutes: 15,
      slaFirstResponseMinutes: 5,
      slaNextResponseMinutes: null,
    });
  }, 90_000);
});

describe('the floor on the monitoring board', () => {
  it('(b) shows a team closed on its holiday, "1/3" after a claim, an offer and a breached service level', async () => {
    const sql = app.db.sql;
    const [org] = await sql<{ time_zone: string }[]>`SELECT time_zone FROM organizations WHERE id = ${ids.orgId}`;
    const localDate = (at: Date) =>
      new Intl.DateTimeFormat('en-CA', { timeZone: org!.time_zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
    // Today (and tomorrow, should the day turn during the test) is a holiday of Sales.
    const now = new Date();
    await admin.admin.teams.update.mutate({
      teamId: ids.teams.Sales,
      businessHours: { schedule: {}, holidays: [localDate(now), localDate(new Date(now.getTime() + 86_400_000))] },
    });
    // Support: always open, pulled from the queue, three per agent, a first answer within 5 minutes.
    await admin.admin.teams.update.mutate({
      teamId: ids.teams.Support,
      routing: 'pull',
      maxPerAgent: 3,
      businessHours: { schedule: {}, holidays: [] },
      noAnswerMinutes: null,
      slaFirstResponseMinutes: 5,
    });
    // Billing offers each conversation to Bruno, its one member.
    const billing = await admin.admin.teams.create.mutate({ name: 'Billing', routing: 'auto', acceptTimeoutSeconds: 600 });
    const [bruno] = await sql<{ id: string }[]>`SELECT id FROM users WHERE email = 'bruno@demo.test'`;
    await admin.admin.teams.setMembers.mutate({ teamId: billing.id, userIds: [bruno!.id] });
    // Ana serves nothing before her claim.
    for (const c of await sql<{ id: string }[]>`
      SELECT c.id FROM conversations c JOIN users u ON u.id = c.assignee_id WHERE u.email = 'ana@demo.test' AND c.status = 'active'`) {
      await admin.admin.conversations.forceClose.mutate({ conversationId: c.id });
    }

    const claimed = await customer('Clara Claimed', '1');
    await (await app.login('ana@demo.test')).conversations.claim.mutate({ conversationId: claimed.id });
    const late = await customer('Lucas Late', '1');
    await sql`UPDATE conversations SET queued_at = now() - interval '10 minutes' WHERE id = ${late.id}`;
    const onTime = await customer('Olga On Time', '1');
    const offered = await customer('Otto Offered', '1');
    await admin.admin.conversations.transfer.mutate({ conversationId: offered.id, toTeamId: billing.id });
    // Carla waits on her customer: not active, pending.
    const pending = await customer('Paula Pending', '1');
    const carla = await app.login('carla@demo.test');
    await carla.conversations.claim.mutate({ conversationId: pending.id });
    await carla.conversations.setPending.mutate({ conversationId: pending.id });
    await customer('Samuel Sales', '2');

    const page = await signedIn('admin@demo.test', '/admin/monitor');
    const teams = page.getByRole('table', { name: en('admin.monitor.teams') });
    await teams.getByRole('row', { name: 'Sales', exact: true }).getByText(en('admin.monitor.teamClosed'), { exact: true }).waitFor();
    await teams.getByRole('row', { name: 'Support', exact: true }).getByText(en('admin.monitor.teamOpen'), { exact: true }).waitFor();
    await teams.getByRole('row', { name: 'Billing', exact: true }).getByText(en('admin.teams.routing.auto'), { exact: true }).waitFor();
    // The Sales section says it is closed.
    await page.getByRole('region', { name: 'Sales' }).getByRole('heading').getByText(en('admin.monitor.teamClosed')).waitFor();

    const agents = page.getByRole('table', { name: en('admin.monitor.agents') });
    await agents.getByRole('row', { name: 'Ana Souza' }).getByRole('cell', { name: '1/3', exact: true }).waitFor();
    // Carla: none active (the pending one does not count), one waiting on the customer.
    const carlaRow = agents.getByRole('row', { name: 'Carla Dias' });
    await carlaRow.getByRole('cell', { name: '0/3', exact: true }).waitFor();
    expect(await carlaRow.getByRole('cell').nth(6).innerText()).toBe('1');

    // Billing's conversation is offered to Bruno, whose row counts the offer.
    const row = (protocol: string) => page.getByRole('row', { name: new RegExp(protocol) });
    await row(offered.protocol)
      .getByText(en('admin.monitor.offeredTo', { name: 'Bruno Lima' }))
      .waitFor();
    expect(await agents.getByRole('row', { name: 'Bruno Lima' }).getByRole('cell').nth(7).innerText()).toBe('1');

    // Lucas waited past Support's 5 minutes: breached, in the danger colour, the due time as its title.
    const breached = row(late.protocol).getByText(en('admin.monitor.slaBreached'), { exact: true });
    await breached.waitFor();
    expect(await breached.getAttribute('class')).toContain('adm-bad');
    expect(await breached.getAttribute('title')).toMatch(new RegExp(`^${en('admin.monitor.slaDue.first', { time: '.+' })}$`));
    await row(onTime.protocol)
      .getByText(new RegExp(`^${en('admin.monitor.slaIn', { time: '' })}`))
      .waitFor();
    await row(pending.protocol).getByText(en('admin.monitor.pending'), { exact: true }).waitFor();

    expect(await seriousViolations(page, '.adm-page')).toEqual([]);
    await docShot(page, 'monitor-floor');
  }, 90_000);
});
