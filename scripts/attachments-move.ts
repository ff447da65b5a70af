/**
 * `npm run attachments:move -- --to pg|s3|disk [--from disk|pg|s3] [--delete-source] [--concurrency N]`
 *
 * Copies every stored attachment (the keys in the attachments table) from the store where they
 * are now (--from, default ATTACHMENT_STORAGE as the server reads it) to another, checking each
 * copy's SHA-256 against the one recorded at upload. Keys are opaque and stay the same: once it
 * reports no failures, set ATTACHMENT_STORAGE to the new store and restart. Idempotent and
 * resumable: an object already in the target with the recorded size and hash is skipped, and
 * every copy is atomic, so a run stopped midway is finished by running it again. The source is
 * left as it is unless --delete-source (each file removed only once its copy is verified).
 */
import { createHash } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { migrate } from '../db/migrate.ts';
import { createSql, type Sql } from '../db/sql.ts';
import { EnvError, parseEnv, type Env } from '../server/env.ts';
import { type AttachmentStorage, NotFoundError, type StorageKind } from '../server/services/storage.ts';
import { createAttachmentStorage } from '../server/services/storage-select.ts';

export interface MoveSummary {
  /** Attachment rows looked at. */
  total: number;
  copied: number;
  copiedBytes: number;
  /** Already in the target with the recorded size and hash. */
  alreadyThere: number;
  /** Neither in the source nor in the target: the row's file is lost. */
  missing: number;
  /** Could not be read or written, or the copy's hash was not the recorded one (the copy is removed). */
  failed: number;
  deletedFromSource: number;
}

interface Row {
  id: string;
  storageKey: string;
  sizeBytes: number;
  sha256: string;
}

async function hashOf(storage: AttachmentStorage, key: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of await storage.get(key)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Whether `key` is in `storage` with the recorded size and hash (read and hashed where the store keeps no hash). */
async function holds(storage: AttachmentStorage, row: Row): Promise<boolean> {
  const stat = await storage.stat(row.storageKey);
  if (!stat || stat.sizeBytes !== row.sizeBytes) return false;
  if (stat.sha256) return stat.sha256 === row.sha256;
  return (await hashOf(storage, row.storageKey)) === row.sha256;
}

/** Keys in pages by key order: no long transaction, and a rerun walks the same order. */
async function* attachmentRows(sql: Sql, pageSize = 200): AsyncGenerator<Row> {
  let after = '';
  for (;;) {
    const rows = await sql`SELECT DISTINCT ON (storage_key) id, storage_key, size_bytes, sha256 FROM attachments
      WHERE storage_key > ${after} ORDER BY storage_key, created_at LIMIT ${pageSize}`;
    for (const r of rows)
      yield { id: r.id as string, storageKey: r.storage_key as string, sizeBytes: Number(r.size_bytes), sha256: r.sha256 as string };
    if (rows.length < pageSize) return;
    after = rows[rows.length - 1]!.storage_key as string;
  }
}

export async function moveAttachments(options: {
  sql: Sql;
  from: AttachmentStorage;
  to: AttachmentStorage;
  deleteSource?: boolean;
  concurrency?: number;
  log?: (line: string) => void;
  /** Called after each key, outside its error handling (tests stop a run here, as a crash would). */
  afterEach?: (key: string, outcome: keyof MoveSummary) => void | Promise<void>;
}): Promise<MoveSummary> {
  const { sql, from, to } = options;
  const log = options.log ?? (() => {});
  const summary: MoveSummary = { total: 0, copied: 0, copiedBytes: 0, alreadyThere: 0, missing: 0, failed: 0, deletedFromSource: 0 };

  const removeSource = async (row: Row) => {
    if (!options.deleteSource) return;
    await from.delete(row.storageKey);
    summary.deletedFromSource++;
  };

  const moveOne = async (row: Row): Promise<keyof MoveSummary> => {
    try {
      if (await holds(to, row)) {
        await removeSource(row);
        return 'alreadyThere';
      }
      let body: AsyncIterable<Buffer>;
      try {
        body = await from.get(row.storageKey);
      } catch (err) {
        if (err instanceof NotFoundError) {
          log(`missing: ${row.storageKey} (attachment ${row.id}) is in neither store`);
          return 'missing';
        }
        throw err;
      }
      const copy = await to.put(row.storageKey, body, Number.MAX_SAFE_INTEGER);
      if (copy.sha256 !== row.sha256 || copy.sizeBytes !== row.sizeBytes) {
        await to.delete(row.storageKey);
        log(
          `failed: ${row.storageKey} (attachment ${row.id}) read ${copy.sizeBytes} bytes with another SHA-256 than recorded; copy removed`,
        );
        return 'failed';
      }
      summary.copiedBytes += copy.sizeBytes;
      await removeSource(row);
      return 'copied';
    } catch (err) {
      log(`failed: ${row.storageKey} (attachment ${row.id}): ${err instanceof Error ? err.message : String(err)}`);
      return 'failed';
    }
  };

  const rows = attachmentRows(sql);
  const worker = async () => {
    for (;;) {
      const next = await rows.next();
      if (next.done) return;
      summary.total++;
      const outcome = await moveOne(next.value);
      (summary[outcome] as number)++;
      await options.afterEach?.(next.value.storageKey, outcome);
    }
  };
  // The workers share one generator (an async generator queues their next() calls): each row is taken once.
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 4) }, worker));
  return summary;
}

