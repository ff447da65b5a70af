import type { Db } from '../sql.ts';

/**
 * Read marks: per (user, conversation), the seq of the last message the person has seen.
 * A conversation's unread count for them is its customer messages with a greater seq
 * (the lists compute it in db/queries/conversation-views.ts).
 */

/**
 * Moves the caller's mark forward to `seq`, capped at the conversation's newest message (a
 * made-up seq never marks messages that do not exist yet as read), never backwards (a late
 * request from another tab never un-reads). Returns the mark now stored and what is still
 * unread; a conversation without messages has nothing to mark.
 */
export async function markRead(
  db: Db,
  q: { orgId: string; userId: string; conversationId: string; seq: number },
): Promise<{ seq: number; unread: number }> {
  const rows = await db`
    INSERT INTO conversation_reads (org_id, user_id, conversation_id, last_read_seq)
    SELECT ${q.orgId}, ${q.userId}, ${q.conversationId}, LEAST(${q.seq}::bigint, max(m.seq))
      FROM messages m WHERE m.org_id = ${q.orgId} AND m.conversation_id = ${q.conversationId}
      HAVING max(m.seq) IS NOT NULL
    ON CONFLICT (org_id, user_id, conversation_id)
      DO UPDATE SET last_read_seq = GREATEST(conversation_reads.last_read_seq, EXCLUDED.last_read_seq), read_at = now()
    RETURNING last_read_seq`;
  const seq = rows[0] ? Number(rows[0].last_read_seq) : 0;
  const [count] = await db`SELECT count(*)::int AS n FROM messages
    WHERE org_id = ${q.orgId} AND conversation_id = ${q.conversationId} AND direction = 'in' AND seq > ${seq}`;
  return { seq, unread: Number(count?.n ?? 0) };
}
