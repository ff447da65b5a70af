/**
 * Issue 15 (items 3 and 6) in a real browser: the History screen lists a closed conversation,
 * its protocol opens the transcript, the plain-text export downloads with the messages in it;
 * and the admin's audit log narrows to the action picked in its filter.
 */
import fs from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { seriousViolations } from '../test/helpers/axe.ts';
import { useAppInBrowser } from '../test/helpers/browser-app.ts';
import { makeChannel, waitingConversation } from '../test/helpers/conversations.ts';
import { en } from '../test/helpers/i18n.ts';

const ctx = useAppInBrowser();
let conversation: { id: string; protocol: string };
const MESSAGE = 'History e2e: ação concluída';

beforeAll(async () => {
  const channel = await makeChannel(ctx.app.db.sql, ctx.ids, 'webchat');
  const c = await waitingConversation(ctx.app, channel, 'visitor-history-e2e', '1');
  const ana = await ctx.app.login('ana@demo.test');
  await ana.conversations.claim.mutate({ conversationId: c.id });
  await ana.conversations.send.mutate({ conversationId: c.id, text: MESSAGE, clientMessageId: 'history-e2e-1' });
  await ana.conversations.finish.mutate({ conversationId: c.id });
  conversation = { id: c.id, protocol: c.protocol };
});

describe('history and transcripts', () => {
  it('opens a past conversation from the list and downloads its transcript as text', async () => {
    const page = await ctx.signedIn('ana@demo.test', '/history');
    await page.getByRole('link', { name: conversation.protocol }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByRole('link', { name: conversation.protocol }).click();
    await page.waitForURL(`**/history/${conversation.id}`);
    await page.getByRole('heading', { name: en('transcripts.heading', { protocol: conversation.protocol }) }).waitFor();
    await page.getByText(MESSAGE).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: en('transcripts.exportText') }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/\.txt$/);
    const text = fs.readFileSync((await download.path())!, 'utf8');
    expect(text).toContain(MESSAGE);
    expect(text).toContain(en('transcripts.exportTitle', { protocol: conversation.protocol }));
  });

  it('opens the transcript from its protocol number', async () => {
    const page = await ctx.signedIn('ana@demo.test', `/history?protocol=${encodeURIComponent(conversation.protocol)}`);
    await page.waitForURL(`**/history/${conversation.id}`);
    await page.getByText(MESSAGE).waitFor();
  });
});

describe('audit log', () => {
  it('narrows the rows to the action picked', async () => {
    const page = await ctx.signedIn('admin@demo.test', '/admin/audit');
    const rows = page.locator('.adm-table tbody tr');
    const claimed = en('admin.audit.action.conversation_claimed');
    // Sign-ins and the claim, at first.
    await expect.poll(() => rows.filter({ hasNotText: claimed }).count()).toBeGreaterThan(0);
    await page.getByLabel(en('transcripts.audit.action')).selectOption({ label: claimed });
    await page.getByRole('button', { name: en('transcripts.filter.apply') }).click();
    await expect.poll(() => rows.filter({ hasNotText: claimed }).count()).toBe(0);
    expect(await rows.filter({ hasText: claimed }).count()).toBe(1);
  });
});
