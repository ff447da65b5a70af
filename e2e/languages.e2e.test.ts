/**
 * Issue 7 item 4, one run per language: the login page follows the browser's language; once
 * signed in, the workspace's main screens (Waiting, a conversation, Contacts, Agents, Profile)
 * read in the person's language, with dates, times and durations formatted for that locale
 * and in the person's time zone.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LANGUAGES, translate, type Language, type MessageKey } from '../i18n/index.ts';
import { startTestApp, type TestApp } from '../test/helpers/app.ts';
import { useBrowser } from '../test/helpers/browser.ts';
import { ensureClientBuilt } from '../test/helpers/client-build.ts';
import { inbound, makeChannel } from '../test/helpers/conversations.ts';
import { demoIds, latestMail, waitFor } from '../test/helpers/orgs.ts';

/** Per language: the browser locale that picks it, and a time zone for the person. */
const RUNS: Record<Language, { locale: string; timeZone: string; clock: RegExp }> = {
  // The customer wrote at 2026-03-05 15:07 UTC: 12:07 in São Paulo, 10:07 AM in New York, 9:07 in Mexico City.
  'pt-BR': { locale: 'pt-BR', timeZone: 'America/Sao_Paulo', clock: /\b12:07\b/ },
  en: { locale: 'en-US', timeZone: 'America/New_York', clock: /\b10:07\sAM\b/ },
  es: { locale: 'es-MX', timeZone: 'America/Mexico_City', clock: /(^|\D)9:07\b/ },
};
const WROTE_AT = new Date('2026-03-05T15:07:00Z');
const PAUSE_ENDS = new Date('2099-03-05T15:07:00Z');
const CONTACT = 'Lucía Pérez';

const browser = useBrowser();
let app: TestApp;
let conversationId: string;

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

beforeAll(async () => {
  await ensureClientBuilt();
  app = await startTestApp();
  const ids = await demoIds(app.db.sql);
  const channel = await makeChannel(app.db.sql, ids);
  // A customer who wrote on another day and chose Support: waiting in Ana's queue.
  await inbound(app, channel, { from: '5215512345678', text: 'Hola', name: CONTACT, at: WROTE_AT });
  const r = await inbound(app, channel, { from: '5215512345678', text: '1', name: CONTACT, at: WROTE_AT });
  conversationId = r.conversation!.id;
  // Bruno is on a break until 15:07 UTC (on a day far ahead): the Agents screen shows its end.
  await app.db.sql`UPDATE users SET status = 'paused' WHERE email = 'bruno@demo.test'`;
  await app.db.sql`INSERT INTO agent_pauses (org_id, user_id, pause_type_id, ends_by)
    SELECT u.org_id, u.id, p.id, ${PAUSE_ENDS} FROM users u JOIN pause_types p ON p.org_id = u.org_id AND p.name = 'Break'
    WHERE u.email = 'bruno@demo.test'`;
}, 120_000);
afterAll(() => app?.stop());

async function signIn(page: Page, lang: Language): Promise<void> {
  const tr = (key: MessageKey) => translate(lang, key);
  await page.goto(`${app.url}/login`);
  // Before signing in, the page speaks the browser's language.
  await page.getByRole('heading', { name: tr('login.title') }).waitFor();
  expect(await page.locator('html').getAttribute('lang')).toBe(lang);
  await page.getByLabel(tr('login.email')).fill('ana@demo.test');
  await page.getByLabel(tr('login.password')).fill('atende-demo');
  await page.getByRole('button', { name: tr('login.submit') }).click();
  await page.waitForURL(`${app.url}/`);
}

