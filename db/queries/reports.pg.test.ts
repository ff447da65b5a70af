import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/helpers/db.ts';
import { makeContact } from '../../test/helpers/factories.ts';
import { demoIds } from '../../test/helpers/orgs.ts';
import { facts, tagCounts, type ReportScope } from './reports.ts';

/**
 * The report's speed on a large history rests on index-only scans (migration reports/0002):
 * every column facts() reads must be in the covering indexes, or each row goes back to the
 * table. With the table vacuumed (all pages visible) and the planner kept off sequential and
 * bitmap scans, the plans must read conversations through those indexes alone.
 */
let db: TestDatabase;
let scope: ReportScope;

beforeAll(async () => {
  db = await createTestDatabase();
  const ids = await demoIds(db.sql);
  const contact = await makeContact(db.sql, ids.orgId);
  const [channel] = await db.sql`SELECT id FROM channels WHERE org_id = ${ids.orgId} ORDER BY kind LIMIT 1`;
  const [tag] = await db.sql`SELECT id FROM tags WHERE org_id = ${ids.orgId} LIMIT 1`;
  await db.sql`INSERT INTO conversations (org_id, protocol, contact_id, channel_id, team_id, status, created_at, queued_at, closed_at, close_reason)
    SELECT ${ids.orgId}, 'P-' || i, ${contact}, ${channel!.id}, (${[ids.teams.Support, ids.teams.Sales]}::uuid[])[1 + i % 2], 'closed',
      now() - i * interval '3 hours', now() - i * interval '3 hours', now() - i * interval '3 hours' + interval '5 minutes', 'queue_timeout'
    FROM generate_series(1, 3000) i`;
  if (tag)
    await db.sql`INSERT INTO conversation_tags (org_id, conversation_id, tag_id)
      SELECT org_id, id, ${tag.id} FROM conversations WHERE org_id = ${ids.orgId} AND protocol LIKE 'P-%'`;
  await db.sql`VACUUM ANALYZE conversations`;
  await db.sql`VACUUM ANALYZE conversation_tags`;
  const [org] = await db.sql`SELECT time_zone FROM organizations WHERE id = ${ids.orgId}`;
  scope = {
    orgId: ids.orgId,
    // A month of a year: the period's rows are few of the table's.
    start: new Date(Date.now() - 30 * 86_400_000),
    end: new Date(),
    timeZone: org!.time_zone as string,
    teamIds: [ids.teams.Support],
    channelId: null,
    agentId: null,
  };
});

afterAll(async () => {
  await db?.drop();
});

/** The plan's nodes that read conversations, as "<node type> <index>". */
async function conversationReads(query: 'facts' | 'tags', s: ReportScope): Promise<string[]> {
  return db.sql.begin(async (tx) => {
    await tx`SET LOCAL enable_seqscan = off`;
    await tx`SET LOCAL enable_bitmapscan = off`;
    const inner = query === 'facts' ? tx`SELECT * FROM (${facts(tx, s)}) x` : tagCounts(tx, s);
    const [row] = await tx`EXPLAIN (FORMAT JSON) ${inner}`;
    const reads: string[] = [];
    const walk = (node: Record<string, unknown>) => {
      if (node['Relation Name'] === 'conversations') reads.push(`${node['Node Type']} ${node['Index Name'] ?? ''}`.trim());
      for (const child of (node.Plans as Record<string, unknown>[] | undefined) ?? []) walk(child);
    };
    walk((row!['QUERY PLAN'] as Array<{ Plan: Record<string, unknown> }>)[0]!.Plan);
    return reads;
  });
}

describe('the report reads conversations from its covering indexes only', () => {
  it('for some teams', async () => {
    expect(await conversationReads('facts', scope)).toEqual(['Index Only Scan conversations_report_team_facts']);
    expect(await conversationReads('tags', scope)).toEqual(['Index Only Scan conversations_report_team_facts']);
  });

  it('for the whole organization, and with a channel and an agent filter', async () => {
    const all = { ...scope, teamIds: null };
    expect(await conversationReads('facts', all)).toEqual(['Index Only Scan conversations_report_facts']);
    const narrowed = { ...all, channelId: '00000000-0000-4000-8000-000000000000', agentId: '00000000-0000-4000-8000-000000000001' };
    expect(await conversationReads('facts', narrowed)).toEqual(['Index Only Scan conversations_report_facts']);
  });
});
