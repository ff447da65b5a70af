import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { extract, list } from 'tar';
import {
  BACKUP_FORMAT,
  BACKUP_FORMAT_VERSION,
  BackupError,
  type BackupManifest,
  folderStamp,
  hashFile,
  listFiles,
  livePostmaster,
  portAnswers,
} from './backup-files.ts';
import { EMBEDDED_PG_MAJOR, startEmbeddedDatabase } from './embedded.ts';
import { MIGRATION_SETS } from './migrate.ts';

export interface RestoreOptions {
  file: string;
  /** ATENDE_DATA_DIR: the cluster goes to `<dataDir>/pg`. */
  dataDir: string;
  /** ATENDE_PG_PORT: the restored cluster is started there once, to replay its WAL and check it. */
  port: number;
  /** The disk store's folder (ATTACHMENT_DIR or `<dataDir>/attachments`). */
  attachmentsDir: string;
  log: (msg: string) => void;
}

export interface RestoreResult {
  manifest: BackupManifest;
  /** Rows per table of the restored `atende` database (public schema). */
  tables: Record<string, number>;
  /** The folders the restore moved aside (kept; delete them once you are satisfied). */
  setAside: string[];
}

/** Reads manifest.json from an archive without extracting anything. */
export async function readManifest(file: string): Promise<BackupManifest> {
  const chunks: Buffer[] = [];
  let found = false;
  try {
    await list({
      file,
      onReadEntry: (entry) => {
        if (entry.path !== 'manifest.json') return;
        found = true;
        entry.on('data', (c: Buffer) => chunks.push(c));
      },
    });
  } catch (err) {
    throw new BackupError(`${file} cannot be read as an Atende backup (${(err as Error).message}).`);
  }
  if (!found) throw new BackupError(`${file} is not an Atende backup: it has no manifest.json.`);
  let manifest: BackupManifest;
  try {
    manifest = JSON.parse(Buffer.concat(chunks).toString('utf8')) as BackupManifest;
  } catch {
    throw new BackupError(`${file} has an unreadable manifest.json.`);
  }
  if (manifest.format !== BACKUP_FORMAT) throw new BackupError(`${file} is not an Atende backup (its manifest says "${manifest.format}").`);
  return manifest;
}

const migrationsRoot = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

/** Refusals that must come before anything on disk is touched. */
function checkManifest(file: string, manifest: BackupManifest): void {
  if (manifest.formatVersion > BACKUP_FORMAT_VERSION) {
    throw new BackupError(
      `${file} was written in backup format ${manifest.formatVersion}, newer than this Atende reads (${BACKUP_FORMAT_VERSION}). Restore it with the Atende that made it, or a newer one.`,
    );
  }
  if (manifest.postgres.major !== EMBEDDED_PG_MAJOR) {
    throw new BackupError(
      `${file} holds a PostgreSQL ${manifest.postgres.major} database (${manifest.postgres.version}), but this Atende embeds PostgreSQL ${EMBEDDED_PG_MAJOR}; ` +
        `a physical backup opens only with the same major version. Restore it with an Atende release that embeds PostgreSQL ${manifest.postgres.major}, ` +
        'then move the data with pg_dump/pg_restore (see docs/operations.md).',
    );
  }
  for (const [set, last] of Object.entries(manifest.migrations)) {
    if (last === null) continue;
    const known =
      (MIGRATION_SETS as readonly string[]).includes(set) &&
      fs.readdirSync(path.join(migrationsRoot, set)).some((f) => f.replace(/\.[^.]+$/, '') === last);
    if (!known) {
      throw new BackupError(
        `${file} was made by a newer Atende (its database has migration ${set}/${last}, which this release does not know). Restore it with that release or a newer one.`,
      );
    }
  }
}

async function checkFiles(staging: string, manifest: BackupManifest): Promise<void> {
  const expected = new Map(manifest.files.map((f) => [f.path, f]));
  const present = (await listFiles(staging)).filter((p) => p !== 'manifest.json');
  for (const p of present)
    if (!expected.has(p)) throw new BackupError(`The backup holds ${p}, which its manifest does not list: it was altered.`);
  if (present.length !== expected.size) throw new BackupError('The backup lacks files its manifest lists: it is incomplete.');
  for (const f of manifest.files) {
    const actual = await hashFile(path.join(staging, f.path));
    if (actual.sha256 !== f.sha256 || actual.size !== f.size)
      throw new BackupError(`${f.path} in the backup does not match its manifest: the archive is damaged.`);
  }
}

