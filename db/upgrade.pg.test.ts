import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runner } from 'node-pg-migrate';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import * as Y from 'yjs';
import { addNoteEntry, noteEntries } from '../sync/shared/schemas.ts';
import { withDatabase } from '../test/global-setup.ts';
import { migrate } from './migrate.ts';

/**
 * The upgrade path: a database made by the previous release's migrations (vendored verbatim
 * in test/fixtures/release-2c71a6b/, see its README) and holding a realistic floor migrates to
 * this release's schema with every row and value intact, and migrating again changes nothing.
 */
const FIXTURE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../test/fixtures/release-2c71a6b');
/** db/migrate.ts's MIGRATION_SETS at that release, in its order. */
const RELEASE_SETS = ['foundation', 'conversations', 'channels', 'sync', 'floor'];
/**
 * Columns this release adds to the release's tables and fills from existing data instead of
 * a default, as `table.column` → why. The test checks every other new column holds its default.
 */
const BACKFILLED: Record<string, string> = {
  // Reports (issue 15): the first wait and claim, the state a closed conversation left, missed
  // service levels and transfers are read off the columns and the audit log.
  'conversations.first_queued_at': 'queued_at of the existing rows',
  'conversations.first_claimed_at': 'claimed_at of the existing rows',
  'conversations.closed_from': 'guessed from close_reason, served_by and queued_at',
  'conversations.sla_breaches': 'sla_breached_at of the existing rows',
  'conversations.transfers': 'conversation_transferred rows of the audit log',
};

const NOTES_DOC = 'notes:50000000-0000-4000-8000-000000000001';
const ORG = '10000000-0000-4000-8000-000000000001';

let name: string;
let url: string;
let sql: postgres.Sql;

async function migrateLikeTheRelease(databaseUrl: string): Promise<void> {
  for (const set of RELEASE_SETS) {
    await runner({
      databaseUrl,
      dir: path.join(FIXTURE, 'migrations', set),
      migrationsTable: `migrations_${set}`,
      direction: 'up',
      count: Infinity,
      checkOrder: true,
      singleTransaction: true,
      log: () => {},
    });
  }
}

/** A notes document as the release's sync server stored it: two real Yjs updates. */
function notesUpdates(): Uint8Array[] {
  const doc = new Y.Doc();
  doc.clientID = 1234567;
  const updates: Uint8Array[] = [];
  doc.on('update', (u: Uint8Array) => updates.push(u));
  addNoteEntry(doc, '20000000-0000-4000-8000-000000000002', 'Cliente prefere contato à tarde.', { id: 'entry-1', now: 1_762_000_000_000 });
  addNoteEntry(doc, '20000000-0000-4000-8000-000000000001', 'Pedido 4471 reenviado.', { id: 'entry-2', now: 1_762_000_100_000 });
  return updates;
}

type Columns = Record<string, string[]>;

async function columnsOf(db: postgres.Sql, withMigrationTables = false): Promise<Columns> {
  const rows = await db`
    SELECT c.table_name AS t, c.column_name AS c FROM information_schema.columns c
    JOIN pg_tables p ON p.schemaname = c.table_schema AND p.tablename = c.table_name
    WHERE c.table_schema = 'public' ORDER BY c.table_name, c.ordinal_position`;
  const out: Columns = {};
  for (const { t, c } of rows) {
    if (!withMigrationTables && (t as string).startsWith('migrations_')) continue;
    out[t as string] = [...(out[t as string] ?? []), c as string];
  }
  return out;
}

/** Every row of each table, limited to `columns`, as sorted JSON (to_jsonb: exact values). */
async function rowsOf(db: postgres.Sql, columns: Columns): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const [table, cols] of Object.entries(columns)) {
    const rows = await db`SELECT to_jsonb(t) AS r FROM ${db(table)} t`;
    out[table] = rows.map(({ r }) => JSON.stringify(Object.fromEntries(cols.map((c) => [c, (r as Record<string, unknown>)[c]])))).sort();
  }
  return out;
}

beforeAll(async () => {
  const adminUrl = inject('pgAdminUrl');
  name = `upgrade_${randomBytes(6).toString('hex')}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE DATABASE ${name} TEMPLATE template0`);
  await admin.end();
  url = withDatabase(adminUrl, name);
  sql = postgres(url, { max: 1, onnotice: () => {} });
});

