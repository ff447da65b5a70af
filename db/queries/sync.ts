import type { Sql } from '../sql.ts';
import { runTx } from '../sql.ts';

export interface StoredDoc {
  updates: Uint8Array[];
  lastId: string | null;
  /** The rows' ids, in order (compaction replaces exactly these). */
  ids: string[];
  rows: number;
}

export async function loadDocUpdates(sql: Sql, orgId: string, docName: string): Promise<StoredDoc> {
  const rows = await sql`SELECT id::text, data FROM doc_updates WHERE org_id = ${orgId} AND doc_name = ${docName} ORDER BY doc_updates.id`;
  return {
    updates: rows.map((r) => new Uint8Array(r.data as Buffer)),
    lastId: (rows.at(-1)?.id as string | undefined) ?? null,
    ids: rows.map((r) => r.id as string),
    rows: rows.length,
  };
}

/** Group commit: every update that arrived together goes into one INSERT. */
export async function appendDocUpdates(
  sql: Sql,
  rows: { orgId: string; docName: string; data: Uint8Array; userId: string | null }[],
): Promise<void> {
  if (rows.length === 0) return;
  const values: unknown[] = [];
  const tuples = rows.map((r) => {
    values.push(r.orgId, r.docName, Buffer.from(r.data), r.userId);
    const n = values.length;
    return `($${n - 3}::uuid, $${n - 2}, $${n - 1}::bytea, $${n}::uuid)`;
  });
  // One statement, so one commit (one WAL flush) for the updates and their activity record.
  await sql.unsafe(
    `WITH stored AS (
       INSERT INTO doc_updates (org_id, doc_name, data, user_id) VALUES ${tuples.join(', ')} RETURNING org_id, doc_name, user_id)
     INSERT INTO doc_activity (org_id, doc_name, user_id, changes)
     SELECT org_id, doc_name, user_id, count(*) FROM stored GROUP BY 1, 2, 3`,
    values as never[],
  );
}

export async function loadClientBindings(sql: Sql, docName: string): Promise<Map<number, string>> {
  const rows = await sql`SELECT client_id, user_id FROM doc_client_bindings WHERE doc_name = ${docName}`;
  return new Map(rows.map((r) => [Number(r.client_id), r.user_id as string]));
}

/** Binds a Yjs client id to a user for good; returns whoever holds it (first writer wins). */
export async function bindClient(sql: Sql, orgId: string, docName: string, clientId: number, userId: string): Promise<string> {
  // DO UPDATE (a no-op) rather than DO NOTHING: it returns the row that won even when
  // another binding of the same id commits meanwhile, which a SELECT in the same statement
  // (an older snapshot) would not see.
  const rows = await sql`
    INSERT INTO doc_client_bindings (org_id, doc_name, client_id, user_id) VALUES (${orgId}, ${docName}, ${clientId}, ${userId})
    ON CONFLICT (doc_name, client_id) DO UPDATE SET user_id = doc_client_bindings.user_id
    RETURNING user_id`;
  return rows[0]!.user_id as string;
}

/**
 * bindClient for many (document, client id) pairs in one statement (the sync server gathers
 * the binds of one loop iteration); the pairs must be distinct. Returns each pair's holder,
 * keyed `${docName} ${clientId}`.
 */
export async function bindClients(
  sql: Sql,
  binds: { orgId: string; docName: string; clientId: number; userId: string }[],
): Promise<Map<string, string>> {
  if (binds.length === 0) return new Map();
  const rows = await sql`
    INSERT INTO doc_client_bindings (org_id, doc_name, client_id, user_id)
    SELECT * FROM unnest(${binds.map((b) => b.orgId)}::uuid[], ${binds.map((b) => b.docName)}::text[],
      ${binds.map((b) => b.clientId)}::bigint[], ${binds.map((b) => b.userId)}::uuid[])
    ON CONFLICT (doc_name, client_id) DO UPDATE SET user_id = doc_client_bindings.user_id
    RETURNING doc_name, client_id, user_id`;
  return new Map(rows.map((r) => [`${r.doc_name as string} ${Number(r.client_id)}`, r.user_id as string]));
}

/**
 * Replaces exactly the rows merged into the snapshot, by id: a row with a lower id that
 * committed after they were read (concurrent commits take ids out of commit order) stays.
 */
export async function compactDoc(sql: Sql, orgId: string, docName: string, mergedIds: string[], snapshot: Uint8Array): Promise<void> {
  await runTx(sql, async (tx) => {
    await tx`DELETE FROM doc_updates WHERE org_id = ${orgId} AND doc_name = ${docName} AND id = ANY(${mergedIds}::bigint[])`;
    await tx`INSERT INTO doc_updates (org_id, doc_name, kind, data) VALUES (${orgId}, ${docName}, 'snapshot', ${Buffer.from(snapshot)})`;
  });
}

/** Who changed a document, when: from the server's update log, not from the document. */
export async function docActivity(sql: Sql, orgId: string, docName: string, limit = 100) {
  const rows = await sql`SELECT a.user_id, x.name, date_trunc('minute', a.at) AS at, sum(a.changes)::int AS changes
    FROM doc_activity a LEFT JOIN users x ON x.org_id = a.org_id AND x.id = a.user_id
    WHERE a.org_id = ${orgId} AND a.doc_name = ${docName}
    GROUP BY a.user_id, x.name, date_trunc('minute', a.at) ORDER BY at DESC LIMIT ${limit}`;
  return rows.map((r) => ({
    userId: r.user_id as string | null,
    name: (r.name as string | null) ?? null,
    at: (r.at as Date).toISOString(),
    changes: r.changes as number,
  }));
}