/** As root the embedded cluster runs as the OS user "postgres", who must own its folder. */
function chownToPostgres(dir: string): void {
  if (process.getuid?.() !== 0) return;
  let uid: number;
  let gid: number;
  try {
    uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
  } catch {
    return; // no such user yet: the start that follows says so clearly
  }
  const walk = (p: string) => {
    fs.lchownSync(p, uid, gid);
    if (fs.lstatSync(p).isDirectory()) for (const name of fs.readdirSync(p)) walk(path.join(p, name));
  };
  walk(dir);
}

/** rename, or copy and remove when `to` is on another file system (ATTACHMENT_DIR may be). */
async function relocate(from: string, to: string): Promise<void> {
  try {
    await fs.promises.rename(from, to);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
    await fs.promises.cp(from, to, { recursive: true, preserveTimestamps: true, errorOnExist: true, force: false });
    await fs.promises.rm(from, { recursive: true, force: true });
  }
}

async function countRows(url: string): Promise<Record<string, number>> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const tables = await sql`
      SELECT table_name AS name FROM information_schema.tables
      WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`;
    const counts: Record<string, number> = {};
    for (const { name } of tables) {
      const [row] = await sql`SELECT count(*)::int AS n FROM ${sql(name as string)}`;
      counts[name as string] = row!.n as number;
    }
    return counts;
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/**
 * Puts a backup from `createBackup` in place of the embedded cluster (and the disk store's
 * attachments), keeping the current folders aside, then starts the cluster once: PostgreSQL
 * replays the WAL from backup_label (crash recovery) and we check that every table reads.
 * Refused while the cluster runs, and before touching anything when the archive does not fit.
 */
export async function restoreBackup(options: RestoreOptions): Promise<RestoreResult> {
  const { log } = options;
  const file = path.resolve(options.file);
  const dataDir = path.resolve(options.dataDir);
  const pgDir = path.join(dataDir, 'pg');
  const attachmentsDir = path.resolve(options.attachmentsDir);
  const running = livePostmaster(pgDir);
  if (running) {
    throw new BackupError(
      `The embedded PostgreSQL is running (pid ${running.pid}, port ${running.port}): stop Atende first, then restore.`,
    );
  }
  if (await portAnswers(options.port)) {
    throw new BackupError(`Something answers on port ${options.port} (ATENDE_PG_PORT; a running Atende?): stop it first, then restore.`);
  }
  if (!fs.existsSync(file)) throw new BackupError(`${file} does not exist.`);
  const manifest = await readManifest(file);
  checkManifest(file, manifest);

  const stamp = folderStamp();
  fs.mkdirSync(dataDir, { recursive: true });
  const staging = path.join(dataDir, `.restore-${stamp}`);
  await fs.promises.mkdir(staging, { mode: 0o700 });
  const setAside: string[] = [];
  const moves: Array<{ from: string; to: string }> = [];
  const move = async (from: string, to: string) => {
    await relocate(from, to);
    moves.push({ from, to });
  };
  try {
    log(`Extracting ${file}…`);
    await extract({ file, cwd: staging, preserveOwner: false, strict: true });
    await checkFiles(staging, manifest);
    // The archive's empty folders (pg_wal/archive_status, pg_notify…) matter as much as its files.
    await fs.promises.chmod(path.join(staging, 'pg'), 0o700);
    chownToPostgres(path.join(staging, 'pg'));

    if (fs.existsSync(pgDir)) {
      const aside = `${pgDir}.before-restore-${stamp}`;
      await move(pgDir, aside);
      setAside.push(aside);
    }
    await move(path.join(staging, 'pg'), pgDir);
    if (manifest.attachments === 'disk') {
      if (fs.existsSync(attachmentsDir)) {
        const aside = `${attachmentsDir}.before-restore-${stamp}`;
        await move(attachmentsDir, aside);
        setAside.push(aside);
      }
      await fs.promises.mkdir(path.dirname(attachmentsDir), { recursive: true });
      await move(path.join(staging, 'attachments'), attachmentsDir);
    }

    log('Starting the restored database once (it replays the WAL the backup holds)…');
    const db = await startEmbeddedDatabase({ dataDir, port: options.port, log });
    let tables: Record<string, number>;
    try {
      tables = await countRows(db.url);
    } finally {
      await db.stop();
    }
    log(`Restored: ${Object.keys(tables).length} tables, ${Object.values(tables).reduce((a, b) => a + b, 0)} rows.`);
    return { manifest, tables, setAside };
  } catch (err) {
    // Put everything back as it was, newest move first.
    for (const { from, to } of moves.reverse()) await relocate(to, from).catch(() => {});
    if (err instanceof BackupError) throw err;
    throw new BackupError(`The restore did not complete, and the previous folders are back in place: ${(err as Error).message}`);
  } finally {
    await fs.promises.rm(staging, { recursive: true, force: true });
  }
}
