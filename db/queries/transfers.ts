import type { Db } from '../sql.ts';

export interface TransferRecord {
  orgId: string;
  conversationId: string;
  byUserId: string;
  from: { teamId: string | null; assigneeId: string | null };
  toTeamId: string | null;
  toUserId: string | null;
}

/** One transfer, and the conversation's count of them (reports count transferred conversations by it). */
export async function recordTransfer(db: Db, t: TransferRecord): Promise<void> {
  await db`
    WITH counted AS (
      UPDATE conversations SET transfers = transfers + 1 WHERE org_id = ${t.orgId} AND id = ${t.conversationId}
    )
    INSERT INTO conversation_transfers (org_id, conversation_id, by_user_id, from_team_id, from_user_id, to_team_id, to_user_id)
    VALUES (${t.orgId}, ${t.conversationId}, ${t.byUserId}, ${t.from.teamId}, ${t.from.assigneeId}, ${t.toTeamId}, ${t.toUserId})`;
}

export interface Transfer {
  at: Date;
  byUserId: string | null;
  fromTeamId: string | null;
  fromUserId: string | null;
  toTeamId: string | null;
  toUserId: string | null;
}

/** A conversation's transfers, oldest first (for its transcript). */
export async function transfersOf(db: Db, orgId: string, conversationId: string): Promise<Transfer[]> {
  const rows = await db`
    SELECT at, by_user_id, from_team_id, from_user_id, to_team_id, to_user_id FROM conversation_transfers
    WHERE org_id = ${orgId} AND conversation_id = ${conversationId} ORDER BY at, id`;
  return rows.map((r) => ({
    at: r.at as Date,
    byUserId: (r.by_user_id as string | null) ?? null,
    fromTeamId: (r.from_team_id as string | null) ?? null,
    fromUserId: (r.from_user_id as string | null) ?? null,
    toTeamId: (r.to_team_id as string | null) ?? null,
    toUserId: (r.to_user_id as string | null) ?? null,
  }));
}
