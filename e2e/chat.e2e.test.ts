/**
 * SPEC §6–8 through real browsers: internal chat with unread counts (live), the colleague
 * thread of a conversation with "viewing", and chat written offline (a TCP proxy the test
 * controls cuts the connection: Playwright's setOffline does not cut WebSockets) that reaches
 * the colleague once after reconnecting.
 */
import net from 'node:net';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../test/helpers/app.ts';
import { signInWithForm } from '../test/helpers/browser.ts';
import { useAppInBrowser, type DemoIds } from '../test/helpers/browser-app.ts';
import { makeChannel, setOnline, waitingConversation } from '../test/helpers/conversations.ts';
import { waitFor } from '../test/helpers/orgs.ts';
import { en } from '../test/helpers/i18n.ts';

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const e2e = useAppInBrowser({ people: 'english' });
const { browser } = e2e;
/** Two browsers on a shared 2-core machine: generous, never a measure of speed. */
const TEST_MS = 120_000;
/** Waits for a value to come right (expect.poll gives up after 1 s by default). */
const eventually = <T>(fn: () => Promise<T> | T) => expect.poll(fn, { timeout: 20_000, interval: 100 });

let app: TestApp;
let ids: DemoIds;
const names: Record<string, string> = {};

beforeAll(async () => {
  ({ app, ids } = e2e);
  for (const r of await app.db.sql<{ email: string; name: string }[]>`SELECT email, name FROM users`) names[r.email] = r.name;
});

/** A TCP forwarder to the app that the test can cut (every connection dropped, new ones refused) and restore. */
class CuttableProxy {
  private server = net.createServer((client) => this.accept(client));
  private sockets = new Set<net.Socket>();
  private cutOff = false;
  port = 0;

