/**
 * Issue 12, items 2 and 8, through a real browser: automatic routing's offers on the agent's
 * screens. Team Support routes automatically; Ana and Bruno are online and connected (the
 * others offline), and Ana is the one idle longest, so each new conversation is offered to her:
 * (a) offer → accept: Ana's Waiting shows it on top, "Assigned to you" with a ticking countdown;
 *     Bruno sees "Offered to Ana Souza" with no Claim (the server refuses his claim anyway);
 *     Accept opens the conversation, in service;
 * (b) decline → next agent: Ana declines, the row leaves her offers and Bruno's browser gets it
 *     offered, and he accepts it;
 * (c) the conversation header: Ana peeking at her offer has Accept / Decline with the countdown
 *     there, Bruno's header says who it is offered to, and Ana accepts from the header.
 * Axe runs on the screens with offers.
 */
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Channel } from '../db/queries/channels.ts';
import { refusal, type TestApp, type TestClient } from '../test/helpers/app.ts';
import { seriousViolations } from '../test/helpers/axe.ts';
import { useAppInBrowser, type DemoIds } from '../test/helpers/browser-app.ts';
import { inbound, makeChannel } from '../test/helpers/conversations.ts';
import { en } from '../test/helpers/i18n.ts';

const e2e = useAppInBrowser();
const { signedIn } = e2e;

let app: TestApp;
let ids: DemoIds;
let channel: Channel;
const people: Record<'ana' | 'bruno', { id: string; client: TestClient }> = {} as never;

beforeAll(async () => {
  ({ app, ids } = e2e);
  channel = await makeChannel(app.db.sql, ids, 'webchat');
  const sql = app.db.sql;
  // Agents signed in by API (or whose test page closed) stay connected for the whole file.
  await sql`UPDATE organizations SET presence_grace_seconds = 3600 WHERE id = ${ids.orgId}`;
  // Long enough that no offer runs out while a test looks at it.
  await sql`UPDATE teams SET routing = 'auto', accept_timeout_seconds = 600 WHERE id = ${ids.teams.Support}`;
  for (const who of ['ana', 'bruno'] as const) {
    const client = await app.login(`${who}@demo.test`);
    const [row] = await sql`SELECT id FROM users WHERE email = ${`${who}@demo.test`}`;
    people[who] = { id: row!.id as string, client };
  }
  // Only Ana and Bruno can be offered anything.
  await sql`UPDATE users SET status = 'online', connected = true WHERE email IN ('ana@demo.test', 'bruno@demo.test')`;
  await sql`UPDATE users SET status = 'offline', connected = false WHERE email IN ('admin@demo.test', 'carla@demo.test')`;
});

/** The next conversation goes to Ana: nobody serves anything, and she is the one idle longest. */
async function anaFirst() {
  const sql = app.db.sql;
  const active = await sql`SELECT id, assignee_id FROM conversations WHERE org_id = ${ids.orgId} AND status = 'active'`;
  for (const c of active) {
    const who = c.assignee_id === people.ana.id ? people.ana : people.bruno;
    await who.client.conversations.finish.mutate({ conversationId: c.id as string });
  }
  const [left] =
    await sql`SELECT count(*)::int AS n FROM conversations WHERE org_id = ${ids.orgId} AND (status = 'active' OR offered_to IS NOT NULL)`;
  expect(left!.n).toBe(0);
  await sql`UPDATE users SET last_routed_at = CASE WHEN id = ${people.ana.id} THEN NULL ELSE now() END
    WHERE id IN (${people.ana.id}, ${people.bruno.id})`;
}

/** A customer who wrote and chose Support: it waits in the team's queue, and is offered. */
async function customerWrites(visitor: string, name: string): Promise<string> {
  await inbound(app, channel, { from: visitor, text: 'Olá, preciso de ajuda', name });
  return (await inbound(app, channel, { from: visitor, text: '1', name })).conversation.id;
}

const offeredTo = async (conversationId: string) =>
  ((await app.db.sql`SELECT offered_to FROM conversations WHERE id = ${conversationId}`)[0]?.offered_to as string | null) ?? null;