afterAll(async () => {
  await sql?.end({ timeout: 5 });
  const admin = postgres(inject('pgAdminUrl'), { max: 1, onnotice: () => {} });
  await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.end();
});

describe('upgrade from release 2c71a6b', () => {
  it("a database made by the previous release's migrations migrates to this one with data intact", async () => {
    await migrateLikeTheRelease(url);
    await sql.unsafe(fs.readFileSync(path.join(FIXTURE, 'dataset.sql'), 'utf8'));
    for (const [i, update] of notesUpdates().entries()) {
      await sql`INSERT INTO doc_updates (org_id, doc_name, kind, data, user_id, created_at)
        VALUES (${ORG}, ${NOTES_DOC}, ${i === 0 ? 'snapshot' : 'update'}, ${Buffer.from(update)},
          '20000000-0000-4000-8000-000000000002', ${`2026-11-01 10:1${i}:00+00`})`;
    }
    const releaseColumns = await columnsOf(sql);
    const before = await rowsOf(sql, releaseColumns);
    // The dataset touches the floor as a whole, not a corner of it.
    for (const table of [
      'organizations',
      'users',
      'teams',
      'contacts',
      'channels',
      'conversations',
      'messages',
      'doc_updates',
      'audit_log',
      'attachments',
    ]) {
      expect(before[table]!.length, table).toBeGreaterThan(0);
    }
    const states = await sql`SELECT DISTINCT status FROM conversations ORDER BY status`;
    expect(states.map((s) => s.status)).toEqual(['active', 'bot', 'closed', 'waiting']);

    await migrate(url);

    // Every table of the release is still there, with every row and value as it was.
    const currentColumns = await columnsOf(sql);
    for (const [table, cols] of Object.entries(releaseColumns)) {
      expect(currentColumns[table], `table ${table}`).toBeDefined();
      for (const c of cols) expect(currentColumns[table], `column ${table}.${c}`).toContain(c);
    }
    expect(await rowsOf(sql, releaseColumns)).toEqual(before);

    // Columns this release added to existing tables hold their defaults on existing rows.
    for (const [table, cols] of Object.entries(currentColumns)) {
      if (!releaseColumns[table]) continue;
      for (const column of cols.filter((c) => !releaseColumns[table]!.includes(c))) {
        if (BACKFILLED[`${table}.${column}`]) continue;
        const [info] = await sql`SELECT column_default AS d, is_identity = 'YES' AS identity FROM information_schema.columns
          WHERE table_schema = 'public' AND table_name = ${table} AND column_name = ${column}`;
        const expr = (info!.d as string | null) ?? 'NULL';
        // An identity column numbers existing rows as it is added, as a sequence default would.
        if (info!.identity || /now\(\)|nextval\(|gen_random_uuid|clock_timestamp|random\(\)/i.test(expr)) {
          const [n] = await sql`SELECT count(*)::int AS n FROM ${sql(table)} WHERE ${sql(column)} IS NULL`;
          expect(n!.n, `${table}.${column} (default ${expr})`).toBe(0);
        } else {
          const [n] = await sql.unsafe(`SELECT count(*)::int AS n FROM "${table}" WHERE "${column}" IS DISTINCT FROM (${expr})`);
          expect(n!.n, `${table}.${column} holds its default ${expr}`).toBe(0);
        }
      }
    }

    // The notes document still reads as the release wrote it.
    const doc = new Y.Doc();
    for (const { data } of await sql`SELECT data FROM doc_updates WHERE doc_name = ${NOTES_DOC} ORDER BY id`) {
      Y.applyUpdate(doc, new Uint8Array(data as Buffer));
    }
    expect(noteEntries(doc).map((e) => (e.get('body') as Y.Text).toString())).toEqual([
      'Cliente prefere contato à tarde.',
      'Pedido 4471 reenviado.',
    ]);
  });

  it('migrating again changes nothing', async () => {
    const columns = await columnsOf(sql, true);
    const before = await rowsOf(sql, columns);
    await migrate(url);
    expect(await columnsOf(sql, true)).toEqual(columns);
    expect(await rowsOf(sql, columns)).toEqual(before);
  });
});
