import type { Db } from '../sql.ts';

export interface OutboxMail {
  id: string;
  orgId: string;
  to: string;
  subject: string;
  text: string;
  kind: string;
  createdAt: Date;
  sentAt: Date | null;
}

function toMail(r: Record<string, unknown>): OutboxMail {
  return {
    id: r.id as string,
    orgId: r.org_id as string,
    to: r.to_address as string,
    subject: r.subject as string,
    text: r.body_text as string,
    kind: r.kind as string,
    createdAt: r.created_at as Date,
    sentAt: (r.sent_at as Date | null) ?? null,
  };
}

export async function insertMail(
  db: Db,
  m: { orgId: string; to: string; subject: string; text: string; kind: string },
): Promise<OutboxMail> {
  const rows = await db`INSERT INTO mail_outbox (org_id, to_address, subject, body_text, kind)
    VALUES (${m.orgId}, ${m.to}, ${m.subject}, ${m.text}, ${m.kind})
    RETURNING id, org_id, to_address, subject, body_text, kind, created_at, sent_at`;
  return toMail(rows[0]!);
}

/** Claims unsent mail for delivery; SKIP LOCKED lets several processes share the work. */
export async function claimPendingMail(db: Db, limit: number): Promise<OutboxMail[]> {
  const rows = await db`UPDATE mail_outbox SET attempts = attempts + 1 WHERE id IN (
      SELECT id FROM mail_outbox WHERE sent_at IS NULL AND attempts < 10
      ORDER BY created_at LIMIT ${limit} FOR UPDATE SKIP LOCKED)
    RETURNING id, org_id, to_address, subject, body_text, kind, created_at, sent_at`;
  return rows.map(toMail);
}

export async function markMailSent(db: Db, id: string): Promise<void> {
  await db`UPDATE mail_outbox SET sent_at = now(), last_error = NULL WHERE id = ${id}`;
}

export async function markMailFailed(db: Db, id: string, error: string): Promise<void> {
  await db`UPDATE mail_outbox SET last_error = ${error.slice(0, 500)} WHERE id = ${id}`;
}
