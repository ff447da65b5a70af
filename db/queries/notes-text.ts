import type { Db } from '../sql.ts';

/**
 * Keeps the plain text of a contact's notes for search (table contact_notes_text). `sourceId`:
 * the highest doc_updates id the text was made from; an older state never replaces a newer one
 * (two processes refreshing the same notes may finish in either order).
 */
export async function storeNotesText(db: Db, orgId: string, contactId: string, body: string, sourceId: string): Promise<void> {
  await db`INSERT INTO contact_notes_text (org_id, contact_id, body, source_id)
    SELECT ${orgId}, ${contactId}, ${body}, ${sourceId}
    WHERE EXISTS (SELECT 1 FROM contacts WHERE org_id = ${orgId} AND id = ${contactId})
    ON CONFLICT (org_id, contact_id) DO UPDATE SET body = excluded.body, source_id = excluded.source_id, updated_at = now()
      WHERE contact_notes_text.source_id <= excluded.source_id AND contact_notes_text.body IS DISTINCT FROM excluded.body`;
}

/**
 * Contacts whose notes are stored but have no text for search yet (notes written before search
 * existed). Across organizations on purpose: a start-up job of the server, not a request.
 */
export async function notesWithoutText(db: Db, limit: number): Promise<{ orgId: string; contactId: string }[]> {
  const rows = await db`SELECT DISTINCT d.org_id, c.id AS contact_id
    FROM doc_updates d
    JOIN contacts c ON c.org_id = d.org_id AND 'notes:' || c.id::text = d.doc_name
    WHERE d.doc_name LIKE 'notes:%'
      AND NOT EXISTS (SELECT 1 FROM contact_notes_text n WHERE n.org_id = c.org_id AND n.contact_id = c.id)
    LIMIT ${limit}`;
  return rows.map((r) => ({ orgId: r.org_id as string, contactId: r.contact_id as string }));
}
