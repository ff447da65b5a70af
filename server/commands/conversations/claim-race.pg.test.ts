import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../auth/password.ts';
import type { RunningApp } from '../../app.ts';
import { createTestClient, refusalOf, startSecondProcess, startTestApp, type TestApp, type TestClient } from '../../../test/helpers/app.ts';
import { makeChannel, waitingConversation } from '../../../test/helpers/conversations.ts';
import { demoIds } from '../../../test/helpers/orgs.ts';

let app: TestApp;
let second: RunningApp;
const AGENTS = 50;

beforeAll(async () => {
  app = await startTestApp();
  second = await startSecondProcess(app);
});
afterAll(async () => {
  await second?.close();
  await app?.stop();
});

describe('exactly-once claim', () => {
  it('50 agents clicking at once on two processes: one winner, 49 CONFLICT naming it, one audit row', async () => {
    const ids = await demoIds(app.db.sql);
    const hash = await hashPassword('race-agent-pass');
    const agents = await app.db.sql`
      INSERT INTO users (org_id, email, name, role, language, password_hash, status)
      SELECT ${ids.orgId}, 'racer' || i || '@demo.test', 'Racer ' || i, 'agent', 'en', ${hash}, 'online' FROM generate_series(1, ${AGENTS}) i
      RETURNING id, email`;
    await app.db
      .sql`INSERT INTO team_members (org_id, team_id, user_id) SELECT ${ids.orgId}, ${ids.teams.Support!}, id FROM users WHERE email LIKE 'racer%'`;
    const clients: TestClient[] = [];
    for (const [i, a] of agents.entries()) {
      const c = createTestClient(i % 2 === 0 ? app.url : second.url, { 'accept-language': 'en' });
      await c.auth.login.mutate({ email: a.email, password: 'race-agent-pass' });
      clients.push(c);
    }
    const channel = await makeChannel(app.db.sql, ids);
    const c = await waitingConversation(app, channel, '5511988887777');

    const results = await Promise.allSettled(clients.map((client) => client.conversations.claim.mutate({ conversationId: c.id })));
    const won = results.filter((r) => r.status === 'fulfilled') as PromiseFulfilledResult<{ assignee: { name: string } }>[];
    const lost = results.filter((r) => r.status === 'rejected') as PromiseRejectedResult[];
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(AGENTS - 1);
    const winner = won[0]!.value.assignee.name;
    for (const l of lost) {
      expect(refusalOf(l.reason)?.code).toBe('CONFLICT');
      expect(l.reason.message).toBe(`Already taken by ${winner}.`);
    }
    expect(
      await app.db.sql`SELECT 1 FROM audit_log WHERE action = 'conversation_claimed' AND details->>'conversationId' = ${c.id}`,
    ).toHaveLength(1);
    const [row] = await app.db.sql`SELECT u.name FROM conversations c JOIN users u ON u.id = c.assignee_id WHERE c.id = ${c.id}`;
    expect(row!.name).toBe(winner);
  }, 120_000);
});
