/**
 * SPEC §2, §3 and §6 "Monitoring" through a real browser: the admin invites an agent who
 * sets a password from the mail and signs in; the admin shortens a team's queue timeout and
 * watches the waiting conversation close on the monitoring board; a refusal shows the
 * server's sentence.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { refusal, type TestApp } from '../test/helpers/app.ts';
import { RESULTS_DIR, signInWithForm } from '../test/helpers/browser.ts';
import { useAppInBrowser, type DemoIds } from '../test/helpers/browser-app.ts';
import { seriousViolations } from '../test/helpers/axe.ts';
import { inbound, makeChannel } from '../test/helpers/conversations.ts';
import { latestMail, waitFor } from '../test/helpers/orgs.ts';
import { en } from '../test/helpers/i18n.ts';

const PASSWORD = 'atende-demo';
const NEW_PASSWORD = 'a long and good passphrase';

const e2e = useAppInBrowser({ people: 'english' });
const { browser } = e2e;

let app: TestApp;
let ids: DemoIds;
beforeAll(async () => {
  ({ app, ids } = e2e);
});

const signIn = (page: Page, email: string, password: string) => signInWithForm(page, app.url, email, password);

/**
 * The screenshots of docs/admin.md: taken by this test into test-results/screenshots on every
 * run, and into docs/images when ATENDE_DOC_SCREENSHOTS=1 (to refresh the documentation).
 */
const DOC_SHOTS = new Set(['monitor', 'users', 'teams', 'channels', 'organization']);
async function docShot(page: Page, name: string): Promise<void> {
  const dirs = [path.join(RESULTS_DIR, 'screenshots')];
  if (process.env.ATENDE_DOC_SCREENSHOTS === '1') dirs.push(path.resolve(import.meta.dirname, '..', 'docs', 'images'));
  const shot = await page.screenshot({ fullPage: false });
  for (const dir of dirs) {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, `admin-${name}.png`), shot);
  }
}

/** Signed in as the demo admin, on an admin screen. */
async function adminAt(path: string): Promise<Page> {
  const page = await browser.newPage();
  await signIn(page, 'admin@demo.test', PASSWORD);
  await page.goto(`${app.url}${path}`);
  await page.getByRole('navigation', { name: en('admin.title') }).waitFor();
  return page;
}

describe('users', () => {
  it('invites an agent, who sets a password from the mail and signs in', async () => {
    const page = await adminAt('/admin/users');
    await page.getByRole('button', { name: en('admin.users.invite') }).click();
    const form = page.getByRole('form', { name: en('admin.users.inviteTitle') });
    await form.getByLabel(en('admin.name'), { exact: true }).fill('Dora Dias');
    await form.getByLabel(en('admin.users.email'), { exact: true }).fill('dora@demo.test');
    await form.getByRole('checkbox', { name: 'Support' }).check();
    await form.getByLabel(en('admin.users.codename'), { exact: true }).fill('Dora');
    await form.getByLabel(en('admin.day.mon'), { exact: true }).fill('08:00-12:00, 13:00-17:00');
    await form.getByRole('button', { name: en('admin.users.sendInvite') }).click();
    await page
      .getByRole('status')
      .filter({ hasText: en('admin.users.invited', { email: 'dora@demo.test' }) })
      .waitFor();

    // The list shows her, invitation pending, in Support.
    const row = page.getByRole('row').filter({ hasText: 'dora@demo.test' });
    await row.getByText(en('admin.users.pending')).waitFor();
    await row.getByText('Support').waitFor();
    const [dora] = await app.db.sql<{ id: string; codename: string; work_hours: unknown; language: string }[]>`
      SELECT id, codename, work_hours, language FROM users WHERE email = 'dora@demo.test'`;
    expect(dora).toMatchObject({
      codename: 'Dora',
      work_hours: {
        mon: [
          ['08:00', '12:00'],
          ['13:00', '17:00'],
        ],
      },
      language: 'en',
    });
    const [member] = await app.db.sql`SELECT 1 AS ok FROM team_members WHERE user_id = ${dora!.id} AND team_id = ${ids.teams.Support}`;
    expect(member).toBeTruthy();

    // The invitation mail's link sets the password.
    const mail = await waitFor(() => latestMail(app.db.sql, 'dora@demo.test'), 'the invitation mail');
    expect(mail.kind).toBe('invite');
    expect(mail.token).toBeTruthy();
    const agent = await browser.newPage();
    await agent.goto(`${app.url}/set-password?token=${encodeURIComponent(mail.token!)}`);
    await agent.getByText(en('setPassword.for', { email: 'dora@demo.test' }), { exact: true }).waitFor();
    await agent.locator('input[name=password]').fill(NEW_PASSWORD);
    await agent.locator('input[name=confirm]').fill(NEW_PASSWORD);
    await agent.locator('button[type=submit]').click();
    await agent.waitForURL(`${app.url}/`);

    // And she signs in with it on the login page (a fresh browser).
    const again = await browser.newPage();
    await signIn(again, 'dora@demo.test', NEW_PASSWORD);
    const cookie = (await again.context().cookies()).find((c) => c.name === 'atende_session');
    const client = app.client();
    client.cookie = `atende_session=${cookie!.value}`;
    expect((await client.auth.me.query()).user.email).toBe('dora@demo.test');

    // The admin's list no longer shows the invitation as pending (live or on reload).
    await page.reload();
    const reloaded = page.getByRole('row').filter({ hasText: 'dora@demo.test' });
    await reloaded
      .getByText(en('status.offline'))
      .or(reloaded.getByText(en('status.online')))
      .first()
      .waitFor();
    await reloaded.getByText(en('admin.users.pending')).waitFor({ state: 'detached' });
  }, 60_000);
});

