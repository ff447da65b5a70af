/**
 * Issue 15, item 4, through a real browser: an admin opens the reports (a chart's canvas, the
 * tables; a table's CSV download starts with the byte order mark and its header row), and a
 * supervisor sees the reports and the monitoring board but no configuration screen (the
 * server's refusals are proven by the access matrix, test/matrix).
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../test/helpers/app.ts';
import { seriousViolations } from '../test/helpers/axe.ts';
import { RESULTS_DIR } from '../test/helpers/browser.ts';
import { useAppInBrowser, type DemoIds } from '../test/helpers/browser-app.ts';
import { makeContact } from '../test/helpers/factories.ts';
import { en } from '../test/helpers/i18n.ts';

const e2e = useAppInBrowser();
const { signedIn } = e2e;

let app: TestApp;
let ids: DemoIds;

beforeAll(async () => {
  ({ app, ids } = e2e);
  const sql = app.db.sql;
  // Bruno supervises Support; one conversation served today so the tables have a row.
  await sql`UPDATE users SET role = 'supervisor' WHERE id = ${ids.users['bruno@demo.test']}`;
  const [channel] = await sql`SELECT id FROM channels WHERE org_id = ${ids.orgId} ORDER BY created_at LIMIT 1`;
  const contact = await makeContact(sql, ids.orgId, { name: 'Cliente Relatório' });
  await sql`INSERT INTO conversations (org_id, protocol, contact_id, channel_id, team_id, status, served_by, queued_at, claimed_at, closed_at, close_reason, rating)
    VALUES (${ids.orgId}, 'REP-1', ${contact}, ${channel!.id as string}, ${ids.teams.Support}, 'closed', ${ids.users['ana@demo.test']},
      now() - interval '10 minutes', now() - interval '9 minutes', now() - interval '1 minute', 'agent', 5)`;
});

describe('reports in the browser', () => {
  it('shows an admin the figures, a chart and the tables, and exports a table as CSV', async () => {
    const page = await signedIn('admin@demo.test', '/');
    await page
      .getByRole('link', { name: en('shell.nav.reports') })
      .first()
      .click();
    await page.waitForURL(/\/reports$/);
    await page.getByRole('heading', { name: en('reports.title') }).waitFor();
    await page.locator('.rep-chart canvas').first().waitFor();
    const byTeam = page.getByRole('table', { name: en('reports.byTeam') });
    await byTeam.getByRole('row', { name: /Support/ }).waitFor();
    expect(
      await page
        .getByRole('table', { name: en('reports.byAgent') })
        .getByRole('row', { name: /Ana Souza/ })
        .count(),
    ).toBe(1);
    await page.screenshot({ path: path.join(RESULTS_DIR, 'screenshots', 'reports.png'), fullPage: true });
    expect(await seriousViolations(page)).toEqual([]);

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: en('reports.exportNamed', { name: en('reports.byTeam') }) }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('report-teams.csv');
    const text = fs.readFileSync((await download.path())!, 'utf8');
    const [header, ...rows] = text.split('\r\n');
    expect(header!.startsWith(`\uFEFF${en('reports.team')},${en('reports.received')},${en('reports.answered')}`)).toBe(true);
    expect(rows.filter((r) => r.startsWith('Support,'))).toHaveLength(1);
  });

  it('shows a supervisor the reports and the monitoring board, and no configuration', async () => {
    const page = await signedIn('bruno@demo.test', '/');
    const rail = page.getByRole('navigation', { name: en('shell.nav.label') });
    await rail.getByRole('link', { name: en('shell.nav.reports') }).waitFor();
    expect(await rail.getByRole('link', { name: en('shell.nav.admin') }).count()).toBe(0);

    await rail.getByRole('link', { name: en('shell.nav.reports') }).click();
    const team = page.locator('select[name="team"]');
    await team.waitFor();
    // Only the teams they supervise.
    expect(await team.locator('option').allTextContents()).toEqual([en('reports.allTeams'), 'Support']);
    await page
      .getByRole('table', { name: en('reports.byTeam') })
      .getByRole('row', { name: /Support/ })
      .waitFor();

    await rail.getByRole('link', { name: en('shell.nav.monitor') }).click();
    await page.waitForURL(/\/admin\/monitor$/);
    await page.getByRole('heading', { name: en('admin.nav.monitor') }).waitFor();
    const adminNav = page.getByRole('navigation', { name: en('admin.title') });
    expect(await adminNav.getByRole('link').allTextContents()).toEqual([en('admin.nav.monitor')]);
    // A configuration address shows the board instead.
    await page.goto(`${app.url}/admin/users`);
    await page.getByRole('heading', { name: en('admin.nav.monitor') }).waitFor();
    expect(await page.getByRole('heading', { name: en('admin.nav.users') }).count()).toBe(0);
  });
});
