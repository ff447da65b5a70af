import { afterAll, beforeAll } from 'vitest';
import type { Channel } from '../../../db/queries/channels.ts';
import { startTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { makeChannel, makeTemplate } from '../../../test/helpers/conversations.ts';
import { demoIds } from '../../../test/helpers/orgs.ts';

/**
 * What the conversation use cases' .pg test files share: each starts its own app (on a
 * database of its own) through `useConversationsApp()`, with a WhatsApp channel and its
 * template and a web chat channel, the demo's people reading English.
 */

export let app: TestApp;
export let ids: Awaited<ReturnType<typeof demoIds>>;
export let wa: Channel;
export let web: Channel;
/** An approved template of `wa` with two parameters. */
export let template: string;
export const EN = { 'accept-language': 'en' };

/** Registers the file's hooks: the app started in beforeAll, stopped in afterAll. */
export function useConversationsApp(): void {
  beforeAll(async () => {
    app = await startTestApp();
    ids = await demoIds(app.db.sql);
    wa = await makeChannel(app.db.sql, ids, 'whatsapp');
    web = await makeChannel(app.db.sql, ids, 'webchat');
    template = await makeTemplate(app.db.sql, ids.orgId, wa.id);
    // Errors come in the signed-in user's language.
    await app.db.sql`UPDATE users SET language = 'en'`;
  });
  afterAll(() => app?.stop());
}

/** The bot's messages of a conversation, oldest first. */
export const botMessages = (conversationId: string) =>
  app.db.sql`SELECT text FROM messages WHERE conversation_id = ${conversationId} AND is_bot ORDER BY created_at`.then((r) =>
    r.map((x) => x.text as string),
  );
