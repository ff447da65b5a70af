import type { Db } from '../sql.ts';

/** Retention of one organization (null months: keep forever). */
export interface PrivacySettings {
  eraseClosedAfterMonths: number | null;
  deleteAuditAfterMonths: number | null;
}

export async function getPrivacySettings(db: Db, orgId: string): Promise<PrivacySettings> {
  const [r] = await db`SELECT erase_closed_after_months, delete_audit_after_months FROM privacy_settings WHERE org_id = ${orgId}`;
  return {
    eraseClosedAfterMonths: (r?.erase_closed_after_months as number | null | undefined) ?? null,
    deleteAuditAfterMonths: (r?.delete_audit_after_months as number | null | undefined) ?? null,
  };
}

export async function savePrivacySettings(db: Db, orgId: string, userId: string, p: PrivacySettings): Promise<void> {
  await db`INSERT INTO privacy_settings (org_id, erase_closed_after_months, delete_audit_after_months, updated_by)
    VALUES (${orgId}, ${p.eraseClosedAfterMonths}, ${p.deleteAuditAfterMonths}, ${userId})
    ON CONFLICT (org_id) DO UPDATE SET erase_closed_after_months = excluded.erase_closed_after_months,
      delete_audit_after_months = excluded.delete_audit_after_months, updated_by = excluded.updated_by, updated_at = now()`;
}

/** Organizations with a retention rule (across organizations on purpose: the timer's job). */
export async function organizationsWithRetention(db: Db): Promise<({ orgId: string } & PrivacySettings)[]> {
  const rows = await db`SELECT org_id, erase_closed_after_months, delete_audit_after_months FROM privacy_settings
    WHERE erase_closed_after_months IS NOT NULL OR delete_audit_after_months IS NOT NULL ORDER BY org_id`;
  return rows.map((r) => ({
    orgId: r.org_id as string,
    eraseClosedAfterMonths: r.erase_closed_after_months as number | null,
    deleteAuditAfterMonths: r.delete_audit_after_months as number | null,
  }));
}

/** Whether an agent may open the notes of this contact: it exists here and was not erased. */
export async function notesOpenable(db: Db, orgId: string, contactId: string): Promise<boolean> {
  const rows = await db`SELECT 1 FROM contacts WHERE org_id = ${orgId} AND id = ${contactId} AND erased_at IS NULL`;
  return rows.length > 0;
}

/**
 * Holds the contact (FOR KEY SHARE) for a new conversation of it, if it is not erased: an
 * erasure that locked it first is waited for, and its commit read (false then).
 */
export async function holdLiveContact(db: Db, orgId: string, contactId: string): Promise<boolean> {
  const rows = await db`SELECT 1 FROM contacts WHERE org_id = ${orgId} AND id = ${contactId} AND erased_at IS NULL FOR KEY SHARE`;
  return rows.length > 0;
}

/** The contact, locked for its erasure, with what the confirmation and the refusals need. */
export async function lockContactForErasure(db: Db, orgId: string, contactId: string) {
  // Notes writes wait for the erasure, or the erasure for them (db/migrations/privacy/0001).
  await db`SELECT pg_advisory_xact_lock(hashtext(${`notes:${contactId}`}))`;
  const [c] = await db`SELECT id, name, email, whatsapp, erased_at, webchat_visitor_id FROM contacts
    WHERE org_id = ${orgId} AND id = ${contactId} FOR UPDATE`;
  if (!c) return null;
  const [open] = await db`SELECT count(*)::int AS n FROM conversations
    WHERE org_id = ${orgId} AND contact_id = ${contactId} AND status <> 'closed'`;
  return {
    id: c.id as string,
    name: c.name as string,
    email: c.email as string | null,
    whatsapp: c.whatsapp as string | null,
    erasedAt: c.erased_at as Date | null,
    webchatVisitorId: c.webchat_visitor_id as string | null,
    openConversations: open!.n as number,
  };
}

/** What an erasure of the contact would remove (the confirmation shows it). */
export async function contactHoldings(db: Db, orgId: string, contactId: string) {
  const [r] = await db`SELECT
      (SELECT count(*)::int FROM conversations WHERE org_id = ${orgId} AND contact_id = ${contactId}) AS conversations,
      (SELECT count(*)::int FROM conversations WHERE org_id = ${orgId} AND contact_id = ${contactId} AND status <> 'closed') AS open,
      (SELECT count(*)::int FROM messages m JOIN conversations v ON v.org_id = m.org_id AND v.id = m.conversation_id
        WHERE v.org_id = ${orgId} AND v.contact_id = ${contactId}) AS messages,
      (SELECT count(*)::int FROM messages m JOIN conversations v ON v.org_id = m.org_id AND v.id = m.conversation_id
        WHERE v.org_id = ${orgId} AND v.contact_id = ${contactId} AND m.attachment_id IS NOT NULL) AS files,
      EXISTS (SELECT 1 FROM doc_updates WHERE org_id = ${orgId} AND doc_name = ${`notes:${contactId}`}) AS notes`;
  return {
    conversations: r!.conversations as number,
    openConversations: r!.open as number,
    messages: r!.messages as number,
    files: r!.files as number,
    notes: r!.notes as boolean,
  };
}

