/**
 * Message search through a real browser: an agent opens Search from the rail, searches a word
 * typed without its accent, sees the hit with the word highlighted, and opening it lands on the
 * conversation at that message.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { useAppInBrowser } from '../test/helpers/browser-app.ts';
import { makeContact, makeConversation } from '../test/helpers/factories.ts';
import { en } from '../test/helpers/i18n.ts';

const env = useAppInBrowser();
let conversationId: string;
let messageId: string;

beforeAll(async () => {
  const { app, ids } = env;
  const [channel] = await app.db.sql`SELECT id FROM channels WHERE org_id = ${ids.orgId} AND kind = 'whatsapp' LIMIT 1`;
  const contactId = await makeContact(app.db.sql, ids.orgId, { name: 'Helena Prado' });
  conversationId = await makeConversation(app.db.sql, ids.orgId, {
    contactId,
    channelId: channel!.id as string,
    status: 'closed',
    teamId: ids.teams.Support,
    assigneeId: ids.users['ana@demo.test'],
  });
  await app.db.sql`UPDATE users SET history_access = 'own_teams' WHERE id = ${ids.users['ana@demo.test']!}`;
  const [m] = await app.db.sql`INSERT INTO messages (org_id, conversation_id, channel_id, direction, kind, text, status)
    VALUES (${ids.orgId}, ${conversationId}, ${channel!.id}, 'in', 'text', 'A televisão chegou com a tela quebrada', 'received')
    RETURNING id`;
  messageId = m!.id as string;
});

describe('search', () => {
  it('finds a message by a word typed without accents and opens its conversation at it', async () => {
    const page = await env.signedIn('ana@demo.test', '/');
    await page
      .getByRole('navigation', { name: en('shell.nav.label') })
      .getByRole('link', { name: en('search.nav') })
      .click();
    await page.getByRole('heading', { name: en('search.title') }).waitFor();
    await page.getByLabel(en('search.query.label')).fill('televisao quebrada');
    await page.getByRole('button', { name: en('search.submit') }).click();

    const hit = page.getByRole('link', {
      name: en('search.open', { what: en('search.kind.message').toLowerCase(), contact: 'Helena Prado' }),
    });
    await hit.waitFor();
    expect(await hit.locator('mark').allTextContents()).toEqual(['televisão', 'quebrada']);
    await hit.click();

    await page.waitForURL(`**/conversations/${conversationId}?message=${messageId}`);
    await page.getByRole('heading', { name: 'Helena Prado', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/conversations/${conversationId}`);
    await page.close();
  });
});
