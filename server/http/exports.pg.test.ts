import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refusal, startTestApp, type TestApp, type TestClient } from '../../test/helpers/app.ts';
import { makeChannel, setOnline, waitingConversation } from '../../test/helpers/conversations.ts';
import { createOtherOrg, demoIds } from '../../test/helpers/orgs.ts';

let app: TestApp;
let ids: Awaited<ReturnType<typeof demoIds>>;
let admin: TestClient;
let ana: TestClient;
let outsider: TestClient;
let support: { id: string; protocol: string };
let sales: { id: string; protocol: string };

beforeAll(async () => {
  app = await startTestApp();
  ids = await demoIds(app.db.sql);
  admin = await app.login('admin@demo.test');
  ana = await app.login('ana@demo.test');
  const carla = await app.login('carla@demo.test');
  const other = await createOtherOrg(app.db.sql, 'exports');
  outsider = await app.login(other.admin.email, other.password);
  await setOnline(app.db.sql, ['ana@demo.test', 'carla@demo.test']);
  const channel = await makeChannel(app.db.sql, ids, 'webchat');
  const s = await waitingConversation(app, channel, 'visitor-export-1', '1');
  await ana.conversations.claim.mutate({ conversationId: s.id });
  await ana.conversations.send.mutate({
    conversationId: s.id,
    text: 'Ação concluída: coração, año, ñandú 👍',
    clientMessageId: 'export-ana-1',
  });
  await ana.conversations.finish.mutate({ conversationId: s.id });
  support = { id: s.id, protocol: s.protocol };
  const c = await waitingConversation(app, channel, 'visitor-export-2', '2');
  await carla.conversations.claim.mutate({ conversationId: c.id });
  await carla.conversations.finish.mutate({ conversationId: c.id });
  sales = { id: c.id, protocol: c.protocol };
});
afterAll(() => app?.stop());

const get = (client: TestClient | null, path: string, headers: Record<string, string> = {}) =>
  fetch(`${app.url}${path}`, { headers: { ...(client?.cookie ? { cookie: client.cookie } : {}), ...headers } });

describe('GET /exports/transcripts/<id>.txt|.pdf', () => {
  it('downloads the plain text in the reader language, every message included', async () => {
    const res = await get(ana, `/exports/transcripts/${support.id}.txt`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename=".+\.txt"; filename\*=UTF-8''/);
    const text = await res.text();
    // Ana reads Portuguese.
    expect(text).toContain(`Transcrição da conversa ${support.protocol}`);
    expect(text).toContain('Ação concluída: coração, año, ñandú 👍');
    expect(text).toContain('Oi');
  });

  it('downloads a PDF', async () => {
    const res = await get(ana, `/exports/transcripts/${support.id}.pdf`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; .*\.pdf/);
    const body = Buffer.from(await res.arrayBuffer());
    expect(body.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(body.subarray(-6).toString('latin1')).toContain('%%EOF');
    expect(body.length).toBeGreaterThan(1000);
    expect(Number(res.headers.get('content-length'))).toBe(body.length);
  });

  it('refuses without revealing whether the conversation exists', async () => {
    const unknown = await get(ana, '/exports/transcripts/00000000-0000-4000-8000-000000000000.txt');
    const otherTeam = await get(ana, `/exports/transcripts/${sales.id}.txt`);
    const otherOrg = await get(outsider, `/exports/transcripts/${support.id}.pdf`);
    expect([unknown.status, otherTeam.status, otherOrg.status]).toEqual([404, 404, 404]);
    expect(await otherTeam.text()).toBe(await unknown.text());
    expect((await get(null, `/exports/transcripts/${support.id}.txt`)).status).toBe(401);
    expect((await get(ana, `/exports/transcripts/${support.id}.txt`, { origin: 'https://evil.example' })).status).toBe(403);
    expect((await get(ana, `/exports/transcripts/${support.id}.txt`, { 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    await admin.admin.users.update.mutate({ userId: ids.users['ana@demo.test'], historyAccess: 'none' });
    expect((await get(ana, `/exports/transcripts/${support.id}.txt`)).status).toBe(404);
    await admin.admin.users.update.mutate({ userId: ids.users['ana@demo.test'], historyAccess: 'own_teams' });
  });
});

describe('audit log filters and CSV', () => {
  it('narrows admin.audit.list by who, what and when', async () => {
    const byAna = await admin.admin.audit.list.query({ actorUserId: ids.users['ana@demo.test'] });
    expect(byAna.length).toBeGreaterThan(0);
    expect(new Set(byAna.map((e) => e.actorUserId))).toEqual(new Set([ids.users['ana@demo.test']]));
    const claims = await admin.admin.audit.list.query({ action: 'conversation_claimed' });
    expect(claims.map((e) => e.details.conversationId).sort()).toEqual([support.id, sales.id].sort());
    const anaClaims = await admin.admin.audit.list.query({ action: 'conversation_claimed', actorUserId: ids.users['ana@demo.test'] });
    expect(anaClaims.map((e) => e.details.conversationId)).toEqual([support.id]);
    const future = new Date(Date.now() + 3_600_000).toISOString();
    expect(await admin.admin.audit.list.query({ from: future })).toEqual([]);
    expect((await admin.admin.audit.list.query({ to: future })).length).toBeGreaterThan(0);
    // Keyset paging keeps the filter.
    const page1 = await admin.admin.audit.list.query({ action: 'conversation_claimed', limit: 1 });
    const page2 = await admin.admin.audit.list.query({ action: 'conversation_claimed', limit: 1, beforeId: page1[0]!.id });
    expect([...page1, ...page2].map((e) => e.id)).toEqual(claims.map((e) => e.id));
    expect((await refusal(ana.admin.audit.list.query({}))).code).toBe('FORBIDDEN');
  });

  it('exports the filtered rows as CSV: BOM, quoting, no formulas', async () => {
    await app.db.sql`INSERT INTO audit_log (org_id, action, email, ip, details)
      VALUES (${ids.orgId}, 'login_failed', '=HYPERLINK("http://evil.example","x")', '10.0.0.1', '{}')`;
    const res = await get(admin, '/exports/audit.csv?action=login_failed');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; .*\.csv/);
    const bytes = Buffer.from(await res.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = bytes.toString('utf8').slice(1).split('\r\n');
    // In the admin's language (pt-BR).
    expect(lines[0]).toBe('Quando,Ação,Por,E-mail,Referente a,IP,Detalhes');
    expect(lines).toHaveLength(3); // header, the row, and the empty string after the last CRLF
    expect(lines[1]).toContain(`"'=HYPERLINK(""http://evil.example"",""x"")"`);
    const byAna = await (
      await get(admin, `/exports/audit.csv?actorUserId=${ids.users['ana@demo.test']}&action=conversation_claimed`)
    ).text();
    expect(byAna.split('\r\n').filter(Boolean)).toHaveLength(2);
  });

  it('is for admins of the organization only', async () => {
    expect((await get(ana, '/exports/audit.csv')).status).toBe(403);
    expect((await get(null, '/exports/audit.csv')).status).toBe(401);
    expect((await get(admin, '/exports/audit.csv?from=yesterday')).status).toBe(400);
    const theirs = await (await get(outsider, '/exports/audit.csv')).text();
    for (const secret of [ids.orgId, support.id, ids.users['ana@demo.test']!]) expect(theirs).not.toContain(secret);
  });
});
