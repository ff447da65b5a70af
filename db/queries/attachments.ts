import type { Db } from '../sql.ts';

export interface Attachment {
  id: string;
  orgId: string;
  uploadedBy: string | null;
  purpose: string;
  filename: string;
  contentType: string;
  sizeBytes: number;
  storageKey: string;
  sha256: string;
  createdAt: Date;
}

function toAttachment(r: Record<string, unknown>): Attachment {
  return {
    id: r.id as string,
    orgId: r.org_id as string,
    uploadedBy: (r.uploaded_by as string | null) ?? null,
    purpose: r.purpose as string,
    filename: r.filename as string,
    contentType: r.content_type as string,
    sizeBytes: Number(r.size_bytes),
    storageKey: r.storage_key as string,
    sha256: r.sha256 as string,
    createdAt: r.created_at as Date,
  };
}

export async function insertAttachment(db: Db, a: Omit<Attachment, 'createdAt'>): Promise<Attachment> {
  const rows = await db`INSERT INTO attachments (org_id, id, uploaded_by, purpose, filename, content_type, size_bytes, storage_key, sha256)
    VALUES (${a.orgId}, ${a.id}, ${a.uploadedBy}, ${a.purpose}, ${a.filename}, ${a.contentType}, ${a.sizeBytes}, ${a.storageKey}, ${a.sha256})
    RETURNING id, org_id, uploaded_by, purpose, filename, content_type, size_bytes, storage_key, sha256, created_at`;
  return toAttachment(rows[0]!);
}

/** Looks an attachment up inside one organization only. */
export async function getAttachment(db: Db, orgId: string, id: string): Promise<Attachment | null> {
  const rows = await db`SELECT id, org_id, uploaded_by, purpose, filename, content_type, size_bytes, storage_key, sha256, created_at
    FROM attachments WHERE org_id = ${orgId} AND id = ${id}`;
  return rows[0] ? toAttachment(rows[0]) : null;
}
