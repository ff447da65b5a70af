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

/**
 * Deletes up to `limit` attachments older than `olderThanHours` that nothing uses: no
 * message, no user's photo, no canned response (webchat_uploads rows go with them, ON DELETE
 * CASCADE: recording who uploaded a file is not a use). Returns what was deleted, so the
 * caller removes the stored files after the rows are gone.
 *
 * Safe with several processes: rows are taken FOR UPDATE SKIP LOCKED, so two sweeps never
 * take the same row, and a row a concurrent transaction is attaching (messages' and users'
 * foreign keys hold a KEY SHARE lock on it) is skipped; if such a transaction commits
 * between this statement's snapshot and its lock, the foreign key check refuses the whole
 * DELETE and nothing is deleted (the next sweep sees the use).
 */
export async function deleteUnattachedAttachments(
  db: Db,
  olderThanHours: number,
  limit: number,
): Promise<{ orgId: string; id: string; storageKey: string }[]> {
  const rows = await db`
    WITH doomed AS (
      SELECT a.id FROM attachments a
      WHERE a.created_at < now() - make_interval(secs => ${olderThanHours * 3600})
        AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.org_id = a.org_id AND m.attachment_id = a.id)
        AND NOT EXISTS (SELECT 1 FROM users u WHERE u.org_id = a.org_id AND u.photo_attachment_id = a.id)
        AND NOT EXISTS (SELECT 1 FROM canned_responses c WHERE c.org_id = a.org_id AND a.id = ANY (c.attachment_ids))
      LIMIT ${limit}
      FOR UPDATE OF a SKIP LOCKED
    )
    DELETE FROM attachments a USING doomed d WHERE a.id = d.id
    RETURNING a.org_id, a.id, a.storage_key`;
  return rows.map((r) => ({ orgId: r.org_id as string, id: r.id as string, storageKey: r.storage_key as string }));
}

// Per-channel daily upload quota of the web chat (UTC days).

/** Bytes visitors stored in this channel today. */
export async function channelUploadBytesToday(db: Db, orgId: string, channelId: string): Promise<number> {
  const rows = await db`SELECT bytes FROM webchat_upload_usage
    WHERE org_id = ${orgId} AND channel_id = ${channelId} AND day = (now() AT TIME ZONE 'UTC')::date`;
  return rows[0] ? Number(rows[0].bytes) : 0;
}

/**
 * Counts `bytes` toward today's usage of the channel if the total stays within `quota`;
 * false (nothing counted) otherwise. One statement, so concurrent uploads cannot both pass.
 */
export async function countChannelUpload(db: Db, orgId: string, channelId: string, bytes: number, quota: number): Promise<boolean> {
  const rows = await db`
    INSERT INTO webchat_upload_usage AS u (org_id, channel_id, day, bytes)
    SELECT ${orgId}, ${channelId}, (now() AT TIME ZONE 'UTC')::date, ${bytes}
    WHERE ${bytes}::bigint <= ${quota}::bigint
    ON CONFLICT (org_id, channel_id, day) DO UPDATE SET bytes = u.bytes + excluded.bytes
      WHERE u.bytes + excluded.bytes <= ${quota}::bigint
    RETURNING u.bytes`;
  return rows.length > 0;
}

/** Usage rows of past days are no longer read. */
export async function pruneUploadUsage(db: Db): Promise<void> {
  await db`DELETE FROM webchat_upload_usage WHERE day < (now() AT TIME ZONE 'UTC')::date - 2`;
}