const waitingItem = (page: Page, contact: string) =>
  page.getByRole('list', { name: en('queue.waitingList') }).getByRole('listitem', { name: contact });
const countdown = (scope: ReturnType<Page['locator']>) => scope.getByRole('timer');
const header = (page: Page) => page.locator('header.cv-header');

describe('automatic routing on the agent screens', () => {
  it('(a) offers a new conversation to Ana, who accepts it; Bruno sees who it is offered to and cannot claim it', async () => {
    await anaFirst();
    const ana = await signedIn('ana@demo.test', '/');
    const bruno = await signedIn('bruno@demo.test', '/');
    await ana
      .getByRole('list', { name: en('queue.waitingList') })
      .or(ana.getByText(en('queue.emptyWaiting')))
      .waitFor();

    const id = await customerWrites('routing-visitor-a', 'Cliente Rota Um');
    await expect.poll(() => offeredTo(id)).toBe(people.ana.id);

    // Ana: on top of Waiting, assigned to her, with the seconds left ticking down.
    const row = waitingItem(ana, 'Cliente Rota Um');
    await row.getByText(en('queue.assignedToYou'), { exact: true }).waitFor();
    const first = await countdown(row).innerText();
    expect(first).toMatch(/\d+:\d{2}$/);
    await expect.poll(() => countdown(row).innerText()).not.toBe(first);
    await row.getByRole('button', { name: en('queue.decline'), exact: true }).waitFor();
    expect(await row.getByRole('button', { name: en('queue.claim') }).count()).toBe(0);
    expect(
      await ana
        .getByRole('list', { name: en('queue.waitingList') })
        .getByRole('listitem')
        .first()
        .getAttribute('aria-label'),
    ).toBe('Cliente Rota Um');
    expect(await seriousViolations(ana)).toEqual([]);

    // Bruno: offered to Ana, no Claim; the server refuses his claim with who has it.
    const theirs = waitingItem(bruno, 'Cliente Rota Um');
    await theirs.getByText(en('queue.offeredTo', { name: 'Ana Souza' }), { exact: true }).waitFor();
    expect(await theirs.getByRole('button', { name: en('queue.claim') }).count()).toBe(0);
    expect(await theirs.getByRole('button', { name: en('queue.accept') }).count()).toBe(0);
    const refused = await refusal(people.bruno.client.conversations.claim.mutate({ conversationId: id }));
    expect(refused).toMatchObject({ code: 'CONFLICT', message: en('conv.offeredToOther', { name: 'Ana Souza' }) });
    expect(await seriousViolations(bruno)).toEqual([]);

    // Ana accepts: the conversation opens, hers, in service; it leaves Bruno's Waiting.
    await row.getByRole('button', { name: en('queue.accept'), exact: true }).click();
    await ana.waitForURL(`${app.url}/conversations/${id}`);
    await header(ana).getByText(en('conversation.status.active'), { exact: true }).waitFor();
    const box = ana.getByRole('textbox', { name: en('conversation.message') });
    await expect.poll(() => box.isEnabled()).toBe(true);
    await theirs.waitFor({ state: 'detached' });
    const [c] = await app.db.sql`SELECT status, assignee_id, offered_to FROM conversations WHERE id = ${id}`;
    expect(c).toEqual({ status: 'active', assignee_id: people.ana.id, offered_to: null });
  });

  it('(b) Ana declines: the row leaves her offers and the next agent, Bruno, gets it offered', async () => {
    await anaFirst();
    const ana = await signedIn('ana@demo.test', '/');
    const bruno = await signedIn('bruno@demo.test', '/');
    const id = await customerWrites('routing-visitor-b', 'Cliente Rota Dois');
    await expect.poll(() => offeredTo(id)).toBe(people.ana.id);

    const row = waitingItem(ana, 'Cliente Rota Dois');
    await row.getByText(en('queue.assignedToYou'), { exact: true }).waitFor();
    await row.getByRole('button', { name: en('queue.decline'), exact: true }).click();

    // Offered to Bruno now: Ana's row says so (no Accept, no Claim), Bruno's has Accept.
    await expect.poll(() => offeredTo(id)).toBe(people.bruno.id);
    await row.getByText(en('queue.offeredTo', { name: 'Bruno Lima' }), { exact: true }).waitFor();
    expect(await row.getByText(en('queue.assignedToYou'), { exact: true }).count()).toBe(0);
    expect(await row.getByRole('button', { name: en('queue.accept') }).count()).toBe(0);
    expect(await row.getByRole('button', { name: en('queue.claim') }).count()).toBe(0);
    const theirs = waitingItem(bruno, 'Cliente Rota Dois');
    await theirs.getByText(en('queue.assignedToYou'), { exact: true }).waitFor();
    await expect.poll(() => countdown(theirs).innerText()).toMatch(/\d+:\d{2}$/);
    const offers = await app.db.sql`SELECT user_id, outcome FROM conversation_offers WHERE conversation_id = ${id} ORDER BY offered_at`;
    expect(offers.map((o) => ({ ...o }))).toEqual([
      { user_id: people.ana.id, outcome: 'declined' },
      { user_id: people.bruno.id, outcome: null },
    ]);

    // Bruno accepts it.
    await theirs.getByRole('button', { name: en('queue.accept'), exact: true }).click();
    await bruno.waitForURL(`${app.url}/conversations/${id}`);
    await header(bruno).getByText(en('conversation.status.active'), { exact: true }).waitFor();
    await row.waitFor({ state: 'detached' });
    const [c] = await app.db.sql`SELECT status, assignee_id FROM conversations WHERE id = ${id}`;
    expect(c).toEqual({ status: 'active', assignee_id: people.bruno.id });
  });

  it('(c) the conversation header: Accept / Decline with the countdown for Ana, who it is offered to for Bruno', async () => {
    await anaFirst();
    const id = await customerWrites('routing-visitor-c', 'Cliente Rota Três');
    await expect.poll(() => offeredTo(id)).toBe(people.ana.id);
    const ana = await signedIn('ana@demo.test', `/conversations/${id}`);
    const bruno = await signedIn('bruno@demo.test', `/conversations/${id}`);

    // Ana, peeking at her offer: the offer's line instead of Claim.
    await header(ana).getByText(en('queue.assignedToYou'), { exact: true }).waitFor();
    await expect.poll(() => countdown(header(ana)).innerText()).toMatch(/\d+:\d{2}$/);
    await header(ana)
      .getByRole('button', { name: en('queue.decline'), exact: true })
      .waitFor();
    expect(
      await header(ana)
        .getByRole('button', { name: en('conversation.claim') })
        .count(),
    ).toBe(0);
    expect(await seriousViolations(ana)).toEqual([]);

    // Bruno: who it is offered to, and no Claim.
    await header(bruno)
      .getByText(en('conversation.offeredTo', { name: 'Ana Souza' }), { exact: true })
      .waitFor();
    expect(
      await header(bruno)
        .getByRole('button', { name: en('conversation.claim') })
        .count(),
    ).toBe(0);
    expect(
      await header(bruno)
        .getByRole('button', { name: en('queue.accept') })
        .count(),
    ).toBe(0);
    expect(await seriousViolations(bruno)).toEqual([]);

    // Ana accepts from the header: hers, in service, and she can write.
    await header(ana)
      .getByRole('button', { name: en('queue.accept'), exact: true })
      .click();
    await header(ana).getByText(en('conversation.status.active'), { exact: true }).waitFor();
    const box = ana.getByRole('textbox', { name: en('conversation.message') });
    await expect.poll(() => box.isEnabled()).toBe(true);
    expect(await header(ana).getByText(en('queue.assignedToYou'), { exact: true }).count()).toBe(0);
    // Bruno's header follows: in service, served by Ana, no offer line.
    await header(bruno).getByText(en('conversation.status.active'), { exact: true }).waitFor();
    await header(bruno)
      .getByText(en('conversation.offeredTo', { name: 'Ana Souza' }), { exact: true })
      .waitFor({ state: 'detached' });
    const [c] = await app.db.sql`SELECT status, assignee_id FROM conversations WHERE id = ${id}`;
    expect(c).toEqual({ status: 'active', assignee_id: people.ana.id });
  });
});