describe('teams and the monitoring board', () => {
  it('a shorter queue timeout closes a long-waiting conversation, live on the board', async () => {
    const channel = await makeChannel(app.db.sql, ids);
    await inbound(app, channel, { from: '5511988887777', text: 'Oi', name: 'Marta Monitor' });
    const { conversation } = await inbound(app, channel, { from: '5511988887777', text: '1', name: 'Marta Monitor' });
    expect(conversation.status).toBe('waiting');
    // Queued ten minutes ago: within Support's current timeout, past a one-minute one.
    await app.db.sql`UPDATE conversations SET queued_at = now() - interval '10 minutes' WHERE id = ${conversation.id}`;

    const page = await adminAt('/admin/monitor');
    const board = page.getByRole('region', { name: 'Support' });
    const row = board.getByRole('row', { name: new RegExp(conversation.protocol) });
    await row.waitFor();
    await row.getByText('Marta Monitor').waitFor();
    await row.getByText(en('admin.monitor.state.waiting'), { exact: true }).waitFor();

    // Teams screen: Support's queue timeout → 1 minute.
    await page.getByRole('link', { name: en('admin.nav.teams') }).click();
    await page.getByRole('button', { name: en('admin.editNamed', { name: 'Support' }) }).click();
    const form = page.getByRole('form', { name: en('admin.teams.editTitle', { name: 'Support' }) });
    await form.getByLabel(en('admin.teams.timeoutLabel')).fill('1');
    await form.getByRole('button', { name: en('admin.save') }).click();
    await page
      .getByRole('status')
      .filter({ hasText: en('admin.savedNamed', { name: 'Support' }) })
      .waitFor();
    const [team] = await app.db.sql`SELECT queue_timeout_minutes FROM teams WHERE id = ${ids.teams.Support}`;
    expect(team!.queue_timeout_minutes).toBe(1);
    await page
      .getByRole('row')
      .filter({ hasText: 'Support' })
      .getByText(en('admin.minutesValue', { n: 1 }))
      .waitFor();

    // Back on the board it is overdue; the timer sweep closes it and the row goes away live.
    await page.getByRole('link', { name: en('admin.nav.monitor') }).click();
    const again = page.getByRole('region', { name: 'Support' }).getByRole('row', { name: new RegExp(conversation.protocol) });
    await again.getByText(en('admin.monitor.autoCloseDue')).waitFor();
    await app.services.jobs.add('sweep_timers', {});
    await again.waitFor({ state: 'detached', timeout: 15_000 });
    const [closed] = await app.db.sql`SELECT status, close_reason FROM conversations WHERE id = ${conversation.id}`;
    expect(closed).toMatchObject({ status: 'closed', close_reason: 'queue_timeout' });
  }, 60_000);
});

