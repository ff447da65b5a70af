import type { Sql } from '../../db/sql.ts';

/**
 * `count` messages of a conversation in one INSERT (long conversations), alternating customer and
 * agent, texts `${prefix} 1` … `${prefix} count` in stored order, a second apart. Returns their
 * ids, oldest first.
 */
export async function seedMessages(
  sql: Sql,
  m: { orgId: string; conversationId: string; channelId: string; authorId?: string | null; count: number; prefix?: string },
): Promise<string[]> {
  const prefix = m.prefix ?? 'Message';
  const start = Date.now() - m.count * 1000;
  // generate_series keeps the order: seq is taken per row in the INSERT's order.
  const rows = await sql`INSERT INTO messages (org_id, conversation_id, channel_id, direction, kind, text, author_id, status, created_at)
    SELECT ${m.orgId}, ${m.conversationId}, ${m.channelId},
      CASE WHEN n % 2 = 1 THEN 'in' ELSE 'out' END, 'text', ${prefix} || ' ' || n,
      CASE WHEN n % 2 = 1 THEN NULL ELSE ${m.authorId ?? null}::uuid END,
      CASE WHEN n % 2 = 1 THEN 'received' ELSE 'delivered' END,
      to_timestamp((${start}::bigint + n * 1000) / 1000.0)
    FROM generate_series(1, ${m.count}::int) AS n ORDER BY n
    RETURNING id, seq`;
  return rows
    .map((r) => ({ id: r.id as string, seq: Number(r.seq) }))
    .sort((a, b) => a.seq - b.seq)
    .map((r) => r.id);
}