  constructor(private target: { host: string; port: number }) {}

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as net.AddressInfo).port;
    return `http://127.0.0.1:${this.port}`;
  }

  private accept(client: net.Socket): void {
    if (this.cutOff) {
      client.destroy();
      return;
    }
    const upstream = net.connect(this.target.port, this.target.host);
    this.sockets.add(client);
    this.sockets.add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      this.sockets.delete(client);
      this.sockets.delete(upstream);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream);
    upstream.pipe(client);
  }

  cut(): void {
    this.cutOff = true;
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
  }

  restore(): void {
    this.cutOff = false;
  }

  async stop(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

const signIn = (page: Page, baseUrl: string, email: string) => signInWithForm(page, baseUrl, email);

async function agentPage(email: string, baseUrl = app.url, path = '/agents'): Promise<Page> {
  const page = await browser.newPage();
  page.setDefaultTimeout(20_000);
  if (process.env.CHAT_E2E_DEBUG) page.on('console', (m) => console.log(`[${email}] ${m.type()}: ${m.text()}`));
  await signIn(page, baseUrl, email);
  await page.goto(`${baseUrl}${path}`);
  return page;
}

const chatLink = (page: Page, who: string) =>
  page.getByRole('list', { name: en('chat.chatsLabel') }).getByRole('link', { name: new RegExp(`^${esc(who)}`) });
const messages = (page: Page) => page.getByRole('list', { name: en('chat.messagesLabel') });

/** Opens (or reopens) the direct chat with `other` from the agents list. */
async function openChatWith(page: Page, other: string): Promise<string> {
  await page.getByRole('button', { name: en('chat.startChatWith', { name: other }) }).click();
  await page.waitForURL(/\/chat\/[0-9a-f-]{36}$/);
  return new URL(page.url()).pathname.split('/').pop()!;
}

/** The colleague thread is shown and its document connected (no "Connecting…" line). */
async function threadReady(page: Page): Promise<void> {
  await page.getByRole('region', { name: en('chat.threadHeading') }).waitFor();
  await page.getByText(en('chat.connecting')).waitFor({ state: 'detached' });
}

async function write(page: Page, label: string, text: string): Promise<void> {
  const box = page.getByRole('textbox', { name: label });
  await box.fill(text);
  await box.press('Enter');
  await eventually(() => box.inputValue()).toBe('');
}

describe('internal chat (SPEC §7)', () => {
  it(
    'Ana writes to Bruno; Bruno sees the unread count live, reads it (count back to zero) and answers; Ana sees it live',
    async () => {
      const [ana, bruno] = ['ana@demo.test', 'bruno@demo.test'];
      await setOnline(app.db.sql, [ana, bruno]);
      const anaPage = await agentPage(ana);
      const brunoPage = await agentPage(bruno);

      // The agents list: the server's status, and "connected" from awareness (Bruno's tab is open).
      const brunoRow = anaPage.getByRole('listitem', { name: names[bruno], exact: true });
      await eventually(() => brunoRow.getByRole('img', { name: en('chat.connected') }).count()).toBe(1);
      await eventually(() => brunoRow.innerText()).toContain(en('status.online'));
      expect(await brunoRow.innerText()).toContain(en('chat.teamsOf', { teams: 'Support' }));

      const roomId = await openChatWith(anaPage, names[bruno]!);
      await write(anaPage, en('chat.messageInput'), 'Bruno, can you take the Acme customer?');
      await messages(anaPage).getByText('Bruno, can you take the Acme customer?').waitFor();

      // Bruno, on the agents page, sees the new room with one unread message, live.
      const link = chatLink(brunoPage, names[ana]!);
      await eventually(() => link.getAttribute('aria-label')).toBe(`${names[ana]} · ${en('chat.unreadCount', { count: 1 })}`);
      const brunoClient = await app.login(bruno);
      expect((await brunoClient.chat.list.query()).find((r) => r.roomId === roomId)!.unread).toBe(1);

      await link.click();
      await messages(brunoPage).getByText('Bruno, can you take the Acme customer?').waitFor();
      await eventually(() => link.getAttribute('aria-label')).toBe(names[ana]);
      await waitFor(async () => (await brunoClient.chat.list.query()).find((r) => r.roomId === roomId)?.unread === 0, 'read on the server');

      await write(brunoPage, en('chat.messageInput'), 'Sure, on it.');
      await messages(anaPage).getByText('Sure, on it.').waitFor();
      // Written by Bruno, named by the server's record.
      await eventually(() =>
        messages(anaPage)
          .getByRole('listitem', { name: `${names[bruno]}: Sure, on it.` })
          .count(),
      ).toBe(1);
    },
    TEST_MS,
  );

  it(
    'shows the server’s sentence when a chat cannot start (colleague offline)',
    async () => {
      await app.db.sql`UPDATE users SET status = 'offline' WHERE email = 'carla@demo.test'`;
      const page = await agentPage('ana@demo.test');
      await page.getByRole('button', { name: en('chat.startChatWith', { name: names['carla@demo.test']! }) }).click();
      await eventually(() => page.getByRole('alert').innerText()).toBe(en('chat.offline', { name: names['carla@demo.test']! }));
    },
    TEST_MS,
  );

  it(
    'a member adds a colleague to a group, who sees it live; the colleague leaves it again',
    async () => {
      const [ana, bruno, carla] = ['ana@demo.test', 'bruno@demo.test', 'carla@demo.test'];
      await setOnline(app.db.sql, [ana, bruno, carla]);
      const anaClient = await app.login(ana);
      const group = await anaClient.chat.open.mutate({ userIds: [ids.users[bruno]!, ids.users[carla]!] });
      await (await app.login(carla)).chat.leave.mutate({ roomId: group.roomId });
      const anaPage = await agentPage(ana, app.url, `/chat/${group.roomId}`);
      const carlaPage = await agentPage(carla);
      const head = anaPage.locator('.chat-room-members');
      await head.getByText(names[bruno]!).waitFor();
      expect(await head.getByText(names[carla]!).count()).toBe(0);

      await anaPage.getByRole('button', { name: en('chat.addPeople') }).click();
      const dialog = anaPage.getByRole('dialog', { name: en('chat.addPeopleTitle') });
      await dialog.getByRole('checkbox', { name: en('chat.addOption', { name: names[carla]!, status: en('status.online') }) }).check();
      await dialog.getByRole('button', { name: en('chat.addChosen', { count: 1 }) }).click();
      await dialog.waitFor({ state: 'detached' });
      await head.getByText(names[carla]!).waitFor();
      // Carla's list shows the group live, and she reads what was there before her.
      const link = carlaPage.getByRole('list', { name: en('chat.chatsLabel') }).getByRole('link', { name: /^Group: / });
      await link.waitFor();
      await write(anaPage, en('chat.messageInput'), 'Welcome, Carla');
      await link.click();
      await messages(carlaPage).getByText('Welcome, Carla').waitFor();

      await carlaPage.getByRole('button', { name: en('chat.leaveGroup') }).click();
      await carlaPage
        .getByRole('dialog', { name: en('chat.leaveTitle') })
        .getByRole('button', { name: en('chat.leaveGroup') })
        .click();
      await carlaPage.waitForURL(/\/agents$/);
      await eventually(() => link.count()).toBe(0);
      await eventually(() => head.getByText(names[carla]!).count()).toBe(0);
    },
    TEST_MS,
  );

  it(
    'a message written offline reaches the colleague after reconnecting, once',
    async () => {
      const [ana, bruno] = ['ana@demo.test', 'bruno@demo.test'];
      await setOnline(app.db.sql, [ana, bruno]);
      const target = new URL(app.url);
      const proxy = new CuttableProxy({ host: target.hostname, port: Number(target.port) });
      const viaProxy = await proxy.start();
      try {
        const anaPage = await agentPage(ana, viaProxy);
        const roomId = await openChatWith(anaPage, names[bruno]!);
        const brunoPage = await agentPage(bruno, app.url, `/chat/${roomId}`);
        await write(anaPage, en('chat.messageInput'), 'before the cut');
        await messages(brunoPage).getByText('before the cut').waitFor();

        proxy.cut();
        await anaPage.getByText(en('chat.offlineNote')).waitFor();
        await write(anaPage, en('chat.messageInput'), 'written while offline');
        await messages(anaPage).getByText('written while offline').waitFor();
        expect(await messages(brunoPage).getByText('written while offline').count()).toBe(0);

        proxy.restore();
        await messages(brunoPage).getByText('written while offline').waitFor({ timeout: 30_000 });
        await anaPage.getByText(en('chat.offlineNote')).waitFor({ state: 'detached', timeout: 30_000 });
        // Once: in Bruno's tab, in a fresh tab, and in what the server stored.
        expect(await messages(brunoPage).getByText('written while offline').count()).toBe(1);
        const fresh = await agentPage(bruno, app.url, `/chat/${roomId}`);
        await messages(fresh).getByText('written while offline').waitFor();
        expect(await messages(fresh).getByText('written while offline').count()).toBe(1);
        expect(await messages(fresh).getByText('before the cut').count()).toBe(1);
      } finally {
        await proxy.stop();
      }
    },
    TEST_MS,
  );
});

describe('colleague thread and "viewing" on a conversation (SPEC §6)', () => {
  it(
    'Ana writes in the thread; Bruno, peeking, reads it without a composer; Ana sees that Bruno is viewing',
    async () => {
      const [ana, bruno] = ['ana@demo.test', 'bruno@demo.test'];
      await setOnline(app.db.sql, [ana, bruno]);
      const channel = await makeChannel(app.db.sql, ids);
      const conversation = await waitingConversation(app, channel, '5511988887777');
      const anaClient = await app.login(ana);
      await anaClient.conversations.claim.mutate({ conversationId: conversation!.id });

      const anaPage = await agentPage(ana, app.url, `/conversations/${conversation!.id}`);
      await anaPage.getByRole('tab', { name: en('conversation.tabColleagues') }).click();
      await threadReady(anaPage);
      await write(anaPage, en('chat.threadInput'), 'Careful: this customer was charged twice.');
      await messages(anaPage).getByText('Careful: this customer was charged twice.').waitFor();

      const brunoPage = await agentPage(bruno, app.url, `/conversations/${conversation!.id}`);
      await brunoPage.getByRole('tab', { name: en('conversation.tabColleagues') }).click();
      await messages(brunoPage).getByText('Careful: this customer was charged twice.').waitFor();
      await brunoPage.getByText(en('chat.threadReadOnly')).waitFor();
      expect(await brunoPage.getByRole('textbox', { name: en('chat.threadInput') }).count()).toBe(0);

      // Ana sees Bruno viewing the conversation (awareness, never stored).
      await anaPage
        .getByText(new RegExp(`${esc(names[bruno]!)}.*viewing`))
        .first()
        .waitFor();
      // Never sent to the customer: no outbound message carries the thread's text.
      const sent = await app.db.sql`SELECT 1 FROM messages WHERE conversation_id = ${conversation!.id} AND text LIKE '%charged twice%'`;
      expect(sent.length).toBe(0);
    },
    TEST_MS,
  );
});