describe('monitoring actions', () => {
  it('releases from the bot, transfers, force-closes and unlocks from the board', async () => {
    const channel = await makeChannel(app.db.sql, ids);
    const { conversation: inBot } = await inbound(app, channel, { from: '5511977770001', text: 'Oi', name: 'Beto Bot' });
    expect(inBot.status).toBe('bot');
    await inbound(app, channel, { from: '5511977770002', text: 'Oi', name: 'Wanda Waiting' });
    const { conversation: waiting } = await inbound(app, channel, { from: '5511977770002', text: '1', name: 'Wanda Waiting' });
    // Bruno locks himself out with wrong passwords.
    for (let i = 0; i < 6; i++) await refusal(app.client().auth.login.mutate({ email: 'bruno@demo.test', password: 'wrong password' }));

    const page = await adminAt('/admin/monitor');
    const rowOf = (protocol: string) => page.getByRole('row', { name: new RegExp(protocol) });

    // Release from the bot: the bot conversation closes and leaves the board.
    await page.getByRole('button', { name: en('admin.monitor.releaseNamed', { protocol: inBot.protocol }) }).click();
    await page
      .getByRole('status')
      .filter({ hasText: en('admin.monitor.released', { protocol: inBot.protocol }) })
      .waitFor();
    await rowOf(inBot.protocol).waitFor({ state: 'detached' });
    expect((await app.db.sql`SELECT status FROM conversations WHERE id = ${inBot.id}`)[0]!.status).toBe('closed');

    // Transfer the waiting one to Sales: it moves to the Sales section.
    await page.getByRole('button', { name: en('admin.monitor.transferNamed', { protocol: waiting.protocol }) }).click();
    const transfer = page.getByRole('form', { name: en('admin.monitor.transferNamed', { protocol: waiting.protocol }) });
    await transfer.getByLabel(en('admin.monitor.transferTo')).selectOption({ label: 'Sales' });
    await transfer.getByRole('button', { name: en('admin.monitor.transferGo') }).click();
    await page
      .getByRole('region', { name: 'Sales' })
      .getByRole('row', { name: new RegExp(waiting.protocol) })
      .waitFor();
    expect((await app.db.sql`SELECT team_id FROM conversations WHERE id = ${waiting.id}`)[0]!.team_id).toBe(ids.teams.Sales);

    // Force close asks once more, then closes it.
    await page.getByRole('button', { name: en('admin.monitor.forceCloseNamed', { protocol: waiting.protocol }) }).click();
    await page.getByRole('button', { name: en('admin.monitor.confirmClose', { protocol: waiting.protocol }) }).click();
    await rowOf(waiting.protocol).waitFor({ state: 'detached' });
    expect((await app.db.sql`SELECT status, close_reason FROM conversations WHERE id = ${waiting.id}`)[0]).toMatchObject({
      status: 'closed',
      close_reason: 'admin',
    });

    // Bruno's row shows the block; unlocking lets him sign in again.
    const bruno = page.getByRole('row', { name: 'Bruno Lima' });
    await bruno.getByText(en('admin.monitor.locked')).waitFor();
    await bruno.getByRole('button', { name: en('admin.users.unlockNamed', { name: 'Bruno Lima' }) }).click();
    await bruno.getByText(en('admin.monitor.locked')).waitFor({ state: 'detached' });
    expect((await (await app.login('bruno@demo.test')).auth.me.query()).user.email).toBe('bruno@demo.test');
  }, 60_000);
});