export interface ErasedFiles {
  /** Storage keys of the files whose rows are gone: the caller removes them from the store after COMMIT. */
  storageKeys: string[];
  messages: number;
}

/**
 * Erases conversations' content, keeping the rows and the facts reports count (times, status,
 * team, agent, rating, disposition, tags, transfers): every message's text, caption, wire copy,
 * channel payload (media, locations, shared contacts), template parameters and channel message
 * id (WhatsApp's embeds the number); the files only these messages use (a canned response's
 * file, sent to many, stays); the colleague thread (conversation:<id>) with its history.
 * messages.search_vector follows text by its trigger, and the search index by the expression.
 */
export async function eraseConversationContent(db: Db, orgId: string, conversationIds: string[]): Promise<ErasedFiles> {
  if (conversationIds.length === 0) return { storageKeys: [], messages: 0 };
  const files = await db`SELECT a.id, a.storage_key FROM messages m
    JOIN attachments a ON a.org_id = m.org_id AND a.id = m.attachment_id
    WHERE m.org_id = ${orgId} AND m.conversation_id = ANY(${conversationIds}::uuid[])
      AND NOT EXISTS (SELECT 1 FROM messages o WHERE o.org_id = a.org_id AND o.attachment_id = a.id
        AND NOT (o.conversation_id = ANY(${conversationIds}::uuid[])))
      AND NOT EXISTS (SELECT 1 FROM canned_responses c WHERE c.org_id = a.org_id AND a.id = ANY(c.attachment_ids))
      AND NOT EXISTS (SELECT 1 FROM users u WHERE u.org_id = a.org_id AND u.photo_attachment_id = a.id)
    FOR UPDATE OF a`;
  // A reply still queued would go out empty: it fails instead (one already sending is on its way).
  // A customer's file still being fetched is not attached afterwards (attachFetchedMedia).
  const changed = await db`UPDATE messages SET text = '', wire_text = NULL, payload = '{}', template_params = NULL,
      attachment_id = NULL, channel_message_id = NULL,
      media_status = CASE WHEN media_status = 'pending' THEN 'failed' ELSE media_status END,
      failed_at = CASE WHEN status = 'queued' THEN now() ELSE failed_at END,
      status = CASE WHEN status = 'queued' THEN 'failed' ELSE status END
    WHERE org_id = ${orgId} AND conversation_id = ANY(${conversationIds}::uuid[])
    RETURNING id`;
  const keys = new Map(files.map((f) => [f.id as string, f.storage_key as string]));
  const fileIds = [...keys.keys()];
  if (fileIds.length) await db`DELETE FROM attachments WHERE org_id = ${orgId} AND id = ANY(${fileIds}::uuid[])`;
  const docs = conversationIds.map((id) => `conversation:${id}`);
  await eraseDocs(db, orgId, docs);
  await db`UPDATE conversations SET erased_at = coalesce(erased_at, now())
    WHERE org_id = ${orgId} AND id = ANY(${conversationIds}::uuid[])`;
  return { storageKeys: [...keys.values()], messages: changed.length };
}

/** A document's whole history: its updates and snapshots, who edited it, its client bindings. */
export async function eraseDocs(db: Db, orgId: string, docNames: string[]): Promise<void> {
  await db`DELETE FROM doc_updates WHERE org_id = ${orgId} AND doc_name = ANY(${docNames}::text[])`;
  await db`DELETE FROM doc_activity WHERE org_id = ${orgId} AND doc_name = ANY(${docNames}::text[])`;
  await db`DELETE FROM doc_client_bindings WHERE org_id = ${orgId} AND doc_name = ANY(${docNames}::text[])`;
}

/**
 * The contact itself: a neutral name, no identity on any channel, no custom fields, no notes
 * (their document, history and search copy), no web chat visitor (its name and session token,
 * the files it uploaded and never sent). The row stays, so its conversations still count.
 * Returns the storage keys of those files, for the caller to remove after COMMIT.
 */
export async function anonymizeContact(
  db: Db,
  orgId: string,
  contactId: string,
  label: string,
  webchatVisitorId: string | null,
): Promise<string[]> {
  await db`UPDATE contacts SET name = ${label}, email = NULL, whatsapp = NULL, whatsapp_user_id = NULL, webchat_visitor_id = NULL,
      fields = '{}', incomplete = false, erased_at = now(), updated_at = now()
    WHERE org_id = ${orgId} AND id = ${contactId}`;
  let storageKeys: string[] = [];
  if (webchatVisitorId) {
    // Files the visitor uploaded but never sent are theirs too (the sweep would take hours).
    const unsent = await db`DELETE FROM attachments a USING webchat_uploads w
      WHERE w.org_id = ${orgId} AND w.visitor_id::text = ${webchatVisitorId} AND a.org_id = w.org_id AND a.id = w.attachment_id
        AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.org_id = a.org_id AND m.attachment_id = a.id)
      RETURNING a.storage_key`;
    storageKeys = unsent.map((r) => r.storage_key as string);
    await db`DELETE FROM webchat_visitors WHERE org_id = ${orgId} AND id::text = ${webchatVisitorId}`;
  }
  await eraseDocs(db, orgId, [`notes:${contactId}`]);
  await db`DELETE FROM contact_notes_text WHERE org_id = ${orgId} AND contact_id = ${contactId}`;
  return storageKeys;
}

