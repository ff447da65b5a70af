import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApp } from '../app.ts';
import { createTestClient, startSecondProcess, startTestApp, type TestApp, type TestClient } from '../../test/helpers/app.ts';
import { demoIds } from '../../test/helpers/orgs.ts';
import { arrive, autoTeam, channelFor, loads, peakFromAudit } from './routing-test-setup.ts';

/**
 * Issue 12, item 3 under load: 200 conversations arriving at once for 20 agents of capacity 3,
 * over two processes (both route; half the agents on each). No agent above 3 at any moment,
 * each conversation offered to one agent at a time, all assigned as capacity frees, none lost.
 */
let app: TestApp;
let second: RunningApp;

beforeAll(async () => {
  app = await startTestApp({}, { floor: { tickMs: 500 } });
  second = await startSecondProcess(app);
});
afterAll(async () => {
  await second?.close();
  await app?.stop();
});

const CONVERSATIONS = 200;
const AGENTS = 20;
const CAPACITY = 3;

describe('automatic routing under load, two processes', () => {
  it('200 conversations at once, 20 agents of capacity 3: never above 3, one offer at a time, all served once', async () => {
    const sql = app.db.sql;
    const { orgId } = await demoIds(sql);
    const team = await autoTeam(sql, orgId, 'Load', AGENTS, { maxPerAgent: CAPACITY, acceptTimeoutSeconds: 600 });
    const channel = await channelFor(sql, orgId, team.teamId);
    const ids = team.agents.map((a) => a.id);
    const clients = new Map<string, TestClient>();
    for (const [i, a] of team.agents.entries()) {
      const c = createTestClient(i % 2 ? second.url : app.url, { 'accept-language': 'en' });
      await c.auth.login.mutate({ email: a.email, password: 'atende-demo' });
      clients.set(a.id, c);
    }
    await sql`UPDATE users SET status = 'online', connected = true WHERE id = ANY(${ids}::uuid[])`;

    // Arrivals through both processes at once.
    const arrived = await Promise.all(
      Array.from({ length: CONVERSATIONS }, (_, i) => arrive(i % 2 ? second.services : app.services, channel)),
    );
    expect(new Set(arrived).size).toBe(CONVERSATIONS);

    // The agents: each offer is accepted (every seventh declined once), then finished.
    const handled = new Set<string>();
    const declined = new Set<string>();
    const work: Promise<void>[] = [];
    const errors: unknown[] = [];
    let peakSeen = 0;
    const deadline = Date.now() + 120_000;
    for (;;) {
      const [held, offers] = await Promise.all([
        loads(sql, ids),
        sql`SELECT id, offered_to FROM conversations WHERE id = ANY(${arrived}::uuid[]) AND offered_to IS NOT NULL`,
      ]);
      peakSeen = Math.max(peakSeen, ...held.values());
      for (const o of offers) {
        const key = `${o.id as string}:${o.offered_to as string}`;
        if (handled.has(key)) continue;
        handled.add(key);
        const client = clients.get(o.offered_to as string)!;
        const conversationId = o.id as string;
        const decline = !declined.has(conversationId) && handled.size % 7 === 0;
        work.push(
          (async () => {
            if (decline) {
              declined.add(conversationId);
              await client.conversations.decline.mutate({ conversationId });
              return;
            }
            await client.conversations.accept.mutate({ conversationId });
            await new Promise((r) => setTimeout(r, Math.random() * 30));
            await client.conversations.finish.mutate({ conversationId });
          })().catch((err: unknown) => {
            errors.push(err);
          }),
        );
      }
      const [done] = await sql`SELECT count(*)::int AS n FROM conversations WHERE id = ANY(${arrived}::uuid[]) AND status = 'closed'`;
      if (done!.n === CONVERSATIONS) break;
      if (Date.now() > deadline) throw new Error(`only ${done!.n as number} of ${CONVERSATIONS} served before the deadline`);
      await new Promise((r) => setTimeout(r, 20));
    }
    await Promise.all(work);
    expect(errors).toEqual([]);
    expect(peakSeen).toBeLessThanOrEqual(CAPACITY);
    expect(declined.size).toBeGreaterThan(0);

    // From the audit: nobody above capacity at any instant; offers of a conversation never overlap;
    // each conversation accepted exactly once and closed by the agent who accepted it.
    const peaks = await peakFromAudit(sql, ids);
    expect(Math.max(...peaks.values())).toBeLessThanOrEqual(CAPACITY);
    expect([...peaks.values()].some((p) => p === CAPACITY)).toBe(true);
    const overlapping = await sql`
      SELECT a.conversation_id FROM conversation_offers a JOIN conversation_offers b
        ON b.conversation_id = a.conversation_id AND b.id > a.id AND b.offered_at < coalesce(a.ended_at, 'infinity')
      WHERE a.conversation_id = ANY(${arrived}::uuid[])`;
    expect(overlapping).toEqual([]);
    const accepted = await sql`
      SELECT o.conversation_id, count(*)::int AS n, min(o.user_id::text) AS agent, min(c.served_by::text) AS served_by
      FROM conversation_offers o JOIN conversations c ON c.id = o.conversation_id
      WHERE o.conversation_id = ANY(${arrived}::uuid[]) AND o.outcome = 'accepted' GROUP BY o.conversation_id`;
    expect(accepted).toHaveLength(CONVERSATIONS);
    expect(accepted.filter((r) => r.n !== 1 || r.agent !== r.served_by)).toEqual([]);
    const open =
      await sql`SELECT count(*)::int AS n FROM conversation_offers WHERE ended_at IS NULL AND conversation_id = ANY(${arrived}::uuid[])`;
    expect(open[0]!.n).toBe(0);
  }, 180_000);
});