export function summaryLines(s: MoveSummary, from: StorageKind, to: StorageKind): string[] {
  const mb = (s.copiedBytes / 1024 / 1024).toFixed(1);
  return [
    `Attachments ${from} → ${to}: ${s.total} looked at.`,
    `  copied and verified:   ${s.copied} (${mb} MB)`,
    `  already there:         ${s.alreadyThere}`,
    `  missing in both:       ${s.missing}`,
    `  failed:                ${s.failed}`,
    ...(s.deletedFromSource ? [`  removed from ${from}:  ${s.deletedFromSource}`] : []),
    s.failed > 0
      ? 'Some files did not move: see the lines above, fix the cause and run this again (it skips what is done).'
      : `Done. Set ATTACHMENT_STORAGE=${to} (and its settings) and restart every process; nothing else changes.`,
  ];
}

const KINDS = ['disk', 'pg', 's3'] as const;

function parseArgs(argv: string[]): { from?: StorageKind; to: StorageKind; deleteSource: boolean; concurrency: number } {
  const value = (name: string) => {
    const i = argv.indexOf(name);
    if (i >= 0) return argv[i + 1];
    return argv.find((a) => a.startsWith(`${name}=`))?.slice(name.length + 1);
  };
  const kind = (v: string | undefined, name: string) => {
    if (v === undefined) return undefined;
    if (!(KINDS as readonly string[]).includes(v)) throw new EnvError(`${name} must be one of ${KINDS.join(', ')}.`);
    return v as StorageKind;
  };
  const to = kind(value('--to'), '--to');
  if (!to) throw new EnvError('Usage: npm run attachments:move -- --to pg|s3|disk [--from disk|pg|s3] [--delete-source] [--concurrency N]');
  const concurrency = Number(value('--concurrency') ?? 4);
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new EnvError('--concurrency must be a whole number from 1.');
  return { from: kind(value('--from'), '--from'), to, deleteSource: argv.includes('--delete-source'), concurrency };
}

/** The database: DATABASE_URL, or the embedded one (the running server's, or started here for the run). */
async function connect(env: Env): Promise<{ url: string; stop(): Promise<void> }> {
  if (env.DATABASE_URL) return { url: env.DATABASE_URL, stop: async () => {} };
  const { embeddedDatabaseUrl, startEmbeddedDatabase } = await import('../db/embedded.ts');
  const running = embeddedDatabaseUrl(env.ATENDE_PG_PORT);
  const probe = createSql(running, { max: 1 });
  try {
    await probe`SELECT 1`;
    return { url: running, stop: async () => {} };
  } catch {
    const started = await startEmbeddedDatabase({ dataDir: env.ATENDE_DATA_DIR, port: env.ATENDE_PG_PORT, log: () => {} });
    return { url: started.url, stop: () => started.stop() };
  } finally {
    await probe.end({ timeout: 1 });
  }
}

async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  const env = parseEnv();
  const fromKind = args.from ?? env.ATTACHMENT_STORAGE;
  if (fromKind === args.to) {
    throw new EnvError(
      `--from and --to are both ${args.to} (--from defaults to ATTACHMENT_STORAGE, which is pg whenever DATABASE_URL is set). ` +
        'For files a process kept in its data folder before shared storage: --from disk, on each machine that has some.',
    );
  }
  const db = await connect(env);
  const sql = createSql(db.url, { max: args.concurrency + 2 });
  const stores: AttachmentStorage[] = [];
  try {
    await migrate(db.url);
    const from = await createAttachmentStorage(fromKind, env, sql);
    const to = await createAttachmentStorage(args.to, env, sql);
    stores.push(from, to);
    const summary = await moveAttachments({
      sql,
      from,
      to,
      deleteSource: args.deleteSource,
      concurrency: args.concurrency,
      log: (line) => console.log(line),
    });
    for (const line of summaryLines(summary, fromKind, args.to)) console.log(line);
    return summary.failed > 0 || summary.missing > 0 ? 1 : 0;
  } finally {
    for (const s of stores) await s.close?.();
    await sql.end({ timeout: 5 });
    await db.stop();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(err instanceof EnvError ? err.message : err);
      process.exit(err instanceof EnvError ? 2 : 1);
    },
  );
}
