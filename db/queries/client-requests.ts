import type { Db } from '../sql.ts';

/**
 * Idempotency per (organization, sender, clientMessageId): the first answer to a request is
 * kept — the message it created, or the refusal — and a repeat gets the same answer.
 */
export interface ClientRequestKey {
  orgId: string;
  userId: string;
  clientMessageId: string;
}

export interface ClientRequestAnswer {
  messageId: string | null;
  refusal: unknown;
}

export async function findClientRequest(db: Db, key: ClientRequestKey): Promise<ClientRequestAnswer | null> {
  const rows = await db`SELECT message_id, refusal FROM client_requests
    WHERE org_id = ${key.orgId} AND user_id = ${key.userId} AND client_message_id = ${key.clientMessageId}`;
  const row = rows[0];
  return row ? { messageId: (row.message_id as string | null) ?? null, refusal: row.refusal ?? null } : null;
}

/** Inside the send's transaction: a second request with the same key fails the primary key (the caller replays the winner). */
export async function recordClientMessage(db: Db, key: ClientRequestKey, messageId: string): Promise<void> {
  await db`INSERT INTO client_requests (org_id, user_id, client_message_id, message_id)
    VALUES (${key.orgId}, ${key.userId}, ${key.clientMessageId}, ${messageId})`;
}

/** After the send's transaction failed; the first answer stays if two refusals race. */
export async function recordClientRefusal(db: Db, key: ClientRequestKey, refusal: object): Promise<void> {
  await db`INSERT INTO client_requests (org_id, user_id, client_message_id, refusal)
    VALUES (${key.orgId}, ${key.userId}, ${key.clientMessageId}, ${db.json(refusal as never)}) ON CONFLICT DO NOTHING`;
}