export async function conversationIdsOfContact(db: Db, orgId: string, contactId: string): Promise<string[]> {
  const rows = await db`SELECT id FROM conversations WHERE org_id = ${orgId} AND contact_id = ${contactId}`;
  return rows.map((r) => r.id as string);
}

/** Closed conversations past the cutoff whose content is still there, oldest first. */
export async function conversationsToRetire(db: Db, orgId: string, cutoff: Date, limit: number) {
  const rows = await db`SELECT id, contact_id FROM conversations
    WHERE org_id = ${orgId} AND status = 'closed' AND erased_at IS NULL AND closed_at < ${cutoff}
    ORDER BY closed_at LIMIT ${limit} FOR UPDATE SKIP LOCKED`;
  return rows.map((r) => ({ id: r.id as string, contactId: r.contact_id as string }));
}

/**
 * Of these contacts, those retention erases whole: not erased yet, every conversation erased
 * (none open, none newer), and no edit of the contact since the cutoff.
 */
export async function contactsLeftWithNothing(db: Db, orgId: string, contactIds: string[], cutoff: Date): Promise<string[]> {
  if (contactIds.length === 0) return [];
  const rows = await db`SELECT c.id FROM contacts c
    WHERE c.org_id = ${orgId} AND c.id = ANY(${contactIds}::uuid[]) AND c.erased_at IS NULL AND c.updated_at < ${cutoff}
      AND NOT EXISTS (SELECT 1 FROM conversations v WHERE v.org_id = c.org_id AND v.contact_id = c.id AND v.erased_at IS NULL)`;
  return rows.map((r) => r.id as string);
}

/** Deletes up to `limit` audit rows older than the cutoff; returns how many. */
export async function deleteAuditBefore(db: Db, orgId: string, cutoff: Date, limit: number): Promise<number> {
  const rows = await db`DELETE FROM audit_log WHERE id IN (
      SELECT id FROM audit_log WHERE org_id = ${orgId} AND at < ${cutoff} ORDER BY id LIMIT ${limit})
    RETURNING id`;
  return rows.length;
}

/** The documents of this contact that hold erased content: its notes once erased, its erased conversations' threads. */
export async function erasedDocsOfContact(db: Db, orgId: string, contactId: string): Promise<Set<string>> {
  const rows =
    await db`SELECT 'notes:' || id::text AS name FROM contacts WHERE org_id = ${orgId} AND id = ${contactId} AND erased_at IS NOT NULL
    UNION ALL
    SELECT 'conversation:' || id::text FROM conversations WHERE org_id = ${orgId} AND contact_id = ${contactId} AND erased_at IS NOT NULL`;
  return new Set(rows.map((r) => r.name as string));
}

/** When the contact was erased (null: not erased, or no such contact here). */
export async function contactErasedAt(db: Db, orgId: string, contactId: string): Promise<Date | null> {
  const [r] = await db`SELECT erased_at FROM contacts WHERE org_id = ${orgId} AND id = ${contactId}`;
  return (r?.erased_at as Date | null | undefined) ?? null;
}

/**
 * Outgoing webhooks keep what they send (webhook_deliveries.payload, the delivery log): the
 * deliveries about the contact or its conversations go, delivered or not — an erased person's
 * data must not leave later either. Looked up by name: the table belongs to the webhooks part.
 */
export async function eraseWebhookCopies(db: Db, orgId: string, contactId: string | null, conversationIds: string[]): Promise<number> {
  const [t] = await db`SELECT to_regclass('webhook_deliveries') IS NOT NULL AS present`;
  if (!t?.present) return 0;
  // The follower queues deliveries holding this organization's cursor (server/webhooks/follower.ts):
  // one it is queueing now, built from the contact as it was, is waited for and deleted too; it
  // skips the organization while this erasure holds the cursor, and reads the erased rows after.
  await db`SELECT 1 FROM webhook_cursors WHERE org_id = ${orgId} FOR UPDATE`;
  const rows = await db`DELETE FROM webhook_deliveries
    WHERE org_id = ${orgId}
      AND (conversation_id = ANY(${conversationIds}::uuid[]) OR (${contactId}::text IS NOT NULL AND strpos(payload::text, ${contactId}::text) > 0))
    RETURNING id`;
  return rows.length;
}
