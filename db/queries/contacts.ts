import type { Db } from '../sql.ts';

export interface Contact {
  id: string;
  orgId: string;
  name: string;
  email: string | null;
  whatsapp: string | null;
  whatsappUserId: string | null;
  webchatVisitorId: string | null;
  fields: Record<string, string>;
  incomplete: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export const CONTACT_COLUMNS = `id, org_id, name, email, whatsapp, whatsapp_user_id, webchat_visitor_id, fields, incomplete, created_at, updated_at`;

export function toContact(r: Record<string, unknown>): Contact {
  return {
    id: r.id as string,
    orgId: r.org_id as string,
    name: r.name as string,
    email: (r.email as string | null) ?? null,
    whatsapp: (r.whatsapp as string | null) ?? null,
    whatsappUserId: (r.whatsapp_user_id as string | null) ?? null,
    webchatVisitorId: (r.webchat_visitor_id as string | null) ?? null,
    fields: (r.fields ?? {}) as Record<string, string>,
    incomplete: r.incomplete as boolean,
    createdAt: r.created_at as Date,
    updatedAt: r.updated_at as Date,
  };
}

export async function getContact(db: Db, orgId: string, id: string): Promise<Contact | null> {
  const rows = await db.unsafe(`SELECT ${CONTACT_COLUMNS} FROM contacts WHERE org_id = $1 AND id = $2`, [orgId, id]);
  return rows[0] ? toContact(rows[0]) : null;
}

/** The sender as a channel identifies it: WhatsApp number, WhatsApp user id, or web chat visitor. */
export type ChannelIdentity = {
  whatsapp?: string | null;
  whatsappUserId?: string | null;
  webchatVisitorId?: string | null;
  name?: string | null;
};

/**
 * Finds or creates the contact for a channel identity. Concurrent calls for one new contact
 * converge on one row: the insert yields to the unique index, then we read the winner.
 */
export async function findOrCreateChannelContact(
  db: Db,
  orgId: string,
  who: ChannelIdentity,
): Promise<{ contact: Contact; created: boolean }> {
  const lookup = async () => {
    const rows = await db.unsafe(
      `SELECT ${CONTACT_COLUMNS} FROM contacts WHERE org_id = $1 AND (
         ($2::text IS NOT NULL AND whatsapp = $2) OR ($3::text IS NOT NULL AND whatsapp_user_id = $3)
         OR ($4::text IS NOT NULL AND webchat_visitor_id = $4))
       ORDER BY (whatsapp = $2) DESC NULLS LAST LIMIT 1`,
      [orgId, who.whatsapp ?? null, who.whatsappUserId ?? null, who.webchatVisitorId ?? null],
    );
    return rows[0] ? toContact(rows[0]) : null;
  };
  const existing = await lookup();
  if (existing) {
    await learnChannelIdentity(db, existing, who);
    return { contact: existing, created: false };
  }
  const rows = await db.unsafe(
    `INSERT INTO contacts (org_id, name, whatsapp, whatsapp_user_id, webchat_visitor_id, incomplete)
     VALUES ($1, $2, $3, $4, $5, true) ON CONFLICT DO NOTHING RETURNING ${CONTACT_COLUMNS}`,
    [orgId, who.name ?? '', who.whatsapp ?? null, who.whatsappUserId ?? null, who.webchatVisitorId ?? null],
  );
  if (rows[0]) return { contact: toContact(rows[0]), created: true };
  const winner = await lookup();
  if (!winner) throw new Error('contact vanished after a conflicting insert');
  return { contact: winner, created: false };
}

/**
 * Locks the senders of a batch, by their channel identity, in a fixed order (to the end of
 * the transaction): two batches naming the same customers in different orders then wait for
 * each other at the first one they share, instead of each creating or locking half of them
 * and deadlocking. A customer named by two identities (number here, user id there) is not
 * covered; the deadlock retry is.
 */
export async function lockSenders(db: Db, orgId: string, senders: ChannelIdentity[]): Promise<void> {
  const keys = [
    ...new Set(senders.map((w) => `atende_sender:${orgId}:${w.whatsapp ?? w.whatsappUserId ?? w.webchatVisitorId ?? ''}`)),
  ].sort();
  await db`SELECT pg_advisory_xact_lock(hashtext(k)) FROM unnest(${keys}::text[]) AS k`;
}

/** Learns what the channel adds to a known contact (a user id next to a known number, a name for a nameless contact). */
export async function learnChannelIdentity(db: Db, existing: Contact, who: ChannelIdentity): Promise<void> {
  if ((who.whatsappUserId && !existing.whatsappUserId) || (who.name && !existing.name)) {
    await db`UPDATE contacts SET whatsapp_user_id = coalesce(whatsapp_user_id, ${who.whatsappUserId ?? null}),
      name = CASE WHEN name = '' THEN coalesce(${who.name ?? null}, '') ELSE name END, updated_at = now()
      WHERE org_id = ${existing.orgId} AND id = ${existing.id} AND erased_at IS NULL`.catch(() => {});
  }
}

export interface ContactValues {
  name: string;
  email: string | null;
  whatsapp: string | null;
  fields: Record<string, string>;
  incomplete: boolean;
}

/** An agent-created contact; a duplicate WhatsApp number fails the unique index (23505). */
export async function insertContact(db: Db, orgId: string, createdBy: string | null, c: ContactValues): Promise<Contact> {
  const rows = await db.unsafe(
    `INSERT INTO contacts (org_id, name, email, whatsapp, fields, incomplete, created_by)
     VALUES ($1, $2, $3, $4, $5::text::jsonb, $6, $7) RETURNING ${CONTACT_COLUMNS}`,
    [orgId, c.name, c.email, c.whatsapp, JSON.stringify(c.fields), c.incomplete, createdBy],
  );
  return toContact(rows[0]!);
}

export async function lockContact(db: Db, orgId: string, id: string): Promise<Contact | null> {
  const rows = await db.unsafe(`SELECT ${CONTACT_COLUMNS} FROM contacts WHERE org_id = $1 AND id = $2 FOR UPDATE`, [orgId, id]);
  return rows[0] ? toContact(rows[0]) : null;
}

export async function updateContactValues(db: Db, orgId: string, id: string, c: ContactValues): Promise<Contact | null> {
  const rows = await db.unsafe(
    `UPDATE contacts SET name = $3, email = $4, whatsapp = $5, fields = $6::text::jsonb, incomplete = $7, updated_at = now()
     WHERE org_id = $1 AND id = $2 RETURNING ${CONTACT_COLUMNS}`,
    [orgId, id, c.name, c.email, c.whatsapp, JSON.stringify(c.fields), c.incomplete],
  );
  return rows[0] ? toContact(rows[0]) : null;
}
