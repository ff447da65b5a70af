import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, type TestClient } from '../../test/helpers/app.ts';
import { makeContact, makeConversation } from '../../test/helpers/factories.ts';
import { demoIds } from '../../test/helpers/orgs.ts';
import { WALK_ROWS } from '../../db/queries/search-windows.ts';

// search.messages reads the newest matches by walking the newest messages, then in widening
// time windows (db/queries/search-windows.ts): what it finds and in which order must depend
// neither on where the windows fall nor on which step found it. Each case runs twice: on a
// short history (the walk answers) and behind more than a walk of newer messages (the windows).
let app: TestApp;
let ids: Awaited<ReturnType<typeof demoIds>>;
let admin: TestClient;
let ana: TestClient;
let channelId: string;
/** Closed, Support (Ana's team). */
let support: string;
/** Closed, Sales (not Ana's team). */
let sales: string;

const DAY = 86_400_000;
const ago = (days: number) => new Date(Date.now() - days * DAY);
const plain = (s: string) => s.replaceAll('\u0002', '').replaceAll('\u0003', '');

async function message(conversationId: string, text: string, at: Date) {
  await app.db.sql`INSERT INTO messages (org_id, conversation_id, channel_id, direction, kind, text, status, created_at)
    VALUES (${ids.orgId}, ${conversationId}, ${channelId}, 'in', 'text', ${text}, 'received', ${at})`;
}

const setUp = (behindWalk: boolean) => async () => {
  app = await startTestApp();
  ids = await demoIds(app.db.sql);
  admin = await app.login('admin@demo.test');
  ana = await app.login('ana@demo.test');
  await app.db.sql`UPDATE users SET history_access = 'own_teams' WHERE id = ${ids.users['ana@demo.test']!}`;
  const [channel] = await app.db.sql`SELECT id FROM channels WHERE org_id = ${ids.orgId} AND name = 'WhatsApp'`;
  channelId = channel!.id as string;
  const contactId = await makeContact(app.db.sql, ids.orgId, { name: 'Rita Alves' });
  support = await makeConversation(app.db.sql, ids.orgId, { contactId, channelId, status: 'closed', teamId: ids.teams.Support });
  sales = await makeConversation(app.db.sql, ids.orgId, { contactId, channelId, status: 'closed', teamId: ids.teams.Sales });
  if (behindWalk) {
    // Newer than anything the cases write (seconds ago), matching none of their words.
    const other = await makeConversation(app.db.sql, ids.orgId, { contactId, channelId, status: 'closed', teamId: ids.teams.Support });
    await app.db.sql`INSERT INTO messages (org_id, conversation_id, channel_id, direction, kind, text, status, created_at)
      SELECT ${ids.orgId}, ${other}, ${channelId}, 'in', 'text', 'Bom dia, tudo certo ' || k, 'received', now() - k * interval '10 milliseconds'
      FROM generate_series(1, ${WALK_ROWS + 50}::int) k`;
  }
};

const cases = () => {
  it('finds a hit older than the first windows, and one from before the last year', async () => {
    await message(support, 'Pedido xilofone extraviado', ago(40));
    await message(support, 'Pedido trombone extraviado', ago(800));
    expect((await admin.search.messages.query({ query: 'xilofone' })).map((h) => plain(h.snippet))).toEqual(['Pedido xilofone extraviado']);
    expect((await admin.search.messages.query({ query: 'trombone' })).map((h) => plain(h.snippet))).toEqual(['Pedido trombone extraviado']);
  });

  it('finds messages stored before messages kept their search vector (as after an upgrade)', async () => {
    await message(support, 'Chegou o oboé quebrado', ago(0.001));
    await app.db.sql`UPDATE messages SET search_vector = NULL WHERE org_id = ${ids.orgId} AND text = 'Chegou o oboé quebrado'`;
    expect((await admin.search.messages.query({ query: 'oboe' })).map((h) => plain(h.snippet))).toEqual(['Chegou o oboé quebrado']);
  });

  it('two words, one everywhere and one rare: every word is still required', async () => {
    await message(support, 'Tudo certo com o pedido 777123', ago(30));
    await message(support, 'Pedido 777123 sem mais', ago(31));
    const hits = await admin.search.messages.query({ query: 'certo 777123' });
    expect(hits.map((h) => plain(h.snippet))).toEqual(['Tudo certo com o pedido 777123']);
  });

  it('orders equal ranks newest first across window boundaries', async () => {
    const dates = [1, 3, 20, 100, 500].map(ago);
    for (const at of [...dates].reverse()) await message(support, 'Quero saber do clarinete', at);
    const hits = await admin.search.messages.query({ query: 'clarinete' });
    expect(hits.map((h) => h.at)).toEqual(dates.map((d) => d.toISOString()));
  });

  it('ranks only the newest 300 matches the viewer may see, counted within each window', async () => {
    // 300 recent matches in a conversation Ana may not open; her only one is 10 days old.
    await app.db.sql`INSERT INTO messages (org_id, conversation_id, channel_id, direction, kind, text, status, created_at)
      SELECT ${ids.orgId}, ${sales}, ${channelId}, 'in', 'text', 'Sobre o saxofone da loja, quero detalhes do modelo ' || k, 'received',
        now() - k * interval '1 minute'
      FROM generate_series(1, 300) k`;
    await message(support, 'saxofone', ago(10));
    const mine = await ana.search.messages.query({ query: 'saxofone' });
    expect(mine.map((h) => plain(h.snippet))).toEqual(['saxofone']);
    // The admin's newest 300 are all recent: the older, better-ranked short one is not among them.
    const all = await admin.search.messages.query({ query: 'saxofone', limit: 100 });
    expect(all).toHaveLength(100);
    expect(all.map((h) => plain(h.snippet))).not.toContain('saxofone');
    // Bounded by a period, the older one is found again.
    const old = await admin.search.messages.query({ query: 'saxofone', filters: { to: ago(5).toISOString() } });
    expect(old.map((h) => plain(h.snippet))).toEqual(['saxofone']);
  });
};

describe('search.messages on a short history (the first step, a walk of the newest messages, answers)', () => {
  beforeAll(setUp(false));
  afterAll(() => app?.stop());
  cases();
});

describe('search.messages behind more than a walk of newer messages (the time windows answer)', () => {
  beforeAll(setUp(true));
  afterAll(() => app?.stop());
  cases();
});