describe('channels and templates', () => {
  it('shows the webhook URL and the embed snippet, and previews template parameters', async () => {
    const [whatsapp] = await app.db.sql<{ id: string; name: string; env_managed: boolean }[]>`
      SELECT id, name, env_managed FROM channels WHERE org_id = ${ids.orgId} AND kind = 'whatsapp' ORDER BY id LIMIT 1`;
    const [webchat] = await app.db.sql<{ id: string; name: string }[]>`
      SELECT id, name FROM channels WHERE org_id = ${ids.orgId} AND kind = 'webchat' ORDER BY id LIMIT 1`;
    // A WhatsApp channel an admin made without credentials of its own: the screen says it cannot work.
    await app.db
      .sql`INSERT INTO channels (org_id, kind, name, phone_number_id) VALUES (${ids.orgId}, 'whatsapp', 'No credentials', '100000000000321')`;
    const page = await adminAt('/admin/channels');
    await page.getByRole('article', { name: 'No credentials', exact: true }).getByText(en('admin.channels.noCredentials')).waitFor();
    const wa = page.getByRole('article', { name: whatsapp!.name, exact: true });
    // The environment's channel is called at /webhooks/whatsapp; any other at its own path.
    const path = whatsapp!.env_managed ? '/webhooks/whatsapp' : `/webhooks/whatsapp/${whatsapp!.id}`;
    expect(await wa.getByRole('textbox', { name: en('admin.channels.webhookUrl') }).inputValue()).toBe(`${app.url}${path}`);
    expect(await wa.getByText(en('admin.channels.noCredentials')).count()).toBe(whatsapp!.env_managed ? 0 : 1);
    const wc = page.getByRole('article', { name: webchat!.name, exact: true });
    expect(await wc.getByRole('textbox', { name: en('admin.channels.embed') }).inputValue()).toBe(
      `<script src="${app.env.APP_ORIGIN}/widget/embed.js" data-channel="${webchat!.id}" async></script>`,
    );
    // Issue 17 item 11: a test chat with the channel's widget, in a new tab.
    const testChat = wc.getByRole('link', { name: en('admin.channels.testChat') });
    expect([await testChat.getAttribute('href'), await testChat.getAttribute('target')]).toEqual([
      `/widget?channel=${webchat!.id}`,
      '_blank',
    ]);

    await page.getByRole('link', { name: en('admin.nav.templates') }).click();
    await page.getByRole('button', { name: en('admin.templates.new') }).click();
    const form = page.getByRole('form', { name: en('admin.templates.newTitle') });
    const body = form.getByLabel(en('admin.templates.body'));
    await body.fill('Hello {{1}}, about {{3}}');
    await form
      .getByRole('alert')
      .filter({ hasText: en('config.templatePlaceholders') })
      .waitFor();
    await body.fill('Hello {{1}}, your order {{2}} has shipped.');
    await form.getByLabel(en('admin.templates.sample', { n: 1 })).fill('Maria');
    await form.getByLabel(en('admin.templates.sample', { n: 2 })).fill('#4521');
    await form.getByText('Hello Maria, your order #4521 has shipped.', { exact: true }).waitFor();
    await form.getByLabel(en('admin.templates.name'), { exact: true }).fill('order_shipped');
    await form.getByRole('button', { name: en('admin.save') }).click();
    await page.getByRole('row').filter({ hasText: 'order_shipped' }).waitFor();
    const [saved] = await app.db.sql`SELECT param_count FROM templates WHERE org_id = ${ids.orgId} AND name = 'order_shipped'`;
    expect(saved!.param_count).toBe(2);
  }, 60_000);
});

describe('canned responses', () => {
  it('creates one with a variable and an uploaded file', async () => {
    const page = await adminAt('/admin/canned');
    await page.getByRole('button', { name: en('admin.canned.new') }).click();
    const form = page.getByRole('form', { name: en('admin.canned.newTitle') });
    await form.getByLabel(en('admin.canned.shortcut'), { exact: true }).fill('price-list');
    await form.getByLabel(en('admin.canned.title'), { exact: true }).fill('Price list');
    await form.getByLabel(en('admin.canned.team')).selectOption({ label: 'Sales' });
    const body = form.getByLabel(en('admin.canned.body'), { exact: true });
    await body.fill('Hello ');
    await form.getByRole('button', { name: en('admin.canned.insert', { variable: '{contact.name}' }) }).click();
    expect(await body.inputValue()).toBe('Hello {contact.name}');
    await body.press('End');
    await body.pressSequentially(', here is our price list.');
    await form
      .getByLabel(en('admin.canned.addFile'))
      .setInputFiles({ name: 'prices.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4 prices') });
    await form.getByRole('link', { name: 'prices.pdf' }).waitFor();
    await form.getByRole('button', { name: en('admin.save') }).click();
    await page.getByRole('row').filter({ hasText: '/price-list' }).waitFor();
    const [saved] = await app.db.sql<{ body: string; team_id: string; attachment_ids: string[] }[]>`
      SELECT body, team_id, attachment_ids FROM canned_responses WHERE org_id = ${ids.orgId} AND shortcut = 'price-list'`;
    expect(saved).toMatchObject({ body: 'Hello {contact.name}, here is our price list.', team_id: ids.teams.Sales });
    expect(saved!.attachment_ids).toHaveLength(1);
  }, 60_000);
});

describe('accessibility', () => {
  it('has no serious or critical axe violations on the admin screens', async () => {
    const page = await adminAt('/admin/monitor');
    const found: string[] = [];
    for (const screen of [
      'monitor',
      'users',
      'teams',
      'channels',
      'templates',
      'canned',
      'tags',
      'dispositions',
      'pauses',
      'organization',
      'audit',
    ]) {
      await page.goto(`${app.url}/admin/${screen}`);
      await page.locator('.adm-section h2').waitFor();
      await page.getByText(en('common.loading')).first().waitFor({ state: 'detached' });
      // With an editor open too, where the screen has one.
      const edit = page.getByRole('button', { name: /^Edit / }).first();
      if (await edit.count()) await edit.click();
      if (DOC_SHOTS.has(screen)) await docShot(page, screen);
      const violations = await seriousViolations(page, '.adm-page');
      found.push(...violations.map((v) => `${screen}: ${v}`));
    }
    expect(found).toEqual([]);
  }, 150_000);
});