describe('one run per language', () => {
  for (const lang of LANGUAGES) {
    it(`shows the workspace in ${lang}, with dates and durations of that locale and the person's time zone`, async () => {
      const run = RUNS[lang];
      const tr = (key: MessageKey, params?: Record<string, string | number>) => translate(lang, key, params);
      await app.db.sql`UPDATE users SET language = ${lang}, time_zone = ${run.timeZone} WHERE email = 'ana@demo.test'`;
      const page = await browser.newPage({ locale: run.locale });
      await signIn(page, lang);

      const rail = page.getByRole('navigation', { name: tr('shell.nav.label'), exact: true });
      const railLink = (key: MessageKey) => rail.getByRole('link', { name: tr(key), exact: true });

      // Waiting: the list, the row's actions and how long the customer has waited ("12 s", "3 min"…).
      const list = page.getByRole('list', { name: tr('queue.waitingList') });
      const row = list.getByRole('listitem', { name: CONTACT });
      await row.getByRole('button', { name: tr('queue.claim'), exact: true }).waitFor();
      await row.getByRole('link', { name: tr('queue.peek'), exact: true }).waitFor();
      // Durations are the browser's unit formatting in the person's language (lib/format.ts formatDurationIn).
      const units = await page.evaluate(
        (l) =>
          (['second', 'minute'] as const).map((unit) => new Intl.NumberFormat(l, { style: 'unit', unit, unitDisplay: 'short' }).format(7)),
        lang,
      );
      const waited = new RegExp(
        `^${escapeRegExp(tr('queue.waitingFor'))}\\s*(${units.map((u) => escapeRegExp(u).replace('7', '\\d+')).join('|')})$`,
      );
      expect((await row.getByTitle(tr('queue.waitingSince')).innerText()).trim()).toMatch(waited);
      expect(await page.title()).toBe(`${tr('queue.title')} · ${tr('app.name')}`);

      // A conversation: peeked from the queue; the customer's message shows date and time in the
      // person's zone and locale (another day, so the date is shown too).
      await row.getByRole('link', { name: tr('queue.peek'), exact: true }).click();
      await page.waitForURL(`${app.url}/conversations/${conversationId}`);
      const log = page.getByRole('log', { name: tr('conversation.messages') });
      const message = log.getByRole('article', { name: tr('conversation.fromContact') }).filter({ hasText: 'Hola' });
      const time = message.locator('time');
      await time.waitFor();
      const shown = (await time.innerText()).trim();
      const expected = await page.evaluate(
        ([at, l, zone]) => new Intl.DateTimeFormat(l, { dateStyle: 'short', timeStyle: 'short', timeZone: zone }).format(new Date(at)),
        [WROTE_AT.toISOString(), lang, run.timeZone] as const,
      );
      expect(shown).toBe(expected);
      expect(shown).toMatch(run.clock);
      expect(shown).toMatch(lang === 'en' ? /^3\/5\/26\b/ : /(^|\D)0?5\/0?3\/(20)?26\b/);
      await page.getByText(tr('conversation.why.waiting')).waitFor();
      await page.getByRole('button', { name: tr('conversation.claim'), exact: true }).waitFor();

      // Contacts.
      await railLink('shell.nav.contacts').click();
      await page.getByRole('heading', { level: 1, name: tr('contacts.title') }).waitFor();
      await page.getByLabel(tr('contacts.search.label')).waitFor();
      await page.getByText(tr('contacts.detail.empty')).waitFor();

      // Agents.
      await railLink('shell.nav.agents').click();
      await page.getByRole('heading', { name: tr('chat.agentsHeading'), exact: true }).waitFor();
      await page.getByRole('list', { name: tr('chat.agentsLabel') }).waitFor();
      await page.getByRole('searchbox', { name: tr('chat.searchAgents') }).waitFor();
      const pauseEnd = await page.evaluate(
        ([at, l, zone]) => new Intl.DateTimeFormat(l, { timeStyle: 'short', timeZone: zone }).format(new Date(at)),
        [PAUSE_ENDS.toISOString(), lang, run.timeZone] as const,
      );
      expect(pauseEnd).toMatch(run.clock);
      const pause = page.locator('.agent-pause').filter({ hasText: 'Break' });
      await expect.poll(() => pause.innerText()).toContain(tr('chat.pauseEndsBy', { time: pauseEnd }));
      expect(await pause.innerText()).toContain(tr('chat.pausedAs', { pause: 'Break' }));

      // Profile: the language menu offers every language, each in its own name, this one chosen.
      await page.goto(`${app.url}/profile`);
      await page.getByRole('heading', { level: 1, name: tr('shell.profile.title') }).waitFor();
      const select = page.getByLabel(tr('shell.profile.language'));
      await expect.poll(() => select.inputValue()).toBe(lang);
      const options = await select.locator('option').allInnerTexts();
      expect(options).toEqual(LANGUAGES.map((l) => translate(l, `shell.language.${l}`)));
      expect(await page.getByLabel(tr('shell.profile.timeZone')).inputValue()).toBe(run.timeZone);
      await page.getByRole('heading', { name: tr('shell.password.title') }).waitFor();
      expect(await page.locator('html').getAttribute('lang')).toBe(lang);
    });
  }

  it("follows the browser's language before sign-in and the person's after", async () => {
    await app.db.sql`UPDATE users SET language = 'en', time_zone = NULL WHERE email = 'ana@demo.test'`;
    const page = await browser.newPage({ locale: 'es-AR' });
    await signIn(page, 'es');
    // Signed in: Ana's own language (English), whatever the browser says.
    await page.getByRole('list', { name: translate('en', 'queue.waitingList') }).waitFor();
    await page.getByRole('navigation', { name: translate('en', 'shell.nav.label'), exact: true }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('en');

    // An unknown browser language falls back to Portuguese (the product's default).
    const other = await browser.newPage({ locale: 'de-DE' });
    await other.goto(`${app.url}/login`);
    await other.getByRole('heading', { name: translate('pt-BR', 'login.title') }).waitFor();
    await other.getByRole('link', { name: translate('pt-BR', 'login.forgot') }).waitFor();
  });

  it("writes the invitation and the password-reset e-mails in the person's language", async () => {
    const [org] = await app.db.sql<
      { name: string }[]
    >`SELECT o.name FROM organizations o JOIN users u ON u.org_id = o.id WHERE u.email = 'ana@demo.test'`;
    const admin = await app.login('admin@demo.test');
    await admin.admin.users.invite.mutate({ email: 'lucia@demo.test', name: 'Lucía Gómez', language: 'es' });
    const invite = await waitFor(() => latestMail(app.db.sql, 'lucia@demo.test'), 'the invitation');
    expect(invite.subject).toBe(translate('es', 'mail.invite.subject', { org: org!.name }));
    expect(invite.text).toContain(`Hola, Lucía Gómez:\n\n${org!.name} te invitó a Atende.`);
    expect(invite.token).toBeTruthy();

    // A reset asked from the forgot-password page (in Spanish) arrives in Ana's language.
    await app.db.sql`UPDATE users SET language = 'es' WHERE email = 'ana@demo.test'`;
    const page = await browser.newPage({ locale: 'es-CO' });
    await page.goto(`${app.url}/forgot`);
    await page.getByRole('heading', { name: translate('es', 'forgot.title') }).waitFor();
    await page.getByLabel(translate('es', 'login.email')).fill('ana@demo.test');
    await page.getByRole('button', { name: translate('es', 'forgot.submit') }).click();
    await page.getByText(translate('es', 'auth.resetRequested')).waitFor();
    const reset = await waitFor(async () => {
      const m = await latestMail(app.db.sql, 'ana@demo.test');
      return m?.kind === 'reset' ? m : null;
    }, 'the reset e-mail');
    expect(reset.subject).toBe(translate('es', 'mail.reset.subject'));
    expect(reset.text).toContain('Hola, Ana Souza:');
    expect(reset.text).toContain('ignora este correo');
  });

  it("shows the customer web chat in the visitor's browser language", async () => {
    const ids = await demoIds(app.db.sql);
    await app.db.sql`UPDATE users SET status = 'online', connected = true WHERE email = 'ana@demo.test'`;
    const webchat = await makeChannel(app.db.sql, ids, 'webchat');
    for (const lang of LANGUAGES) {
      const page = await browser.newPage({ locale: RUNS[lang].locale });
      await page.goto(`${app.url}/widget?channel=${webchat.id}`);
      const tr = (key: MessageKey) => translate(lang, key);
      await page.getByRole('textbox', { name: tr('widget.message'), exact: true }).fill(lang === 'es' ? 'Hola, necesito ayuda' : 'Hello');
      await page.getByLabel(tr('widget.name')).waitFor();
      await page.getByRole('button', { name: tr('widget.send') }).click();
      await page.getByRole('log', { name: tr('widget.messages') }).waitFor();
      await page
        .getByRole('group', { name: tr('widget.options') })
        .getByRole('button', { name: 'Support' })
        .waitFor();
      await page.getByRole('button', { name: tr('widget.attach') }).waitFor();
    }
  });
});
