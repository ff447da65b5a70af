import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/helpers/app.ts';
import { makeContact, makeConversation } from '../../test/helpers/factories.ts';
import { demoIds } from '../../test/helpers/orgs.ts';
import { mayView, type ConversationFacts, type Viewer } from '../domain/conversation-access.ts';

/**
 * The SQL of search (db/queries/search.ts) against the rule it mirrors (`mayView`, with the
 * facts `factsOf` reads): every kind of conversation, searched by every kind of viewer.
 */
let app: TestApp;
let ids: Awaited<ReturnType<typeof demoIds>>;
const facts = new Map<string, ConversationFacts>();

beforeAll(async () => {
  app = await startTestApp();
  ids = await demoIds(app.db.sql);
  const sql = app.db.sql;
  const [channel] = await sql`SELECT id FROM channels WHERE org_id = ${ids.orgId} LIMIT 1`;
  const ana = ids.users['ana@demo.test'];
  const carla = ids.users['carla@demo.test'];
  for (const status of ['bot', 'waiting', 'active', 'closed'] as const) {
    for (const teamId of [ids.teams.Support, ids.teams.Sales, null]) {
      for (const who of ['ana', 'carla', 'target', 'participant', 'nobody'] as const) {
        if (status === 'active' && (who === 'nobody' || who === 'target' || who === 'participant')) continue;
        const assigneeId = status === 'active' ? (who === 'ana' ? ana : carla) : status === 'closed' && who !== 'nobody' ? carla : null;
        const id = await makeConversation(sql, ids.orgId, {
          contactId: await makeContact(sql, ids.orgId),
          channelId: channel!.id as string,
          status,
          teamId,
          assigneeId,
        });
        // An invitation left on a closed conversation counts for nothing (factsOf reads none).
        if (who === 'target') await sql`UPDATE conversations SET target_user_id = ${ana} WHERE id = ${id}`;
        if (who === 'participant')
          await sql`INSERT INTO conversation_participants (org_id, conversation_id, user_id) VALUES (${ids.orgId}, ${id}, ${ana})`;
        await sql`INSERT INTO messages (org_id, conversation_id, channel_id, direction, kind, text, status)
          VALUES (${ids.orgId}, ${id}, ${channel!.id}, 'in', 'text', 'mirrorword', 'received')`;
        facts.set(id, {
          status,
          teamId,
          assigneeId: status === 'active' ? assigneeId : null,
          targetUserId: who === 'target' ? ana : null,
          participantIds: who === 'participant' && status !== 'closed' ? [ana] : [],
        });
      }
    }
  }
});
afterAll(() => app?.stop());

it('finds exactly the conversations mayView lets each viewer see', async () => {
  expect(facts.size).toBeGreaterThan(40);
  const sizes = new Set<number>();
  for (const email of ['ana@demo.test', 'admin@demo.test'] as const) {
    for (const historyAccess of ['none', 'own_teams', 'all'] as const) {
      await app.db.sql`UPDATE users SET history_access = ${historyAccess} WHERE id = ${ids.users[email]!}`;
      const client = await app.login(email);
      const me = await client.auth.me.query();
      const viewer: Viewer = { id: me.user.id, role: me.user.role as Viewer['role'], teamIds: me.teams.map((t) => t.id), historyAccess };
      const found = (await client.search.messages.query({ query: 'mirrorword', limit: 100 })).map((h) => h.conversationId).sort();
      const expected = [...facts]
        .filter(([, f]) => mayView(f, viewer))
        .map(([id]) => id)
        .sort();
      expect([email, historyAccess, found]).toEqual([email, historyAccess, expected]);
      sizes.add(found.length);
    }
  }
  // The viewers really differ (an agent by history permission; an admin sees everything).
  expect(sizes.size).toBe(4);
});