describe('refusals', () => {
  it('shows the server’s sentence when a team name is taken', async () => {
    const page = await adminAt('/admin/teams');
    await page.getByRole('button', { name: en('admin.teams.new') }).click();
    const form = page.getByRole('form', { name: en('admin.teams.newTitle') });
    await form.getByLabel(en('admin.name'), { exact: true }).fill('Sales');
    await form.getByRole('button', { name: en('admin.save') }).click();
    const alert = form.getByRole('alert');
    await alert.waitFor();
    expect(await alert.innerText()).toBe(en('team.nameTaken'));
    const teams = await app.db.sql`SELECT id FROM teams WHERE org_id = ${ids.orgId} AND lower(name) = 'sales'`;
    expect(teams).toHaveLength(1);
  }, 60_000);

  it('picks the time zone from a list (the server refuses one it does not know), then saves the organization', async () => {
    const admin = await app.login('admin@demo.test');
    const refused = await refusal(admin.admin.org.update.mutate({ timeZone: 'Mars/Olympus_Mons' }));
    expect(refused.message).toBe(en('user.unknownTimeZone', { zone: 'Mars/Olympus_Mons' }));

    const page = await adminAt('/admin/organization');
    const form = page.getByRole('form', { name: en('admin.nav.organization') });
    const zone = form.getByLabel(en('admin.org.timeZone'), { exact: true });
    // A list of the zones the browser knows, not a text box to type a name into.
    expect(await zone.evaluate((el) => el.tagName)).toBe('SELECT');
    expect(await zone.inputValue()).toBe('America/Sao_Paulo');
    expect(await zone.locator('option').count()).toBeGreaterThan(100);
    await zone.selectOption('America/Recife');
    await form.getByLabel(en('admin.org.networks'), { exact: true }).fill('203.0.113.0/24\n127.0.0.1');
    await form.getByLabel(en('admin.org.inactivity'), { exact: true }).fill('45');
    await form.getByRole('button', { name: en('admin.save') }).click();
    await form
      .getByRole('status')
      .filter({ hasText: en('admin.saved') })
      .waitFor();
    const [org] = await app.db
      .sql`SELECT time_zone, allowed_networks, inactivity_timeout_minutes FROM organizations WHERE id = ${ids.orgId}`;
    expect(org).toMatchObject({
      time_zone: 'America/Recife',
      allowed_networks: ['203.0.113.0/24', '127.0.0.1'],
      inactivity_timeout_minutes: 45,
    });
    // Any network again, for whatever runs next.
    await app.db.sql`UPDATE organizations SET allowed_networks = '{}' WHERE id = ${ids.orgId}`;
  }, 60_000);
});

describe('capacity', () => {
  it('sets and clears a team’s conversations per agent, as the server stores it', async () => {
    const page = await adminAt('/admin/teams');
    const edit = async (value: string) => {
      await page.getByRole('button', { name: en('admin.editNamed', { name: 'Sales' }) }).click();
      const form = page.getByRole('form', { name: en('admin.teams.editTitle', { name: 'Sales' }) });
      await form.getByLabel(en('admin.teams.maxPerAgent')).fill(value);
      await form.getByRole('button', { name: en('admin.save') }).click();
      await page
        .getByRole('status')
        .filter({ hasText: en('admin.savedNamed', { name: 'Sales' }) })
        .waitFor();
    };
    await edit('2');
    expect((await app.db.sql`SELECT max_per_agent FROM teams WHERE id = ${ids.teams.Sales}`)[0]!.max_per_agent).toBe(2);
    await page.getByRole('row').filter({ hasText: 'Sales' }).getByRole('cell', { name: '2', exact: true }).waitFor();
    await edit('');
    expect((await app.db.sql`SELECT max_per_agent FROM teams WHERE id = ${ids.teams.Sales}`)[0]!.max_per_agent).toBeNull();
    await page.getByRole('row').filter({ hasText: 'Sales' }).getByText(en('admin.teams.noLimit')).waitFor();
  });
});
